/*
 * wpsim report, output (report_internal.h): the tables on the terminal, groups.csv and
 * comparisons.csv, and the gnuplot plots (loss probability against the varying
 * numeric param, latency CDF per policy) in the output directory.
 */
#include "report/report_internal.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Decimals for latencies (µs) of magnitude up to x: no exponent, readable columns. */
static int us_decimals(double x)
{
	x = fabs(x);
	return x >= 1000 ? 0 : x >= 100 ? 1 : x >= 1 ? 2 : 3;
}

/* "est [lo, hi]" with the decimals of the largest. */
static void fmt_ci_us(char *buf, size_t len, const struct xs_stats_ci *ci)
{
	int dec = us_decimals(fmax(fabs(ci->est), fmax(fabs(ci->lo), fabs(ci->hi))));

	snprintf(buf, len, "%.*f [%.*f, %.*f]", dec, ci->est, dec, ci->lo, dec, ci->hi);
}

static void label_cells(struct xs_report *rp, struct xs_report_table *t, size_t g)
{
	size_t s;

	for (s = 0; s < rp->nshown; s++) {
		const char *v = xs_rp_gval(rp, g, rp->shown[s]);

		xs_rp_table_set(t, s, "%s", v ? v : "-");
	}
}

static void header_cells(struct xs_report *rp, struct xs_report_table *t)
{
	size_t s;

	for (s = 0; s < rp->nshown; s++)
		xs_rp_table_set(t, s, "%s", xs_rp_short_name(rp->keys[rp->shown[s]].name));
}

int xs_rp_print_groups(struct xs_report *rp)
{
	static const char *const lat_titles[RP_NLAT] = {"write p50", "write p99", "fault p50",
							"fault p99"};
	struct xs_report_table t = {.ncols = rp->nshown + 6};
	struct xs_report_table lt = {.ncols = rp->nshown + 1};
	size_t g, l, col[RP_NLAT] = {0}, dl_col = 0, lo_col = 0;
	char ci[96];

	/* the lock outcomes, when the runs recorded them (databases before them did not) */
	for (g = 0; g < rp->ngroups; g++) {
		if (rp->groups[g].dl_n && !dl_col)
			dl_col = t.ncols++;
		if (rp->groups[g].lo_n && !lo_col)
			lo_col = t.ncols++;
	}

	/* latency columns that some group has (fault latency needs faulters) */
	for (l = 0; l < RP_NLAT; l++)
		for (g = 0; g < rp->ngroups && !col[l]; g++)
			if (rp->groups[g].lat_n[l])
				col[l] = lt.ncols++;

	xs_rp_table_row(&t);
	header_cells(rp, &t);
	xs_rp_table_set(&t, rp->nshown, "runs");
	xs_rp_table_set(&t, rp->nshown + 1, "failed");
	xs_rp_table_set(&t, rp->nshown + 2, "P(loss) [95%% Wilson]");
	xs_rp_table_set(&t, rp->nshown + 3, "mean lost_bytes");
	xs_rp_table_set(&t, rp->nshown + 4, "leaks");
	xs_rp_table_set(&t, rp->nshown + 5, "mean leaked blocks");
	if (dl_col)
		xs_rp_table_set(&t, dl_col, "deadlocks");
	if (lo_col)
		xs_rp_table_set(&t, lo_col, "lock order");
	xs_rp_table_row(&lt);
	header_cells(rp, &lt);
	xs_rp_table_set(&lt, rp->nshown, "n");
	for (l = 0; l < RP_NLAT; l++)
		if (col[l])
			xs_rp_table_set(&lt, col[l], "%s [95%%]", lat_titles[l]);
	for (g = 0; g < rp->ngroups; g++) {
		const struct xs_report_group *gr = &rp->groups[g];

		xs_rp_table_row(&t);
		label_cells(rp, &t, g);
		xs_rp_table_set(&t, rp->nshown, "%zu", gr->nok);
		xs_rp_table_set(&t, rp->nshown + 1, "%zu", gr->nfailed);
		if (gr->loss_n) {
			xs_rp_table_set(&t, rp->nshown + 2, "%.3f [%.3f, %.3f]", gr->loss.est,
					gr->loss.lo, gr->loss.hi);
			xs_rp_table_set(&t, rp->nshown + 3, "%.1f", gr->mean_lost_bytes);
		}
		if (gr->leak_n) {
			xs_rp_table_set(&t, rp->nshown + 4, "%zu/%zu", gr->leak_k, gr->leak_n);
			xs_rp_table_set(&t, rp->nshown + 5, "%.2f", gr->mean_leaked);
		}
		if (dl_col && gr->dl_n)
			xs_rp_table_set(&t, dl_col, "%zu/%zu", gr->dl_k, gr->dl_n);
		if (lo_col && gr->lo_n)
			xs_rp_table_set(&t, lo_col, "%zu/%zu", gr->lo_k, gr->lo_n);
		xs_rp_table_row(&lt);
		label_cells(rp, &lt, g);
		xs_rp_table_set(&lt, rp->nshown, "%zu", gr->lat_n[RP_WRITE_P99 - RP_FIRST_LAT]);
		for (l = 0; l < RP_NLAT; l++) {
			if (!gr->lat_n[l])
				continue;
			fmt_ci_us(ci, sizeof(ci), &gr->lat[l]);
			xs_rp_table_set(&lt, col[l], "%s", ci);
		}
	}
	if (t.err || lt.err)
		return -ENOMEM;
	fprintf(rp->out, "\nLoss and leaks (runs with status ok; leaks = runs with "
			 "leaked_delalloc_blocks > 0)\n");
	if (dl_col || lo_col)
		fprintf(rp->out, "(deadlocks = runs with deadlocks > 0; lock order = runs with "
				 "lock_order_violations > 0)\n");
	xs_rp_table_print(&t, rp->out, rp->nshown);
	fprintf(rp->out,
		"\nLatency, simulated us: median over runs of each run's percentile "
		"[95%% percentile bootstrap, %d resamples]\n",
		RP_BOOT_RESAMPLES);
	xs_rp_table_print(&lt, rp->out, rp->nshown);
	return 0;
}

int xs_rp_print_comparisons(struct xs_report *rp)
{
	static const char *const head[] = {
		"same",	     "param",	"A",  "B",  "pairs",	  "lost A only",   "lost B only",
		"McNemar p", "W pairs", "W+", "W-", "Wilcoxon p", "median B-A us",
	};
	struct xs_report_table t = {.ncols = sizeof(head) / sizeof(head[0])};
	size_t i;

	xs_rp_table_head(&t, head);
	for (i = 0; i < rp->ncmps; i++) {
		const struct xs_report_cmp *cm = &rp->cmps[i];

		xs_rp_table_row(&t);
		xs_rp_cmp_cells(rp, &t, cm);
		xs_rp_table_set(&t, 4, "%zu", cm->pairs);
		xs_rp_table_set(&t, 5, "%zu", cm->loss_a_only);
		xs_rp_table_set(&t, 6, "%zu", cm->loss_b_only);
		if (cm->mcnemar_p < 1e-300) /* 2^-(b+c) underflows a double */
			xs_rp_table_set(&t, 7, "<1e-300");
		else
			xs_rp_table_set(&t, 7, "%.4g", cm->mcnemar_p);
		xs_rp_table_set(&t, 8, "%zu", cm->w.n);
		xs_rp_table_set(&t, 9, "%.10g", cm->w.w_plus);
		xs_rp_table_set(&t, 10, "%.10g", cm->w.w_minus);
		xs_rp_table_set(&t, 11, "%.4g %s", cm->w.p, cm->w.exact ? "exact" : "normal");
		if (cm->lat_pairs)
			xs_rp_table_set(&t, 12, "%.*f", us_decimals(cm->median_diff_us),
					cm->median_diff_us);
	}
	if (t.err)
		return -ENOMEM;
	fprintf(rp->out,
		"\nPaired comparisons on the same seeds (groups differing in one policy; "
		"McNemar exact on lost_bytes > 0,\nWilcoxon signed-rank on write_lat_p99_us, "
		"differences B - A, zeros dropped; exact p up to %d nonzero pairs)\n",
		XS_STATS_WILCOXON_EXACT_MAX);
	if (rp->ncmps == 0) {
		fprintf(rp->out, "none: no two groups differ in exactly one policy\n");
		t.nrows = 1;
	}
	xs_rp_table_print(&t, rp->out, 4);
	return 0;
}

void xs_rp_print_summary(struct xs_report *rp, const char *db_path)
{
	size_t i, k, nok = 0, shown = 0;

	for (i = 0; i < rp->nruns; i++)
		nok += rp->runs[i].ok;
	fprintf(rp->out, "wpsim report: %s: %zu runs (%zu ok, %zu failed) in %zu groups\n", db_path,
		rp->nruns, nok, rp->nruns - nok, rp->ngroups);
	fprintf(rp->out, "varying:");
	for (k = 0; k < rp->nkeys; k++)
		if (rp->keys[k].varying && rp->keys[k].derived_from == RP_NONE)
			fprintf(rp->out, " %s", xs_rp_short_name(rp->keys[k].name));
	for (k = 0; k < rp->nkeys; k++) {
		size_t q = rp->keys[k].derived_from;

		if (q == RP_NONE)
			continue;
		while (rp->keys[q].derived_from != RP_NONE)
			q = rp->keys[q].derived_from;
		fprintf(rp->out, "%s %s (follows %s)", shown++ ? "," : ";",
			xs_rp_short_name(rp->keys[k].name), xs_rp_short_name(rp->keys[q].name));
	}
	fputc('\n', rp->out);
}

void xs_rp_print_failed(struct xs_report *rp)
{
	size_t i, nok = 0, shown = 0;
	char label[512];

	for (i = 0; i < rp->nruns; i++)
		nok += rp->runs[i].ok;
	if (nok == rp->nruns)
		return;
	fprintf(rp->out, "\nFailed runs (not in the statistics): %zu\n", rp->nruns - nok);
	for (i = 0, shown = 0; i < rp->nruns; i++) {
		const struct xs_report_run *r = &rp->runs[rp->order[i]];
		size_t g;

		if (r->ok)
			continue;
		if (shown++ == RP_MAX_FAILED_SHOWN) {
			fprintf(rp->out, "... and %zu more\n",
				rp->nruns - nok - RP_MAX_FAILED_SHOWN);
			break;
		}
		for (g = 0; g + 1 < rp->ngroups && rp->groups[g + 1].first <= i; g++)
			;
		xs_rp_group_label(rp, g, RP_NONE, 0, 1, label, sizeof(label));
		fprintf(rp->out, "run %lld seed %lld %s: %s: %s\n", r->run_id, r->seed, label,
			r->status ? r->status : "(no status)", r->error ? r->error : "");
	}
}

/* A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
static void csv_str(FILE *f, const char *s, int last)
{
	xs_rp_csv_field(f, s);
	fputc(last ? '\n' : ',', f);
}

static void csv_num(FILE *f, int have, double x)
{
	if (have)
		fprintf(f, "%.10g", x);
	fputc(',', f);
}

static int close_file(FILE *f)
{
	int bad = ferror(f);

	return fclose(f) || bad ? -EIO : 0;
}

static int write_groups_csv(struct xs_report *rp, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t g, k, l;

	if (!f)
		return -errno;
	fputs("group,", f);
	for (k = 0; k < rp->nkeys; k++)
		csv_str(f, rp->keys[k].name, 0);
	fputs("runs_ok,runs_failed,loss_runs,loss_n,p_loss,p_loss_lo,p_loss_hi,mean_lost_bytes,"
	      "leak_runs,leak_n,mean_leaked_blocks",
	      f);
	for (l = 0; l < RP_NLAT; l++) {
		const char *m = xs_rp_metric_names[RP_FIRST_LAT + l];

		fprintf(f, ",%s_n,%s_median,%s_lo,%s_hi", m, m, m, m);
	}
	fputc('\n', f);
	for (g = 0; g < rp->ngroups; g++) {
		const struct xs_report_group *gr = &rp->groups[g];

		fprintf(f, "%zu,", g + 1);
		for (k = 0; k < rp->nkeys; k++)
			csv_str(f, xs_rp_gval(rp, g, k), 0);
		fprintf(f, "%zu,%zu,%zu,%zu,", gr->nok, gr->nfailed, gr->loss_k, gr->loss_n);
		csv_num(f, gr->loss_n > 0, gr->loss.est);
		csv_num(f, gr->loss_n > 0, gr->loss.lo);
		csv_num(f, gr->loss_n > 0, gr->loss.hi);
		csv_num(f, gr->loss_n > 0, gr->mean_lost_bytes);
		fprintf(f, "%zu,%zu,", gr->leak_k, gr->leak_n);
		if (gr->leak_n)
			fprintf(f, "%.10g", gr->mean_leaked);
		for (l = 0; l < RP_NLAT; l++) {
			fprintf(f, ",%zu,", gr->lat_n[l]);
			csv_num(f, gr->lat_n[l] > 0, gr->lat[l].est);
			csv_num(f, gr->lat_n[l] > 0, gr->lat[l].lo);
			if (gr->lat_n[l])
				fprintf(f, "%.10g", gr->lat[l].hi);
		}
		fputc('\n', f);
	}
	return close_file(f);
}

static int write_comparisons_csv(struct xs_report *rp, const char *path)
{
	FILE *f = fopen(path, "w");
	char same[512];
	size_t i;

	if (!f)
		return -errno;
	fputs("group_a,group_b,same,param,a,b,pairs,loss_pairs,loss_a_only,loss_b_only,"
	      "mcnemar_p,lat_pairs,wilcoxon_n,wilcoxon_zeros,w_plus,w_minus,wilcoxon_z,"
	      "wilcoxon_p,wilcoxon_method,median_diff_us\n",
	      f);
	for (i = 0; i < rp->ncmps; i++) {
		const struct xs_report_cmp *c = &rp->cmps[i];

		xs_rp_group_label(rp, c->a, c->dim, 0, 1, same, sizeof(same));
		fprintf(f, "%zu,%zu,", c->a + 1, c->b + 1);
		csv_str(f, same, 0);
		csv_str(f, rp->keys[c->dim].name, 0);
		csv_str(f, xs_rp_gval(rp, c->a, c->dim), 0);
		csv_str(f, xs_rp_gval(rp, c->b, c->dim), 0);
		fprintf(f, "%zu,%zu,%zu,%zu,%.10g,%zu,%zu,%zu,%.10g,%.10g,%.10g,%.10g,%s,",
			c->pairs, c->loss_pairs, c->loss_a_only, c->loss_b_only, c->mcnemar_p,
			c->lat_pairs, c->w.n, c->w.zeros, c->w.w_plus, c->w.w_minus, c->w.z, c->w.p,
			c->w.exact ? "exact" : "normal");
		if (c->lat_pairs)
			fprintf(f, "%.10g", c->median_diff_us);
		fputc('\n', f);
	}
	return close_file(f);
}

/* Runs gnuplot SCRIPT in dir. 0, 1 if there is no gnuplot binary, -EIO if it failed. */
static int run_gnuplot(const char *dir, const char *script)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (chdir(dir) == 0)
			execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return 1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* mkdir -p: dir and its missing parents. */
static int mkdir_p(const char *dir)
{
	char *p, *path;
	int ret = 0;

	if (!*dir)
		return -ENOENT;
	if (!(path = strdup(dir)))
		return -ENOMEM;
	for (p = path + 1; ret == 0; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			ret = -errno;
		*p = c;
		if (!c)
			break;
	}
	free(path);
	return ret;
}

int xs_rp_write_outputs(struct xs_report *rp, const char *dir)
{
	char path[4096];
	FILE *gp = NULL;
	int ret;

	if ((ret = mkdir_p(dir)) != 0) {
		fprintf(rp->err, "wpsim report: %s: %s\n", dir, strerror(-ret));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/groups.csv", dir);
	if ((ret = write_groups_csv(rp, path)) != 0)
		goto out_file;
	snprintf(path, sizeof(path), "%s/comparisons.csv", dir);
	if ((ret = write_comparisons_csv(rp, path)) != 0)
		goto out_file;
	snprintf(path, sizeof(path), "%s/plots.gp", dir);
	if (!(gp = fopen(path, "w"))) {
		ret = -errno;
		goto out_file;
	}
	fprintf(gp, "# Written by wpsim report; run in this directory: gnuplot plots.gp\n"
		    "set grid\nset offsets graph 0.03, graph 0.03, 0, 0\n");
	snprintf(path, sizeof(path), "%s/tests.csv", dir);
	if ((ret = xs_rp_write_tests_csv(rp, path)) != 0)
		goto out_file;
	snprintf(path, sizeof(path), "%s/*.dat", dir);
	if ((ret = xs_rp_write_plots(rp, gp, dir)) != 0)
		goto out_file;
	snprintf(path, sizeof(path), "%s/plots.gp", dir);
	ret = close_file(gp);
	gp = NULL;
	if (ret)
		goto out_file;
	fflush(rp->out);
	fflush(rp->err);
	ret = run_gnuplot(dir, "plots.gp");
	if (ret == 1) {
		fprintf(rp->err,
			"wpsim report: warning: no gnuplot found: %s/*.csv written, no "
			"PNG plots (run gnuplot plots.gp there)\n",
			dir);
		fprintf(rp->out, "\nfiles: %s/{groups.csv,comparisons.csv,tests.csv,plots.gp}\n",
			dir);
		ret = 0;
	} else if (ret) {
		fprintf(rp->err, "wpsim report: %s/plots.gp: gnuplot failed\n", dir);
	} else {
		fprintf(rp->out,
			"\nfiles: %s/{groups.csv,comparisons.csv,tests.csv,loss.png,"
			"latency-cdf.png,metric-*.png}\n",
			dir);
	}
	goto out;
out_file:
	fprintf(rp->err, "wpsim report: %s: %s\n", path, strerror(-ret));
out:
	if (gp)
		fclose(gp);
	return ret;
}
