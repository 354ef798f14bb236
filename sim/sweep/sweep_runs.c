/*
 * A sweep's runs (sweep.h): the overrides of a combination, the sweep's identity, each
 * run's seed and values, its run key and its shard.
 */
#include "sweep/sweep_internal.h"
#include "core/hashtab.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xs_sweep_overrides(const struct xs_sweep *sw, const size_t *val, struct xs_override *ov)
{
	int a;

	for (a = 0; a < sw->naxes; a++) {
		ov[a].section = sw->axes[a].section;
		ov[a].key = sw->axes[a].name;
		ov[a].value = sw->axes[a].vals[val[a]];
	}
}

/*
 * The identity (sweep.h): spec hash over the scenario's bytes and the sorted varied
 * key names; the sweep key is the name, or "spec-HASH".
 */
int xs_sweep_identity(struct xs_sweep *sw, char *err, size_t errlen)
{
	uint64_t h = XS_FNV_OFFSET;
	char *text;
	size_t len;
	int a, ret;

	ret = xs_sweep_read_file(sw->scenario_file, XS_SCN_FILE_MAX, &text, &len, err, errlen);
	if (ret)
		return ret;
	h = xs_fnv1a(text, len + 1, h);
	free(text);
	/* insertion sort: at most XS_SWEEP_MAX_AXES keys */
	for (a = 0; a < sw->naxes; a++) {
		int b = a;

		while (b > 0 && strcmp(sw->axes[sw->order[b - 1]].key, sw->axes[a].key) > 0) {
			sw->order[b] = sw->order[b - 1];
			b--;
		}
		sw->order[b] = a;
	}
	for (a = 0; a < sw->naxes; a++)
		h = xs_fnv1a(sw->axes[sw->order[a]].key, strlen(sw->axes[sw->order[a]].key) + 1, h);
	snprintf(sw->spec_hash, sizeof(sw->spec_hash), "%016" PRIx64, h);
	if (sw->named)
		snprintf(sw->sweep_key, sizeof(sw->sweep_key), "%s", sw->name);
	else
		snprintf(sw->sweep_key, sizeof(sw->sweep_key), "spec-%s", sw->spec_hash);
	return 0;
}

void xs_sweep_point(const struct xs_sweep *sw, uint64_t index, struct xs_sweep_point *pt)
{
	uint64_t s = index / sw->ncombos, combo = index % sw->ncombos;
	size_t i;
	int a;

	pt->index = index;
	for (a = sw->naxes - 1; a >= 0; a--) {
		pt->val[a] = (size_t)(combo % sw->axes[a].nvals);
		combo /= sw->axes[a].nvals;
	}
	for (i = 0; i < sw->nranges; i++) {
		uint64_t n = sw->seeds[i].hi - sw->seeds[i].lo + 1;

		if (s < n)
			break;
		s -= n;
	}
	pt->seed = i < sw->nranges ? sw->seeds[i].lo + s : 0;
}

int xs_sweep_run_key(const struct xs_sweep *sw, const struct xs_sweep_point *pt, char *buf,
		     size_t len)
{
	size_t n;
	int a, r;

	r = snprintf(buf, len, "%s|", sw->sweep_key);
	for (a = 0; a < sw->naxes && r >= 0 && (size_t)r < len; a++) {
		const struct xs_sweep_axis *ax = &sw->axes[sw->order[a]];

		n = (size_t)r;
		r = snprintf(buf + n, len - n, "%s%s=%s", a ? ";" : "", ax->key,
			     ax->canon[pt->val[sw->order[a]]]);
		r = r < 0 ? r : r + (int)n;
	}
	if (r >= 0 && (size_t)r < len) {
		n = (size_t)r;
		r = snprintf(buf + n, len - n, "|%llu", (unsigned long long)pt->seed);
		r = r < 0 ? r : r + (int)n;
	}
	return r < 0 || (size_t)r >= len ? -ENAMETOOLONG : r;
}

bool xs_sweep_in_shard(const char *run_key, unsigned k, unsigned n)
{
	if (n == 0)
		return true;
	return xs_fnv1a(run_key, strlen(run_key), XS_FNV_OFFSET) % n == (uint64_t)(k - 1);
}
