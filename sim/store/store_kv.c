/*
 * Name/value lists (store_kv.h): the param and metric rows of a run, as the pool and
 * `wpsim run --db` hand them to the store.
 */
#include "store/store_kv.h"
#include "outcome/outcome.h"

#include <stdlib.h>
#include <string.h>

void xs_store_kvlist_add(void *arg, const char *name, const char *value)
{
	struct xs_store_kvlist *l = arg;
	char *n, *v;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct xs_store_kv *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv) {
			l->oom = true;
			return;
		}
		l->v = nv;
		l->cap = cap;
	}
	n = strdup(name);
	v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		l->oom = true;
		return;
	}
	l->v[l->n].name = n;
	l->v[l->n].value = v;
	l->n++;
}

void xs_store_kvlist_free(struct xs_store_kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free((char *)l->v[i].name);
		free((char *)l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const char *xs_store_kvlist_get(const struct xs_store_kvlist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return l->v[i].value;
	return NULL;
}

int xs_store_kvlist_outcomes(const char *text, struct xs_store_kvlist *l)
{
	return xs_outcome_parse(text, xs_store_kvlist_add, l);
}
