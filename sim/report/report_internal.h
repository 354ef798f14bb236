/*
 * What report.c (loading, grouping, statistics, comparisons), report_out.c (tables,
 * CSV, gnuplot), report_explore.c (explored runs) and report_util.c (helpers of all)
 * share. Not a public interface. Calls go one way: report.c -> report_out.c and
 * report_explore.c -> report_util.c.
 */
#ifndef XS_REPORT_INTERNAL_H
#define XS_REPORT_INTERNAL_H

#include "report/report.h"
#include "report/stats.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct xs_store_reader;
struct xs_report_explore;

#define RP_NPOLICY	    8
#define RP_BOOT_RESAMPLES   2000
#define RP_BOOT_SEED	    1
#define RP_LEVEL	    0.95
#define RP_NONE		    SIZE_MAX
#define RP_MAX_FAILED_SHOWN 20

enum rp_metric {
	RP_LOST_BYTES,
	RP_LEAKED,
	RP_DEADLOCKS,
	RP_LOCK_ORDER,
	RP_WRITE_P50,
	RP_WRITE_P99,
	RP_FAULT_P50,
	RP_FAULT_P99,
	RP_NMETRICS,
};

extern const char *const xs_rp_metric_names[RP_NMETRICS]; /* report_util.c */

#define RP_FIRST_LAT RP_WRITE_P50
#define RP_NLAT	     (RP_NMETRICS - RP_FIRST_LAT)

struct xs_report_run {
	long long run_id, seed;
	int has_seed;
	int ok; /* status = 'ok' */
	char *status, *error;
	char *scenario; /* while loading, then val[0] */
	char **val;	/* [nkeys]: key values, NULL where the run has none */
	double metric[RP_NMETRICS];
	unsigned have;	     /* bit m: metric m recorded */
	double *sel;	     /* [rp->nsel]: the selected metrics' values */
	unsigned char *shas; /* [rp->nsel]: 1 where recorded */
};

/* One column of the group key: keys[0] is the scenario, keys[1..7] policy_names[]. */
struct xs_report_key {
	char *name;
	int policy;
	int varying;
	int numeric;	     /* every value parses as a number: ordered and plotted as one */
	size_t derived_from; /* RP_NONE for a dimension */
};

struct xs_report_group {
	size_t first, n; /* rp->order[first .. first+n): runs sorted by seed, run_id */
	size_t nok, nfailed;
	size_t loss_n, loss_k, leak_n, leak_k;
	size_t dl_n, dl_k, lo_n, lo_k; /* runs with deadlocks, lock_order_violations > 0 */
	struct xs_stats_ci loss;
	double mean_lost_bytes, mean_leaked;
	size_t lat_n[RP_NLAT];
	struct xs_stats_ci lat[RP_NLAT];
};

/* The paired test of one selected metric in one comparison. */
struct xs_report_mtest {
	size_t n;	       /* pairs where both runs recorded the metric */
	size_t a_k, b_k;       /* binary: runs with the metric > 0 among those pairs */
	size_t a_only, b_only; /* binary: the discordant pairs */
	double p, median_diff; /* two-sided p; continuous: median of B - A */
	struct xs_stats_wilcoxon w;
};

struct xs_report_cmp {
	size_t a, b, dim;	    /* groups a < b differing in key column dim */
	size_t *pa, *pb;	    /* [pairs]: the runs paired on a seed */
	struct xs_report_mtest *mt; /* [rp->nsel] */
	size_t pairs, loss_pairs, loss_a_only, loss_b_only, lat_pairs;
	double mcnemar_p, median_diff_us;
	struct xs_stats_wilcoxon w;
};

/* Everything one report owns. */
struct xs_report {
	struct xs_store_reader *rd; /* while loading */
	FILE *out, *err;
	struct xs_report_run *runs;
	size_t nruns;
	struct xs_report_key *keys;
	size_t nkeys;
	size_t *order;
	struct xs_report_group *groups;
	size_t ngroups;
	struct xs_report_cmp *cmps;
	size_t ncmps;
	size_t *shown; /* key columns shown in tables and labels: varying dimensions */
	size_t nshown;
	struct xs_report_explore *explore; /* NULL: no explored runs */
	/* --metric (report_metric.c) */
	const char **sel; /* the selected metric names */
	size_t nsel;
	int *sel_binary; /* [nsel]: tested as count > 0 (McNemar), else Wilcoxon */
	int *sel_asked;	 /* [nsel]: named with --metric (else a default, dropped if absent) */
	char **mnames;	 /* every metric name in the database, sorted */
	size_t nmnames, mcap;
	struct xs_rp_glat *glat; /* latency_group rows, by run_id */
	size_t nglat, glcap;
	int has_glat; /* the database has a latency_group table */
};

/* One latency_group row (actor group and operation kind of one run). */
struct xs_rp_glat {
	long long run_id;
	char *grp, *op;
	long long count;
	double p50_us, p99_us, max_us;
};

/*
 * A text table: cells set row by row, printed with columns as wide as their widest
 * cell. Columns before first_right (an argument of the print) and those from
 * left_from on (when not 0) are left-aligned, the others right-aligned. err: out of
 * memory at some point (the table is then incomplete).
 */
struct xs_report_table {
	size_t ncols, nrows, cap;
	char **cells;
	size_t left_from;
	int err;
};

/* report_util.c: helpers of report.c, report_out.c and report_explore.c */
int xs_rp_streq(const char *a, const char *b);
const char *xs_rp_short_name(const char *name);
int xs_rp_parse_number(const char *s, double *x);
int xs_rp_grow(void **arr, size_t *cap, size_t need, size_t size);
const char *xs_rp_gval(const struct xs_report *rp, size_t g, size_t k);
size_t xs_rp_collect(const struct xs_report *rp, size_t g, int m, double *x);

/*
 * Order of the values of param name: kernels as versions (6.2 before 6.13), numbers
 * as numbers when numeric, the rest as strings; a missing value (NULL) first.
 */
int xs_rp_value_cmp(const char *name, int numeric, const char *a, const char *b);

/* A new row, then its cells; then the table printed and freed. */
void xs_rp_table_row(struct xs_report_table *t);
__attribute__((format(printf, 3, 4))) void xs_rp_table_set(struct xs_report_table *t, size_t col,
							   const char *fmt, ...);
void xs_rp_table_print(struct xs_report_table *t, FILE *out, size_t first_right);
void xs_rp_table_free(struct xs_report_table *t); /* without printing */
/* A header row of t->ncols cells. */
void xs_rp_table_head(struct xs_report_table *t, const char *const *head);
/* Cells 0-3 of the current row: what comparison cm holds fixed, its param, A and B. */
void xs_rp_cmp_cells(const struct xs_report *rp, struct xs_report_table *t,
		     const struct xs_report_cmp *cm);

/* report_metric.c: the selected metrics, their paired tests, policies, group latency */
int xs_rp_metrics_select(struct xs_report *rp, const char *const *names, size_t n);
int xs_rp_metrics_alloc(struct xs_report *rp);
int xs_rp_metric_seen(struct xs_report *rp, struct xs_report_run *r, const char *name,
		      double value);
int xs_rp_metrics_check(struct xs_report *rp, const char *db_path);
int xs_rp_metric_tests(struct xs_report *rp, struct xs_report_cmp *c, double *d);
int xs_rp_glat_load(struct xs_report *rp, char *err, size_t errlen);
int xs_rp_print_metric_tests(struct xs_report *rp);
int xs_rp_print_policies(struct xs_report *rp);
int xs_rp_print_glat(struct xs_report *rp);
int xs_rp_write_tests_csv(struct xs_report *rp, const char *path);
void xs_rp_metrics_free(struct xs_report *rp);
const char *xs_rp_metric_unit(const char *name);
/* One CSV field (RFC 4180): s as it is, or quoted with its quotes doubled; NULL empty. */
void xs_rp_csv_field(FILE *f, const char *s);
void xs_rp_group_label(const struct xs_report *rp, size_t g, size_t skip, int policy_only,
		       int with_scenario, char *buf, size_t len);

/* report_plot.c: the gnuplot plots */
int xs_rp_write_plots(struct xs_report *rp, FILE *gp, const char *dir);

/* report_explore.c: explored runs (read while the snapshot is open, printed last) */
int xs_rp_explore_load(struct xs_report *rp, char *err, size_t errlen);
int xs_rp_explore_print(struct xs_report *rp);
void xs_rp_explore_free(struct xs_report *rp);

/* report_out.c: the tables, the CSV files and the plots */
void xs_rp_print_summary(struct xs_report *rp, const char *db_path);
int xs_rp_print_groups(struct xs_report *rp);
int xs_rp_print_comparisons(struct xs_report *rp);
void xs_rp_print_failed(struct xs_report *rp);
int xs_rp_write_outputs(struct xs_report *rp, const char *dir);

#endif /* XS_REPORT_INTERNAL_H */
