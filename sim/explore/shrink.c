/*
 * ddmin over indices (shrink.h). The current failing set lives in the caller's out
 * array, so that it holds the best answer so far whenever the search stops.
 */
#include "explore/shrink.h"

#include "core/xs_types.h"
#include "core/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ddmin {
	xs_shrink_pred fails;
	void *arg;
	unsigned max_calls;
	struct xs_shrink_result *res;
};

/* One predicate call: 1, 0, a negative errno, or -EAGAIN when the budget is spent. */
static int try_subset(struct ddmin *dd, const size_t *idx, size_t n)
{
	int r;

	if (dd->res->calls >= dd->max_calls)
		return -EAGAIN;
	dd->res->calls++;
	r = dd->fails(idx, n, dd->arg);
	XS_ASSERT(r <= 1);
	return r;
}

int xs_shrink_ddmin(size_t nitems, xs_shrink_pred fails, void *arg, unsigned max_calls, size_t *out,
		    struct xs_shrink_result *res)
{
	struct ddmin dd = {fails, arg, max_calls, res};
	size_t len = nitems, g = 2, i, lo, hi, *trial;
	int r = 0;
	bool found;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < nitems; i++)
		out[i] = i;
	res->n = nitems;
	trial = xs_xmalloc((nitems ? nitems : 1) * sizeof(*trial));
	r = try_subset(&dd, out, 0);
	if (r == 1)
		len = 0;
	while (r >= 0 && len >= 2) {
		if (g > len)
			g = len;
		found = false;
		for (i = 0; i < g && !found; i++) {
			lo = i * len / g;
			hi = (i + 1) * len / g;
			r = try_subset(&dd, out + lo, hi - lo);
			if (r < 0)
				goto out;
			if (r == 1) {
				memmove(out, out + lo, (hi - lo) * sizeof(*out));
				len = hi - lo;
				g = 2;
				found = true;
			}
		}
		/* with two chunks, each complement is the other chunk: already tried */
		for (i = 0; i < g && !found && g > 2; i++) {
			lo = i * len / g;
			hi = (i + 1) * len / g;
			memcpy(trial, out, lo * sizeof(*out));
			memcpy(trial + lo, out + hi, (len - hi) * sizeof(*out));
			r = try_subset(&dd, trial, len - (hi - lo));
			if (r < 0)
				goto out;
			if (r == 1) {
				len -= hi - lo;
				memcpy(out, trial, len * sizeof(*out));
				g = g - 1 > 2 ? g - 1 : 2;
				found = true;
			}
		}
		if (!found) {
			if (g == len)
				break;
			g = 2 * g < len ? 2 * g : len;
		}
	}
out:
	res->n = len;
	/* len <= 1 is minimal once the empty set has been seen to pass (or to fail) */
	res->minimal = r >= 0;
	free(trial);
	if (r == -EAGAIN)
		r = 0;
	return r < 0 ? r : 0;
}
