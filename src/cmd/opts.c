// SPDX-License-Identifier: GPL-2.0
/*
 * The option parser, the help's option block and the option list of every
 * command, all read from the command's table (opts.h). The only getopt
 * loop of kleak's commands is here.
 */
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "output/fmt.h"
#include "util/compiler.h"
#include "util/num.h"
#include "util/text.h"

/* Rows in one table at most: the getopt arrays live on the stack. */
#define OPTS_MAX 48
/* The column where help lines start: "  -x, --name META" fits before it. */
#define HELP_COL 26
/* getopt_long's value for row i: above every short option's character. */
#define ROW_VAL 256

const struct opt_word opt_color_words[] = {
	{ "auto", OPT_COLOR_AUTO },
	{ "always", OPT_COLOR_ALWAYS },
	{ "never", OPT_COLOR_NEVER },
	{ NULL, 0 },
};

static const char *const kind_names[] = {
	[OPTV_FLAG] = "flag",	      [OPTV_STRING] = "string", [OPTV_PATH] = "path",
	[OPTV_DURATION] = "duration", [OPTV_COUNT] = "count",	[OPTV_SIZE] = "size",
	[OPTV_PERCENT] = "percent",   [OPTV_ENUM] = "enum",
};

/* "10ms", "5s", "2m": the largest unit that divides ns. */
static const char *duration_str(uint64_t ns, char *buf, size_t len)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = { { "h", 3600000000000ULL },
		      { "m", 60000000000ULL },
		      { "s", 1000000000ULL },
		      { "ms", 1000000ULL },
		      { "us", 1000ULL } };

	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (ns && ns % units[i].ns == 0) {
			snprintf(buf, len, "%" PRIu64 "%s", ns / units[i].ns, units[i].unit);
			return buf;
		}
	snprintf(buf, len, "%" PRIu64 "ns", ns);
	return buf;
}

/* "64M", "4K", "100": the largest binary unit that divides v. */
static const char *size_str(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "TGMK";

	for (int i = 0; i < 4; i++) {
		uint64_t u = 1ULL << (10 * (4 - i));

		if (v && v % u == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", v / u, units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static void store_u(void *p, size_t size, uint64_t v)
{
	if (size == sizeof(uint64_t)) {
		memcpy(p, &v, sizeof(v));
	} else {
		uint32_t w = (uint32_t)v;

		memcpy(p, &w, sizeof(w));
	}
}

static uint64_t load_u(const void *p, size_t size)
{
	uint64_t v;
	uint32_t w;

	if (size == sizeof(uint64_t)) {
		memcpy(&v, p, sizeof(v));
		return v;
	}
	memcpy(&w, p, sizeof(w));
	return w;
}

/* "--top: '0' is not ..." into msg; returns -1. */
__attribute__((format(printf, 5, 6))) static int bad(char *msg, size_t len, const struct opt *r,
						     const char *arg, const char *fmt, ...)
{
	char safe[96];
	size_t n;
	va_list ap;

	n = (size_t)snprintf(msg, len, "--%s: '%s' ", r->name, text_safe(arg, safe, sizeof(safe)));
	if (n >= len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg + n, len - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int set_count(const struct opt *r, const char *arg, void *p, char *msg, size_t len)
{
	uint64_t v;

	if (num_parse_u64(arg, &v) || v < r->min || v > r->max) {
		if (r->max == UINT64_MAX)
			return bad(msg, len, r, arg, "is not a number (%" PRIu64 " or more)",
				   r->min);
		return bad(msg, len, r, arg, "is not a number (%" PRIu64 " to %" PRIu64 ")", r->min,
			   r->max);
	}
	store_u(p, r->size, v);
	return 0;
}

static int set_duration(const struct opt *r, const char *arg, void *p, char *msg, size_t len)
{
	char a[32], b[32];
	uint64_t v;

	if (num_parse_duration_ns(arg, &v))
		return bad(msg, len, r, arg,
			   "is not a duration (500ms, 30s, 5m, 1h; a bare number is seconds)");
	if (v < r->min)
		return bad(msg, len, r, arg, "is shorter than %s",
			   duration_str(r->min, a, sizeof(a)));
	if (v > r->max)
		return bad(msg, len, r, arg, "is longer than %s",
			   duration_str(r->max, b, sizeof(b)));
	store_u(p, sizeof(uint64_t), v);
	return 0;
}

static int set_size(const struct opt *r, const char *arg, void *p, char *msg, size_t len)
{
	char a[32], b[32];
	uint64_t v;

	if (num_parse_size(arg, &v))
		return bad(msg, len, r, arg, "is not a size (bytes, or K, M, G)");
	if (v < r->min || v > r->max)
		return bad(msg, len, r, arg, "is not a size from %s to %s",
			   size_str(r->min, a, sizeof(a)), size_str(r->max, b, sizeof(b)));
	store_u(p, sizeof(uint64_t), v);
	return 0;
}

static int set_enum(const struct opt *r, const char *arg, void *p, char *msg, size_t len)
{
	char words[256];
	size_t n = 0;

	for (const struct opt_word *w = r->words; w->word; w++) {
		if (!strcmp(arg, w->word)) {
			memcpy(p, &w->value, sizeof(w->value));
			return 0;
		}
		n += (size_t)snprintf(words + n, sizeof(words) - n, "%s%s", n ? ", " : "", w->word);
		if (n >= sizeof(words))
			break;
	}
	return bad(msg, len, r, arg, "is not one of %s", words);
}

/*
 * Parses arg as row r's kind into opts; given says the user gave it (a
 * default leaves --fail-on unset). 0, or -1 with msg filled.
 */
static int set_value(const struct opt *r, const char *arg, bool given, void *opts, char *msg,
		     size_t len)
{
	void *p = (char *)opts + r->off;
	double d;

	if (r->seen && given)
		*((bool *)((char *)opts + r->seen - 1)) = true;
	switch (r->kind) {
	case OPTV_FLAG:
		*(bool *)p = true;
		return 0;
	case OPTV_PATH:
		if (r->optional && !arg)
			arg = "-"; /* --folded alone: standard output */
		if (r->optional && !arg[0])
			return bad(msg, len, r, arg,
				   "is empty: give a file, or no value for "
				   "standard output");
		/* fall through */
	case OPTV_STRING:
		if (r->max && (strlen(arg) < r->min || strlen(arg) > r->max))
			return bad(msg, len, r, arg,
				   "is not %" PRIu64 " to %" PRIu64 " characters long", r->min,
				   r->max);
		*(const char **)p = arg;
		return 0;
	case OPTV_DURATION:
		return set_duration(r, arg, p, msg, len);
	case OPTV_COUNT:
		return set_count(r, arg, p, msg, len);
	case OPTV_SIZE:
		return set_size(r, arg, p, msg, len);
	case OPTV_PERCENT:
		/* "5", "0.5": on a 1 TiB machine 1% is already 10 GiB. */
		if (num_double(arg, strlen(arg), &d) || d > 100)
			return bad(msg, len, r, arg, "is not a percentage (0-100)");
		*(double *)p = d;
		return 0;
	case OPTV_ENUM:
		return set_enum(r, arg, p, msg, len);
	}
	return bad(msg, len, r, arg, "cannot be parsed");
}

/* The command's init, then every row's default: one way to set them. */
static int apply_defaults(const struct cmd_spec *s, void *opts, char *msg, size_t len)
{
	memset(opts, 0, s->size);
	if (s->init)
		s->init(opts);
	for (size_t i = 0; i < s->nopts; i++)
		if (s->opts[i].def && set_value(&s->opts[i], s->opts[i].def, false, opts, msg, len))
			return -1;
	return 0;
}

/* getopt_long's arrays from the table, plus -h/--help. */
static void build(const struct cmd_spec *s, struct option *lo, char *shorts)
{
	char *p = shorts;
	size_t i;

	if (s->args == OPT_ARGS_REST)
		*p++ = '+';
	*p++ = ':'; /* a missing value is ':', not '?' */
	for (i = 0; i < s->nopts; i++) {
		const struct opt *r = &s->opts[i];

		lo[i] = (struct option){ r->name,
					 r->kind == OPTV_FLAG ? no_argument
					 : r->optional	      ? optional_argument
							      : required_argument,
					 NULL, ROW_VAL + (int)i };
		if (r->short_name) {
			*p++ = r->short_name;
			if (r->kind != OPTV_FLAG)
				*p++ = ':';
		}
	}
	lo[i++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[i] = (struct option){ NULL, 0, NULL, 0 };
	*p++ = 'h';
	*p = '\0';
}

static const struct opt *row_of(const struct cmd_spec *s, int c)
{
	if (c >= ROW_VAL && c < ROW_VAL + (int)s->nopts)
		return &s->opts[c - ROW_VAL];
	for (size_t i = 0; i < s->nopts; i++)
		if (s->opts[i].short_name && s->opts[i].short_name == c)
			return &s->opts[i];
	return NULL;
}

/*
 * The option as typed ("--top", "-i"; c: getopt's optopt), made safe for
 * the terminal, for messages about it.
 */
static const char *typed(const struct cmd_spec *s, char **argv, int c, char *buf, size_t len)
{
	const char *tok = argv[optind - 1];
	const struct opt *r = row_of(s, c);
	char raw[96];

	if (c && c < ROW_VAL && (!tok || strncmp(tok, "--", 2)))
		snprintf(raw, sizeof(raw), "-%c", c);
	else if (tok && !strncmp(tok, "--", 2))
		snprintf(raw, sizeof(raw), "%.*s", (int)strcspn(tok, "="), tok);
	else
		snprintf(raw, sizeof(raw), "--%s", r ? r->name : "help");
	return text_safe(raw, buf, len);
}

static int getopt_error(const struct cmd_spec *s, const char *cmd, char **argv, int c)
{
	char name[128];

	if (c == ':')
		return cmd_usage(cmd, "option '%s' needs a value",
				 typed(s, argv, optopt, name, sizeof(name)));
	if (optopt && argv[optind - 1] && !strncmp(argv[optind - 1], "--", 2))
		return cmd_usage(cmd, "option '%s' takes no value",
				 typed(s, argv, optopt, name, sizeof(name)));
	return cmd_usage(cmd, "unrecognized option '%s'",
			 typed(s, argv, optopt, name, sizeof(name)));
}

/*
 * A first pass that only looks for --json, so that a usage error found
 * before it on the command line still follows the output mode.
 */
static bool wants_json(const struct cmd_spec *s, int argc, char **argv, const struct option *lo,
		       const char *shorts)
{
	bool json = false;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct opt *r = row_of(s, c);

		if (r && !strcmp(r->name, "json"))
			json = true;
	}
	return json;
}

int opts_parse(const struct cmd_spec *s, const char *cmd, int argc, char **argv, void *opts,
	       int *first_arg)
{
	struct option lo[OPTS_MAX + 2];
	char shorts[OPTS_MAX * 2 + 4], msg[512];
	int c;

	if (s->nopts > OPTS_MAX)
		return cmd_usage(cmd, "too many options in the table");
	build(s, lo, shorts);
	cmd_set_json(wants_json(s, argc, argv, lo, shorts));
	if (apply_defaults(s, opts, msg, sizeof(msg)))
		return cmd_usage(cmd, "default of %s", msg);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct opt *r = row_of(s, c);

		if (c == 'h') {
			opts_help(s, stdout);
			return KLEAK_EXIT_OK;
		}
		if (!r)
			return getopt_error(s, cmd, argv, c);
		if (set_value(r, optarg, true, opts, msg, sizeof(msg)))
			return cmd_usage(cmd, "%s", msg);
	}
	if (s->args == OPT_ARGS_NONE && optind < argc) {
		char safe[128];

		return cmd_usage(cmd, "unexpected argument '%s'",
				 text_safe(argv[optind], safe, sizeof(safe)));
	}
	*first_arg = optind;
	return OPTS_CONTINUE;
}

/* The default as the help shows it: the row's, or the init's value. */
static const char *default_str(const struct cmd_spec *s, const struct opt *r, const void *init_opts,
			       char *buf, size_t len)
{
	const void *p = (const char *)init_opts + r->off;
	double d;

	if (r->def)
		return r->def;
	if (!r->from_init || !init_opts)
		return NULL;
	switch (r->kind) {
	case OPTV_PERCENT:
		memcpy(&d, p, sizeof(d));
		snprintf(buf, len, "%g", d);
		return buf;
	case OPTV_SIZE:
		return size_str(load_u(p, r->size), buf, len);
	case OPTV_DURATION:
		return duration_str(load_u(p, r->size), buf, len);
	case OPTV_COUNT:
		snprintf(buf, len, "%" PRIu64, load_u(p, r->size));
		return buf;
	default:
		return NULL;
	}
}

/* Writes text, continuing each '\n' at the help column. */
static void indented(FILE *f, const char *text, int col)
{
	for (const char *p = text; *p; p++) {
		fputc(*p, f);
		if (*p == '\n' && p[1])
			fprintf(f, "%*s", col, "");
	}
}

static void help_row(FILE *f, const struct opt *r, const char *def)
{
	char left[96];
	int n;

	n = snprintf(left, sizeof(left), "  %c%c%s--%s%s%s%s", r->short_name ? '-' : ' ',
		     r->short_name ? r->short_name : ' ', r->short_name ? ", " : "  ", r->name,
		     !r->metavar   ? ""
		     : r->optional ? "[="
				   : " ",
		     r->metavar ? r->metavar : "", r->optional ? "]" : "");
	fputs(left, f);
	fprintf(f, "%*s", n <= HELP_COL - 2 ? HELP_COL - n : 2, "");
	indented(f, r->help, HELP_COL);
	if (r->kind == OPTV_ENUM) {
		for (const struct opt_word *w = r->words; w->word; w++)
			fprintf(f, "%s%s", w == r->words ? " (" : ", ", w->word);
		fprintf(f, def ? "; default %s)" : ")", def);
	} else if (def && r->kind != OPTV_FLAG) {
		fprintf(f, " (default %s)", def);
	}
	fputc('\n', f);
}

void opts_help(const struct cmd_spec *s, FILE *f)
{
	/* a scratch options struct, for the defaults the command's init sets */
	void *init_opts = s->init ? calloc(1, s->size) : NULL;
	char buf[64];

	if (init_opts)
		s->init(init_opts);
	fputs(s->synopsis, f);
	for (size_t i = 0; i < s->nsubs; i++) {
		fprintf(f, "  %-7s ", s->subs[i].name);
		indented(f, s->subs[i].summary, 10);
		fputc('\n', f);
	}
	if (s->notes)
		fputs(s->notes, f);
	fputs("\nOptions:\n", f);
	for (size_t i = 0; i < s->nopts; i++)
		help_row(f, &s->opts[i], default_str(s, &s->opts[i], init_opts, buf, sizeof(buf)));
	help_row(f,
		 &(struct opt){ .name = "help",
				.short_name = 'h',
				.kind = OPTV_FLAG,
				.help = "show this help" },
		 NULL);
	if (s->footer) {
		fputc('\n', f);
		fputs(s->footer, f);
	}
	free(init_opts);
}

void opts_list(const struct cmd_spec *s, FILE *f)
{
	for (size_t i = 0; i < s->nopts; i++) {
		const struct opt *r = &s->opts[i];

		fprintf(f, "--%s ", r->name);
		if (r->short_name)
			fprintf(f, "-%c", r->short_name);
		else
			fputc('-', f);
		/* "optpath": a value only after '=', so the next word is not one */
		fprintf(f, " %s%s", r->optional ? "opt" : "", kind_names[r->kind]);
		for (const struct opt_word *w = r->words; w && w->word; w++)
			fprintf(f, " %s", w->word);
		fputc('\n', f);
	}
	fputs("--help -h flag\n", f);
}

const struct cmd_sub *opts_sub(const struct cmd_spec *s, const char *name)
{
	for (size_t i = 0; i < s->nsubs; i++)
		if (!strcmp(s->subs[i].name, name))
			return &s->subs[i];
	return NULL;
}

static size_t kind_size(const struct opt *r)
{
	switch (r->kind) {
	case OPTV_FLAG:
		return sizeof(bool);
	case OPTV_STRING:
	case OPTV_PATH:
		return sizeof(const char *);
	case OPTV_PERCENT:
		return sizeof(double);
	case OPTV_ENUM:
		return sizeof(int);
	case OPTV_COUNT: /* 4 or 8 */
		return r->size == sizeof(uint32_t) ? sizeof(uint32_t) : sizeof(uint64_t);
	default:
		return sizeof(uint64_t);
	}
}

__attribute__((format(printf, 3, 4))) static int table_err(char *msg, size_t len, const char *fmt,
							   ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int check_row(const struct cmd_spec *s, size_t i, char *msg, size_t len)
{
	const struct opt *r = &s->opts[i];

	if (r->size != kind_size(r) || r->off + r->size > s->size)
		return table_err(msg, len, "%s --%s: field of %zu bytes for a %s", s->name, r->name,
				 r->size, kind_names[r->kind]);
	if (r->kind == OPTV_COUNT && r->size == sizeof(uint32_t) && r->max > INT32_MAX)
		return table_err(msg, len, "%s --%s: max above a 4-byte field", s->name, r->name);
	if ((r->kind == OPTV_ENUM) != (r->words != NULL) || !r->help)
		return table_err(msg, len, "%s --%s: words or help", s->name, r->name);
	if (r->optional && (r->kind != OPTV_PATH || r->short_name || r->def))
		return table_err(msg, len, "%s --%s: an optional value is a path, long form only",
				 s->name, r->name);
	if ((r->kind == OPTV_FLAG) != (r->metavar == NULL))
		return table_err(msg, len, "%s --%s: a value needs a metavar, a flag none", s->name,
				 r->name);
	for (size_t j = 0; j < i; j++)
		if (!strcmp(s->opts[j].name, r->name) ||
		    (r->short_name && s->opts[j].short_name == r->short_name))
			return table_err(msg, len, "%s --%s: used twice", s->name, r->name);
	if (!strcmp(r->name, "help") || r->short_name == 'h')
		return table_err(msg, len, "%s: --help is the runtime's", s->name);
	return 0;
}

int opts_check_table(const struct cmd_spec *s, char *msg, size_t len)
{
	void *scratch;
	int r = 0;

	if (s->nopts > OPTS_MAX)
		return table_err(msg, len, "%s: more than %d options", s->name, OPTS_MAX);
	for (size_t i = 0; i < s->nopts; i++)
		if ((r = check_row(s, i, msg, len)))
			return r;
	scratch = malloc(s->size);
	if (!scratch)
		return -ENOMEM;
	if (apply_defaults(s, scratch, msg, len))
		r = -EINVAL;
	free(scratch);
	return r;
}

bool opts_use_color(int when, bool json)
{
	if (when == OPT_COLOR_ALWAYS)
		return true;
	return when == OPT_COLOR_AUTO && !json && fmt_use_color(stdout);
}
