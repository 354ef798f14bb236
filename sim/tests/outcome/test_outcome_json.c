/*
 * JSON text (outcome/outcome_json.h): strings escaped as RFC 8259 says, invalid UTF-8
 * replaced, numbers only where the grammar allows, and a whole result's members.
 */
#include "outcome/outcome_json.h"
#include "tests/testhelp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *as_json(const char *s)
{
	char *text = NULL;
	size_t len;
	FILE *m = open_memstream(&text, &len);

	test_assert(m);
	xs_json_string(m, s);
	test_assert(fclose(m) == 0);
	return text;
}

static bool escapes_to(const char *s, const char *want)
{
	char *got = as_json(s);
	bool ok = strcmp(got, want) == 0;

	if (!ok)
		printf("    %s, want %s\n", got, want);
	free(got);
	return ok;
}

XS_TEST_SUITE(outcome_json_strings)
{
	test_cond("quote and backslash escaped", escapes_to("a\"b\\c", "\"a\\\"b\\\\c\""));
	test_cond("newline, tab and other controls escaped",
		  escapes_to("x\ny\tz\001\037\177", "\"x\\ny\\tz\\u0001\\u001f\\u007f\""));
	test_cond("valid UTF-8 kept",
		  escapes_to("\xc2\xb5s \xe2\x82\xac", "\"\xc2\xb5s \xe2\x82\xac\""));
	test_cond(
		"a stray continuation byte, a cut sequence, an overlong form: U+FFFD",
		escapes_to("\x80|\xe2\x82|\xc0\xaf", "\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\""));
	test_cond("a surrogate encoded in UTF-8: U+FFFD",
		  escapes_to("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""));
	test_cond("NULL as the empty string", escapes_to(NULL, "\"\""));
}

XS_TEST_SUITE(outcome_json_numbers)
{
	static const char *const good[] = {"0", "-0", "12", "-3.25", "1e9", "2.5E-3", "0.000"};
	static const char *const bad[] = {"",	 "-",	 "01", "1.",   ".5", "+1",   "inf",
					  "nan", "-inf", "1e", "0x10", "1 ", "1.2.3"};
	char *text = NULL;
	size_t len, i;
	FILE *m;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		test_cond(good[i], xs_json_is_number(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		test_cond("not a JSON number", !xs_json_is_number(bad[i]));
	m = open_memstream(&text, &len);
	test_assert(m);
	xs_json_real(m, INFINITY, 3);
	fputc(' ', m);
	xs_json_real(m, NAN, 3);
	fputc(' ', m);
	xs_json_real(m, 1.5, 2);
	test_assert(fclose(m) == 0);
	test_cond("reals: not finite is null", strcmp(text, "null null 1.50") == 0);
	free(text);
}
