/*
 * Cost files (cpu_file.h): the scenario's own [cpu] key table (scenario_keys.c) read
 * from a file of their own, with every key required, as a device file is read
 * (device_file.c): each error quotes FILE:LINE: and the key, the first in the file wins.
 */
#include "config/cpu_file.h"

#include "config/ini.h"
#include "config/keytab.h"
#include "config/scenario_keys.h"
#include "core/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XS_CPU_MAX_LINE 200 /* inih's INI_MAX_LINE: longer lines are refused */

struct xs_cpu_parse {
	struct xs_ini_err e;
	struct xs_scenario *sc; /* the keys store into sc->cpu */
	int key_line[XS_SCN_NKEYS];
};

static void cpu_error(struct xs_cpu_parse *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cpu_error(struct xs_cpu_parse *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xs_ini_vfail(&p->e, line, fmt, ap);
	va_end(ap);
}

static int cpu_too_long(void *arg, int line, int max)
{
	struct xs_cpu_parse *p = arg;

	cpu_error(p, line, "line too long (accepted: at most %d characters)", max);
	return p->e.rc;
}

static int cpu_key(void *arg, int line, const char *section, const char *name, const char *value)
{
	struct xs_cpu_parse *p = arg;
	char acc[512], why[128];
	int k;

	if (section[0] && strcmp(section, "cpu")) {
		cpu_error(p, line, "%s = %s: in unknown section [%s] (accepted: [cpu])", name,
			  value, section);
		return p->e.rc;
	}
	k = xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_CPU, name);
	if (k < 0) {
		xs_keytab_list(xs_scn_keys, XS_SCN_NKEYS, SEC_CPU, 0, acc, sizeof(acc));
		cpu_error(p, line, "%s = %s: unknown key (accepted: %s)", name, value, acc);
		return p->e.rc;
	}
	if (p->key_line[k]) {
		cpu_error(p, line, "%s = %s: duplicate key (accepted: once; first at line %d)",
			  name, value, p->key_line[k]);
		return p->e.rc;
	}
	p->key_line[k] = line;
	if (xs_keytab_parse(&xs_scn_keys[k], p->sc, value, why, sizeof(why)) != XS_KT_OK) {
		xs_keytab_accepted(&xs_scn_keys[k], acc, sizeof(acc));
		cpu_error(p, line, "%s = %s: %s (accepted: %s)", name, value,
			  why[0] ? why : "not a distribution", acc);
	}
	return p->e.rc;
}

static const struct xs_ini_ops cpu_ini = {
	.flags = XS_INI_DEVICE_LINES,
	.key = cpu_key,
	.too_long = cpu_too_long,
};

int xs_cpu_file_load(const char *path, struct xs_cpu_costs *cpu, char *err, size_t errlen)
{
	struct xs_cpu_parse *p = xs_xcalloc(1, sizeof(*p));
	char acc[512], text[XS_CPU_MAX_LINE];
	struct xs_textfile tf = {0};
	int ret, k;

	p->sc = xs_xcalloc(1, sizeof(*p->sc));
	p->e.path = path;
	p->e.msg = err;
	p->e.len = errlen;
	ret = xs_ini_read(path, &tf, err, errlen);
	if (ret)
		goto out;
	ret = xs_ini_parse(&tf, &cpu_ini, p);
	/* inih reports a syntax error only at the end: keep the first line at fault */
	if (ret > 0 && (!p->e.rc || ret < p->e.line)) {
		p->e.rc = 0;
		xs_ini_line_text(&tf, ret, text, sizeof(text));
		cpu_error(p, ret,
			  "%s: syntax error (accepted: key = value, [cpu], ; or # comments)", text);
	} else if (ret < 0 && !p->e.rc) {
		cpu_error(p, 0, "%s", strerror(ENOMEM));
	}
	for (k = 0; k < XS_SCN_NKEYS && !p->e.rc; k++) {
		char why[128];

		if (xs_scn_keys[k].sect != SEC_CPU || p->key_line[k])
			continue;
		/* a key calibrate does not measure: its documented default (scenario_keys.c) */
		if (strcmp(xs_scn_keys[k].name, "punch_folio") == 0 &&
		    xs_keytab_parse(&xs_scn_keys[k], p->sc, xs_scn_keys[k].def, why, sizeof(why)) ==
			    XS_KT_OK)
			continue;
		xs_keytab_accepted(&xs_scn_keys[k], acc, sizeof(acc));
		cpu_error(p, 0, "missing key %s (accepted: %s)", xs_scn_keys[k].name, acc);
	}
	ret = p->e.rc;
	if (!ret)
		*cpu = p->sc->cpu;
out:
	xs_textfile_free(&tf);
	free(p->sc);
	free(p);
	return ret;
}
