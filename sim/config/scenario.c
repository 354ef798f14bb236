/*
 * Scenario loading (scenario.h, docs/scenarios.md, "Scenario files" and "The [global] section"):
 * the table of keys in scenario_keys.c, through the key-table engine (keytab.h), drives parsing,
 * bounds, defaults, the "(accepted: ...)" text of every error and the param listing, in the manner
 * of Redis' config.c.
 *
 * Loading is two passes:
 *   1. The INI reader (ini.h) reads the file; every key is looked up in the table and
 *      its value parsed and range-checked on the spot, so errors come in file order.
 *      The overrides (-s) follow, as if they were the last lines of the file.
 *   2. resolve(): defaults, the kernel preset under the explicit policy keys, and the
 *      checks that involve more than one key (file_size <= fs_size, a faulter inside
 *      the file, ...). These quote the line of the key at fault, or the section's
 *      header line when the key took its default.
 *
 * The reader strips leading blanks (an indented line is an ordinary line here, never
 * inih's multi-line continuation of the previous value), and every [section] header
 * is seen here as it is read (inih reports a section only with its first key, and an
 * empty or repeated section must still be seen).
 */
#include "config/scenario.h"

#include "config/cpu_file.h"
#include "config/device_file.h"
#include "config/paths.h"
#include "config/ini.h"
#include "config/scenario_keys.h"
#include "config/units.h"
#include "core/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XS_VAL_MAX 256 /* longest value text kept for messages */
#define XS_ACC_MAX 512 /* longest "(accepted: ...)" text */
/* found as paths.h says, unless the caller or $WPSIM_CPU names a directory */
#define XS_DEVICES_DIR "configs/devices"
#define XS_CPU_DIR     "configs/cpu"

/* Where a key's value came from. */
struct xs_slot {
	bool set;
	int line; /* file line, 0 if not from the file */
	int ov;	  /* override index, -1 if not from an override */
	char text[XS_VAL_MAX];
};

struct xs_sect {
	char name[XS_SCN_NAME_MAX];
	enum xs_scn_sec sec;
	int line;  /* header line, 0 if not in the file */
	int group; /* actor sections: index in sc->groups */
	struct xs_slot slot[XS_SCN_NKEYS];
};

struct xs_load {
	const char *path;
	const struct xs_override *ov;
	struct xs_scenario *sc;
	struct xs_policy pol;  /* the explicit policy keys, laid over the preset */
	struct xs_textfile tf; /* the file's lines */
	int lineno;	       /* line being parsed */
	int cur;	       /* current section, -1 before the first header */
	int nsect;	       /* XS_NSPECIAL + actor sections */
	bool nonempty;	       /* a header or a key was seen */
	const char *devices_dir;
	struct xs_sect sect[XS_NSPECIAL + XS_SCN_MAX_GROUPS];
	struct xs_ini_err e; /* the first error */
};

/* ---- errors ---- */

static void fail(struct xs_load *ld, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail_key(struct xs_load *ld, int s, int k, const char *accepted, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* "PATH:LINE: message", or "PATH: message" when line is 0. */
static void fail(struct xs_load *ld, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xs_ini_vfail(&ld->e, line, fmt, ap);
	va_end(ap);
}

static void key_format(const struct xs_load *ld, int s, int k, char *buf, size_t len);

/*
 * An error about key k of section s, quoting where its value came from:
 * "PATH:LINE: key = value: problem (accepted: ...)", "-s sect.key=value: problem
 * (accepted: ...)", or for a default "PATH[:HEADER LINE]: key = value (default): ...".
 * accepted NULL: the table's own text for the key.
 */
static void fail_key(struct xs_load *ld, int s, int k, const char *accepted, const char *fmt, ...)
{
	const struct xs_slot *sl = &ld->sect[s].slot[k];
	char problem[XS_VAL_MAX + 128], acc[XS_ACC_MAX], val[XS_VAL_MAX];
	va_list ap;

	if (ld->e.rc)
		return;
	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	if (!accepted) {
		xs_keytab_accepted(&xs_scn_keys[k], acc, sizeof(acc));
		accepted = acc;
	}
	if (sl->set && sl->ov >= 0) {
		const struct xs_override *o = &ld->ov[sl->ov];

		ld->e.rc = -EINVAL;
		snprintf(ld->e.msg, ld->e.len, "-s %s.%s=%s: %s (accepted: %s)", o->section, o->key,
			 o->value, problem, accepted);
	} else if (sl->set) {
		fail(ld, sl->line, "%s = %s: %s (accepted: %s)", xs_scn_keys[k].name, sl->text,
		     problem, accepted);
	} else {
		key_format(ld, s, k, val, sizeof(val));
		fail(ld, ld->sect[s].line, "%s = %s (default): %s (accepted: %s)",
		     xs_scn_keys[k].name, val, problem, accepted);
	}
}

/* ---- the table ---- */

static void *key_base(struct xs_load *ld, int s, const struct xs_kt_key *k)
{
	switch (k->base) {
	case KB_POLICY:
		return &ld->pol;
	case KB_GROUP:
		return &ld->sc->groups[ld->sect[s].group];
	case KB_SCN:
		break;
	}
	return ld->sc;
}

static const void *key_cbase(const struct xs_scenario *sc, int group, const struct xs_kt_key *k)
{
	switch (k->base) {
	case KB_POLICY:
		return &sc->policy;
	case KB_GROUP:
		return &sc->groups[group];
	case KB_SCN:
		break;
	}
	return sc;
}

static void key_format(const struct xs_load *ld, int s, int k, char *buf, size_t len)
{
	xs_keytab_format(&xs_scn_keys[k], key_cbase(ld->sc, ld->sect[s].group, &xs_scn_keys[k]),
			 buf, len);
}

/* ---- values ---- */

/*
 * Parse text as key k into base, wording the problem as scenario files always have.
 * Returns 0, or -EINVAL with the problem in why (the accepted text comes from the
 * table).
 */
static int value_parse(void *base, const struct xs_kt_key *k, const char *text, char *why,
		       size_t whylen)
{
	enum xs_kt_err e = xs_keytab_parse(k, base, text, why, whylen);

	switch (e) {
	case XS_KT_OK:
		return 0;
	case XS_KT_ESYNTAX:
		if (k->type == XS_KT_DIST)
			break;
		if (k->type == XS_KT_TIME && text[0] == '-')
			snprintf(why, whylen, "out of range");
		else if (k->type == XS_KT_ENUM)
			snprintf(why, whylen, "unknown value");
		else if (k->type == XS_KT_NAME)
			snprintf(why, whylen, "bad name");
		else
			snprintf(why, whylen, "not %s", xs_keytab_noun(k));
		break;
	case XS_KT_EOVERFLOW:
	case XS_KT_ELOW:
	case XS_KT_EHIGH:
	case XS_KT_EALIGN:
		snprintf(why, whylen, "out of range");
		break;
	}
	return -EINVAL;
}

static void key_set(struct xs_load *ld, int s, int k, const char *value, int line, int ov)
{
	struct xs_slot *sl = &ld->sect[s].slot[k];
	char why[XS_VAL_MAX];

	if (sl->set && line > 0) {
		int first = sl->line;

		sl->line = line;
		snprintf(sl->text, sizeof(sl->text), "%s", value);
		fail_key(ld, s, k, "each key once per section", "duplicated key, first at line %d",
			 first);
		return;
	}
	sl->set = true;
	sl->line = line;
	sl->ov = ov;
	snprintf(sl->text, sizeof(sl->text), "%s", value);
	if (value_parse(key_base(ld, s, &xs_scn_keys[k]), &xs_scn_keys[k], value, why, sizeof(why)))
		fail_key(ld, s, k, NULL, "%s", why);
}

/* ---- sections ---- */

static int sect_find(const struct xs_load *ld, const char *name)
{
	int i;

	for (i = 0; i < ld->nsect; i++)
		if (strcmp(ld->sect[i].name, name) == 0)
			return i;
	return -1;
}

static void sect_init(struct xs_load *ld, int s, const char *name, enum xs_scn_sec sec)
{
	int k;

	XS_ASSERT(strlen(name) < sizeof(ld->sect[s].name));
	memcpy(ld->sect[s].name, name, strlen(name) + 1);
	ld->sect[s].sec = sec;
	ld->sect[s].group = sec == SEC_ACTOR ? s - XS_NSPECIAL : -1;
	for (k = 0; k < XS_SCN_NKEYS; k++)
		ld->sect[s].slot[k].ov = -1;
}

/* A [name] header at the current line. */
static void sect_header(struct xs_load *ld, const char *name)
{
	int s = sect_find(ld, name);

	ld->nonempty = true;
	if (!xs_keytab_name_ok(name, XS_SCN_NAME_MAX, false, false)) {
		fail(ld, ld->lineno,
		     "[%s]: bad section name (accepted: letters, digits, '_', '-', at most %d "
		     "characters)",
		     name, XS_SCN_NAME_MAX - 1);
		return;
	}
	if (s >= 0 && ld->sect[s].line > 0) {
		fail(ld, ld->lineno,
		     "[%s]: section given twice, first at line %d (accepted: "
		     "each section once)",
		     name, ld->sect[s].line);
		return;
	}
	if (s < 0) {
		if (ld->nsect == XS_NSPECIAL + XS_SCN_MAX_GROUPS) {
			fail(ld, ld->lineno, "[%s]: too many actor groups (accepted: at most %d)",
			     name, XS_SCN_MAX_GROUPS);
			return;
		}
		s = ld->nsect++;
		sect_init(ld, s, name, SEC_ACTOR);
		ld->sc->ngroups++;
		memcpy(ld->sc->groups[ld->sect[s].group].name, name, strlen(name) + 1);
	}
	ld->sect[s].line = ld->lineno;
	ld->cur = s;
}

/* A key in a section: the file (line > 0) or an override (ov >= 0). */
static void sect_key(struct xs_load *ld, int s, const char *name, const char *value, int line,
		     int ov)
{
	enum xs_scn_sec sec = ld->sect[s].sec;
	char keys[XS_ACC_MAX], where[XS_SCN_NAME_MAX + 32];
	int k = xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, sec, name);

	if (k >= 0) {
		key_set(ld, s, k, value, line, ov);
		return;
	}
	xs_keytab_list(xs_scn_keys, XS_SCN_NKEYS, sec, 0, keys, sizeof(keys));
	if (sec == SEC_ACTOR)
		snprintf(where, sizeof(where), "actor section [%s]", ld->sect[s].name);
	else
		snprintf(where, sizeof(where), "[%s]", ld->sect[s].name);
	if (ov >= 0) {
		ld->e.rc = -EINVAL;
		snprintf(ld->e.msg, ld->e.len, "-s %s.%s=%s: unknown key in %s (accepted: %s)",
			 ld->ov[ov].section, name, value, where, keys);
	} else {
		fail(ld, line, "%s = %s: unknown key in %s (accepted: %s)", name, value, where,
		     keys);
	}
}

/* ---- reading the file ---- */

/* A [name] header; stops the parse after the first error. */
static int scn_header(void *arg, int line, const char *name, size_t indent)
{
	struct xs_load *ld = arg;
	char text[XS_SCN_NAME_MAX * 2];

	(void)indent; /* stripped */
	if (!name)
		return 0; /* inih reports the syntax error */
	ld->lineno = line;
	snprintf(text, sizeof(text), "%s", name);
	sect_header(ld, text);
	return ld->e.rc;
}

static int scn_key(void *arg, int line, const char *section, const char *name, const char *value)
{
	struct xs_load *ld = arg;

	(void)section; /* scn_header() keeps the section, with its header line */
	ld->lineno = line;
	ld->nonempty = true;
	if (ld->cur < 0) {
		fail(ld, line,
		     "%s = %s: key outside any section (accepted: keys after a [section] line)",
		     name, value);
		return ld->e.rc;
	}
	sect_key(ld, ld->cur, name, value, line, -1);
	return ld->e.rc;
}

static int scn_too_long(void *arg, int line, int max)
{
	struct xs_load *ld = arg;

	fail(ld, line, "line longer than %d characters (accepted: shorter lines)", max);
	return ld->e.rc;
}

static const struct xs_ini_ops scn_ini = {
	.flags = XS_INI_STRIP_INDENT,
	.header = scn_header,
	.key = scn_key,
	.too_long = scn_too_long,
};

static void apply_overrides(struct xs_load *ld, int nov)
{
	char names[XS_ACC_MAX];
	size_t n;
	int i, s;

	for (i = 0; i < nov && !ld->e.rc; i++) {
		const struct xs_override *o = &ld->ov[i];

		if (!o->section || !o->key || !o->value) {
			ld->e.rc = -EINVAL;
			snprintf(ld->e.msg, ld->e.len,
				 "-s: incomplete override (accepted: section.key=value)");
			return;
		}
		s = sect_find(ld, o->section);
		if (s < 0) {
			n = 0;
			for (s = 0; s < ld->nsect && n < sizeof(names); s++)
				n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
						      s ? ", " : "", ld->sect[s].name);
			ld->e.rc = -EINVAL;
			snprintf(ld->e.msg, ld->e.len,
				 "-s %s.%s=%s: no section [%s] in %s (accepted: %s)", o->section,
				 o->key, o->value, o->section, ld->path, names);
			return;
		}
		sect_key(ld, s, o->key, o->value, 0, i);
	}
}

/* ---- resolving ---- */

/* Parse the table default of every key of section s that was not given. */
static void sect_defaults(struct xs_load *ld, int s)
{
	char why[XS_VAL_MAX];
	int k, error;

	for (k = 0; k < XS_SCN_NKEYS; k++) {
		const struct xs_kt_key *key = &xs_scn_keys[k];

		if (key->sect != ld->sect[s].sec || ld->sect[s].slot[k].set || !key->def)
			continue;
		error = value_parse(key_base(ld, s, key), key, key->def, why, sizeof(why));
		XS_ASSERT(error == 0);
	}
}

static void resolve_global(struct xs_load *ld)
{
	struct xs_scenario *sc = ld->sc;
	char acc[XS_ACC_MAX * 3], name[XS_SCN_NAME_MAX + 8];
	int s, k, error;

	for (s = 0; s < XS_NSPECIAL; s++)
		sect_defaults(ld, s);

	/* The preset first, then every explicit policy key over it. */
	error = xs_policy_preset(&sc->policy, sc->kernel);
	XS_ASSERT(error == 0);
	for (k = 0; k < XS_SCN_NKEYS; k++)
		if (xs_scn_keys[k].base == KB_POLICY && ld->sect[SEC_GLOBAL].slot[k].set)
			xs_keytab_set_uint(&xs_scn_keys[k], &sc->policy,
					   xs_keytab_get_uint(&xs_scn_keys[k], &ld->pol));

	if (sc->fs_bytes % sc->block_bytes) {
		snprintf(acc, sizeof(acc), "a multiple of block_size = %" PRIu32, sc->block_bytes);
		fail_key(ld, SEC_GLOBAL,
			 xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_GLOBAL, "fs_size"), acc,
			 "not a whole number of blocks");
	}
	if (sc->file_bytes > sc->fs_bytes) {
		snprintf(acc, sizeof(acc), "0..fs_size = %" PRIu64, sc->fs_bytes);
		fail_key(ld, SEC_GLOBAL,
			 xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_GLOBAL, "file_size"), acc,
			 "larger than the filesystem");
	}
	if (sc->wb_dirty_ratio < sc->wb_background_ratio) {
		snprintf(acc, sizeof(acc), "background_ratio = %" PRIu32 "..100",
			 sc->wb_background_ratio);
		fail_key(ld, SEC_WRITEBACK,
			 xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_WRITEBACK, "dirty_ratio"),
			 acc, "below background_ratio");
	}

	snprintf(name, sizeof(name), "%s.ini", sc->device);
	k = xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_GLOBAL, "device");
	error = xs_paths_find_ini(ld->path, ld->devices_dir, XS_DEVICES_DIR, name, sc->device_path,
				  sizeof(sc->device_path), acc, sizeof(acc));
	if (error == -ENAMETOOLONG)
		fail_key(ld, SEC_GLOBAL, k, acc, "device file path too long");
	else if (error)
		fail_key(ld, SEC_GLOBAL, k, acc, "no such device file %s/%s",
			 ld->devices_dir ? ld->devices_dir : XS_DEVICES_DIR, name);
}

/*
 * The cost file global.cpu names, under every [cpu] key the scenario gives: its
 * figures replace the table's defaults. $WPSIM_CPU is read here rather than passed
 * in, as every caller would pass the same.
 */
static void resolve_cpu(struct xs_load *ld)
{
	struct xs_scenario *sc = ld->sc;
	const char *dir = getenv("WPSIM_CPU");
	char acc[XS_ACC_MAX * 3], path[XS_SCN_PATH_MAX], name[XS_SCN_NAME_MAX + 8];
	int k = xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_GLOBAL, "cpu"), i, error;
	struct xs_scenario *file;

	snprintf(name, sizeof(name), "%s.ini", sc->cpu_name);
	error = xs_paths_find_ini(ld->path, dir && dir[0] ? dir : NULL, XS_CPU_DIR, name, path,
				  sizeof(path), acc, sizeof(acc));
	if (error) {
		fail_key(ld, SEC_GLOBAL, k, acc, "no such cost file %s/%s",
			 dir && dir[0] ? dir : XS_CPU_DIR, name);
		return;
	}
	file = xs_xcalloc(1, sizeof(*file));
	/* a bad cost file is its own error: FILE:LINE: key = value: ... */
	if (xs_cpu_file_load(path, &file->cpu, ld->e.msg, ld->e.len)) {
		ld->e.rc = -EINVAL;
		free(file);
		return;
	}
	for (i = 0; i < XS_SCN_NKEYS; i++) {
		const struct xs_kt_key *key = &xs_scn_keys[i];

		if (key->sect == SEC_CPU && !ld->sect[SEC_CPU].slot[i].set)
			memcpy((char *)sc + key->off, (const char *)file + key->off, key->len);
	}
	free(file);
}

/* The op of a truncator or a mapper, the user buffers, the process (its number). */
static void resolve_mm_keys(struct xs_load *ld, int s, struct xs_actor_group *g)
{
	const struct xs_slot *slot = ld->sect[s].slot;
	int k = xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_ACTOR, "op"), i;
	bool mapper_op = g->trunc_op == XS_MAP_REMAP || g->trunc_op == XS_MAP_MPROTECT;

	if (g->kind == XS_ACTOR_MAPPER && !slot[k].set)
		g->trunc_op = XS_MAP_REMAP;
	else if (g->kind == XS_ACTOR_MAPPER && !mapper_op)
		fail_key(ld, s, k, "remap, mprotect", "not an op of a mapper");
	else if (g->kind == XS_ACTOR_TRUNCATOR && mapper_op)
		fail_key(ld, s, k, "truncate, fpunch, fzero", "not an op of a truncator");
	k = xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_ACTOR, "source_offset");
	if (g->source_offset && !g->source_map)
		fail_key(ld, s, k, "0, or any with source = map",
			 "a source_offset for an anon source");
	k = xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_ACTOR, "dest_offset");
	if (g->dest_offset && !g->dest_map)
		fail_key(ld, s, k, "0, or any with dest = map", "a dest_offset for an anon dest");
	g->proc = ld->sc->nprocs;
	for (i = 0; &ld->sc->groups[i] != g; i++)
		if (strcmp(ld->sc->groups[i].process, g->process) == 0) {
			g->proc = ld->sc->groups[i].proc;
			return;
		}
	ld->sc->nprocs++;
}

static void resolve_group(struct xs_load *ld, int s)
{
	const struct xs_scenario *sc = ld->sc;
	struct xs_actor_group *g = &ld->sc->groups[ld->sect[s].group];
	const struct xs_slot *slot = ld->sect[s].slot;
	int kind_k = xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_ACTOR, "kind"), k;
	char acc[XS_ACC_MAX], lo[32], hi[32];
	uint64_t room;

	if (!slot[kind_k].set) {
		xs_keytab_accepted(&xs_scn_keys[kind_k], acc, sizeof(acc));
		fail(ld, ld->sect[s].line, "[%s]: no kind given (accepted: kind = %s)", g->name,
		     acc);
		return;
	}
	for (k = 0; k < XS_SCN_NKEYS; k++) {
		if (xs_scn_keys[k].sect != SEC_ACTOR || !slot[k].set ||
		    (xs_scn_keys[k].kinds & KIND(g->kind)))
			continue;
		xs_keytab_list(xs_scn_keys, XS_SCN_NKEYS, SEC_ACTOR, KIND(g->kind), acc,
			       sizeof(acc));
		fail_key(ld, s, k, acc, "not a key of a %s", xs_scn_kind_vals[g->kind].name);
		return;
	}
	sect_defaults(ld, s);

	/* offset, then size (default: to the end of the file), then bs and stride */
	k = xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_ACTOR, "offset");
	if ((g->kind == XS_ACTOR_FAULTER || g->kind == XS_ACTOR_READER) &&
	    g->offset_bytes >= sc->file_bytes) {
		if (sc->file_bytes)
			snprintf(acc, sizeof(acc), "0..%" PRIu64 ", inside file_size",
				 sc->file_bytes - 1);
		else
			snprintf(acc, sizeof(acc), "none while file_size = 0");
		fail_key(ld, s, k, acc, "offset beyond the file for a %s",
			 xs_scn_kind_vals[g->kind].name);
		return;
	}
	if (g->offset_bytes >= sc->fs_bytes) {
		snprintf(acc, sizeof(acc), "0..%" PRIu64 ", inside fs_size", sc->fs_bytes - 1);
		fail_key(ld, s, k, acc, "offset beyond the filesystem");
		return;
	}
	room = sc->fs_bytes - g->offset_bytes;
	k = xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_ACTOR, "size");
	if (!slot[k].set) {
		g->size_bytes =
			sc->file_bytes > g->offset_bytes ? sc->file_bytes - g->offset_bytes : 0;
		if (g->size_bytes == 0) {
			xs_units_size_format(room, hi, sizeof(hi));
			snprintf(acc, sizeof(acc), "1..%s = fs_size - offset", hi);
			fail_key(ld, s, k, acc,
				 "the default, file_size - offset, is empty: give a size");
			return;
		}
	} else if (g->size_bytes > room) {
		xs_units_size_format(room, hi, sizeof(hi));
		snprintf(acc, sizeof(acc), "1..%s = fs_size - offset", hi);
		fail_key(ld, s, k, acc, "offset + size beyond the filesystem");
		return;
	}
	k = xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_ACTOR, "bs");
	if (g->bs_bytes > g->size_bytes) {
		xs_units_size_format(1, lo, sizeof(lo));
		xs_units_size_format(g->size_bytes, hi, sizeof(hi));
		snprintf(acc, sizeof(acc), "%s..%s = size", lo, hi);
		fail_key(ld, s, k, acc, "larger than size");
		return;
	}
	if (!slot[xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_ACTOR, "stride")].set)
		g->stride_bytes = g->bs_bytes;
	resolve_mm_keys(ld, s, g);
}

static void resolve(struct xs_load *ld)
{
	int s;

	if (!ld->nonempty) {
		fail(ld, 0,
		     "empty scenario (accepted: a [global] section and one section per "
		     "actor group)");
		return;
	}
	if (ld->sc->ngroups == 0) {
		fail(ld, 0,
		     "no actor section (accepted: at least one [NAME] section with kind = "
		     "writer, faulter, reader, truncator, syncer or mapper)");
		return;
	}
	resolve_global(ld);
	if (!ld->e.rc)
		resolve_cpu(ld);
	for (s = XS_NSPECIAL; s < ld->nsect && !ld->e.rc; s++)
		resolve_group(ld, s);
}

/* The table is consistent; a bug, not an input error, if not. */
static void keys_check(void)
{
	int i;

	xs_keytab_check(xs_scn_keys, XS_SCN_NKEYS);
	/* xs_scn_kind_vals[] is indexed by enum xs_actor_kind */
	for (i = 0; xs_scn_kind_vals[i].name; i++)
		XS_ASSERT(xs_scn_kind_vals[i].value == i);
}

int xs_scenario_load(const char *path, const struct xs_override *ov, int nov,
		     const char *devices_dir, struct xs_scenario *sc, char *err, size_t errlen)
{
	struct xs_load *ld;
	int s, rc, error;

	keys_check();
	memset(sc, 0, sizeof(*sc));
	if (errlen)
		err[0] = '\0';
	if (strlen(path) >= sizeof(sc->path)) {
		snprintf(err, errlen, "%s: path longer than %d characters", path,
			 XS_SCN_PATH_MAX - 1);
		return -EINVAL;
	}
	ld = xs_xcalloc(1, sizeof(*ld));
	ld->path = path;
	ld->e.path = path;
	ld->ov = ov;
	ld->sc = sc;
	ld->e.msg = err;
	ld->e.len = errlen;
	ld->cur = -1;
	ld->devices_dir = devices_dir;
	for (s = 0; s < XS_NSPECIAL; s++)
		sect_init(ld, s, xs_scn_sec_names[s], (enum xs_scn_sec)s);
	ld->nsect = XS_NSPECIAL;
	snprintf(sc->path, sizeof(sc->path), "%s", path);

	error = xs_ini_read(path, &ld->tf, err, errlen);
	if (error)
		goto out;
	rc = xs_ini_parse(&ld->tf, &scn_ini, ld);
	/* inih reports its syntax errors at the end: keep whichever line comes first */
	if (rc > 0 && ld->e.rc && rc < ld->e.line)
		ld->e.rc = 0;
	if (!ld->e.rc && rc > 0)
		fail(ld, rc,
		     "syntax error (accepted: [section], key = value, comments after ; "
		     "or #)");
	else if (!ld->e.rc && rc < 0)
		fail(ld, 0, "cannot read the file");
	if (!ld->e.rc)
		apply_overrides(ld, nov);
	if (!ld->e.rc)
		resolve(ld);
	error = ld->e.rc;
	/* the device file must be valid too: bad input is found before the run starts */
	if (!error) {
		struct xs_device_cfg dev;

		error = xs_device_cfg_load(sc->device_path, &dev, err, errlen);
	}
out:
	xs_textfile_free(&ld->tf);
	free(ld);
	return error;
}

void xs_scenario_foreach_param(const struct xs_scenario *sc,
			       void (*fn)(void *arg, const char *name, const char *value),
			       void *arg)
{
	static const enum xs_scn_sec order[] = {SEC_GLOBAL,  SEC_ACTOR,	  SEC_WRITEBACK,
						SEC_RECLAIM, SEC_BLOCKGC, SEC_CPU};
	char name[XS_SCN_NAME_MAX + 32], value[XS_VAL_MAX];
	size_t o;
	int g, k;

	for (o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		int ngroups = order[o] == SEC_ACTOR ? sc->ngroups : 1;

		for (g = 0; g < ngroups; g++) {
			const char *sname = order[o] == SEC_ACTOR ? sc->groups[g].name
								  : xs_scn_sec_names[order[o]];

			for (k = 0; k < XS_SCN_NKEYS; k++) {
				const struct xs_kt_key *key = &xs_scn_keys[k];

				if (key->sect != order[o])
					continue;
				if (key->sect == SEC_ACTOR &&
				    !(key->kinds & KIND(sc->groups[g].kind)))
					continue;
				snprintf(name, sizeof(name), "%s.%s", sname, key->name);
				xs_keytab_format(key, key_cbase(sc, g, key), value, sizeof(value));
				fn(arg, name, value);
			}
		}
	}
}
