/*
 * The scenario key reference (scenario.h): the loader's key table (scenario_keys.c)
 * read entry by entry, for the commands that print it.
 */
#include "config/keytab.h"
#include "config/scenario.h"
#include "config/scenario_keys.h"
#include "core/xs_types.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The kinds that take actor key k, "" when every kind does. */
static void kinds_text(const struct xs_kt_key *k, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	if (k->sect != SEC_ACTOR || (k->kinds & KINDS_ALL) == KINDS_ALL)
		return;
	for (i = 0; xs_scn_kind_vals[i].name && n < len; i++)
		if (k->kinds & KIND(xs_scn_kind_vals[i].value))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      xs_scn_kind_vals[i].name);
}

int xs_scenario_keyref(int i, struct xs_scenario_keyref *r)
{
	const struct xs_kt_key *k;

	if (i < 0 || i >= XS_SCN_NKEYS)
		return -ENOENT;
	k = &xs_scn_keys[i];
	memset(r, 0, sizeof(*r));
	r->section = k->sect < XS_NSPECIAL ? xs_scn_sec_names[k->sect] : NULL;
	r->name = k->name;
	r->unit = k->unit;
	r->def = k->def;
	r->def_text = k->def_text;
	r->doc = k->doc;
	r->type = xs_keytab_noun(k);
	r->policy = k->base == KB_POLICY;
	r->one_of = k->type == XS_KT_ENUM && !k->accepted;
	kinds_text(k, r->kinds, sizeof(r->kinds));
	xs_keytab_accepted(k, r->accepted, sizeof(r->accepted));
	return 0;
}

void xs_scenario_keyref_policy(int i, const struct xs_policy *pol, char *buf, size_t len)
{
	XS_ASSERT(i >= 0 && i < XS_SCN_NKEYS && xs_scn_keys[i].base == KB_POLICY);
	xs_keytab_format(&xs_scn_keys[i], pol, buf, len);
}
