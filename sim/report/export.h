/*
 * `wpsim export --db PATH [--format csv|json] [--out FILE]` (docs/design.md,
 * "Commands"): the runs of a results database as one tidy table, one row per run, as
 * opp_scavetool exports OMNeT++'s results: run_id, sweep, scenario, seed, status, then
 * one column per param (section.key, in name order), then one per metric (in name
 * order). A run without a param or metric has an empty cell (CSV) or null (JSON).
 */
#ifndef XS_EXPORT_H
#define XS_EXPORT_H

#include <stdio.h>

/*
 * CSV (RFC 4180: CRLF line ends, a field quoted when it holds a comma, a quote, CR or
 * LF, its quotes doubled) or JSON (a list of one object per run, columns as members)
 * of the database at db_path, read-only, to out_path (NULL: out). format: "csv" or
 * "json". Returns the exit status: 0; 2 bad input (format, no such database, not a
 * results database, no runs), after a message on err naming it; 1 a runtime failure.
 */
int xs_export_main(const char *db_path, const char *format, const char *out_path, FILE *out,
		   FILE *err);

#endif /* XS_EXPORT_H */
