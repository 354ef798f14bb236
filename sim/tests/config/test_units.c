/*
 * The one size, time and number parser (config/units.h): every option, the values at
 * and past each limit, and the -EINVAL / -ERANGE split the file kinds word their
 * messages from.
 */
#include "config/units.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

XS_TEST_SUITE(units_count)
{
	uint64_t v = 7;

	test_cond("count 0", xs_units_count("0", &v) == 0 && v == 0);
	test_cond("count 42", xs_units_count("42", &v) == 0 && v == 42);
	test_cond("count UINT64_MAX",
		  xs_units_count("18446744073709551615", &v) == 0 && v == UINT64_MAX);
	v = 7;
	test_cond("count UINT64_MAX + 1 is -ERANGE",
		  xs_units_count("18446744073709551616", &v) == -ERANGE && v == 7);
	test_cond("count '' is -EINVAL", xs_units_count("", &v) == -EINVAL);
	test_cond("count '1k' is -EINVAL", xs_units_count("1k", &v) == -EINVAL);
	test_cond("count '+1' is -EINVAL", xs_units_count("+1", &v) == -EINVAL);
	test_cond("count '-1' is -EINVAL", xs_units_count("-1", &v) == -EINVAL && v == 7);
}

XS_TEST_SUITE(units_size)
{
	uint64_t v = 7;

	test_cond("size 4096", xs_units_size("4096", 0, &v) == 0 && v == 4096);
	test_cond("size 4k", xs_units_size("4k", 0, &v) == 0 && v == 4096);
	test_cond("size 3M", xs_units_size("3M", 0, &v) == 0 && v == 3ULL << 20);
	test_cond("size 2g", xs_units_size("2g", 0, &v) == 0 && v == 2ULL << 30);
	test_cond("size 1t", xs_units_size("1t", 0, &v) == 0 && v == 1ULL << 40);
	v = 7;
	test_cond("size 1p refused without XS_UNITS_PETA",
		  xs_units_size("1p", 0, &v) == -EINVAL && v == 7);
	test_cond("size 1p with XS_UNITS_PETA",
		  xs_units_size("1P", XS_UNITS_PETA, &v) == 0 && v == 1ULL << 50);
	test_cond("size 'k' is -EINVAL", xs_units_size("k", 0, &v) == -EINVAL);
	test_cond("size '' is -EINVAL", xs_units_size("", 0, &v) == -EINVAL);
	test_cond("size '1kk' is -EINVAL", xs_units_size("1kk", 0, &v) == -EINVAL);
	test_cond("size '1.5k' is -EINVAL", xs_units_size("1.5k", 0, &v) == -EINVAL);
	test_cond("size 16777216t overflows", xs_units_size("16777216t", 0, &v) == -ERANGE);
	test_cond("size 16777215t fits",
		  xs_units_size("16777215t", 0, &v) == 0 && v == 16777215ULL << 40);
	test_cond("size of 31 characters with XS_UNITS_SHORT",
		  xs_units_size("0000000000000000000000000000001", XS_UNITS_SHORT, &v) == 0 &&
			  v == 1);
	test_cond("size of 32 characters is -ERANGE with XS_UNITS_SHORT",
		  xs_units_size("00000000000000000000000000000001", XS_UNITS_SHORT, &v) == -ERANGE);
	test_cond("size of 32 characters without XS_UNITS_SHORT",
		  xs_units_size("00000000000000000000000000000001", 0, &v) == 0 && v == 1);
}

XS_TEST_SUITE(units_rate)
{
	double x = 7;

	test_cond("rate 1.5k", xs_units_rate("1.5k", &x) == 0 && x == 1536);
	test_cond("rate 171000000", xs_units_rate("171000000", &x) == 0 && x == 171e6);
	test_cond("rate 1T", xs_units_rate("1T", &x) == 0 && x == 1099511627776.0);
	x = 7;
	test_cond("rate 1p is -EINVAL", xs_units_rate("1p", &x) == -EINVAL && x == 7);
	test_cond("rate .5 is -EINVAL (a leading digit)", xs_units_rate(".5", &x) == -EINVAL);
	test_cond("rate 1e999 is -EINVAL", xs_units_rate("1e999", &x) == -EINVAL);
	test_cond("rate 1kb is -EINVAL", xs_units_rate("1kb", &x) == -EINVAL);
}

XS_TEST_SUITE(units_decimal)
{
	double x = 7;
	char why[64];

	test_cond("decimal 0.25", xs_units_decimal("0.25", 0, &x) == 0 && x == 0.25);
	test_cond("decimal .5", xs_units_decimal(".5", 0, &x) == 0 && x == 0.5);
	test_cond("decimal 1e3", xs_units_decimal("1e3", 0, &x) == 0 && x == 1000);
	x = 7;
	test_cond("decimal 0x10 is -EINVAL", xs_units_decimal("0x10", 0, &x) == -EINVAL && x == 7);
	test_cond("decimal -1 is -EINVAL", xs_units_decimal("-1", 0, &x) == -EINVAL);
	test_cond("decimal inf is -EINVAL", xs_units_decimal("inf", 0, &x) == -EINVAL);
	test_cond("decimal 1e400 is -ERANGE", xs_units_decimal("1e400", 0, &x) == -ERANGE);
	test_cond("decimal 1e-400 is -ERANGE", xs_units_decimal("1e-400", 0, &x) == -ERANGE);
	test_cond("XS_UNITS_STRTOD: 0x3e8 is 1000",
		  xs_units_decimal("0x3e8", XS_UNITS_STRTOD, &x) == 0 && x == 1000);
	test_cond("XS_UNITS_STRTOD: .5 is -EINVAL",
		  xs_units_decimal(".5", XS_UNITS_STRTOD, &x) == -EINVAL);
	test_cond("XS_UNITS_STRTOD: 1e999 is -EINVAL",
		  xs_units_decimal("1e999", XS_UNITS_STRTOD, &x) == -EINVAL);
	test_cond("why: negative",
		  xs_units_decimal_why("-2", "CV", &x, why, sizeof(why)) == -EINVAL &&
			  strcmp(why, "negative CV '-2'") == 0);
	test_cond("why: bad", xs_units_decimal_why("x", "CV", &x, why, sizeof(why)) == -EINVAL &&
				      strcmp(why, "bad CV 'x'") == 0);
	test_cond("why: out of range",
		  xs_units_decimal_why("1e400", "CV", &x, why, sizeof(why)) == -EINVAL &&
			  strcmp(why, "CV '1e400' out of range") == 0);
}

XS_TEST_SUITE(units_time)
{
	const unsigned sweep = XS_UNITS_STRTOD | XS_UNITS_MINUTES;
	char why[96];
	double x = 7;

	test_cond("time 100ms is exactly 0.1",
		  xs_units_time("100ms", 0, &x, NULL, 0) == 0 && x == 0.1);
	test_cond("time 3us", xs_units_time("3us", 0, &x, NULL, 0) == 0 && x == 3e-6);
	test_cond("time bare 2", xs_units_time("2", 0, &x, NULL, 0) == 0 && x == 2);
	x = 7;
	test_cond("time 5m refused without XS_UNITS_MINUTES",
		  xs_units_time("5m", 0, &x, why, sizeof(why)) == -EINVAL && x == 7 &&
			  strcmp(why, "bad time '5m' (suffix ns, us, ms or s)") == 0);
	test_cond("time 5m with XS_UNITS_MINUTES",
		  xs_units_time("5m", XS_UNITS_MINUTES, &x, NULL, 0) == 0 && x == 300);
	test_cond("time 2h with XS_UNITS_MINUTES",
		  xs_units_time("2h", XS_UNITS_MINUTES, &x, NULL, 0) == 0 && x == 7200);
	test_cond("time -1s: negative", xs_units_time("-1s", 0, &x, why, sizeof(why)) == -EINVAL &&
						strcmp(why, "negative time '-1s'") == 0);
	test_cond("time 1e-400s: out of range",
		  xs_units_time("1e-400s", 0, &x, why, sizeof(why)) == -EINVAL &&
			  strcmp(why, "time '1e-400' out of range") == 0);
	test_cond("time 1e-320ns: out of range after the unit",
		  xs_units_time("1e-300ns", 0, &x, why, sizeof(why)) == -EINVAL &&
			  strcmp(why, "time '1e-300ns' out of range") == 0);
	test_cond("time 0x1s refused", xs_units_time("0x1s", 0, &x, NULL, 0) == -EINVAL);
	/* the sweep files' reading */
	test_cond("sweep time 10m", xs_units_time("10m", sweep, &x, NULL, 0) == 0 && x == 600);
	test_cond("sweep time 1.5h", xs_units_time("1.5h", sweep, &x, NULL, 0) == 0 && x == 5400);
	test_cond("sweep time 100ms multiplies by 1e-3",
		  xs_units_time("100ms", sweep, &x, NULL, 0) == 0 && x == 100 * 1e-3);
	test_cond("sweep time 0x10s (strtod)",
		  xs_units_time("0x10s", sweep, &x, NULL, 0) == 0 && x == 16);
	test_cond("sweep time 1e9 s", xs_units_time("1e9", sweep, &x, NULL, 0) == 0 && x == 1e9);
	test_cond("sweep time 2e9ns refused: the number is at most 1e9",
		  xs_units_time("2e9ns", sweep, &x, NULL, 0) == -EINVAL);
	test_cond("sweep time -1 refused", xs_units_time("-1", sweep, &x, NULL, 0) == -EINVAL);
	test_cond("sweep time 5d refused", xs_units_time("5d", sweep, &x, NULL, 0) == -EINVAL);
}

XS_TEST_SUITE(units_format)
{
	char buf[32];

	xs_units_size_format(4096, buf, sizeof(buf));
	test_cond("4096 -> 4k", strcmp(buf, "4k") == 0);
	xs_units_size_format(300ULL << 20, buf, sizeof(buf));
	test_cond("300 MiB -> 300m", strcmp(buf, "300m") == 0);
	xs_units_size_format(1000, buf, sizeof(buf));
	test_cond("1000 -> 1000", strcmp(buf, "1000") == 0);
	xs_units_size_format(0, buf, sizeof(buf));
	test_cond("0 -> 0", strcmp(buf, "0") == 0);
	xs_real_format(0.1, buf, sizeof(buf));
	test_cond("0.1 -> 0.1", strcmp(buf, "0.1") == 0);
	xs_real_format(3600, buf, sizeof(buf));
	test_cond("3600 -> 3600", strcmp(buf, "3600") == 0);
}
