/*
 * The progress line of a sweep or an exploration (progress.h). The rate and the ETA
 * count the runs made by this process since it started, not those found stored by
 * --resume.
 */
#include "pool/progress.h"
#include "pool/pool.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define BAR_MAX 30 /* cells of the bar when there is room */
#define BAR_MIN 10 /* fewer say too little: the bar goes instead */

static void eta_text(double s, char *buf, size_t len)
{
	unsigned long t = s > 0 && s < 1e8 ? (unsigned long)(s + 0.5) : 0;

	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

static double rate_of(const struct xs_progress *pg, double now)
{
	double el = now - pg->t0;

	return el > 0 ? (double)pg->done / el : 0;
}

/*
 * The line at a level of detail: 0 everything (bar cells given), 1 no bar, 2 no rate,
 * 3 no ETA, 4 no label.
 */
static size_t compose(const struct xs_progress *pg, double now, int level, size_t cells, char *buf,
		      size_t len)
{
	double rate = rate_of(pg, now);
	char eta[32], bar[BAR_MAX + 1];
	size_t n = 0, fill, i;

#define PUT(...)                                                                \
	do {                                                                    \
		int w_ = snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__); \
		n += w_ > 0 ? (size_t)w_ : 0;                                   \
	} while (0)
	if (pg->label && (level < 4 || pg->label_only))
		PUT("%s%s", pg->label, pg->label_only ? "" : ": ");
	if (pg->label_only)
		return n;
	if (level == 0) {
		fill = pg->total ? (size_t)((double)cells * (double)pg->done / (double)pg->total)
				 : cells;
		for (i = 0; i < cells; i++)
			bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
		bar[cells] = '\0';
		PUT("[%s] ", bar);
	}
	PUT("%llu/%llu runs", (unsigned long long)pg->done, (unsigned long long)pg->total);
	if (level < 2)
		PUT(", %.1f runs/s", rate);
	if (level < 3) {
		eta_text(rate > 0 ? (double)(pg->total - pg->done) / rate : 0, eta, sizeof(eta));
		PUT(", ETA %s", eta);
	}
	PUT(", %s: %llu", pg->hits_name ? pg->hits_name : "hits", (unsigned long long)pg->hits);
	if (pg->failed)
		PUT(", failed: %llu", (unsigned long long)pg->failed);
#undef PUT
	return n;
}

size_t xs_progress_render(const struct xs_progress *pg, double now, unsigned width, char *buf,
			  size_t len)
{
	size_t max = width > 1 ? width - 1 : 0, n, cells;
	struct xs_progress widest = *pg;
	int level;

	if (!len)
		return 0;
	/*
	 * The text around a bar of no cells, with done as wide as total so that the bar
	 * keeps its width while the count grows: the bar takes what is left, up to BAR_MAX.
	 */
	widest.done = pg->total;
	n = compose(&widest, now, 0, 0, buf, len);
	cells = max > n ? max - n : 0;
	if (cells > BAR_MAX)
		cells = BAR_MAX;
	level = cells >= BAR_MIN ? 0 : 1;
	for (;; level++) {
		n = compose(pg, now, level, cells, buf, len);
		if (n <= max || level == 4)
			break;
	}
	if (n > max)
		n = max;
	if (n >= len)
		n = len - 1;
	buf[n] = '\0';
	return n;
}

unsigned xs_progress_width(FILE *f)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	long v;
	char *end;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (c && *c) {
		v = strtol(c, &end, 10);
		if (!*end && v > 0 && v < 100000)
			return (unsigned)v;
	}
	return 80;
}

void xs_progress_show(struct xs_progress *pg, bool final)
{
	double now = xs_pool_mono_s(), rate = rate_of(pg, now);
	char eta[32], failed[48] = "", line[512];

	if (pg->mode < 0)
		return;
	if (!final && pg->mode == 1 && now - pg->last < 0.1)
		return;
	if (!final && pg->mode == 0 && pg->done < pg->next_mark && now - pg->last < 5)
		return;
	if (final && pg->mode == 0 && pg->shown == pg->done)
		return;
	pg->last = now;
	pg->shown = pg->done;
	while (pg->next_mark <= pg->done)
		pg->next_mark += pg->total / 10 ? pg->total / 10 : 1;
	if (pg->mode == 0) {
		eta_text(rate > 0 ? (double)(pg->total - pg->done) / rate : 0, eta, sizeof(eta));
		if (pg->failed)
			snprintf(failed, sizeof(failed), ", failed: %llu",
				 (unsigned long long)pg->failed);
		fprintf(pg->f, "%s: %llu/%llu runs, %.1f runs/s, ETA %s, %s: %llu%s\n",
			pg->label ? pg->label : "progress", (unsigned long long)pg->done,
			(unsigned long long)pg->total, rate, eta,
			pg->hits_name ? pg->hits_name : "hits", (unsigned long long)pg->hits,
			failed);
		fflush(pg->f);
		return;
	}
	xs_progress_render(pg, now, xs_progress_width(pg->f), line, sizeof(line));
	fprintf(pg->f, "\r%s\033[K%s", line, final ? "\n" : "");
	fflush(pg->f);
}

void xs_progress_clear(struct xs_progress *pg)
{
	if (pg->mode == 1) {
		fputs("\r\033[K", pg->f);
		fflush(pg->f);
	}
}
