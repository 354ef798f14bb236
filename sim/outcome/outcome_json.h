/*
 * JSON for `wpsim run --json` and `wpsim export --format json` (docs/design.md,
 * "Commands"): strings escaped as RFC 8259 says (invalid UTF-8 as U+FFFD), numbers
 * always finite (null otherwise), the run's outcomes as the name=value lines give them.
 */
#ifndef XS_OUTCOME_JSON_H
#define XS_OUTCOME_JSON_H

#include "outcome/outcome.h"

#include <stdbool.h>
#include <stdio.h>

/* s as a JSON string, quotes included. */
void xs_json_string(FILE *f, const char *s);

/* v with decimals digits after the point; null when it is not finite. */
void xs_json_real(FILE *f, double v, int decimals);

/* Whether all of s is a JSON number (RFC 8259, section 6). */
bool xs_json_is_number(const char *s);

/*
 * The members "outcomes" (name: value, as xs_run_print_outcomes() prints them),
 * "latency" (kind: count, mean_us, p50_us, p90_us, p99_us, max_us), "latency_by_group"
 * (group: kind: the same) and "anomalies" (a list), each on its own line after indent,
 * separated by commas, without the enclosing braces.
 */
void xs_outcome_json_members(FILE *f, const struct xs_run_result *res, const char *indent);

#endif /* XS_OUTCOME_JSON_H */
