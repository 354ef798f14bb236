/*
 * Runner of the micro-benchmarks (`make bench`): one call per benchmark, in order.
 */
#include "bench/bench.h"

int main(void)
{
	bench_iext();
	return 0;
}
