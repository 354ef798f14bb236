/*
 * `wpsim report` (docs/design.md, "Commands"): the policy comparison read from a results database
 * (the tables of docs/design.md, "Results database"), printed as tables and written as CSV and
 * gnuplot PNGs.
 */
#ifndef XS_REPORT_H
#define XS_REPORT_H

#include <stddef.h>
#include <stdio.h>

/*
 * Reads the database at db_path, opened read-only in one read transaction (a sweep
 * may be writing it), and prints the report on out, messages on err. Writes into
 * out_dir (created, with parents, if missing): groups.csv, comparisons.csv, and
 * through gnuplot loss.png and latency-cdf.png with their data and plots.gp. Without
 * a gnuplot binary it warns on err and writes everything but the PNGs.
 *
 * Returns the exit status: 0 success; 2 bad input (no such file, not an SQLite
 * database, no run/param/metric table, no runs), the database untouched; 1 runtime
 * failure (SQLite error while reading, out_dir not writable, gnuplot failed, ENOMEM).
 */
int xs_report_main(const char *db_path, const char *out_dir, FILE *out, FILE *err);

/*
 * xs_report_main() with the metrics of `--metric NAME` (docs/design.md, "Commands"):
 * the outcomes that get a paired test and a plot, in the order given. nmetrics = 0
 * chooses lost_bytes, leaked_delalloc_blocks, deadlocks, write_lat_p99_us and
 * fault_lat_p99_us, those the database has. A name the database has no metric row of
 * is bad input: exit 2, the names it has listed on err, nothing written.
 */
int xs_report_main_metrics(const char *db_path, const char *out_dir, const char *const *metrics,
			   size_t nmetrics, FILE *out, FILE *err);

#endif /* XS_REPORT_H */
