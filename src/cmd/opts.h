/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command runtime: every command describes its options in one table
 * (struct opt rows: long name, short form, value kind, default, help line,
 * where the value goes) and opts_parse() does the rest the same way for
 * all of them: getopt_long built from the table, defaults applied from the
 * table, values checked by kind, --help, and usage errors that follow
 * --json ({"error": ..., "kind": "usage"} on stdout, one line on stderr).
 * The option block of each command's help, the man page (docs/gen-man.sh)
 * and the bash completion (`kleak help --options CMD`) come from the same
 * table, so they cannot drift from what getopt accepts.
 *
 * Rows the commands share (-j, -i, -n, -d, --top, --fail-on,
 * --show-addresses, --color) are the OPT_* macros below: one spelling, one
 * value kind, one range and one help line everywhere.
 */
#ifndef KLEAK_CMD_OPTS_H
#define KLEAK_CMD_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum opt_kind {
	OPTV_FLAG,     /* bool; takes no value */
	OPTV_STRING,   /* const char *; length min..max when max is set */
	OPTV_PATH,     /* const char *: a file or directory (completion offers files) */
	OPTV_DURATION, /* uint64_t ns: "500ms", "30s", "5m"; a bare number is seconds */
	OPTV_COUNT,    /* a whole number min..max into a 4- or 8-byte unsigned field */
	OPTV_SIZE,     /* uint64_t bytes: "4096", "64K", "1G" */
	OPTV_PERCENT,  /* double, 0 to 100, decimals allowed */
	OPTV_ENUM,     /* an int-sized enum: one of words[] */
};

struct opt_word {
	const char *word;
	int value;
};

struct opt {
	const char *name; /* long form, without "--" */
	char short_name;  /* 0: none */
	enum opt_kind kind;
	const char *metavar; /* the value's name in the help ("DUR", "N") */
	/*
	 * The default, written as a user would give it and parsed the same
	 * way. NULL: none, or (from_init) the value the command's init put
	 * there, owned by the layer that explains it (analysis thresholds).
	 */
	const char *def;
	bool from_init;
	/*
	 * OPTV_PATH, long form only: the value may be left out (`--folded`
	 * or `--folded=FILE`, never `--folded FILE`), and then it is "-":
	 * standard output. The help shows `--folded[=FILE]`.
	 */
	bool optional;
	const char *help;	      /* one line; '\n' continues it on the next */
	size_t off, size;	      /* the field in the command's options struct */
	size_t seen;		      /* 1 + offset of a bool set when given; 0: none */
	uint64_t min, max;	      /* range (count, duration ns, size, string length) */
	const struct opt_word *words; /* OPTV_ENUM: ends with { NULL } */
};

/* The field a row writes: OPT_AT(struct watch_opts, stream.samples). */
#define OPT_AT(T, f) .off = offsetof(T, f), .size = sizeof(((T *)0)->f)
#define OPT_SEEN(T, f) .seen = offsetof(T, f) + 1

/* How a command takes arguments that are not options. */
enum opt_args {
	OPT_ARGS_NONE,	  /* none: "unexpected argument 'x'" */
	OPT_ARGS_PERMUTE, /* anywhere among the options (report FILE) */
	OPT_ARGS_REST,	  /* options stop at the first argument (kmemleak run CMD) */
};

/* A sub-command (kleak kmemleak scan): name, one line, its handler. */
struct cmd_sub {
	const char *name;
	const char *summary;
	int (*fn)(void *opts, char **args);
	unsigned flags; /* the command's own meaning */
};

struct cmd_spec {
	const char *name;
	/* Hand-written: "usage: ..." and the description, up to the options. */
	const char *synopsis;
	const char *notes;  /* after the sub-command list, before the options */
	const char *footer; /* after the options (exit codes, see also) */
	const struct opt *opts;
	size_t nopts;
	size_t size;		  /* of the options struct */
	void (*init)(void *opts); /* defaults owned elsewhere (from_init rows) */
	enum opt_args args;
	const struct cmd_sub *subs; /* NULL: no sub-commands */
	size_t nsubs;
};

/* opts_parse(): go on with the command (anything else is an exit code). */
#define OPTS_CONTINUE (-1)

/*
 * Fills opts (of spec->size bytes) from the table's defaults, then from
 * argv[1..argc-1]; cmd names the command in messages ("kmemleak scan").
 * Returns OPTS_CONTINUE with *first_arg the index in argv of the first
 * argument that is not an option, or the exit code the command returns at
 * once: KLEAK_EXIT_OK after --help, KLEAK_EXIT_USAGE after a usage error
 * (already reported). Sets the output mode for cmd_usage() from --json.
 */
int opts_parse(const struct cmd_spec *spec, const char *cmd, int argc, char **argv, void *opts,
	       int *first_arg);

/* The command's help: synopsis, sub-commands, options block, footer. */
void opts_help(const struct cmd_spec *spec, FILE *f);
/*
 * One line per option for completion and tests:
 *   --name -s KIND [WORD...]   ("-" when there is no short form; KIND
 *                              "optpath" for a path that may be left out)
 */
void opts_list(const struct cmd_spec *spec, FILE *f);
/* The sub-command called name, or NULL. */
const struct cmd_sub *opts_sub(const struct cmd_spec *spec, const char *name);
/*
 * Checks a table for what the compiler cannot: field sizes that fit the
 * kinds, names and short forms used once, defaults that parse. Returns 0
 * or -EINVAL with a message in msg (for the unit tests).
 */
int opts_check_table(const struct cmd_spec *spec, char *msg, size_t len);

/* --- the rows commands share --- */

#define OPT_JSON(T, f, text)                                                                     \
	{                                                                                        \
		.name = "json", .short_name = 'j', .kind = OPTV_FLAG, .help = text, OPT_AT(T, f) \
	}

/* Shortest step of a streaming command: below it kleak measures itself. */
#define OPT_INTERVAL_MIN_NS 10000000ULL

#define OPT_INTERVAL(T, f, dflt)                                                                \
	{                                                                                       \
		.name = "interval", .short_name = 'i', .kind = OPTV_DURATION, .metavar = "DUR", \
		.def = dflt, .min = OPT_INTERVAL_MIN_NS, .max = UINT64_MAX,                     \
		.help = "time between samples", OPT_AT(T, f)                                    \
	}

#define OPT_SAMPLES(T, f)                                                                       \
	{                                                                                       \
		.name = "samples", .short_name = 'n', .kind = OPTV_COUNT, .metavar = "N",       \
		.min = 1, .max = UINT64_MAX,                                                    \
		.help = "stop after N samples (the last one is the final report)", OPT_AT(T, f) \
	}

#define OPT_DURATION(T, f)                                                                      \
	{                                                                                       \
		.name = "duration", .short_name = 'd', .kind = OPTV_DURATION, .metavar = "DUR", \
		.min = 1, .max = UINT64_MAX,                                                    \
		.help = "stop after DUR of wall-clock time (default: until Ctrl-C or SIGTERM)", \
		OPT_AT(T, f)                                                                    \
	}

#define OPT_TOP(T, f, dflt, text)                                                         \
	{                                                                                 \
		.name = "top", .kind = OPTV_COUNT, .metavar = "N", .def = dflt, .min = 1, \
		.max = 1000000, .help = text, OPT_AT(T, f)                                \
	}

#define OPT_FAIL_ON(T, f, seen_f, meta, wordlist, text)                                   \
	{                                                                                 \
		.name = "fail-on", .kind = OPTV_ENUM, .metavar = meta, .words = wordlist, \
		.help = text, OPT_AT(T, f), OPT_SEEN(T, seen_f)                           \
	}

#define OPT_SHOW_ADDRESSES(T, f)                                                              \
	{                                                                                     \
		.name = "show-addresses", .kind = OPTV_FLAG,                                  \
		.help = "print raw kernel addresses (hidden by default: KASLR)", OPT_AT(T, f) \
	}

/* -i, -n, -d of a streaming command, into its struct stream_opts (stream.h). */
#define OPT_STREAM(T, f, interval_dflt)                                           \
	OPT_INTERVAL(T, f.interval_ns, interval_dflt), OPT_SAMPLES(T, f.samples), \
		OPT_DURATION(T, f.duration_ns)

/*
 * --leak-window DUR: how long a series must grow before it is `leak`
 * (CONTRACTS "Verdicts"; analyze/trend.h). One row, one meaning in watch,
 * record, report, exporter and investigate. The default lives in
 * trend_opts_default(): a command with this row fills the field from it.
 */
#define OPT_LEAK_WINDOW(T, f, seen_f)                                                              \
	{                                                                                          \
		.name = "leak-window", .kind = OPTV_DURATION, .metavar = "DUR", .from_init = true, \
		.min = 1, .max = UINT64_MAX,                                                       \
		.help = "growth must last DUR before it is called a leak (shorter: growing)",      \
		OPT_AT(T, f), OPT_SEEN(T, seen_f)                                                  \
	}

/*
 * --container NAME (CONTRACTS "Containers"): the cgroup of a container,
 * pod or systemd unit by its name, id or id prefix, wherever --cgroup PATH
 * is accepted; resolved by model/cgroups.h's cgroups_container_resolve.
 */
#define OPT_CONTAINER(T, f, text)                                                      \
	{                                                                              \
		.name = "container", .kind = OPTV_STRING, .metavar = "NAME", .min = 1, \
		.max = 4096, .help = text, OPT_AT(T, f)                                \
	}

/* --max-cgroups N: memory cgroups read at most (the walk's cap). */
#define OPT_MAX_CGROUPS(T, f)                                                                   \
	{                                                                                       \
		.name = "max-cgroups", .kind = OPTV_COUNT, .metavar = "N", .def = "65536",      \
		.min = 1, .max = 1 << 24, .help = "read at most N memory cgroups", OPT_AT(T, f) \
	}

/*
 * --html FILE: the self-contained HTML report (docs/html.md), written when
 * the command's report is final. One row in report, watch and trace.
 */
#define OPT_HTML(T, f, text)                                                                     \
	{                                                                                        \
		.name = "html", .kind = OPTV_PATH, .metavar = "FILE", .help = text, OPT_AT(T, f) \
	}

/*
 * --folded[=FILE]: stacks in the folded format of flame-graph tools
 * (docs/html.md, "The folded format"), to FILE or, without one, to
 * standard output ("-"), which then holds nothing else. trace, kmemleak.
 */
#define OPT_FOLDED(T, f, text)                                                            \
	{                                                                                 \
		.name = "folded", .kind = OPTV_PATH, .metavar = "FILE", .optional = true, \
		.help = text, OPT_AT(T, f)                                                \
	}

/* Whether an optional path (OPT_FOLDED) means standard output. */
static inline bool opts_is_stdout(const char *path)
{
	return path && !strcmp(path, "-");
}

/* --color WHEN: colour on a TTY only, always or never. */
enum opt_color { OPT_COLOR_AUTO, OPT_COLOR_ALWAYS, OPT_COLOR_NEVER };
extern const struct opt_word opt_color_words[];

#define OPT_COLOR(T, f)                                                                          \
	{                                                                                        \
		.name = "color", .kind = OPTV_ENUM, .metavar = "WHEN", .words = opt_color_words, \
		.def = "auto", .help = "colour the text view, auto: only on a TTY", OPT_AT(T, f) \
	}

/* Whether to colour stdout for --color when (never under --json). */
bool opts_use_color(int when, bool json);

#endif
