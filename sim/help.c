/*
 * wpsim's help (help.h): the table of commands and options, the topics, `wpsim keys`.
 * main.c parses the options; sim/tests/help.sh checks that every option it parses is
 * in this table and that every option here is one it parses.
 */
#include "help.h"

#include "config/scenario.h"
#include "core/inode.h"
#include "explore/schedule.h"
#include "outcome/outcome.h"
#include "store/store.h"

#include <string.h>

#define WIDTH XS_HELP_WIDTH
#define NBSP  '\001'

static const struct xs_help_opt io_opts[] = {
	{"-k", "VERSION",
	 "run under the preset of kernel VERSION: the newest preset at or below it (default "
	 "the running kernel's, " XS_KERNEL_DEFAULT ")"},
	{"-c", "CMD", "an xfs_io command; repeatable, run in order"},
	{NULL, NULL, NULL},
};

static const struct xs_help_opt run_opts[] = {
	{"-s", "section.key=value",
	 "override a scenario key, as if the line were the last of its section; repeatable "
	 "(`wpsim keys` lists the keys)"},
	{"--db", "PATH", "also store the run in the results database PATH, as a sweep of one"},
	{"--trace", "PATH", "write a Chrome trace-event JSON file (open it in Perfetto)"},
	{"--schedule", "SPEC",
	 "replay a schedule bit for bit, as `wpsim explore` prints and stores them (`wpsim help "
	 "schedules`)"},
	{"--json", NULL,
	 "print one JSON object instead of the name=value lines: outcomes, latency per "
	 "operation and per actor group, anomalies, the resolved parameters"},
	{NULL, NULL, NULL},
};

static const struct xs_help_opt sweep_opts[] = {
	{"--jobs", "N", "runs at once, 1..4096 (default: the CPUs available)"},
	{"--db", "PATH", "the results database (default data/results.db)"},
	{"--resume", NULL, "keep the runs the database already holds and run the others"},
	{"--shard", "K/N", "run only the K-th of N disjoint parts of the runs (merge them after)"},
	{NULL, NULL, NULL},
};

static const struct xs_help_opt explore_opts[] = {
	{"-s", "section.key=value", "override a scenario key, as for `wpsim run`; repeatable"},
	{"--strategy", "pct|delay|bounded",
	 "how schedules are drawn: pct (default), delay, or bounded (every schedule of at most "
	 "--depth decisions)"},
	{"--depth", "D", "decisions per schedule, 1..8 (default 2)"},
	{"--runs", "N",
	 "schedules per --compare value (default 200; bounded: every schedule, N caps it)"},
	{"--seed", "S", "seed of the schedule generator (default 1)"},
	{"--compare", "section.key=V1,V2,...",
	 "run every schedule under each value of a key; up to 4, each of up to 64 values"},
	{"--jobs", "N", "runs at once, 1..4096 (default: the CPUs available)"},
	{"--shard", "K/N", "run only the K-th of N disjoint parts of the schedules"},
	{"--db", "PATH", "the results database (default data/results.db)"},
	{NULL, NULL, NULL},
};

static const struct xs_help_opt none_opts[] = {{NULL, NULL, NULL}};

static const struct xs_help_opt report_opts[] = {
	{"--db", "PATH", "the results database (default data/results.db)"},
	{"--out", "DIR", "where the CSV files and the plots go (default data/report)"},
	{"--metric", "NAME",
	 "an outcome to test on paired seeds and plot (any metric name in the database); "
	 "repeatable; default lost_bytes, leaked_delalloc_blocks, deadlocks and the p99 "
	 "latencies"},
	{NULL, NULL, NULL},
};

static const struct xs_help_opt export_opts[] = {
	{"--db", "PATH", "the results database (required)"},
	{"--format", "csv|json", "CSV per RFC 4180 (the default) or a JSON list of objects"},
	{"--out", "FILE", "where the table goes (default: standard output)"},
	{NULL, NULL, NULL},
};

static const struct xs_help_opt keys_opts[] = {
	{"--names", NULL,
	 "only the keys' names, one a line, as -s takes them (an actor group's keys as "
	 "NAME.key)"},
	{"--table", NULL,
	 "one key a line, tab-separated: section.key, unit, default, accepted values, the "
	 "kinds of actor that take it, meaning (a default given as a value, or empty)"},
	{NULL, NULL, NULL},
};

const struct xs_help_cmd xs_help_cmds[] = {
	{"io", "[SCRIPT]", "run xfs_io commands against one modelled file",
	 "Runs xfs_io commands (the -c arguments, then the lines of SCRIPT) against one "
	 "modelled file on a fresh modelled 1 GiB XFS, and prints what xfs_io prints. A "
	 "\"#\001mkfs-size:\001SIZE\" line in a script sets the filesystem's size.",
	 io_opts},
	{"run", "SCENARIO", "run one scenario and print its anomalies and outcomes",
	 "Runs one scenario (an INI file: `wpsim keys`, docs/scenarios.md) as SimGrid actors "
	 "driving the model, then syncs, evicts the inode, unmounts, and compares the file "
	 "read back from the modelled disk with what users were told they wrote. Prints one "
	 "\"anomaly\" line per lost range, leak or broken invariant, then the name=value "
	 "outcome lines (`wpsim help outcomes`). The exit status is 0 also when data was "
	 "lost.",
	 run_opts},
	{"sweep", "SWEEP", "run a sweep file's runs into a results database",
	 "Runs every run of a sweep file (a scenario, seeds, and keys to vary: "
	 "docs/sweeps.md), each in its own process, and stores each as one transaction of "
	 "an SQLite results database. Prints progress on stderr and a summary line.",
	 sweep_opts},
	{"explore", "SCENARIO", "run a scenario under controlled schedules",
	 "Runs a scenario many times under a controlled scheduler, every schedule under "
	 "every --compare value, stores each run with its schedule, says how sure a "
	 "\"nothing fails\" is, and shrinks the first failing schedule to a step table "
	 "(docs/explore.md).",
	 explore_opts},
	{"merge", "OUT IN...", "merge results databases (shards) into one",
	 "Copies into OUT (created if missing) every run of the IN databases that OUT does "
	 "not hold yet, with its sweep and schedules, one transaction per input; every "
	 "input is checked before anything is written (docs/sweeps.md).",
	 none_opts},
	{"report", "", "statistics, tables and plots of a results database",
	 "Reads a results database and prints, per scenario and policy, the probability of "
	 "loss with its interval, leaks, latency percentiles and paired comparisons of "
	 "policies on the same seeds; writes CSV files, and PNG plots when gnuplot is "
	 "installed.",
	 report_opts},
	{"export", "", "a results database as one tidy table, a row per run",
	 "Writes every run of a results database as one row: run_id, sweep, scenario, seed, "
	 "status, then a column per resolved parameter and per metric.",
	 export_opts},
	{"keys", "", "every scenario key: unit, default, accepted values, meaning",
	 "Lists every key a scenario file may hold, section by section, from the table the "
	 "loader checks scenarios against.",
	 keys_opts},
	{"help", "[TOPIC]", "this overview, or the help of a command or topic",
	 "Prints the overview, or the help of TOPIC: a command's name (as COMMAND --help; "
	 "keys lists the keys, as `wpsim keys`), or one of the topics outcomes, policy, "
	 "schedules.",
	 none_opts},
	{NULL, NULL, NULL, NULL, NULL},
};

const struct xs_help_topic xs_help_topics[] = {
	{"keys", "the scenario keys (as `wpsim keys`)", xs_help_print_keys},
	{"outcomes", "the outcome lines of `wpsim run`: name, unit, meaning",
	 xs_help_print_outcomes},
	{"policy", "the policy keys and the kernel presets that set them", xs_help_print_policy},
	{"schedules", "the text of a schedule (--schedule, `wpsim explore`)",
	 xs_help_print_schedules},
	{NULL, NULL, NULL},
};

void xs_help_wrap(FILE *out, int width, int indent, int first, const char *text)
{
	const char *p = text;
	int col = first;
	bool start = true; /* nothing of the text on this line yet */
	int i;

	while (*p) {
		int w = (int)strcspn(p, " ");

		if (!start && col + 1 + w > width) {
			fputc('\n', out);
			col = 0;
			start = true;
		}
		if (start && col < indent) {
			fprintf(out, "%*s", indent - col, "");
			col = indent;
		} else if (!start) {
			fputc(' ', out);
			col++;
		}
		/* NBSP: a blank that does not break (in a synopsis' [--opt ARG]) */
		for (i = 0; i < w; i++)
			fputc(p[i] == NBSP ? ' ' : p[i], out);
		col += w;
		start = false;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

const struct xs_help_cmd *xs_help_find(const char *name)
{
	const struct xs_help_cmd *c;

	for (c = xs_help_cmds; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

bool xs_help_asked(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}

/* "wpsim run SCENARIO [-s section.key=value]... [--db PATH]", wrapped under the name. */
void xs_help_synopsis(const struct xs_help_cmd *c, const char *lead, int width, FILE *out)
{
	char line[1024];
	size_t n;
	const struct xs_help_opt *o;

	/* operands first (the SCENARIO of run), optional ones ([SCRIPT]) after the options */
	n = c->args[0] == '[' ? 0 : (size_t)snprintf(line, sizeof(line), "%s", c->args);
	for (o = c->opts; o->name && n < sizeof(line); o++) {
		bool rep = strcmp(o->name, "-s") == 0 || strcmp(o->name, "-c") == 0 ||
			   strcmp(o->name, "--compare") == 0;

		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s[%s%s%s]%s", n ? " " : "",
				      o->name, o->arg ? "\001" : "", o->arg ? o->arg : "",
				      rep ? "..." : "");
	}
	if (c->args[0] == '[' && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s", n ? " " : "", c->args);
	fprintf(out, "%swpsim %s", lead, c->name);
	if (n) {
		int ind = (int)(strlen(lead) + 7 + strlen(c->name));

		fputc(' ', out);
		xs_help_wrap(out, width, ind, ind, line);
	} else {
		fputc('\n', out);
	}
}

void xs_help_usage(FILE *out)
{
	const struct xs_help_cmd *c;

	for (c = xs_help_cmds; c->name; c++)
		xs_help_synopsis(c, c == xs_help_cmds ? "usage: " : "       ", WIDTH, out);
	fprintf(out, "       wpsim --version\n"
		     "       wpsim COMMAND --help\n");
}

void xs_help_command(const struct xs_help_cmd *c, FILE *out)
{
	const struct xs_help_opt *o;

	xs_help_synopsis(c, "usage: ", WIDTH, out);
	fputc('\n', out);
	xs_help_wrap(out, WIDTH, 0, 0, c->text);
	fprintf(out, "\noptions:\n");
	for (o = c->opts; o->name; o++) {
		int n = fprintf(out, "  %s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");

		if (n > 21) {
			fputc('\n', out);
			n = 0;
		}
		xs_help_wrap(out, WIDTH, 22, n, o->text);
	}
	fprintf(out, "  %-20sthis help\n", "-h, --help");
}

static void overview(FILE *out)
{
	const struct xs_help_cmd *c;
	const struct xs_help_topic *t;

	fprintf(out,
		"wpsim %s\nA discrete-event simulator of the Linux XFS buffered-write "
		"path.\n\ncommands:\n",
		xs_store_version());
	for (c = xs_help_cmds; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out, "\ntopics (wpsim help TOPIC):\n");
	for (t = xs_help_topics; t->name; t++)
		fprintf(out, "  %-10s %s\n", t->name, t->summary);
	fprintf(out, "  COMMAND    the command's options (as wpsim COMMAND --help)\n\n");
	xs_help_wrap(out, WIDTH, 0, 0,
		     "Exit status: 0 success (also when a run finds data loss), 1 a runtime "
		     "failure, 2 bad usage or bad input (with a message naming the file, line "
		     "and key, or the option). `wpsim --version` prints the version; the "
		     "documentation is in docs/ of the source and in wpsim(1).");
}

int xs_help_main(int argc, char **argv, FILE *out, FILE *err)
{
	const struct xs_help_cmd *c;
	const struct xs_help_topic *t;

	if (argc == 0 ||
	    (argc == 1 && (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0))) {
		overview(out);
		return 0;
	}
	if (argc > 1) {
		fprintf(err, "wpsim help: one topic only (got %s and %s)\n", argv[0], argv[1]);
		return 2;
	}
	if (strcmp(argv[0], "--man") == 0) {
		xs_help_man(out);
		return 0;
	}
	if (strcmp(argv[0], "--completion") == 0) {
		xs_help_completion(out);
		return 0;
	}
	for (t = xs_help_topics; t->name; t++) {
		if (strcmp(argv[0], t->name) == 0) {
			t->print(out, WIDTH);
			return 0;
		}
	}
	c = xs_help_find(argv[0]);
	if (c) {
		xs_help_command(c, out);
		return 0;
	}
	fprintf(err, "wpsim help: unknown topic %s (accepted:", argv[0]);
	for (t = xs_help_topics; t->name; t++)
		fprintf(err, " %s", t->name);
	for (c = xs_help_cmds; c->name; c++)
		fprintf(err, " %s", c->name);
	fprintf(err, ")\n");
	return 2;
}

/* "global.kernel", or "NAME.jobs" for an actor group's key. */
static void key_name(const struct xs_scenario_keyref *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s.%s", r->section ? r->section : "NAME", r->name);
}

void xs_help_print_keys(FILE *out, int width)
{
	struct xs_scenario_keyref r;
	const char *last = "";
	char line[1024];
	int i;

	xs_help_wrap(out, width, 0, 0,
		     "Scenario keys, by section (docs/scenarios.md). A scenario file has a "
		     "[global] section, one section per group of actors (any other name: "
		     "[NAME], kind = writer, faulter, reader, truncator, syncer or mapper), and "
		     "optionally [writeback], [reclaim], [blockgc] and [cpu]; `wpsim run -s "
		     "section.key=value` overrides a key. Sizes are bytes, with k, m, g, t "
		     "suffixes (powers of 1024); times are seconds, with ns, us, ms, s suffixes; "
		     "a distribution is const(T), uniform(A, B), exp(MEAN), normal(MEAN, SD), "
		     "lognormal(MEAN, CV) or gamma(MEAN, CV).");
	for (i = 0; xs_scenario_keyref(i, &r) == 0; i++) {
		const char *sec = r.section ? r.section : "NAME";

		if (strcmp(sec, last) != 0) {
			fprintf(out, "\n[%s]%s\n", sec,
				r.section ? "" : ": one group of actors (any other section name)");
			if (strcmp(sec, "cpu") == 0)
				xs_help_wrap(
					out, width, 2, 0,
					"simulated CPU time of each kernel step; a key not given "
					"takes its figure from the cost file global.cpu names "
					"(the defaults shown are those of the default cost "
					"file, see global.cpu)");
			last = sec;
		}
		fprintf(out, "  %s\n", r.name);
		if (r.def)
			snprintf(line, sizeof(line), "default: %s", r.def);
		else if (r.def_text)
			snprintf(line, sizeof(line), "default: %s", r.def_text);
		else
			snprintf(line, sizeof(line), "default: none, required");
		xs_help_wrap(out, width, 6, 0, r.doc ? r.doc : "");
		if (r.unit)
			fprintf(out, "      unit: %s; %s\n", r.unit, line);
		else
			fprintf(out, "      %s\n", line);
		snprintf(line, sizeof(line), "accepted: %s%s%s", r.accepted,
			 r.kinds[0] ? "; kinds: " : "", r.kinds);
		xs_help_wrap(out, width, 6, 0, line);
	}
}

int xs_help_keys(int argc, char **argv, FILE *out, FILE *err)
{
	struct xs_scenario_keyref r;
	char name[96];
	int i;

	if (argc == 0) {
		xs_help_print_keys(out, WIDTH);
		return 0;
	}
	if (argc == 1 && (strcmp(argv[0], "--names") == 0 || strcmp(argv[0], "--table") == 0)) {
		for (i = 0; xs_scenario_keyref(i, &r) == 0; i++) {
			key_name(&r, name, sizeof(name));
			if (argv[0][2] == 'n')
				fprintf(out, "%s\n", name);
			else
				fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\n", name, r.unit ? r.unit : "",
					r.def ? r.def : "", r.accepted, r.kinds,
					r.doc ? r.doc : "");
		}
		return 0;
	}
	fprintf(err, "wpsim keys: unknown argument %s (accepted: --names, --table, --help)\n",
		argv[0]);
	return 2;
}

/* Lock names as the actors name their slots (the lock classes of the lock validator). */
#define LOCK_NAMES "i_rwsem, invalidate_lock, ILOCK, mmap_lock, folio"

void xs_help_print_outcomes(FILE *out, int width)
{
	char line[512];
	size_t i;

	xs_help_wrap(out, width, 0, 0,
		     "`wpsim run` prints one \"anomaly KIND offset=... length=... t=...: story\" "
		     "line per anomaly (lost, leak, leak_unmount, invariant, lock_order, "
		     "deadlock), then these name=value lines, in this order; they are the "
		     "metric names of the results database. Figures of a lock are printed per "
		     "lock L the run used, as lock_L_NAME; L is one of " LOCK_NAMES ".");
	fputc('\n', out);
	for (i = 0; i < XS_OUTCOME_NDEFS; i++) {
		const struct xs_outcome_def *d = &xs_outcome_table[i];

		snprintf(line, sizeof(line), "%s%s", d->nlocks ? "lock_L_" : "", d->name);
		fprintf(out, "%s (%s)\n", line, d->unit);
		xs_help_wrap(out, width, 4, 0, d->meaning);
	}
}

void xs_help_print_policy(FILE *out, int width)
{
	struct xs_scenario_keyref r;
	struct xs_policy pol;
	const char *kernel;
	char line[1024], val[64];
	size_t k, n;
	int i;

	xs_help_wrap(out, width, 0, 0,
		     "Policy keys, in [global]. global.kernel picks a preset that gives each "
		     "its value as that release behaves; a policy key given explicitly "
		     "(in the file, or with -s) replaces the preset's value "
		     "(docs/kernel.md, \"Versions and presets\").");
	for (i = 0; xs_scenario_keyref(i, &r) == 0; i++) {
		if (!r.policy)
			continue;
		snprintf(line, sizeof(line), "global.%s = %s", r.name, r.accepted);
		fputc('\n', out);
		xs_help_wrap(out, width, 4, 4, line); /* a hanging indent */
		xs_help_wrap(out, width, 4, 0, r.doc ? r.doc : "");
	}
	fprintf(out, "\npresets (global.kernel = ...):\n");
	for (k = 0; (kernel = xs_policy_preset_name(k)); k++) {
		if (xs_policy_preset(&pol, kernel))
			continue;
		n = 0;
		for (i = 0; xs_scenario_keyref(i, &r) == 0 && n < sizeof(line); i++) {
			if (!r.policy)
				continue;
			xs_scenario_keyref_policy(i, &pol, val, sizeof(val));
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s=%s", n ? " " : "",
					      r.name, val);
		}
		fprintf(out, "  %-6s", kernel);
		xs_help_wrap(out, width, 8, 8, line);
	}
}

/* What each action does, by its name in the schedule table. */
static const char *const action_text[][2] = {
	{"suspend", "the actor waits until every other controlled actor is blocked or gone"},
	{"delay", "delay=TIME: the actor is held back TIME of simulated time (1us, 3ms)"},
	{"fail", "fail=BYTES: that write's copy-in comes up short once BYTES of the operation "
		 "are copied (point write_copy, hit 0, writers only)"},
	{"lower", "PCT's change point: the actor drops below every priority given so far"},
};

void xs_help_print_schedules(FILE *out, int width)
{
	char line[1024];
	const char *name;
	size_t n = 0, i, a;

	xs_help_wrap(out, width, 0, 0,
		     "A schedule is one line of text: \"none\", or elements joined by \",\" "
		     "(docs/explore.md, \"Schedules\"). It means the same under every "
		     "kernel policy, as it never names a simulated time.");
	fprintf(out, "\n  order=ACTOR/ACTOR/...\n");
	xs_help_wrap(out, width, 6, 0,
		     "the initial priorities, highest first (PCT's order); actors not named "
		     "rank below; at most one");
	fprintf(out, "  ACTOR@OP[+HIT]:POINT:ACTION\n");
	xs_help_wrap(out, width, 6, 0,
		     "a decision. ACTOR is GROUP.JOB (pwriter.0: job 0 of the [pwriter] "
		     "section; the daemons are flusher.0, reclaim.0, blockgc.0, endio.0); OP "
		     "the actor's own 0-based operation number; HIT the 0-based count of "
		     "earlier visits to POINT in that operation (default 0)");
	for (i = 0; (name = xs_sched_point_name((enum xs_sched_point)i)) && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s", i ? ", " : "", name);
	fprintf(out, "\npoints:\n");
	xs_help_wrap(out, width, 2, 0, line);
	fprintf(out, "\nactions:\n");
	for (i = 0; (name = xs_sched_action_name((enum xs_sched_action)i)); i++) {
		const char *text = "";

		for (a = 0; a < sizeof(action_text) / sizeof(action_text[0]); a++)
			if (strcmp(action_text[a][0], name) == 0)
				text = action_text[a][1];
		fprintf(out, "  %-9s", name);
		xs_help_wrap(out, width, 11, 11, text);
	}
	fprintf(out, "\nexample:\n  order=pwriter.0/mmapper.0,pwriter.0@3:write_copy:fail=0\n");
}
