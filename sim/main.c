/*
 * wpsim: the subcommands (docs/design.md, "Commands").
 */
#include "help.h"

#include "actors/run.h"
#include "config/scenario.h"
#include "core/inode.h"
#include "explore/explore.h"
#include "explore/schedule.h"
#include "explore/xctl.h"
#include "io/io.h"
#include "store/store.h"
#include "sweep/sweep.h"
#include "report/export.h"
#include "report/report.h"
#include "core/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int usage(FILE *f)
{
	xs_help_usage(f);
	return 2;
}

static void io_bad_kernel(const char *version)
{
	const char *name;
	size_t i;

	if (version)
		fprintf(stderr, "wpsim io: -k %s: no preset for that kernel version", version);
	else
		fprintf(stderr, "wpsim io: -k needs a kernel version");
	fprintf(stderr, " (accepted: MAJOR.MINOR[.PATCH][-LOCAL] at or above the oldest "
			"preset; it runs under the newest preset at or below it:");
	for (i = 0; (name = xs_policy_preset_name(i)); i++)
		fprintf(stderr, "%s %s", i ? "," : "", name);
	fprintf(stderr, ")\n");
}

static int cmd_io(int argc, char **argv)
{
	char **cmds = xs_xcalloc((size_t)argc + 1, sizeof(*cmds));
	const char *script = NULL, *kernel = NULL;
	int i, n = 0, ret;

	if (!cmds)
		return 1;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-k") == 0) {
			/* a kernel version runs under the newest preset at or below it */
			kernel = i + 1 < argc ? xs_policy_preset_for_version(argv[i + 1]) : NULL;
			if (!kernel) {
				io_bad_kernel(i + 1 < argc ? argv[i + 1] : NULL);
				free(cmds);
				return 2;
			}
			i++;
		} else if (strcmp(argv[i], "-c") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "wpsim io: -c needs a command\n");
				free(cmds);
				return 2;
			}
			cmds[n++] = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "wpsim io: unknown option %s\n", argv[i]);
			free(cmds);
			return 2;
		} else if (!script) {
			script = argv[i];
		} else {
			fprintf(stderr, "wpsim io: one script only (got %s and %s)\n", script,
				argv[i]);
			free(cmds);
			return 2;
		}
	}
	ret = xs_io_run(n, cmds, script, kernel, stdout, stderr);
	free(cmds);
	return ret;
}

/* Where device files live: $WPSIM_DEVICES, else NULL (found from the scenario). */
static const char *devices_dir(void)
{
	const char *d = getenv("WPSIM_DEVICES");

	return d && *d ? d : NULL;
}

static void print_anomalies(FILE *out, const struct xs_run_result *res)
{
	size_t i;

	for (i = 0; i < res->nanomalies; i++) {
		const struct xs_anomaly *a = &res->anomalies[i];

		fprintf(out, "anomaly %s offset=%llu length=%llu t=%.9f: %s\n", a->kind,
			(unsigned long long)a->offset, (unsigned long long)a->length, a->sim_time_s,
			a->detail ? a->detail : "");
	}
}

/*
 * A path an option writes (--trace, --db, --out), checked before the work, which
 * would otherwise be made for nothing: an existing file must be writable and not a
 * directory, a new one needs a writable directory. Returns 0, or the exit status after
 * a message naming the option and the path: 2 for a path that cannot be (no such
 * directory, a directory), 1 for the environment (permission, read-only).
 */
static int out_path_check(const char *cmd, const char *opt, const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096] = "";
	struct stat st;
	int e;

	if (stat(path, &st) == 0) {
		e = S_ISDIR(st.st_mode) ? EISDIR : access(path, W_OK) ? errno : 0;
	} else if (errno != ENOENT) {
		e = errno;
	} else {
		if (!slash)
			snprintf(dir, sizeof(dir), ".");
		else
			snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path),
				 path);
		e = access(dir, W_OK | X_OK) ? errno : 0;
	}
	if (!e)
		return 0;
	/* a database the environment refuses: the store says why, in SQLite's terms too */
	if ((e == EACCES || e == EPERM || e == EROFS) && strcmp(opt, "--db") == 0)
		return 0;
	fprintf(stderr, "wpsim %s: %s %s: %s%s%s%s\n", cmd, opt, path, dir[0] ? "directory " : "",
		dir, dir[0] ? ": " : "", strerror(e));
	return e == EACCES || e == EPERM || e == EROFS ? 1 : 2;
}

/*
 * wpsim run --db: the database opened (created when new) before the run, so that a
 * run is never made for a database that then refuses it.
 */
static int run_db_open(const char *db)
{
	struct xs_store *st;
	char err[1024];
	int error = xs_store_open(db, &st, err, sizeof(err));
	if (!error) {
		xs_store_close(st);
		return 0;
	}
	fprintf(stderr, "wpsim run: %s\n", err);
	return error == -EINVAL ? 2 : 1;
}

/* wpsim run --db: refuse a file that is not a wpsim database before the run. */
static int run_db_check(const char *db)
{
	char err[1024];
	int error = out_path_check("run", "--db", db);

	if (error)
		return error;
	error = xs_store_check_file(db, err, sizeof(err));

	if (error == 0 || error == -ENOENT)
		error = xs_store_check_writable(db, err, sizeof(err));
	if (error == 0)
		return 0;
	fprintf(stderr, "wpsim run: --db %s\n", err);
	/* a directory that does not exist is a mistyped path */
	return error == -EINVAL || error == -ENOENT ? 2 : 1;
}

/* wpsim run --db: store the run as a sweep of one (sweep/sweep.h). */
static int run_db_store(const char *db, const struct xs_scenario *sc, const struct xs_override *ov,
			int nov, const char *schedule, const struct xs_run_result *res,
			const char *run_error)
{
	char err[1024];
	int error =
		xs_sweep_store_single(db, sc, ov, nov, schedule, res, run_error, err, sizeof(err));

	if (error) /* 1: already stored, a note */
		fprintf(stderr, "wpsim run: %s\n", err);
	return error < 0 ? (error == -EINVAL || error == -EEXIST ? 2 : 1) : 0;
}

/*
 * wpsim run --schedule SPEC: the run under a controller replaying SPEC (explore/xctl.h);
 * *canon receives its canonical text (malloc'd). Returns 0, 2 (bad schedule, message
 * printed) or 1 (the run failed, err).
 */
static int run_scheduled(const struct xs_scenario *sc, const char *spec, const char *trace,
			 char **canon, struct xs_run_result *res, char *err, size_t errlen)
{
	struct xs_schedule s;
	struct xs_xctl x;
	struct xs_xctl_cfg cfg = {.strategy = XS_STRAT_REPLAY, .replay = &s};
	int r;

	if (xs_schedule_parse(spec, &s, err, errlen) || xs_xctl_check(&s, sc, err, errlen)) {
		fprintf(stderr, "wpsim run: --schedule: %s\n", err);
		xs_schedule_free(&s);
		return 2;
	}
	*canon = xs_xmalloc(xs_schedule_format(&s, NULL, 0) + 1);
	if (*canon)
		xs_schedule_format(&s, *canon, xs_schedule_format(&s, NULL, 0) + 1);
	r = *canon ? xs_xctl_init(&x, &cfg) : -ENOMEM;
	if (!r)
		r = xs_run_ctl(sc, trace, &x.ctl, NULL, res, err, errlen) ? 1 : 0;
	else
		snprintf(err, errlen, "out of memory");
	xs_xctl_free(&x);
	xs_schedule_free(&s);
	return r ? 1 : 0;
}

/*
 * -s section.key=value (kv: a copy of arg that *ov will point into) or, for
 * --compare, section.key=V1,V2,...: false after a message naming the option.
 */
static bool override_arg(const char *cmd, const char *arg, char *kv, struct xs_override *ov)
{
	char *dot = kv ? strchr(kv, '.') : NULL;
	char *eq = dot ? strchr(dot, '=') : NULL;

	if (!kv)
		return false;
	if (!dot || !eq) {
		fprintf(stderr, "wpsim %s: -s %s: expected section.key=value\n", cmd, arg);
		return false;
	}
	*dot = '\0';
	*eq = '\0';
	ov->section = kv;
	ov->key = dot + 1;
	ov->value = eq + 1;
	return true;
}

static int cmd_run(int argc, char **argv)
{
	struct xs_override *ov = xs_xcalloc((size_t)argc + 1, sizeof(*ov));
	char **owned = xs_xcalloc((size_t)argc + 1, sizeof(*owned));
	const char *scenario = NULL, *trace = NULL, *db = NULL, *spec = NULL;
	bool json = false;
	char *canon = NULL;
	struct xs_scenario *sc = xs_xcalloc(1, sizeof(*sc));
	struct xs_run_result res;
	char err[4096];
	int i, nov = 0, ret = 2;

	if (!ov || !owned || !sc)
		goto out;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
			owned[nov] = xs_xstrdup(argv[++i]);
			if (!override_arg("run", argv[i], owned[nov], &ov[nov]))
				goto out;
			nov++;
		} else if (strcmp(argv[i], "--trace") == 0 && i + 1 < argc) {
			trace = argv[++i];
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--schedule") == 0 && i + 1 < argc) {
			spec = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "wpsim run: unknown option %s\n", argv[i]);
			goto out;
		} else if (!scenario) {
			scenario = argv[i];
		} else {
			fprintf(stderr, "wpsim run: one scenario only (got %s and %s)\n", scenario,
				argv[i]);
			goto out;
		}
	}
	if (!scenario) {
		usage(stderr);
		goto out;
	}
	if (db) {
		ret = run_db_check(db);
		if (ret)
			goto out;
		ret = 2;
	}
	if (xs_scenario_load(scenario, ov, nov, devices_dir(), sc, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	/* where the results go, before the run that makes them */
	if (trace && (ret = out_path_check("run", "--trace", trace)))
		goto out;
	if (db && (ret = run_db_open(db)))
		goto out;
	ret = 2;
	if (spec) {
		ret = run_scheduled(sc, spec, trace, &canon, &res, err, sizeof(err));
		if (ret == 2)
			goto out;
	} else {
		ret = xs_run(sc, trace, &res, err, sizeof(err)) ? 1 : 0;
	}
	if (ret) {
		fprintf(stderr, "wpsim run: %s\n", err);
		ret = 1;
		if (db)
			run_db_store(db, sc, ov, nov, canon, NULL, err);
		goto out;
	}
	if (json) {
		xs_sweep_run_json(stdout, sc, &res);
	} else {
		print_anomalies(stdout, &res);
		xs_run_print_outcomes(stdout, &res);
	}
	ret = db ? run_db_store(db, sc, ov, nov, canon, &res, NULL) : 0;
	xs_run_result_free(&res);
out:
	free(canon);
	for (i = 0; i < nov + 1 && owned; i++)
		free(owned[i]);
	free(owned);
	free(ov);
	free(sc);
	return ret;
}

/* wpsim report [--db PATH] [--out DIR] [--metric NAME]... (report/report.h) */
static int cmd_report(int argc, char **argv)
{
	const char *db = "data/results.db", *out = "data/report";
	const char **metrics = xs_xcalloc((size_t)argc + 1, sizeof(*metrics));
	size_t nmetrics = 0;
	int i, ret;

	if (!metrics) {
		fprintf(stderr, "wpsim report: out of memory\n");
		return 1;
	}
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--metric") == 0 && i + 1 < argc) {
			metrics[nmetrics++] = argv[++i];
		} else {
			free(metrics);
			fprintf(stderr, "wpsim report: unknown argument %s\n", argv[i]);
			return usage(stderr);
		}
	}
	ret = xs_report_main_metrics(db, out, metrics, nmetrics, stdout, stderr);
	free(metrics);
	return ret;
}

/* wpsim export --db PATH [--format csv|json] [--out FILE] (report/export.h) */
static int cmd_export(int argc, char **argv)
{
	const char *db = NULL, *format = "csv", *out = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			format = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else {
			fprintf(stderr, "wpsim export: %s %s\n",
				argv[i][0] == '-' ? "unknown option or missing value:"
						  : "unexpected",
				argv[i]);
			return usage(stderr);
		}
	}
	if (!db) {
		fprintf(stderr, "wpsim export: --db PATH is required\n");
		return usage(stderr);
	}
	if (out && (i = out_path_check("export", "--out", out)))
		return i;
	return xs_export_main(db, format, out, stdout, stderr);
}

/* A whole number lo..hi, all of s. */
static bool uint_arg(const char *s, unsigned lo, unsigned hi, unsigned *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || n < lo || n > hi)
		return false;
	*v = (unsigned)n;
	return true;
}

/* --shard K/N: false after a message. */
static bool shard_arg(const char *cmd, char *arg, unsigned *k, unsigned *n)
{
	char *slash = strchr(arg, '/');
	bool ok;

	if (slash)
		*slash = '\0';
	ok = slash && uint_arg(slash + 1, 1, 1000000, n) && uint_arg(arg, 1, *n, k);
	if (slash)
		*slash = '/';
	if (!ok)
		fprintf(stderr,
			"wpsim %s: --shard %s: bad shard (accepted: K/N, 1 <= K <= N <= 1000000)\n",
			cmd, arg);
	return ok;
}

/* wpsim sweep SWEEP [--jobs N] [--db PATH] [--resume] [--shard K/N] (sweep/sweep.h) */
static int cmd_sweep(int argc, char **argv)
{
	struct xs_sweep_opts o = {.db = "data/results.db", .jobs = xs_sweep_default_jobs()};
	struct xs_sweep *sw;
	const char *path = NULL;
	char err[2048];
	int i, ret;

	o.progress = isatty(STDERR_FILENO) ? 1 : 0;
	o.out = stdout;
	o.log = stderr;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) {
			if (!uint_arg(argv[++i], 1, 4096, &o.jobs)) {
				fprintf(stderr,
					"wpsim sweep: --jobs %s: bad count (accepted: 1..4096)\n",
					argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			o.db = argv[++i];
		} else if (strcmp(argv[i], "--resume") == 0) {
			o.resume = true;
		} else if (strcmp(argv[i], "--shard") == 0 && i + 1 < argc) {
			if (!shard_arg("sweep", argv[++i], &o.shard_k, &o.shard_n))
				return 2;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "wpsim sweep: unknown option %s\n", argv[i]);
			return usage(stderr);
		} else if (!path) {
			path = argv[i];
		} else {
			fprintf(stderr, "wpsim sweep: one sweep file only (got %s and %s)\n", path,
				argv[i]);
			return 2;
		}
	}
	if (!path)
		return usage(stderr);
	sw = xs_xcalloc(1, sizeof(*sw));
	if (xs_sweep_load(path, devices_dir(), sw, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		ret = 2;
	} else if ((ret = out_path_check("sweep", "--db", o.db))) {
		;
	} else {
		ret = xs_sweep_execute(sw, &o);
	}
	xs_sweep_free(sw);
	free(sw);
	return ret;
}

/* u64 in lo..hi, all of s. */
static bool u64_arg(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || n < lo || n > hi)
		return false;
	*v = n;
	return true;
}

/* --compare section.key=V1,V2,...: values split at commas outside parentheses. */
static bool compare_arg(char *kv, struct xs_explore_axis *ax)
{
	char *dot = strchr(kv, '.'), *eq = dot ? strchr(dot, '=') : NULL, *p, *start;
	int depth = 0;

	if (!dot || !eq || dot == kv || eq == dot + 1 || !eq[1])
		return false;
	*dot = '\0';
	*eq = '\0';
	snprintf(ax->section, sizeof(ax->section), "%s", kv);
	snprintf(ax->name, sizeof(ax->name), "%s", dot + 1);
	ax->nvals = 0;
	for (p = start = eq + 1;; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if ((*p == ',' && depth == 0) || !*p) {
			bool end = !*p;

			if (p == start || ax->nvals == XS_EXPLORE_MAX_VALUES)
				return false;
			*p = '\0';
			ax->vals[ax->nvals++] = start;
			start = p + 1;
			if (end)
				return true;
		}
	}
}

/* wpsim explore SCENARIO ... (explore/explore.h) */
static int cmd_explore(int argc, char **argv)
{
	struct xs_explore_opts o = {.strategy = XS_STRAT_PCT,
				    .depth = 2,
				    .runs = 200,
				    .seed = 1,
				    .jobs = xs_sweep_default_jobs(),
				    .shard_k = 1,
				    .shard_n = 1,
				    .db = "data/results.db",
				    .timeout_s = XS_SWEEP_TIMEOUT};
	struct xs_override *ov = xs_xcalloc((size_t)argc + 1, sizeof(*ov));
	char **owned = xs_xcalloc((size_t)argc + 1, sizeof(*owned));
	bool runs_given = false;
	int i, nowned = 0, ret = 2;

	o.out = stdout;
	o.log = stderr;
	o.progress = isatty(STDERR_FILENO);
	o.devices_dir = devices_dir();
	if (!ov || !owned) {
		ret = 1;
		goto out;
	}
	o.ov = ov;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool has = i + 1 < argc;

		if (strcmp(a, "-s") == 0 && has) {
			owned[nowned] = xs_xstrdup(argv[++i]);
			if (!override_arg("explore", argv[i], owned[nowned++], &ov[o.nov]))
				goto out;
			o.nov++;
		} else if (strcmp(a, "--strategy") == 0 && has) {
			a = argv[++i];
			if (strcmp(a, "pct") == 0)
				o.strategy = XS_STRAT_PCT;
			else if (strcmp(a, "delay") == 0)
				o.strategy = XS_STRAT_DELAY;
			else if (strcmp(a, "bounded") == 0)
				o.strategy = XS_STRAT_BOUNDED;
			else {
				fprintf(stderr,
					"wpsim explore: --strategy %s: unknown strategy "
					"(accepted: pct, delay, bounded)\n",
					a);
				goto out;
			}
		} else if (strcmp(a, "--depth") == 0 && has) {
			if (!uint_arg(argv[++i], 1, XS_EXPLORE_MAX_DEPTH, &o.depth)) {
				fprintf(stderr,
					"wpsim explore: --depth %s: bad depth (accepted: 1..%d)\n",
					argv[i], XS_EXPLORE_MAX_DEPTH);
				goto out;
			}
		} else if (strcmp(a, "--runs") == 0 && has) {
			if (!u64_arg(argv[++i], 1, XS_EXPLORE_MAX_RUNS, &o.runs)) {
				fprintf(stderr,
					"wpsim explore: --runs %s: bad count (accepted: 1..%llu)\n",
					argv[i], (unsigned long long)XS_EXPLORE_MAX_RUNS);
				goto out;
			}
			runs_given = true;
		} else if (strcmp(a, "--seed") == 0 && has) {
			if (!u64_arg(argv[++i], 0, UINT64_MAX, &o.seed)) {
				fprintf(stderr,
					"wpsim explore: --seed %s: bad seed "
					"(accepted: 0..18446744073709551615)\n",
					argv[i]);
				goto out;
			}
		} else if (strcmp(a, "--compare") == 0 && has) {
			owned[nowned] = xs_xstrdup(argv[++i]);
			if (o.naxes == XS_EXPLORE_MAX_AXES || !owned[nowned] ||
			    !compare_arg(owned[nowned++], &o.axes[o.naxes])) {
				fprintf(stderr,
					"wpsim explore: --compare %s: expected "
					"section.key=V1,V2,... (accepted: at most %d --compare, "
					"%d values each, no empty value)\n",
					argv[i], XS_EXPLORE_MAX_AXES, XS_EXPLORE_MAX_VALUES);
				goto out;
			}
			o.naxes++;
		} else if (strcmp(a, "--jobs") == 0 && has) {
			if (!uint_arg(argv[++i], 1, 4096, &o.jobs)) {
				fprintf(stderr,
					"wpsim explore: --jobs %s: bad count (accepted: 1..4096)\n",
					argv[i]);
				goto out;
			}
		} else if (strcmp(a, "--db") == 0 && has) {
			o.db = argv[++i];
		} else if (strcmp(a, "--shard") == 0 && has) {
			if (!shard_arg("explore", argv[++i], &o.shard_k, &o.shard_n))
				goto out;
		} else if (a[0] == '-') {
			fprintf(stderr, "wpsim explore: unknown option %s\n", a);
			usage(stderr);
			goto out;
		} else if (!o.scenario) {
			o.scenario = a;
		} else {
			fprintf(stderr, "wpsim explore: one scenario only (got %s and %s)\n",
				o.scenario, a);
			goto out;
		}
	}
	if (!o.scenario) {
		usage(stderr);
		goto out;
	}
	if (o.strategy == XS_STRAT_BOUNDED && !runs_given)
		o.runs = 0; /* every schedule */
	ret = out_path_check("explore", "--db", o.db);
	if (!ret)
		ret = xs_explore_main(&o);
out:
	for (i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(ov);
	return ret;
}

/* wpsim merge OUT IN...: shard databases into one (store.h). */
static int cmd_merge(int argc, char **argv)
{
	uint64_t copied, skipped;
	char err[2048];
	int i, error;

	for (i = 0; i < argc; i++) {
		if (argv[i][0] == '-') {
			fprintf(stderr, "wpsim merge: unknown option %s\n", argv[i]);
			return usage(stderr);
		}
	}
	if (argc < 2)
		return usage(stderr);
	error = xs_store_merge(argv[0], (const char *const *)argv + 1, argc - 1, &copied, &skipped,
			       err, sizeof(err));
	if (error) {
		fprintf(stderr, "wpsim merge: %s\n", err);
		return error == -EINVAL || error == -ENOENT || error == -EEXIST ? 2 : 1;
	}
	printf("merge: %llu runs copied, %llu already there -> %s\n", (unsigned long long)copied,
	       (unsigned long long)skipped, argv[0]);
	return 0;
}

/*
 * An option that takes a value given last, with none: "OPTION needs a value" rather
 * than the command's "unknown option", from the help table's options (io words its
 * own).
 */
static bool option_value_missing(const struct xs_help_cmd *c, int argc, char **argv)
{
	const struct xs_help_opt *o;
	int i;

	for (i = 0; i < argc; i++) {
		for (o = c->opts; o && o->name && strcmp(argv[i], o->name); o++)
			;
		if (!o || !o->name || !o->arg)
			continue;
		if (i + 1 == argc) {
			fprintf(stderr, "wpsim %s: %s needs a value (accepted: %s %s)\n", c->name,
				o->name, o->name, o->arg);
			return true;
		}
		i++;
	}
	return false;
}

int main(int argc, char **argv)
{
	const struct xs_help_cmd *help;

	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return xs_help_main(0, NULL, stdout, stderr);
	if (strcmp(argv[1], "--version") == 0) {
		if (argc > 2) {
			fprintf(stderr, "wpsim --version: unexpected argument %s\n", argv[2]);
			return 2;
		}
		printf("wpsim %s\n", xs_store_version());
		return 0;
	}
	help = xs_help_find(argv[1]);
	if (help && xs_help_asked(argc - 2, argv + 2)) {
		xs_help_command(help, stdout);
		return 0;
	}
	if (help && strcmp(argv[1], "io") && option_value_missing(help, argc - 2, argv + 2))
		return 2;
	if (strcmp(argv[1], "help") == 0)
		return xs_help_main(argc - 2, argv + 2, stdout, stderr);
	if (strcmp(argv[1], "keys") == 0)
		return xs_help_keys(argc - 2, argv + 2, stdout, stderr);
	if (strcmp(argv[1], "io") == 0)
		return cmd_io(argc - 2, argv + 2);
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 2, argv + 2);
	if (strcmp(argv[1], "sweep") == 0)
		return cmd_sweep(argc - 2, argv + 2);
	if (strcmp(argv[1], "export") == 0)
		return cmd_export(argc - 2, argv + 2);
	if (strcmp(argv[1], "merge") == 0)
		return cmd_merge(argc - 2, argv + 2);
	if (strcmp(argv[1], "explore") == 0)
		return cmd_explore(argc - 2, argv + 2);
	fprintf(stderr, "wpsim: unknown command %s\n", argv[1]);
	return usage(stderr);
}
