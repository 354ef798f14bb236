/*
 * `wpsim run --json` (sweep.h): one JSON object for one run, what the name=value lines
 * and the anomaly lines say plus the latency per group and the resolved parameters
 * as the param table stores them. Here rather than in main.c because the parameters
 * come from the scenario and the figures from the outcome layer.
 */
#include "sweep/sweep.h"
#include "outcome/outcome_json.h"

struct params {
	FILE *f;
	int n;
};

static void param_member(void *arg, const char *name, const char *value)
{
	struct params *p = arg;

	fputs(p->n++ ? ",\n    " : "\n    ", p->f);
	xs_json_string(p->f, name);
	fputs(": ", p->f);
	xs_json_string(p->f, value);
}

void xs_sweep_run_json(FILE *out, const struct xs_scenario *sc, const struct xs_run_result *res)
{
	struct params p = {out, 0};

	fputs("{\n  \"scenario\": ", out);
	xs_json_string(out, sc->path);
	fprintf(out, ",\n  \"seed\": %llu,\n", (unsigned long long)sc->seed);
	xs_outcome_json_members(out, res, "  ");
	fputs(",\n  \"params\": {", out);
	xs_scenario_foreach_param(sc, param_member, &p);
	fputs(p.n ? "\n  }\n}\n" : "}\n}\n", out);
}
