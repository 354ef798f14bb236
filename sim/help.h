/*
 * wpsim's help (docs/design.md, "Commands"): the overview, each command's --help, the
 * topics (keys, outcomes, policy, schedules), `wpsim keys`, and the man page and bash
 * completion, all printed from one table of commands and options (help.c) and from
 * the tables the program itself runs on: the scenario keys of the loader
 * (config/scenario.h), the outcome table (outcome/outcome.h), the policy presets
 * (core/inode.h) and the schedule points (explore/schedule.h).
 */
#ifndef XS_HELP_H
#define XS_HELP_H

#include <stdbool.h>
#include <stdio.h>

struct xs_help_opt {
	const char *name; /* "-s", "--db" */
	const char *arg;  /* "PATH"; NULL: a flag */
	const char *text;
};

struct xs_help_cmd {
	const char *name;
	const char *args;		/* the synopsis after the name and before the options */
	const char *summary;		/* one line */
	const char *text;		/* a paragraph */
	const struct xs_help_opt *opts; /* ends with a NULL name; -h/--help not listed */
};

/* Every command, in the order the overview lists them; ends with a NULL name. */
extern const struct xs_help_cmd xs_help_cmds[];

/* A topic that is not a command: its name, one line, and its printer. */
struct xs_help_topic {
	const char *name;
	const char *summary;
	void (*print)(FILE *out, int width);
};
extern const struct xs_help_topic xs_help_topics[];

/* The command named name, or NULL. */
const struct xs_help_cmd *xs_help_find(const char *name);

/* "wpsim NAME ARGS [OPTION]...", wrapped at width columns under the name, after lead. */
void xs_help_synopsis(const struct xs_help_cmd *c, const char *lead, int width, FILE *out);

/* The usage lines of every command (on a usage error, to stderr). */
void xs_help_usage(FILE *out);

/* Whether args hold -h or --help: the command prints its help instead of running. */
bool xs_help_asked(int argc, char **argv);

/* A command's help: synopsis, paragraph, options. */
void xs_help_command(const struct xs_help_cmd *c, FILE *out);

/* wpsim help [TOPIC | --man | --completion]: 0, or 2 on an unknown topic (message to err). */
int xs_help_main(int argc, char **argv, FILE *out, FILE *err);

/* wpsim keys [--names]: 0, or 2 on a bad argument. */
int xs_help_keys(int argc, char **argv, FILE *out, FILE *err);

/* The topic printers of help.c that the man page reuses. */
void xs_help_print_keys(FILE *out, int width);
void xs_help_print_outcomes(FILE *out, int width);
void xs_help_print_policy(FILE *out, int width);
void xs_help_print_schedules(FILE *out, int width);

/* Help text's width: 80 columns, less the man page's indent there. */
#define XS_HELP_WIDTH	  80
#define XS_HELP_MAN_WIDTH 72

/*
 * text wrapped at width columns, each line indented by indent; the first line
 * continues a line already first columns wide.
 */
void xs_help_wrap(FILE *out, int width, int indent, int first, const char *text);

/* help_gen.c: the man page (troff) and the bash completion script. */
void xs_help_man(FILE *out);
void xs_help_completion(FILE *out);

#endif /* XS_HELP_H */
