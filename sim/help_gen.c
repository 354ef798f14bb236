/*
 * The man page and the bash completion script (help.h), printed by `wpsim help --man`
 * and `wpsim help --completion` from the tables the rest of the help prints: the
 * Makefile builds build/wpsim.1 and build/wpsim.bash with them.
 */
#include "help.h"

#include "config/scenario.h"
#include "core/inode.h"
#include "explore/schedule.h"
#include "outcome/outcome.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#ifndef XS_DATADIR
#define XS_DATADIR "/usr/local/share/wpsim"
#endif

/* Text for troff: backslashes escaped, a line never starting with a control character. */
static void roff(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else if (*s == '\001')
			fputs("\\ ", out);
		else
			fputc(*s, out);
		if (*s == '\n' && (s[1] == '.' || s[1] == '\''))
			fputs("\\&", out);
	}
}

/* A paragraph printed by fn (a topic printer), as preformatted text. */
static void roff_pre(FILE *out, void (*fn)(FILE *, int))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	fn(m, XS_HELP_MAN_WIDTH);
	fclose(m);
	fputs(".nf\n", out);
	roff(out, buf);
	fputs(".fi\n", out);
	free(buf);
}

static void synopsis_all(FILE *out, int width)
{
	const struct xs_help_cmd *c;

	for (c = xs_help_cmds; c->name; c++)
		xs_help_synopsis(c, "", width, out);
	fputs("wpsim --version\nwpsim COMMAND --help\n", out);
}

static void man_commands(FILE *out)
{
	const struct xs_help_cmd *c;
	const struct xs_help_opt *o;

	fputs(".SH COMMANDS\n", out);
	for (c = xs_help_cmds; c->name; c++) {
		fprintf(out, ".SS \"wpsim %s", c->name);
		if (c->args[0]) {
			fputc(' ', out);
			roff(out, c->args);
		}
		fputs("\"\n", out);
		roff(out, c->text);
		fputc('\n', out);
		for (o = c->opts; o->name; o++) {
			fputs(o->arg ? ".TP\n.BI " : ".TP\n.B ", out);
			roff(out, o->name);
			if (o->arg) {
				fputs(" \" ", out);
				roff(out, o->arg);
				fputc('"', out);
			}
			fputc('\n', out);
			roff(out, o->text);
			fputc('\n', out);
		}
		fputs(".TP\n.B \\-h, \\-\\-help\nthis command's help\n", out);
	}
}

static void man_keys(FILE *out)
{
	struct xs_scenario_keyref r;
	const char *last = "";
	int i;

	fputs(".SH SCENARIO KEYS\nAs printed by\n.BR \"wpsim keys\" .\n", out);
	for (i = 0; xs_scenario_keyref(i, &r) == 0; i++) {
		const char *sec = r.section ? r.section : "NAME";

		if (strcmp(sec, last) != 0) {
			fprintf(out, ".SS \"[%s]%s\"\n", sec,
				r.section ? "" : ": a group of actors (any other section name)");
			last = sec;
		}
		fprintf(out, ".TP\n.B %s\n", r.name);
		roff(out, r.doc ? r.doc : "");
		fputs(".\n", out);
		if (r.unit) {
			fputs("Unit: ", out);
			roff(out, r.unit);
			fputs("; d", out);
		} else {
			fputs("D", out);
		}
		fputs("efault: ", out);
		roff(out, r.def ? r.def : r.def_text ? r.def_text : "none, required");
		fputs("; accepted: ", out);
		roff(out, r.accepted);
		if (r.kinds[0]) {
			fputs("; kinds: ", out);
			roff(out, r.kinds);
		}
		fputs(".\n", out);
	}
}

static void man_outcomes(FILE *out)
{
	size_t i;

	fputs(".SH OUTCOMES\nThe name=value lines of\n.BR \"wpsim run\" ,\nin order "
	      "(figures of a lock L: lock_L_NAME, for each lock the run used):\n",
	      out);
	for (i = 0; i < XS_OUTCOME_NDEFS; i++) {
		const struct xs_outcome_def *d = &xs_outcome_table[i];

		fprintf(out, ".TP\n.B %s", d->nlocks ? "lock_L_" : "");
		roff(out, d->name);
		fputs(" \" (", out);
		roff(out, d->unit);
		fputs(")\"\n", out);
		roff(out, d->meaning);
		fputc('\n', out);
	}
}

void xs_help_man(FILE *out)
{
	fputs(".TH WPSIM 1 \"\" \"wpsim ", out);
	roff(out, xs_store_version());
	fputs("\" \"User Commands\"\n"
	      ".SH NAME\nwpsim \\- a discrete-event simulator of the Linux XFS buffered-write "
	      "path\n.SH SYNOPSIS\n",
	      out);
	roff_pre(out, synopsis_all);
	fputs(".SH DESCRIPTION\n"
	      "wpsim models one XFS inode the way the kernel handles it (the incore extent "
	      "tree, delayed allocation, speculative preallocation, the page cache, the iomap "
	      "buffered-write and page-fault paths, writeback) and runs workloads of writers, "
	      "faulters, readers, truncators, syncers and mappers against it as SimGrid "
	      "actors, to compare lock and punch policies by the data they lose, the delalloc "
	      "they leak and the latency they cost.\n",
	      out);
	man_commands(out);
	man_keys(out);
	man_outcomes(out);
	fputs(".SH POLICY\n", out);
	roff_pre(out, xs_help_print_policy);
	fputs(".SH SCHEDULES\n", out);
	roff_pre(out, xs_help_print_schedules);
	fputs(".SH ENVIRONMENT\n"
	      ".TP\n.B WPSIM_DEVICES\nthe folder of device files NAME.ini (global.device)\n"
	      ".TP\n.B WPSIM_CPU\nthe folder of cost files NAME.ini (global.cpu)\n"
	      ".TP\n.B WPSIM_NO_DEFER\nset, and not 0: sleep at every preemption point rather than "
	      "deferring "
	      "a sleep no other actor could use (the same output, slower)\n"
	      ".TP\n.B WPSIM_DEBUG\nset: print the count of each kind of model event of a run on "
	      "stderr\n"
	      ".SH FILES\n.TP\n.I " XS_DATADIR "/configs\n"
	      "device files (devices/), cost files (cpu/), kernel presets (kernels/) and the "
	      "default sweeps (sweeps/)\n"
	      ".TP\n.I " XS_DATADIR "/scenarios\nthe scenarios shipped\n"
	      ".SH EXIT STATUS\n0 success (also when a run finds data loss), 1 a runtime "
	      "failure, 2 bad usage or bad input, with a message naming the file, line and "
	      "key, or the option.\n"
	      ".SH SEE ALSO\n.BR xfs_io (8),\n.BR sqlite3 (1)\n",
	      out);
}

/* The words of a "one of" key's accepted text ("a, b, c" -> "a b c"). */
static void words(FILE *out, const char *accepted)
{
	for (; *accepted; accepted++)
		if (*accepted != ',')
			fputc(*accepted, out);
}

void xs_help_completion(FILE *out)
{
	const struct xs_help_cmd *c;
	const struct xs_help_opt *o;
	const struct xs_help_topic *t;
	struct xs_scenario_keyref r;
	int i;

	fputs("# bash completion for wpsim, printed by `wpsim help --completion`: the\n"
	      "# commands, each command's options, and the scenario keys of -s and --compare\n"
	      "# (an actor group's keys under the sections of the scenario on the line).\n"
	      "_wpsim_cmds='",
	      out);
	for (c = xs_help_cmds; c->name; c++)
		fprintf(out, "%s ", c->name);
	fputs("--version --help'\n_wpsim_topics='", out);
	for (t = xs_help_topics; t->name; t++)
		fprintf(out, "%s ", t->name);
	for (c = xs_help_cmds; c->name; c++) {
		for (t = xs_help_topics; t->name && strcmp(t->name, c->name) != 0; t++)
			;
		if (!t->name) /* a command that is not also a topic (keys) */
			fprintf(out, "%s ", c->name);
	}
	fputs("'\n_wpsim_keys='", out);
	for (i = 0; xs_scenario_keyref(i, &r) == 0; i++)
		if (r.section)
			fprintf(out, "%s.%s ", r.section, r.name);
	fputs("'\n_wpsim_actor_keys='", out);
	for (i = 0; xs_scenario_keyref(i, &r) == 0; i++)
		if (!r.section)
			fprintf(out, "%s ", r.name);
	fputs("'\n\n_wpsim_opts()\n{\n\tcase $1 in\n", out);
	for (c = xs_help_cmds; c->name; c++) {
		fprintf(out, "\t%s) echo '", c->name);
		for (o = c->opts; o->name; o++)
			fprintf(out, "%s ", o->name);
		fputs("-h --help' ;;\n", out);
	}
	fputs("\tesac\n}\n\n# The values of a key that takes one of a list of words.\n"
	      "_wpsim_values()\n{\n\tcase $1 in\n",
	      out);
	for (i = 0; xs_scenario_keyref(i, &r) == 0; i++) {
		if (!r.one_of)
			continue;
		fprintf(out, "\t%s.%s) echo '", r.section ? r.section : "*", r.name);
		words(out, r.accepted);
		fputs("' ;;\n", out);
	}
	fputs("\tesac\n}\n\n", out);
	fputs("# Words are split at blanks only (not at COMP_WORDBREAKS' '='), so that\n"
	      "# section.key=value is one word; a reply replaces what follows the last '='.\n"
	      "_wpsim()\n{\n"
	      "\tlocal line=${COMP_LINE:0:COMP_POINT} cur prev cmd scn w s keys\n"
	      "\tlocal -a ws\n"
	      "\tcur=${line##*[[:blank:]]}\n"
	      "\tread -ra ws <<<\"${line%\"$cur\"}\"\n"
	      "\tprev=${ws[${#ws[@]}-1]}\n"
	      "\tcmd=${ws[1]}\n"
	      "\tCOMPREPLY=()\n"
	      "\tif [ ${#ws[@]} -le 1 ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$_wpsim_cmds\" -- \"$cur\"))\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tcase $prev in\n"
	      "\t-s | --compare)\n"
	      "\t\tkeys=$_wpsim_keys\n"
	      "\t\tfor w in \"${ws[@]:2}\"; do\n"
	      "\t\t\tcase $w in -*) continue ;; esac\n"
	      "\t\t\t[ -f \"$w\" ] && scn=$w && break\n"
	      "\t\tdone\n"
	      "\t\tif [ -n \"$scn\" ]; then\n"
	      "\t\t\tfor s in $(sed -n 's/^[[:blank:]]*\\[\\([A-Za-z0-9_-]*\\)\\].*/\\1/p' "
	      "\"$scn\"); do\n"
	      "\t\t\t\tcase \" $_wpsim_keys\" in *\" $s.\"*) continue ;; esac\n"
	      "\t\t\t\tfor w in $_wpsim_actor_keys; do keys=\"$keys $s.$w\"; done\n"
	      "\t\t\tdone\n"
	      "\t\tfi\n"
	      "\t\tif [[ $cur == *=* ]]; then\n"
	      "\t\t\tw=${cur%%=*}\n"
	      "\t\t\tw=$(_wpsim_values \"$w\")\n"
	      "\t\t\tCOMPREPLY=($(compgen -W \"$w\" -- \"${cur#*=}\"))\n"
	      "\t\t\tif [[ $COMP_WORDBREAKS != *=* ]]; then\n"
	      "\t\t\t\tCOMPREPLY=(\"${COMPREPLY[@]/#/${cur%%=*}=}\")\n"
	      "\t\t\tfi\n"
	      "\t\telse\n"
	      "\t\t\tCOMPREPLY=($(compgen -S = -W \"$keys\" -- \"$cur\"))\n"
	      "\t\t\tcompopt -o nospace 2>/dev/null\n"
	      "\t\tfi\n"
	      "\t\treturn\n"
	      "\t\t;;\n"
	      "\t--db | --trace | --out)\n"
	      "\t\tcompopt -o filenames 2>/dev/null\n"
	      "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "\t\treturn\n"
	      "\t\t;;\n"
	      "\t--strategy)\n"
	      "\t\tCOMPREPLY=($(compgen -W 'pct delay bounded' -- \"$cur\"))\n"
	      "\t\treturn\n"
	      "\t\t;;\n"
	      "\t-k | -c | --jobs | --depth | --runs | --seed | --shard | --schedule)\n"
	      "\t\treturn\n"
	      "\t\t;;\n"
	      "\tesac\n"
	      "\tif [[ $cur == -* ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$(_wpsim_opts \"$cmd\")\" -- \"$cur\"))\n"
	      "\telif [ \"$cmd\" = help ]; then\n"
	      "\t\t[ ${#ws[@]} -eq 2 ] && COMPREPLY=($(compgen -W \"$_wpsim_topics\" -- "
	      "\"$cur\"))\n"
	      "\telse\n"
	      "\t\tcompopt -o filenames 2>/dev/null\n"
	      "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "\tfi\n"
	      "}\n"
	      "complete -F _wpsim wpsim\n",
	      out);
}
