/*
 * wpsim report, the plots (report_internal.h): the gnuplot script plots.gp and its data
 * files. Every plot has one panel per scenario (the panel's title names it, so the
 * curves' titles need not), axes in the metric's unit starting at 0, the key below the
 * panels where it covers no data, and series told apart by colour, point type and dash
 * type, drawn slightly apart so that curves which coincide stay visible.
 *
 *   loss.png         P(lost_bytes > 0) against a numeric param (a fail rate), else bars;
 *   latency-cdf.png  the CDF of each run's write p99 latency per policy;
 *   metric-NAME.png  per selected metric (--metric): the share of runs with NAME > 0
 *                    (failure counts), or the median over runs (latencies, others), per
 *                    group with its 95% interval.
 */
#include "report/report_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What the plots share: the scenarios' groups (contiguous: the scenario sorts first). */
struct rp_plot {
	struct xs_report *rp;
	FILE *gp;
	const char *dir;
	size_t nscen;
	size_t *scen_first, *scen_n; /* [nscen]: groups of scenario i */
	size_t *series, *first;	     /* [ngroups]: scratch of make_series() */
	double *x;		     /* [nruns]: scratch */
};

/* A gnuplot string literal, cut at 90 characters (a key wider than the plot is useless). */
static void gp_str(FILE *f, const char *s)
{
	size_t n = 0;

	fputc('"', f);
	for (; *s; s++, n++) {
		if (n == 87 && strlen(s) > 3) {
			fputs("...", f);
			break;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* A scenario's name for a panel title: its file name without directory and ".ini". */
static void scen_title(const char *scen, char *buf, size_t len)
{
	const char *base = scen ? strrchr(scen, '/') : NULL;
	size_t n;

	base = base ? base + 1 : scen ? scen : "-";
	n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
		n -= 4;
	snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), base);
}

/*
 * The terminal of one PNG, as large as its panels need, the output, and the panels'
 * layout (two columns from two scenarios on). Ends with the first panel to plot.
 */
static void gp_begin(struct rp_plot *pl, const char *png, const char *title)
{
	size_t cols = pl->nscen > 1 ? 2 : 1, rows = (pl->nscen + cols - 1) / cols;
	unsigned w = cols > 1 ? 1500 : 1000, h = (unsigned)(rows > 1 ? 520 * rows : 650);

	fprintf(pl->gp,
		"if (cairo) {\n    set terminal pngcairo noenhanced size %u,%u font \"sans,11\"\n"
		"} else {\n    set terminal png noenhanced size %u,%u\n}\n"
		"set output \"%s\"\nset multiplot layout %zu,%zu title ",
		w, h, w, h, png, rows, cols);
	gp_str(pl->gp, title);
	fputc('\n', pl->gp);
}

static void gp_panel(struct rp_plot *pl, size_t sc)
{
	char t[256];

	scen_title(xs_rp_gval(pl->rp, pl->scen_first[sc], 0), t, sizeof(t));
	fprintf(pl->gp, "set title ");
	gp_str(pl->gp, t);
	fputc('\n', pl->gp);
}

static void gp_end(struct rp_plot *pl)
{
	fprintf(pl->gp, "unset multiplot\nset autoscale\nunset logscale\nset xtics "
			"norotate autofreq\nset ytics autofreq\nset bmargin\nset key default\n");
}

/*
 * Colour, and point type (what) or dash type of series s: distinct for the first 8
 * (5 dash types). what: 1 line, 2 points, 3 both.
 */
static void gp_style(FILE *gp, size_t s, int what)
{
	static const char *const colours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
					      "#e69f00", "#56b4e9", "#000000", "#f0e442"};
	static const int points[] = {7, 4, 9, 10, 13, 6, 5, 12}; /* filled, open, ... */

	fprintf(gp, " lc rgb \"%s\"", colours[s % 8]);
	if (what & 2)
		fprintf(gp, " pt %d ps 1.3", points[s % 8]);
	if (what & 1)
		fprintf(gp, " dt %zu", s % 5 + 1);
}

/*
 * Series of a plot: groups with the same label (the shown columns except skip, or only
 * the policy columns and the scenario). series[g] = index of g's series; returns the
 * number of series and the first group of each in first[].
 */
static size_t make_series(const struct xs_report *rp, size_t skip, int policy_only, size_t *series,
			  size_t *first)
{
	char a[512], b[512];
	size_t g, h, n = 0;

	for (g = 0; g < rp->ngroups; g++) {
		series[g] = RP_NONE;
		xs_rp_group_label(rp, g, skip, policy_only, 1, a, sizeof(a));
		for (h = 0; h < n && series[g] == RP_NONE; h++) {
			xs_rp_group_label(rp, first[h], skip, policy_only, 1, b, sizeof(b));
			if (strcmp(a, b) == 0)
				series[g] = h;
		}
		if (series[g] == RP_NONE) {
			first[n] = g;
			series[g] = n++;
		}
	}
	return n;
}

static int same_scen(const struct xs_report *rp, size_t g, size_t h)
{
	return xs_rp_streq(xs_rp_gval(rp, g, 0), xs_rp_gval(rp, h, 0));
}

static int close_file(FILE *f)
{
	int bad = ferror(f);

	return fclose(f) || bad ? -EIO : 0;
}

/*
 * A group's tick label: the values of the parameters shown, scenario aside, joined by
 * " / " (the names go once in the x label, xtick_names()), so labels stay short.
 */
static void xtick_values(const struct xs_report *rp, size_t g, char *buf, size_t len)
{
	size_t s, used = 0;

	buf[0] = '\0';
	for (s = 0; s < rp->nshown && used < len; s++) {
		const char *v = xs_rp_gval(rp, g, rp->shown[s]);

		if (rp->shown[s] == 0)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " / " : "",
					 v ? v : "-");
	}
	if (!buf[0])
		snprintf(buf, len, "all");
}

/* The x label of xtick_values()' labels: "set xlabel" with the names, scenario aside. */
static void xtick_names(struct rp_plot *pl)
{
	const struct xs_report *rp = pl->rp;
	char buf[512];
	size_t s, used = 0;

	buf[0] = '\0';
	for (s = 0; s < rp->nshown && used < sizeof(buf); s++)
		if (rp->shown[s] != 0)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
						 used ? " / " : "",
						 xs_rp_short_name(rp->keys[rp->shown[s]].name));
	fprintf(pl->gp, "set xlabel ");
	gp_str(pl->gp, buf);
	fprintf(pl->gp, "\nset xtics rotate by -30\n");
}

/* Bars: P(loss) per group, one block of loss.dat per scenario. */
static int loss_bars(struct rp_plot *pl, FILE *f)
{
	struct xs_report *rp = pl->rp;
	size_t sc, g, bar;
	char title[512];

	gp_begin(pl, "loss.png", "Probability of data loss per group");
	fprintf(pl->gp, "set ylabel \"P(lost_bytes > 0), 95%% Wilson interval\"\n"
			"set yrange [0:1.05]\nset style fill solid 0.5\nset boxwidth 0.6\n");
	xtick_names(pl);
	for (sc = 0; sc < pl->nscen; sc++) {
		fprintf(f, "# bar label p lo hi\n");
		for (g = pl->scen_first[sc], bar = 0; g < pl->scen_first[sc] + pl->scen_n[sc];
		     g++) {
			if (!rp->groups[g].loss_n)
				continue;
			xtick_values(rp, g, title, sizeof(title));
			fprintf(f, "%zu ", bar++);
			gp_str(f, title);
			fprintf(f, " %.10g %.10g %.10g\n", rp->groups[g].loss.est,
				rp->groups[g].loss.lo, rp->groups[g].loss.hi);
		}
		fprintf(f, "\n\n");
		gp_panel(pl, sc);
		fprintf(pl->gp,
			"set xrange [-0.7:%zu.7]\n"
			"plot \"loss.dat\" index %zu using 1:3:xtic(2) with boxes notitle, "
			"\"\" index %zu using 1:3:4:5 with yerrorbars lc rgb \"black\" pt 0 "
			"notitle\n",
			bar ? bar - 1 : 0, sc, sc);
	}
	gp_end(pl);
	return 0;
}

/* loss.dat and its plot: P(loss) against the first numeric non-policy column, else bars. */
static int write_loss_plot(struct rp_plot *pl)
{
	struct xs_report *rp = pl->rp;
	size_t s, g, ns, sc, x = RP_NONE;
	double xlo = INFINITY, xhi = -INFINITY;
	char path[4096], title[512], head[600];
	FILE *f;

	/* a fail rate if one varies (the injection that drives loss), else any number */
	for (s = 0; s < 2 * rp->nshown && x == RP_NONE; s++) {
		size_t k = rp->shown[s % rp->nshown];
		const char *dot = strrchr(rp->keys[k].name, '.');

		if (k != 0 && !rp->keys[k].policy && rp->keys[k].numeric &&
		    (s >= rp->nshown || (dot && strcmp(dot, ".fail_rate") == 0)))
			x = k;
	}
	snprintf(path, sizeof(path), "%s/loss.dat", pl->dir);
	if (!(f = fopen(path, "w")))
		return -errno;
	if (x == RP_NONE) {
		loss_bars(pl, f);
		return close_file(f);
	}
	ns = make_series(rp, x, 0, pl->series, pl->first);
	for (g = 0; g < rp->ngroups; g++) {
		double v;

		if (xs_rp_parse_number(xs_rp_gval(rp, g, x), &v)) {
			xlo = fmin(xlo, v);
			xhi = fmax(xhi, v);
		}
	}
	snprintf(head, sizeof(head), "Probability of data loss against %s",
		 xs_rp_short_name(rp->keys[x].name));
	gp_begin(pl, "loss.png", head);
	fprintf(pl->gp,
		"set key below center horizontal maxrows 3\nset bmargin 7\nset yrange [0:1.05]\n"
		"set ylabel \"P(lost_bytes > 0), 95%% Wilson interval\"\n"
		"set xlabel \"%s (policies drawn slightly apart so their intervals show)\"\n",
		xs_rp_short_name(rp->keys[x].name));
	for (s = 0; s < ns; s++) {
		xs_rp_group_label(rp, pl->first[s], x, 0, 1, title, sizeof(title));
		fprintf(f, "# %s\n# %s p lo hi\n", title, rp->keys[x].name);
		for (g = 0; g < rp->ngroups; g++)
			if (pl->series[g] == s && rp->groups[g].loss_n)
				fprintf(f, "%s %.10g %.10g %.10g\n", xs_rp_gval(rp, g, x),
					rp->groups[g].loss.est, rp->groups[g].loss.lo,
					rp->groups[g].loss.hi);
		fprintf(f, "\n\n");
	}
	for (sc = 0; sc < pl->nscen; sc++) {
		size_t nplotted = 0, inpanel = 0;

		for (s = 0; s < ns; s++)
			inpanel += same_scen(rp, pl->first[s], pl->scen_first[sc]);
		gp_panel(pl, sc);
		fprintf(pl->gp, "plot");
		for (s = 0; s < ns; s++) {
			/* 1.5% of the x range between neighbouring policies */
			double dodge = ((double)nplotted - (double)(inpanel - 1) / 2) * 0.015 *
				       (xhi > xlo ? xhi - xlo : 1);

			if (!same_scen(rp, pl->first[s], pl->scen_first[sc]))
				continue;
			xs_rp_group_label(rp, pl->first[s], x, 0, 0, title, sizeof(title));
			fprintf(pl->gp,
				"%s \"loss.dat\" index %zu using ($1%+.6g):2:3:4 with yerrorlines "
				"lw 2",
				nplotted ? ", \\\n    " : "", s, dodge);
			gp_style(pl->gp, nplotted++, 3);
			fprintf(pl->gp, " title ");
			gp_str(pl->gp, title);
		}
		fprintf(pl->gp, "\n");
	}
	gp_end(pl);
	return close_file(f);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* latency-cdf.dat and its plot: the CDF of per-run write p99 latency per policy. */
static int write_latency_plot(struct rp_plot *pl)
{
	struct xs_report *rp = pl->rp;
	size_t s, g, i, n, sc, ns = make_series(rp, RP_NONE, 1, pl->series, pl->first), idx = 0;
	size_t *block = calloc(ns + 1, sizeof(*block));
	double lo = INFINITY, hi = 0, *x = pl->x;
	char path[4096], title[512];
	FILE *f;

	if (!block)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/latency-cdf.dat", pl->dir);
	if (!(f = fopen(path, "w"))) {
		free(block);
		return -errno;
	}
	for (g = 0; g < rp->ngroups; g++)
		for (i = 0, n = xs_rp_collect(rp, g, RP_WRITE_P99, x); i < n; i++) {
			lo = fmin(lo, x[i]);
			hi = fmax(hi, x[i]);
		}
	gp_begin(pl, "latency-cdf.png",
		 "CDF of each run's write p99 latency, per policy (pooled over the other params)");
	/* latencies over two decades: a log axis keeps the fast policies readable */
	if (lo > 0 && hi / lo > 100)
		fprintf(pl->gp, "set logscale x\nset xlabel \"write p99 latency (simulated µs, "
				"log scale)\"\n");
	else
		fprintf(pl->gp,
			"set xrange [0:*]\nset xlabel \"write p99 latency (simulated µs)\"\n");
	fprintf(pl->gp, "set key below center horizontal maxrows 3\nset bmargin 7\nset ylabel "
			"\"fraction of runs\"\n"
			"set yrange [0:1.05]\n");
	for (s = 0; s < ns; s++) {
		for (g = 0, n = 0; g < rp->ngroups; g++)
			if (pl->series[g] == s)
				n += xs_rp_collect(rp, g, RP_WRITE_P99, x + n);
		block[s] = RP_NONE;
		if (!n)
			continue;
		qsort(x, n, sizeof(*x), cmp_dbl);
		xs_rp_group_label(rp, pl->first[s], RP_NONE, 1, 1, title, sizeof(title));
		fprintf(f, "# %s\n# write_lat_p99_us fraction\n%.10g 0\n", title, x[0]);
		for (i = 0; i < n; i++)
			fprintf(f, "%.10g %.10g\n", x[i], (double)(i + 1) / (double)n);
		fprintf(f, "\n\n");
		block[s] = idx++;
	}
	for (sc = 0; sc < pl->nscen; sc++) {
		size_t nplotted = 0, inpanel = 0;

		for (s = 0; s < ns; s++)
			inpanel += block[s] != RP_NONE &&
				   same_scen(rp, pl->first[s], pl->scen_first[sc]);
		gp_panel(pl, sc);
		fprintf(pl->gp, "plot");
		for (s = 0; s < ns; s++) {
			/* curves that coincide: 1% of the height apart, and their own points */
			double off = ((double)nplotted - (double)(inpanel - 1) / 2) * 0.01;

			if (block[s] == RP_NONE || !same_scen(rp, pl->first[s], pl->scen_first[sc]))
				continue;
			xs_rp_group_label(rp, pl->first[s], RP_NONE, 1, 0, title, sizeof(title));
			fprintf(pl->gp,
				"%s \"latency-cdf.dat\" index %zu using 1:($2%+.4f) with steps lw "
				"2",
				nplotted ? ", \\\n    " : "", block[s], off);
			gp_style(pl->gp, nplotted, 1);
			fprintf(pl->gp, " title ");
			gp_str(pl->gp, title);
			fprintf(pl->gp, ", \\\n    \"\" index %zu using 1:($2%+.4f) with points",
				block[s], off);
			gp_style(pl->gp, nplotted++, 2);
			fprintf(pl->gp, " notitle");
		}
		if (!nplotted)
			fprintf(pl->gp, " 1/0 title \"no run recorded write_lat_p99_us\"");
		fprintf(pl->gp, "\n");
	}
	gp_end(pl);
	free(block);
	return close_file(f);
}

/* The axis of metric m: a scale for its values and the label. */
static double metric_axis(const struct xs_report *rp, size_t m, char *label, size_t len)
{
	const char *unit = xs_rp_metric_unit(rp->sel[m]);

	if (rp->sel_binary[m]) {
		snprintf(label, len, "share of runs with %s > 0", rp->sel[m]);
		return 1;
	}
	if (strcmp(unit, "bytes") == 0) {
		snprintf(label, len, "%s (MiB)", rp->sel[m]);
		return 1.0 / (1024 * 1024);
	}
	snprintf(label, len, "%s (%s)", rp->sel[m],
		 strcmp(unit, "us") == 0 ? "simulated µs" : unit);
	return 1;
}

/* One group's point of metric m: estimate and interval. 0, 1 if it has no runs with m. */
static int metric_point(struct rp_plot *pl, size_t g, size_t m, struct xs_stats_ci *ci)
{
	const struct xs_report *rp = pl->rp;
	const struct xs_report_group *gr = &rp->groups[g];
	size_t i, n = 0, k = 0;

	for (i = gr->first; i < gr->first + gr->n; i++) {
		const struct xs_report_run *r = &rp->runs[rp->order[i]];

		if (r->ok && r->shas[m]) {
			pl->x[n++] = r->sel[m];
			k += r->sel[m] > 0;
		}
	}
	if (!n)
		return 1;
	if (rp->sel_binary[m])
		return xs_stats_wilson(k, n, XS_STATS_Z95, ci);
	return xs_stats_bootstrap(XS_STATS_MEDIAN, pl->x, n, RP_BOOT_RESAMPLES, RP_LEVEL,
				  RP_BOOT_SEED, ci);
}

/* metric-NAME.dat and its plot: per group of each scenario, a point and its interval. */
static int write_metric_plot(struct rp_plot *pl, size_t m)
{
	struct xs_report *rp = pl->rp;
	char path[4096], png[300], label[512], title[512];
	struct xs_stats_ci ci;
	size_t sc, g, bar;
	double scale = metric_axis(rp, m, label, sizeof(label));
	int neg = 0, ret;
	char file[256];
	size_t i;
	FILE *f;

	/* a file name of the metric's name: any other byte than [A-Za-z0-9._-] is '_' */
	snprintf(file, sizeof(file), "%s", rp->sel[m]);
	for (i = 0; file[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    file[i]))
			file[i] = '_';
	snprintf(path, sizeof(path), "%s/metric-%s.dat", pl->dir, file);
	snprintf(png, sizeof(png), "metric-%s.png", file);
	if (!(f = fopen(path, "w")))
		return -errno;
	snprintf(title, sizeof(title), "%s per group: %s", rp->sel[m],
		 rp->sel_binary[m] ? "share of runs with it > 0, 95% Wilson interval"
				   : "median over runs, 95% bootstrap interval");
	gp_begin(pl, png, title);
	fprintf(pl->gp, "set ylabel ");
	gp_str(pl->gp, label);
	fprintf(pl->gp, "\n");
	xtick_names(pl);
	for (sc = 0; sc < pl->nscen; sc++) {
		fprintf(f, "# %s: bar label estimate lo hi\n", rp->sel[m]);
		for (g = pl->scen_first[sc], bar = 0; g < pl->scen_first[sc] + pl->scen_n[sc];
		     g++) {
			if ((ret = metric_point(pl, g, m, &ci)) < 0) {
				fclose(f);
				return ret;
			}
			if (ret)
				continue;
			xtick_values(rp, g, title, sizeof(title));
			fprintf(f, "%zu ", bar++);
			gp_str(f, title);
			fprintf(f, " %.10g %.10g %.10g\n", ci.est * scale, ci.lo * scale,
				ci.hi * scale);
			neg |= ci.lo < 0;
		}
		fprintf(f, "\n\n");
		gp_panel(pl, sc);
		fprintf(pl->gp, "set xrange [-0.7:%zu.7]\nset yrange [%s:%s]\n", bar ? bar - 1 : 0,
			neg ? "*" : "0", rp->sel_binary[m] ? "1.05" : "*");
		if (!bar)
			fprintf(pl->gp, "plot 1/0 title \"no run recorded %s\"\n", rp->sel[m]);
		else
			fprintf(pl->gp,
				"plot \"metric-%s.dat\" index %zu using 1:3:4:5:xtic(2) with "
				"yerrorbars lw 2 ps 1.5 lc rgb \"#0072b2\" pt 7 notitle\n",
				file, sc);
	}
	gp_end(pl);
	return close_file(f);
}

int xs_rp_write_plots(struct xs_report *rp, FILE *gp, const char *dir)
{
	struct rp_plot pl = {.rp = rp, .gp = gp, .dir = dir};
	size_t g, m;
	int ret = -ENOMEM;

	pl.scen_first = calloc(rp->ngroups + 1, sizeof(size_t));
	pl.scen_n = calloc(rp->ngroups + 1, sizeof(size_t));
	pl.series = calloc(rp->ngroups + 1, sizeof(size_t));
	pl.first = calloc(rp->ngroups + 1, sizeof(size_t));
	pl.x = calloc(rp->nruns + 1, sizeof(double));
	if (!pl.scen_first || !pl.scen_n || !pl.series || !pl.first || !pl.x)
		goto out;
	for (g = 0; g < rp->ngroups; g++) {
		if (g == 0 || !same_scen(rp, g, g - 1))
			pl.scen_first[pl.nscen++] = g;
		pl.scen_n[pl.nscen - 1]++;
	}
	fprintf(gp, "cairo = strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0\n");
	if ((ret = write_loss_plot(&pl)) != 0 || (ret = write_latency_plot(&pl)) != 0)
		goto out;
	for (m = 0; m < rp->nsel; m++)
		if ((ret = write_metric_plot(&pl, m)) != 0)
			goto out;
out:
	free(pl.scen_first);
	free(pl.scen_n);
	free(pl.series);
	free(pl.first);
	free(pl.x);
	return ret;
}
