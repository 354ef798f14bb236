/*
 * Whole runs under a controller in a forked child (xrun.h).
 */
#include "tests/explore/xrun.h"
#include "tests/actors/simfork.h"

#include "actors/run.h"
#include "outcome/outcome.h"
#include "explore/story.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ev_add(struct xrun_out *o, const struct xs_ctl_actor *who, uint32_t op, int decision,
		   int kind, double t)
{
	struct xrun_ev *e;

	if (o->nev == XRUN_MAX_EVENTS) {
		o->ev_cut = 1;
		return;
	}
	e = &o->ev[o->nev++];
	snprintf(e->group, sizeof(e->group), "%s", who->group);
	e->job = who->job;
	e->op = op;
	e->decision = decision;
	e->kind = kind;
	e->t = t;
}

static void on_decision(void *l, const struct xs_ctl_at *at, const struct xs_ctl_act *act)
{
	ev_add(l, &at->who, at->op, 1, (int)act->kind, -1);
}

static void on_event(void *l, const struct xs_ctl_event *ev)
{
	ev_add(l, &ev->who, ev->op, 0, (int)ev->kind, ev->t);
}

/* Drop the line of host time (wall_time_s): it varies between runs of anything. */
static void strip_host_time(char *lines)
{
	size_t n = strlen(XS_OUTCOME_WALL_TIME_S);
	char *p = lines, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		nl = nl ? nl + 1 : p + strlen(p);
		if (strncmp(p, XS_OUTCOME_WALL_TIME_S, n) == 0 && p[n] == '=') {
			memmove(p, nl, strlen(nl) + 1);
			continue;
		}
		p = nl;
	}
}

static void child(void *arg, void *outp)
{
	const struct xrun_in *in = arg;
	struct xrun_out *o = outp;
	struct xs_override ov = {in->ov_section, in->ov_key, in->ov_value};
	struct xs_scenario *sc = calloc(1, sizeof(*sc));
	struct xs_schedule s = {0};
	struct xs_xctl_cfg cfg = {
		.strategy = in->strategy,
		.seed = in->seed,
		.depth = in->depth,
		.k_steps = in->k,
	};
	struct xs_xctl x;
	struct xs_story story;
	struct xs_run_result res;
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	memset(o, 0, sizeof(*o));
	if (!sc || xs_scenario_load(in->ini, &ov, in->ov_section ? 1 : 0, "configs/devices", sc,
				    o->err, sizeof(o->err)))
		return;
	if (in->strategy == XS_STRAT_REPLAY) {
		if (xs_schedule_parse(in->spec, &s, o->err, sizeof(o->err)) ||
		    xs_xctl_check(&s, sc, o->err, sizeof(o->err)))
			return;
		cfg.replay = &s;
	}
	if (xs_xctl_init(&x, &cfg)) {
		snprintf(o->err, sizeof(o->err), "xs_xctl_init refused the settings");
		return;
	}
	if (in->story)
		xs_story_begin(&story, &x);
	else
		xs_xctl_listen(&x, on_decision, on_event, o);
	if (xs_run_ctl(sc, NULL, &x.ctl, NULL, &res, o->err, sizeof(o->err)))
		return;
	if (xs_xctl_taken(&x, o->spec, sizeof(o->spec)) < 0)
		snprintf(o->spec, sizeof(o->spec), "(incomplete record)");
	m = open_memstream(&text, &len);
	if (!m)
		return;
	xs_run_print_outcomes(m, &res);
	fclose(m);
	if (len >= sizeof(o->outcomes)) {
		snprintf(o->err, sizeof(o->err), "outcome lines longer than the buffer");
		return;
	}
	memcpy(o->outcomes, text, len + 1);
	free(text);
	strip_host_time(o->outcomes);
	o->steps = x.steps;
	o->nactors = x.nactors;
	o->lost_bytes = res.lost_bytes;
	o->invariant_violations = res.invariant_violations;
	if (in->story) {
		o->interleaving = xs_story_interleaving(&story, &res);
		xs_story_end(&story);
	}
	o->ok = 1;
}

void xrun(const struct xrun_in *in, struct xrun_out *out)
{
	if (xs_simfork_run(child, (void *)in, out, sizeof(*out))) {
		memset(out, 0, sizeof(*out));
		snprintf(out->err, sizeof(out->err), "the child crashed or timed out");
	}
	if (!out->ok)
		printf("  run of %s: %s\n", in->ini, out->err);
}

void xrun_replay(const char *ini, const char *spec, const char *section, const char *key,
		 const char *value, struct xrun_out *out)
{
	struct xrun_in in = {
		.ini = ini,
		.ov_section = section,
		.ov_key = key,
		.ov_value = value,
		.strategy = XS_STRAT_REPLAY,
		.spec = spec,
	};

	xrun(&in, out);
}

size_t xrun_find(const struct xrun_out *o, size_t from, const char *group, int kind)
{
	size_t i;

	for (i = from; i < o->nev; i++)
		if (!o->ev[i].decision && strcmp(o->ev[i].group, group) == 0 &&
		    (kind < 0 || o->ev[i].kind == kind))
			return i;
	return o->nev;
}
