/*
 * The progress line of a sweep (sweep_progress.h). The rate and the ETA count the
 * runs made by this process since it started, not those found stored by --resume.
 */
#include "sweep/sweep_progress.h"
#include "pool/pool.h"

static void eta_text(double s, char *buf, size_t len)
{
	unsigned long t = s > 0 && s < 1e8 ? (unsigned long)(s + 0.5) : 0;

	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

void xs_sweep_progress_show(struct xs_sweep_progress *pg, bool final)
{
	double now = xs_pool_mono_s(), el = now - pg->t0;
	double rate = el > 0 ? (double)pg->done / el : 0;
	char eta[32], bar[31], failed[48] = "";
	size_t fill, i;

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
	eta_text(rate > 0 ? (double)(pg->total - pg->done) / rate : 0, eta, sizeof(eta));
	if (pg->failed)
		snprintf(failed, sizeof(failed), ", failed: %llu", (unsigned long long)pg->failed);
	if (pg->mode == 0) {
		fprintf(pg->f, "sweep: %llu/%llu runs, %.1f runs/s, ETA %s, with loss: %llu%s\n",
			(unsigned long long)pg->done, (unsigned long long)pg->total, rate, eta,
			(unsigned long long)pg->loss, failed);
		fflush(pg->f);
		return;
	}
	fill = pg->total ? (size_t)(30 * pg->done / pg->total) : 30;
	for (i = 0; i < 30; i++)
		bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
	bar[30] = '\0';
	fprintf(pg->f, "\r[%s] %llu/%llu runs, %.1f runs/s, ETA %s, with loss: %llu%s\033[K%s", bar,
		(unsigned long long)pg->done, (unsigned long long)pg->total, rate, eta,
		(unsigned long long)pg->loss, failed, final ? "\n" : "");
	fflush(pg->f);
}
