/*
 * What "no failure in N runs" is worth: the arithmetic behind a stated confidence,
 * for runs under PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, "A Randomized
 * Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010).
 *
 * PCT's bound. A bug has depth d when d ordering constraints between steps of
 * different actors suffice to make it happen. PCT gives the n actors distinct random
 * initial priorities, picks d - 1 change points uniformly among the k steps of a run,
 * and always runs the highest-priority actor that can run; at the i-th change point
 * the running actor drops to priority i (below every initial one). The run hits the
 * bug if (a) the actor whose step must come first has the highest initial priority,
 * probability 1/n, and (b) for each of the d - 1 other constraints the change point
 * falls on the one step that must precede it, probability 1/k each, independently.
 * Hence, for ANY bug of depth d, in every run:
 *
 *	p >= 1 / (n k^(d-1))
 *
 * The bound needs n and k only as upper bounds: fewer actors or steps only raise p.
 *
 * Missing it N times. Runs use independent random choices, so the probability that
 * all N miss a bug each run finds with probability at least p is
 *
 *	miss <= (1 - p)^N = exp(N ln(1 - p)) = exp(N log1p(-p))
 *
 * log1p keeps N ln(1 - p) exact for tiny p where 1 - p would round to 1. When p is
 * below the smallest normal double, ln(1 - p) = -p (1 + p/2 + ...) = -p to the last
 * bit, so N ln(1 - p) = -exp(ln N + ln p). Everything is carried as logarithms (ln p
 * = -(ln n + (d - 1) ln k) never underflows), and the probability of finding the
 * bug, 1 - miss = -expm1(N log1p(-p)), stays exact when miss is close to 1.
 *
 * Runs needed. The smallest N with 1 - (1 - p)^N >= c is
 *
 *	N = ceil(ln(1 - c) / ln(1 - p)) = ceil(log1p(-c) / log1p(-p))
 *
 * checked against the rounding of the division by recomputing miss at N and N - 1.
 *
 * Simplification: the bound is PCT's worst case over bugs of depth d; it says nothing
 * about bugs deeper than d, and it holds only for runs under PCT's scheduler with the
 * given n, k and d.
 */
#ifndef XS_CONFIDENCE_H
#define XS_CONFIDENCE_H

#include <stddef.h>
#include <stdint.h>

/*
 * ln p for PCT's per-run bound p = 1/(n k^(d-1)): -(ln n + (d - 1) ln k). n, k, d >= 1
 * (a bug of depth 0 needs no schedule). Finite for every input.
 */
double xs_conf_pct_log_p(uint64_t n_actors, uint64_t k_steps, unsigned depth);

/*
 * ln of the bound on the probability that `runs` independent runs all miss a bug each
 * finds with probability at least exp(log_p): N log1p(-p), <= 0; 0 for no run, -inf
 * when p is 1. log_p <= 0.
 */
double xs_conf_log_miss(double log_p, uint64_t runs);

/* ln of the matching lower bound on finding it: ln(1 - exp(log_miss)), <= 0. */
double xs_conf_log_find(double log_p, uint64_t runs);

/*
 * The fewest runs after which the bug is found with probability at least confidence
 * (0 < confidence < 1). Returns 0, -EINVAL for confidence out of range, or -ERANGE
 * when the count exceeds UINT64_MAX (*runs untouched then).
 */
int xs_conf_runs_needed(double log_p, double confidence, uint64_t *runs);

/*
 * The sentence a report prints after `runs` runs under PCT found no depth-d failure:
 * the parameters, the per-run bound and its assumptions, and the probabilities,
 * rounded in the safe direction (a bound "at most" rounded up, "at least" down), to
 * two significant digits. snprintf-style: returns the full length.
 */
size_t xs_conf_words(uint64_t n_actors, uint64_t k_steps, unsigned depth, uint64_t runs, char *buf,
		     size_t len);

/*
 * A probability given by its natural logarithm (<= 0), to two significant digits,
 * rounded up (up != 0) or down: 0.79, 0.00012, 1.2e-05, 3.4e-301030. Any magnitude.
 */
void xs_conf_prob_format(double log_x, int up, char *buf, size_t len);

#endif /* XS_CONFIDENCE_H */
