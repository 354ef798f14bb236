/*
 * Schedules as text (schedule.h): the parser, the canonical printer and the checker
 * they share.
 *
 * The parser splits the text at ',' into elements and each decision at its first
 * '@', then ':', then ':' into fields, and judges each field whole: a message can
 * then quote the field and point at its first character. Sizes and times are read by
 * the project's one parser (config/units.h), so "4k" and "5us" mean here what they
 * mean in a scenario file.
 */
#include "explore/schedule.h"

#include "config/units.h"
#include "actors/control.h"
#include "core/inode.h"
#include "core/xs_types.h"
#include "core/xalloc.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The actors' scheduling points keep their numbers (a controller passes them through). */
_Static_assert((int)XS_SP_WRITE_MAPPED == (int)XS_PT_WRITE_MAPPED, "point numbering");
_Static_assert((int)XS_SP_WRITE_COPY == (int)XS_PT_WRITE_COPY, "point numbering");
_Static_assert((int)XS_SP_PUNCH == (int)XS_PT_PUNCH, "point numbering");
_Static_assert((int)XS_SP_WB_FOLIO == (int)XS_PT_WB_FOLIO, "point numbering");
_Static_assert((int)XS_SP_LOCK_I_RWSEM == (int)XS_CP_LOCK_I_RWSEM, "point numbering");
_Static_assert((int)XS_SP_IO_SUBMIT == (int)XS_CP_IO_SUBMIT, "point numbering");
_Static_assert((int)XS_SP_WAKE == (int)XS_CP_WAKE, "point numbering");
_Static_assert((int)XS_SP_LOCK_MMAP == (int)XS_CP_LOCK_MMAP, "point numbering");
_Static_assert((int)XS_SP_UNLOCK_MMAP == (int)XS_CP_UNLOCK_MMAP, "point numbering");
_Static_assert((int)XS_SP_NR == (int)XS_CP_NR, "a scheduling point without a schedule name");

/*
 * The longest decision text: group "." job "@" op "+" hit ":" point ":" action ","
 * with 10-digit numbers, the longest point name and a 24-character action
 * ("fail=9223372036854775807"). The bounds of schedule.h keep every valid schedule
 * within XS_SCHED_TEXT_MAX.
 */
#define SCHED_DECISION_TEXT_MAX \
	(XS_SCHED_GROUP_MAX + 1 + 10 + 1 + 10 + 1 + 10 + 1 + XS_SCHED_POINT_NAME_MAX + 1 + 24 + 1)
#define SCHED_ACTOR_TEXT_MAX (XS_SCHED_GROUP_MAX + 1 + 10 + 1)
_Static_assert(6 + XS_SCHED_ORDER_MAX * SCHED_ACTOR_TEXT_MAX +
			       XS_SCHED_DECISIONS_MAX * SCHED_DECISION_TEXT_MAX <=
		       XS_SCHED_TEXT_MAX,
	       "a valid schedule must format within XS_SCHED_TEXT_MAX");

static const char *const action_names[XS_SA_NR] = {
	[XS_SA_SUSPEND] = "suspend",
	[XS_SA_DELAY] = "delay",
	[XS_SA_FAIL] = "fail",
	[XS_SA_LOWER] = "lower",
};

#define ACCEPT_SCHEDULE "none, or elements separated by ','"
#define ACCEPT_DECISION "ACTOR@OP[+HIT]:POINT:ACTION, as pwriter.0@3:write_copy:suspend"
#define ACCEPT_ACTOR	"GROUP.JOB: 1 to 32 letters, digits, '_' or '-', a '.' and a number"
#define ACCEPT_NUMBER	"0 to 4294967295, no leading zero"
#define ACCEPT_ACTION	"suspend, lower, delay=TIME, fail=BYTES"
#define ACCEPT_DELAY	"1ns to 3600s in whole nanoseconds; suffix ns, us, ms or s"
#define ACCEPT_FAIL	"0 to 9223372036854775807 bytes; suffix k, m, g or t"

const char *xs_sched_point_name(enum xs_sched_point p)
{
	return xs_ctl_point_name((enum xs_ctl_point)p);
}

const char *xs_sched_action_name(enum xs_sched_action a)
{
	return (unsigned)a < XS_SA_NR ? action_names[a] : NULL;
}

static bool group_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

int xs_sched_decision_cmp(const struct xs_sched_decision *a, const struct xs_sched_decision *b)
{
	int c = strcmp(a->actor.group, b->actor.group);

	if (c)
		return c;
	if (a->actor.job != b->actor.job)
		return a->actor.job < b->actor.job ? -1 : 1;
	if (a->op != b->op)
		return a->op < b->op ? -1 : 1;
	if (a->point != b->point)
		return a->point < b->point ? -1 : 1;
	if (a->hit != b->hit)
		return a->hit < b->hit ? -1 : 1;
	return 0;
}

static bool actor_equal(const struct xs_sched_actor *a, const struct xs_sched_actor *b)
{
	return a->job == b->job && strcmp(a->group, b->group) == 0;
}

/* ---- checking ---- */

static int actor_check(const struct xs_sched_actor *a, char *why, size_t whylen)
{
	size_t n = strnlen(a->group, sizeof(a->group));
	size_t i;

	if (n == 0 || n > XS_SCHED_GROUP_MAX) {
		xs_why_set(why, whylen, "group name of %zu characters (accepted: 1 to %d)", n,
			   XS_SCHED_GROUP_MAX);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!group_char(a->group[i])) {
			xs_why_set(why, whylen,
				   "group '%s': character %zu not allowed (accepted: %s)", a->group,
				   i + 1, ACCEPT_ACTOR);
			return -EINVAL;
		}
	}
	return 0;
}

/* The fields of one decision, alone: what xs_schedule_add() and the checker share. */
static int decision_check(const struct xs_sched_decision *d, char *why, size_t whylen)
{
	int err = actor_check(&d->actor, why, whylen);

	if (err)
		return err;
	if ((unsigned)d->point >= XS_SP_NR || (unsigned)d->action >= XS_SA_NR) {
		xs_why_set(why, whylen, "point %d or action %d out of the tables", (int)d->point,
			   (int)d->action);
		return -EINVAL;
	}
	switch (d->action) {
	case XS_SA_SUSPEND:
	case XS_SA_LOWER:
	case XS_SA_NR:
		if (d->arg != 0) {
			xs_why_set(why, whylen, "%s with an argument", action_names[d->action]);
			return -EINVAL;
		}
		break;
	case XS_SA_DELAY:
		if (d->arg < 1 || d->arg > XS_SCHED_DELAY_MAX_NS) {
			xs_why_set(why, whylen, "delay of %" PRIu64 "ns (accepted: %s)", d->arg,
				   ACCEPT_DELAY);
			return -EINVAL;
		}
		break;
	case XS_SA_FAIL:
		if (d->arg > XS_SCHED_FAIL_MAX_BYTES) {
			xs_why_set(why, whylen, "fail after %" PRIu64 " bytes (accepted: %s)",
				   d->arg, ACCEPT_FAIL);
			return -EINVAL;
		}
		if (d->point != XS_SP_WRITE_COPY || d->hit != 0) {
			xs_why_set(why, whylen,
				   "fail at %s+%" PRIu32 ": a copy-in comes up short only at "
				   "write_copy, and BYTES says where (accepted: point write_copy, "
				   "hit 0)",
				   xs_sched_point_name(d->point), d->hit);
			return -EINVAL;
		}
		break;
	}
	return 0;
}

int xs_schedule_check(const struct xs_schedule *s, char *why, size_t whylen)
{
	size_t i, j;
	int err;

	if (s->nd > XS_SCHED_DECISIONS_MAX || s->norder > XS_SCHED_ORDER_MAX) {
		xs_why_set(why, whylen, "%zu decisions, %zu ordered actors (accepted: %d, %d)",
			   s->nd, s->norder, XS_SCHED_DECISIONS_MAX, XS_SCHED_ORDER_MAX);
		return -EINVAL;
	}
	for (i = 0; i < s->nd; i++) {
		err = decision_check(&s->d[i], why, whylen);
		if (err)
			return err;
		if (i > 0 && xs_sched_decision_cmp(&s->d[i - 1], &s->d[i]) >= 0) {
			xs_why_set(why, whylen,
				   "decision %zu not after decision %zu in canonical "
				   "order, or at the same point",
				   i + 1, i);
			return -EINVAL;
		}
	}
	/* O(n^2) but n <= XS_SCHED_ORDER_MAX */
	for (i = 0; i < s->norder; i++) {
		err = actor_check(&s->order[i], why, whylen);
		if (err)
			return err;
		for (j = 0; j < i; j++) {
			if (actor_equal(&s->order[i], &s->order[j])) {
				xs_why_set(why, whylen, "actor %s.%" PRIu32 " twice in the order",
					   s->order[i].group, s->order[i].job);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* ---- building ---- */

/* Room for one more element in an array of n: capacities 4, 8, 16, ... */
static int grow(void **arr, size_t n, size_t elem)
{
	void *p;

	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return 0;
	p = xs_xrealloc(*arr, (n ? 2 * n : 4) * elem);
	*arr = p;
	return 0;
}

int xs_schedule_add(struct xs_schedule *s, const struct xs_sched_decision *d, char *why,
		    size_t whylen)
{
	int err = decision_check(d, why, whylen);

	if (err)
		return err;
	if (s->nd == XS_SCHED_DECISIONS_MAX) {
		xs_why_set(why, whylen, "more than %d decisions (accepted: at most %d)",
			   XS_SCHED_DECISIONS_MAX, XS_SCHED_DECISIONS_MAX);
		return -E2BIG;
	}
	if (grow((void **)&s->d, s->nd, sizeof(*s->d)))
		return -ENOMEM;
	s->d[s->nd++] = *d;
	return 0;
}

int xs_schedule_add_order(struct xs_schedule *s, const struct xs_sched_actor *a, char *why,
			  size_t whylen)
{
	int err = actor_check(a, why, whylen);

	if (err)
		return err;
	if (s->norder == XS_SCHED_ORDER_MAX) {
		xs_why_set(why, whylen, "more than %d actors in the order (accepted: at most %d)",
			   XS_SCHED_ORDER_MAX, XS_SCHED_ORDER_MAX);
		return -E2BIG;
	}
	if (grow((void **)&s->order, s->norder, sizeof(*s->order)))
		return -ENOMEM;
	s->order[s->norder++] = *a;
	return 0;
}

static int decision_qsort_cmp(const void *a, const void *b)
{
	return xs_sched_decision_cmp(a, b);
}

void xs_schedule_sort(struct xs_schedule *s)
{
	if (s->nd > 1)
		qsort(s->d, s->nd, sizeof(*s->d), decision_qsort_cmp);
}

void xs_schedule_free(struct xs_schedule *s)
{
	free(s->d);
	free(s->order);
	memset(s, 0, sizeof(*s));
}

int xs_schedule_equal(const struct xs_schedule *a, const struct xs_schedule *b)
{
	size_t i;

	if (a->nd != b->nd || a->norder != b->norder)
		return 0;
	for (i = 0; i < a->norder; i++)
		if (!actor_equal(&a->order[i], &b->order[i]))
			return 0;
	for (i = 0; i < a->nd; i++)
		if (xs_sched_decision_cmp(&a->d[i], &b->d[i]) != 0 ||
		    a->d[i].action != b->d[i].action || a->d[i].arg != b->d[i].arg)
			return 0;
	return 1;
}

int xs_schedule_subset(const struct xs_schedule *s, const size_t *keep, size_t nkeep,
		       struct xs_schedule *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < nkeep; i++) {
		XS_ASSERT(keep[i] < s->nd && (i == 0 || keep[i] > keep[i - 1]));
		if (xs_schedule_add(out, &s->d[keep[i]], NULL, 0))
			goto out_free;
	}
	for (i = 0; i < s->norder; i++)
		if (xs_schedule_add_order(out, &s->order[i], NULL, 0))
			goto out_free;
	return 0;

out_free:
	xs_schedule_free(out);
	return -ENOMEM;
}

/* ---- formatting ---- */

/* snprintf into a buffer that may be too short, counting the whole length. */
struct sched_out {
	char *buf;
	size_t len;
	size_t pos;
};

__attribute__((format(printf, 2, 3))) static void out_printf(struct sched_out *o, const char *fmt,
							     ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->pos < o->len ? o->buf + o->pos : NULL,
		      o->pos < o->len ? o->len - o->pos : 0, fmt, ap);
	va_end(ap);
	XS_ASSERT(n >= 0);
	o->pos += (size_t)n;
}

static void actor_format(struct sched_out *o, const struct xs_sched_actor *a)
{
	out_printf(o, "%s.%" PRIu32, a->group, a->job);
}

static void action_format(struct sched_out *o, const struct xs_sched_decision *d)
{
	static const struct {
		uint64_t ns;
		const char *sfx;
	} units[] = {{1000000000, "s"}, {1000000, "ms"}, {1000, "us"}, {1, "ns"}};
	char size[32];
	size_t i;

	switch (d->action) {
	case XS_SA_DELAY:
		for (i = 0; d->arg % units[i].ns; i++)
			;
		out_printf(o, "delay=%" PRIu64 "%s", d->arg / units[i].ns, units[i].sfx);
		break;
	case XS_SA_FAIL:
		xs_units_size_format(d->arg, size, sizeof(size));
		out_printf(o, "fail=%s", size);
		break;
	case XS_SA_SUSPEND:
	case XS_SA_LOWER:
	case XS_SA_NR:
		out_printf(o, "%s", action_names[d->action]);
		break;
	}
}

size_t xs_schedule_format(const struct xs_schedule *s, char *buf, size_t len)
{
	struct sched_out o = {buf, len, 0};
	const struct xs_sched_decision *d;
	char why[256];
	size_t i;

	if (xs_schedule_check(s, why, sizeof(why))) {
		fprintf(stderr, "xs_schedule_format: %s\n", why);
		XS_ASSERT(!"a valid schedule");
	}
	if (len)
		buf[0] = '\0';
	if (s->nd == 0 && s->norder == 0)
		out_printf(&o, "none");
	for (i = 0; i < s->norder; i++) {
		out_printf(&o, i ? "/" : "order=");
		actor_format(&o, &s->order[i]);
	}
	for (i = 0; i < s->nd; i++) {
		d = &s->d[i];
		if (i || s->norder)
			out_printf(&o, ",");
		actor_format(&o, &d->actor);
		out_printf(&o, "@%" PRIu32, d->op);
		if (d->hit)
			out_printf(&o, "+%" PRIu32, d->hit);
		out_printf(&o, ":%s:", xs_sched_point_name(d->point));
		action_format(&o, d);
	}
	XS_ASSERT(o.pos <= XS_SCHED_TEXT_MAX);
	return o.pos;
}

/* ---- parsing ---- */

struct sched_parser {
	const char *text;
	char *err;
	size_t errlen;
	struct xs_schedule *s;
	size_t *dpos;	  /* where each decision of s starts, for duplicate messages */
	size_t order_pos; /* where the order element starts, 0 if none yet */
};

/* A field as it appears in a message: quoted, at most 40 characters, unprintables \xNN. */
static void quote(const char *s, size_t n, char *buf, size_t len)
{
	struct sched_out o = {buf, len, 0};
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < n && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\'')
			out_printf(&o, "%c", c);
		else
			out_printf(&o, "\\x%02x", c);
	}
	if (n > 40)
		out_printf(&o, "...");
}

/* The message for a problem at text offset at (0-based). Returns -EINVAL. */
__attribute__((format(printf, 3, 4))) static int perr(struct sched_parser *p, size_t at,
						      const char *fmt, ...)
{
	struct sched_out o = {p->err, p->errlen, 0};
	va_list ap;
	int n;

	if (!p->err || p->errlen == 0)
		return -EINVAL;
	out_printf(&o, "schedule: at character %zu: ", at + 1);
	if (o.pos < o.len) {
		va_start(ap, fmt);
		n = vsnprintf(o.buf + o.pos, o.len - o.pos, fmt, ap);
		va_end(ap);
		(void)n;
	}
	return -EINVAL;
}

/* A field [at, at + n) of the text as a quoted string for a message. */
#define FIELD(p, at, n, buf) (quote((p)->text + (at), (n), (buf), sizeof(buf)), (buf))

static int number_parse(struct sched_parser *p, const char *what, size_t at, size_t n, uint32_t *v)
{
	const char *s = p->text + at;
	uint64_t x = 0;
	char q[200];
	size_t i;

	if (n == 0)
		return perr(p, at, "%s '': missing (accepted: %s)", what, ACCEPT_NUMBER);
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return perr(p, at + i, "%s '%s': not a whole number (accepted: %s)", what,
				    FIELD(p, at, n, q), ACCEPT_NUMBER);
		x = x * 10 + (uint64_t)(s[i] - '0');
		if (x > UINT32_MAX)
			return perr(p, at, "%s '%s': out of range (accepted: %s)", what,
				    FIELD(p, at, n, q), ACCEPT_NUMBER);
	}
	if (n > 1 && s[0] == '0')
		return perr(p, at, "%s '%s': leading zero (accepted: %s)", what, FIELD(p, at, n, q),
			    ACCEPT_NUMBER);
	*v = (uint32_t)x;
	return 0;
}

static int actor_parse(struct sched_parser *p, size_t at, size_t n, struct xs_sched_actor *a)
{
	const char *s = p->text + at;
	const char *dot = memchr(s, '.', n);
	size_t glen, i;
	char q[200], c[16];

	if (!dot)
		return perr(p, at, "actor '%s': no job number (accepted: %s)", FIELD(p, at, n, q),
			    ACCEPT_ACTOR);
	glen = (size_t)(dot - s);
	if (glen == 0)
		return perr(p, at, "actor '%s': no group name (accepted: %s)", FIELD(p, at, n, q),
			    ACCEPT_ACTOR);
	if (glen > XS_SCHED_GROUP_MAX)
		return perr(p, at,
			    "actor '%s': group name longer than %d characters (accepted: %s)",
			    FIELD(p, at, n, q), XS_SCHED_GROUP_MAX, ACCEPT_ACTOR);
	for (i = 0; i < glen; i++)
		if (!group_char(s[i]))
			return perr(p, at + i,
				    "actor '%s': '%s' not allowed in a group name "
				    "(accepted: %s)",
				    FIELD(p, at, n, q), FIELD(p, at + i, 1, c), ACCEPT_ACTOR);
	memcpy(a->group, s, glen);
	a->group[glen] = '\0';
	return number_parse(p, "job", at + glen + 1, n - glen - 1, &a->job);
}

/* The text of an argument, NUL-terminated, for the units parser; -EINVAL if too long. */
static int arg_copy(struct sched_parser *p, const char *what, size_t at, size_t n, char *buf,
		    size_t len, const char *accept)
{
	char q[200];

	if (n >= len)
		return perr(p, at, "%s '%s': longer than %zu characters (accepted: %s)", what,
			    FIELD(p, at, n, q), len - 1, accept);
	memcpy(buf, p->text + at, n);
	buf[n] = '\0';
	return 0;
}

static int delay_parse(struct sched_parser *p, size_t at, size_t n, uint64_t *ns)
{
	char text[64], why[200], q[200];
	double sec, x, r;

	if (arg_copy(p, "delay", at, n, text, sizeof(text), ACCEPT_DELAY))
		return -EINVAL;
	if (xs_units_time(text, 0, &sec, why, sizeof(why)))
		return perr(p, at, "delay: %s (accepted: %s)", why, ACCEPT_DELAY);
	/*
	 * The units parser gives seconds as a double: a whole number of nanoseconds comes
	 * back within a few rounding errors of one, a fraction of a nanosecond does not.
	 */
	x = sec * 1e9;
	r = nearbyint(x);
	if (fabs(x - r) > 4 * DBL_EPSILON * fmax(r, 1))
		return perr(p, at, "delay '%s': not a whole number of nanoseconds (accepted: %s)",
			    FIELD(p, at, n, q), ACCEPT_DELAY);
	if (r < 1 || r > (double)XS_SCHED_DELAY_MAX_NS)
		return perr(p, at, "delay '%s': out of range (accepted: %s)", FIELD(p, at, n, q),
			    ACCEPT_DELAY);
	*ns = (uint64_t)r;
	return 0;
}

static int fail_parse(struct sched_parser *p, size_t at, size_t n, uint64_t *bytes)
{
	char text[64], q[200];
	int err;

	if (arg_copy(p, "fail", at, n, text, sizeof(text), ACCEPT_FAIL))
		return -EINVAL;
	err = xs_units_size(text, 0, bytes);
	if (err == -EINVAL)
		return perr(p, at, "fail '%s': not a size (accepted: %s)", FIELD(p, at, n, q),
			    ACCEPT_FAIL);
	if (err || *bytes > XS_SCHED_FAIL_MAX_BYTES)
		return perr(p, at, "fail '%s': out of range (accepted: %s)", FIELD(p, at, n, q),
			    ACCEPT_FAIL);
	return 0;
}

static int action_parse(struct sched_parser *p, size_t at, size_t n, struct xs_sched_decision *d)
{
	const char *s = p->text + at;
	char q[200];

	d->arg = 0;
	if (n == strlen("suspend") && memcmp(s, "suspend", n) == 0) {
		d->action = XS_SA_SUSPEND;
		return 0;
	}
	if (n == strlen("lower") && memcmp(s, "lower", n) == 0) {
		d->action = XS_SA_LOWER;
		return 0;
	}
	if (n >= 6 && memcmp(s, "delay=", 6) == 0) {
		d->action = XS_SA_DELAY;
		return delay_parse(p, at + 6, n - 6, &d->arg);
	}
	if (n >= 5 && memcmp(s, "fail=", 5) == 0) {
		d->action = XS_SA_FAIL;
		if (fail_parse(p, at + 5, n - 5, &d->arg))
			return -EINVAL;
		if (d->point != XS_SP_WRITE_COPY || d->hit != 0)
			return perr(p, at,
				    "'%s' at %s+%" PRIu32 ": a copy-in comes up short only at "
				    "write_copy, and BYTES says where (accepted: point write_copy, "
				    "hit 0)",
				    FIELD(p, at, n, q), xs_sched_point_name(d->point), d->hit);
		return 0;
	}
	return perr(p, at, "action '%s': unknown action (accepted: %s)", FIELD(p, at, n, q),
		    ACCEPT_ACTION);
}

static int point_parse(struct sched_parser *p, size_t at, size_t n, enum xs_sched_point *pt)
{
	char q[200], names[512];
	struct sched_out o = {names, sizeof(names), 0};
	int i;

	for (i = 0; i < XS_SP_NR; i++) {
		if (strlen(xs_sched_point_name((enum xs_sched_point)i)) == n &&
		    memcmp(xs_sched_point_name((enum xs_sched_point)i), p->text + at, n) == 0) {
			*pt = (enum xs_sched_point)i;
			return 0;
		}
	}
	for (i = 0; i < XS_SP_NR; i++)
		out_printf(&o, "%s%s", i ? ", " : "", xs_sched_point_name((enum xs_sched_point)i));
	return perr(p, at, "point '%s': unknown point (accepted: %s)", FIELD(p, at, n, q), names);
}

/* The offset of c in [at, end), or end. */
static size_t find(const struct sched_parser *p, size_t at, size_t end, char c)
{
	const char *hit = memchr(p->text + at, c, end - at);

	return hit ? (size_t)(hit - p->text) : end;
}

static int decision_parse(struct sched_parser *p, size_t at, size_t end)
{
	struct xs_sched_decision d;
	size_t amp, c1, c2, plus, i;
	char q[200], why[256];
	int err;

	memset(&d, 0, sizeof(d));
	amp = find(p, at, end, '@');
	c1 = amp < end ? find(p, amp, end, ':') : end;
	c2 = c1 < end ? find(p, c1 + 1, end, ':') : end;
	if (c2 == end)
		return perr(p, at, "decision '%s': %s (accepted: %s)", FIELD(p, at, end - at, q),
			    amp == end	? "no '@' after the actor"
			    : c1 == end ? "no ':' after the operation"
					: "no ':' after the point",
			    ACCEPT_DECISION);
	if (actor_parse(p, at, amp - at, &d.actor))
		return -EINVAL;
	plus = find(p, amp + 1, c1, '+');
	if (number_parse(p, "operation", amp + 1, plus - amp - 1, &d.op))
		return -EINVAL;
	if (plus < c1 && number_parse(p, "hit", plus + 1, c1 - plus - 1, &d.hit))
		return -EINVAL;
	if (point_parse(p, c1 + 1, c2 - c1 - 1, &d.point) ||
	    action_parse(p, c2 + 1, end - c2 - 1, &d))
		return -EINVAL;
	/* O(n^2) but n <= XS_SCHED_DECISIONS_MAX */
	for (i = 0; i < p->s->nd; i++)
		if (xs_sched_decision_cmp(&p->s->d[i], &d) == 0)
			return perr(p, at,
				    "decision '%s': a second decision at this point (the first at "
				    "character %zu) (accepted: one per actor, operation, point "
				    "and hit)",
				    FIELD(p, at, c2 - at, q), p->dpos[i] + 1);
	if (p->s->nd == XS_SCHED_DECISIONS_MAX)
		return perr(p, at, "more than %d decisions (accepted: at most %d)",
			    XS_SCHED_DECISIONS_MAX, XS_SCHED_DECISIONS_MAX);
	p->dpos[p->s->nd] = at;
	err = xs_schedule_add(p->s, &d, why, sizeof(why));
	XS_ASSERT(err != -EINVAL && err != -E2BIG); /* the fields were checked above */
	return err;
}

static int order_parse(struct sched_parser *p, size_t at, size_t end)
{
	struct xs_sched_actor a;
	size_t i, next, start = at + strlen("order=");
	char q[200];
	int err;

	if (p->order_pos)
		return perr(p, at,
			    "a second order element (the first at character %zu) "
			    "(accepted: one)",
			    p->order_pos);
	p->order_pos = at + 1;
	for (; start <= end; start = next + 1) {
		next = find(p, start, end, '/');
		if (actor_parse(p, start, next - start, &a))
			return -EINVAL;
		for (i = 0; i < p->s->norder; i++)
			if (actor_equal(&p->s->order[i], &a))
				return perr(p, start,
					    "actor '%s' twice in the order (accepted: "
					    "each actor once)",
					    FIELD(p, start, next - start, q));
		if (p->s->norder == XS_SCHED_ORDER_MAX)
			return perr(p, start,
				    "more than %d actors in the order (accepted: at most %d)",
				    XS_SCHED_ORDER_MAX, XS_SCHED_ORDER_MAX);
		err = xs_schedule_add_order(p->s, &a, NULL, 0);
		if (err)
			return err;
	}
	return 0;
}

int xs_schedule_parse(const char *text, struct xs_schedule *s, char *err, size_t errlen)
{
	struct sched_parser p = {text, err, errlen, s, NULL, 0};
	size_t len = strnlen(text, XS_SCHED_TEXT_MAX + 1);
	size_t at, end;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	if (err && errlen)
		err[0] = '\0';
	if (len > XS_SCHED_TEXT_MAX)
		return perr(&p, XS_SCHED_TEXT_MAX,
			    "text longer than %d characters (accepted: at "
			    "most %d)",
			    XS_SCHED_TEXT_MAX, XS_SCHED_TEXT_MAX);
	if (len == 0)
		return perr(&p, 0, "empty schedule (accepted: %s)", ACCEPT_SCHEDULE);
	if (strcmp(text, "none") == 0)
		return 0;
	p.dpos = xs_xmalloc(XS_SCHED_DECISIONS_MAX * sizeof(*p.dpos));
	for (at = 0; at <= len && ret == 0; at = end + 1) {
		end = find(&p, at, len, ',');
		if (end == at)
			ret = perr(&p, at, "empty element (accepted: %s)", ACCEPT_SCHEDULE);
		else if (end - at >= 6 && memcmp(text + at, "order=", 6) == 0)
			ret = order_parse(&p, at, end);
		else
			ret = decision_parse(&p, at, end);
	}
	free(p.dpos);
	if (ret) {
		xs_schedule_free(s);
		return ret;
	}
	xs_schedule_sort(s);
	return 0;
}
