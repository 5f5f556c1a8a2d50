// SPDX-License-Identifier: GPL-2.0
/*
 * kleak kmemleak: drive the kernel's kmemleak (scan, clear, run a workload
 * between them) and turn its report into groups by symbolized backtrace,
 * ranked by bytes or count, as text or one JSON document.
 *
 * Pipeline: source (live file or --from) -> kmemleak_parse -> symbols
 * (live kallsyms or --kallsyms/--modules) -> kmemleak_group -> render.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyze/check.h"
#include "analyze/kmemleak_group.h"
#include "analyze/ksym.h"
#include "cmd.h"
#include "output/fmt.h"
#include "output/json.h"
#include "parse/kallsyms.h"
#include "parse/kmemleak.h"
#include "parse/modules.h"
#include "source/kmemleak_ctl.h"
#include "util/buf.h"
#include "util/num.h"

const char cmd_kmemleak_help[] =
	"usage: kleak kmemleak [report|scan|clear|run] [options] [-- CMD [ARGS...]]\n"
	"\n"
	"Drive the kernel's kmemleak and group its report by backtrace.\n"
	"  report  read the report (the live one, or --from FILE) and group it\n"
	"          (the default)\n"
	"  scan    trigger a scan and wait for it to finish\n"
	"  clear   forget the leaks reported so far\n"
	"  run     clear, run CMD, wait, scan twice, report only what is new\n"
	"Raw module frames are symbolized with /proc/kallsyms and /proc/modules,\n"
	"or offline with --kallsyms and --modules. kmemleak costs performance and\n"
	"is for test machines; on production use `kleak watch` or `kleak trace`.\n"
	"\n"
	"Options:\n"
	"  -j, --json              one JSON document (schema: docs/kmemleak.md)\n"
	"      --from FILE         group a saved report instead of the live one\n"
	"      --kallsyms FILE     symbolize raw frames with a saved /proc/kallsyms\n"
	"      --modules FILE      module ranges from a saved /proc/modules\n"
	"      --baseline DIR      a snapshot taken while the modules were loaded\n"
	"                          (kleak snapshot): its kallsyms and modules\n"
	"      --sort KEY          rank groups by bytes (default) or count\n"
	"  -w, --wait DURATION     run: wait before scanning (default 5s, kmemleak's\n"
	"                          minimum object age)\n"
	"      --top N             groups in the text view (default 10)\n"
	"      --fail-on LEVEL     exit 3 when a finding is at least LEVEL (info,\n"
	"                          warning, critical); each group is a warning\n"
	"      --show-addresses    print raw kernel addresses (hidden by default: KASLR)\n"
	"  -h, --help              this help\n"
	"\n"
	"Exit codes: 0 done (also when kmemleak is absent: the output says why),\n"
	"1 an error (a --from file that does not parse; scan, clear or run that\n"
	"could not reach kmemleak), 2 usage, 3 a finding at or above --fail-on.\n";

struct kml_opts {
	const char *sub;	  /* report, scan, clear, run */
	const char *from;	  /* saved report, NULL: live */
	const char *kallsyms;	  /* saved /proc/kallsyms */
	const char *modules;	  /* saved /proc/modules */
	const char *baseline;	  /* snapshot dir: DIR/kallsyms, DIR/modules */
	char kpath[4096], mpath[4096]; /* from baseline */
	enum kmemleak_sort sort;  /* bytes */
	uint64_t wait_ns;	  /* 5 s: KMEMLEAK_MIN_AGE_NS */
	int top;		  /* 10 */
	bool show_addresses;
	bool json;
	bool fail_on_set;	  /* --fail-on given */
	enum severity fail_on;
	char **cmd;		  /* run: the workload */
};

/* What the run subcommand did, for the output. */
struct kml_run {
	bool ran;
	int status; /* exit status, or 128+signal */
	uint64_t since_jiffies;
};

enum { OPT_FROM = 256, OPT_KALLSYMS, OPT_MODULES, OPT_SORT, OPT_TOP,
       OPT_SHOWADDR, OPT_FAIL_ON, OPT_BASELINE };

/*
 * Every group is a finding at warning level: kmemleak suspects a leak, and
 * its suspicions include false positives (pointers it cannot see).
 */
#define KMEMLEAK_GROUP_SEVERITY SEV_WARNING

static int parse_opts(int argc, char **argv, struct kml_opts *o)
{
	static const struct option lo[] = {
		{ "from", required_argument, NULL, OPT_FROM },
		{ "kallsyms", required_argument, NULL, OPT_KALLSYMS },
		{ "modules", required_argument, NULL, OPT_MODULES },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "wait", required_argument, NULL, 'w' },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "show-addresses", no_argument, NULL, OPT_SHOWADDR },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct kml_opts){ .sub = "report", .wait_ns = KMEMLEAK_MIN_AGE_NS,
				.top = 10 };
	if (argc > 1 && argv[1][0] != '-') {
		o->sub = argv[1];
		argc--;
		argv++;
	}
	optind = 0;
	while ((c = getopt_long(argc, argv, "+w:jh", lo, NULL)) != -1) {
		switch (c) {
		case OPT_FROM: o->from = optarg; break;
		case OPT_KALLSYMS: o->kallsyms = optarg; break;
		case OPT_MODULES: o->modules = optarg; break;
		case OPT_BASELINE: o->baseline = optarg; break;
		case OPT_SORT:
			if (!strcmp(optarg, "bytes"))
				o->sort = KMEMLEAK_SORT_BYTES;
			else if (!strcmp(optarg, "count"))
				o->sort = KMEMLEAK_SORT_COUNT;
			else
				return cmd_usage("kmemleak", "--sort: expected bytes or count, got '%s'", optarg);
			break;
		case 'w':
			if (num_parse_duration_ns(optarg, &o->wait_ns))
				return cmd_usage("kmemleak", "--wait: invalid duration '%s'", optarg);
			break;
		case OPT_TOP:
			if (num_parse_int(optarg, 1, 1000000, &o->top))
				return cmd_usage("kmemleak", "--top: expected a positive number, got '%s'", optarg);
			break;
		case OPT_SHOWADDR: o->show_addresses = true; break;
		case OPT_FAIL_ON:
			if (severity_parse(optarg, &o->fail_on))
				return cmd_usage("kmemleak", "--fail-on: use info, warning or critical");
			o->fail_on_set = true;
			break;
		case 'j': o->json = true; break;
		case 'h': return -1;
		default: return cmd_usage("kmemleak", "unknown option or missing argument");
		}
	}
	if (strcmp(o->sub, "report") && strcmp(o->sub, "scan") &&
	    strcmp(o->sub, "clear") && strcmp(o->sub, "run"))
		return cmd_usage("kmemleak", "unknown subcommand '%s' (report, scan, clear, run)", o->sub);
	if (!strcmp(o->sub, "run")) {
		if (optind >= argc)
			return cmd_usage("kmemleak", "run: expected a command after --");
		o->cmd = argv + optind;
	} else if (optind < argc) {
		return cmd_usage("kmemleak", "unexpected argument '%s'", argv[optind]);
	}
	if (o->from && strcmp(o->sub, "report"))
		return cmd_usage("kmemleak", "--from only goes with report");
	if (o->baseline && (o->kallsyms || o->modules))
		return cmd_usage("kmemleak", "--baseline and --kallsyms/--modules conflict");
	if (o->baseline) {
		struct stat st;

		snprintf(o->kpath, sizeof(o->kpath), "%s/kallsyms", o->baseline);
		snprintf(o->mpath, sizeof(o->mpath), "%s/modules", o->baseline);
		o->kallsyms = o->kpath;
		/* a kernel without modules has no /proc/modules to snapshot */
		if (!stat(o->mpath, &st))
			o->modules = o->mpath;
	}
	return 0;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static const char *const avail_names[] = {
	[KMEMLEAK_AVAILABLE] = "available", [KMEMLEAK_NO_DEBUGFS] = "no_debugfs",
	[KMEMLEAK_ABSENT] = "absent",	    [KMEMLEAK_DISABLED] = "disabled",
	[KMEMLEAK_NO_ACCESS] = "no_access", [KMEMLEAK_ERROR] = "error",
};

/*
 * kmemleak is not usable here: say so on stderr and, under --json, in a
 * document with the reason. CONTRACTS: an absent source does not change
 * the exit code of report by itself; scan/clear/run could not do their job.
 */
static int unavailable(const struct kml_opts *o, enum kmemleak_avail a,
		       const struct kerr *e)
{
	char msg[1024];

	kerr_print(e);
	fprintf(stderr, "kleak: kmemleak is for test kernels; on this machine use "
			"`kleak watch` (growth over time) or `kleak trace` (live allocations)\n");
	if (o->json) {
		struct json j;

		json_init(&j, stdout, false);
		json_obj_begin(&j);
		json_kv_str(&j, "kmemleak", avail_names[a]);
		json_kv_str(&j, "error", kerr_str(e, msg, sizeof(msg)));
		json_key(&j, "suggest");
		json_arr_begin(&j);
		json_str(&j, "kleak watch");
		json_str(&j, "kleak trace");
		json_arr_end(&j);
		json_kv_u64(&j, "objects", 0);
		json_kv_u64(&j, "bytes", 0);
		json_key(&j, "groups");
		json_arr_begin(&j);
		json_arr_end(&j);
		json_obj_end(&j);
		json_end_doc(&j);
	} else {
		/* The report itself says it, not only stderr (CONTRACTS). */
		printf("kmemleak: not available (%s): %s\n"
		       "On this machine use `kleak watch` (growth over time) or "
		       "`kleak trace` (live allocations).\n",
		       avail_names[a], kerr_str(e, msg, sizeof(msg)));
	}
	if (a == KMEMLEAK_ERROR || strcmp(o->sub, "report"))
		return KLEAK_EXIT_ERROR;
	return KLEAK_EXIT_OK;
}

static int load_file(struct buf *b, const char *path, struct kerr *e)
{
	return buf_read_file(b, path, BUF_FILE_CAP, e);
}

/*
 * Symbols for raw frames: the files given, else the live kernel's when the
 * report is live. *what says which ("file", "live", "none"). A live table
 * that cannot be read is a warning, not an error.
 */
static int load_syms(const struct kml_opts *o, bool needed,
		     struct ksym_table *t, bool *have, const char **what,
		     struct kerr *e)
{
	struct buf b = { 0 };
	struct kallsyms ks;
	struct modules mods = { 0 };
	bool live = !o->from && !o->kallsyms && !o->modules;
	const char *kpath = o->kallsyms ? o->kallsyms : live ? "/proc/kallsyms" : NULL;
	const char *mpath = o->modules ? o->modules : live ? "/proc/modules" : NULL;
	int r = 0;

	*have = false;
	*what = "none";
	if (!needed || (!kpath && !mpath))
		return 0;
	memset(t, 0, sizeof(*t));
	if (kpath) {
		if ((r = load_file(&b, kpath, e)) ||
		    (r = kallsyms_parse(b.data, b.len, kpath, &ks, e)) ||
		    (r = ksym_table_init(t, &ks, e)))
			goto out;
		buf_reset(&b);
	}
	if (mpath) {
		if ((r = load_file(&b, mpath, e)) ||
		    (r = modules_parse(b.data, b.len, mpath, &mods, e)))
			goto out;
		if (ksym_table_add_modules(t, &mods)) {
			r = kerr_set(e, -ENOMEM, mpath, 0, "out of memory");
			goto out;
		}
	}
	*have = true;
	*what = live ? "live" : "file";
out:
	buf_free(&b);
	modules_free(&mods);
	if (r) {
		ksym_table_free(t);
		if (live) { /* degrade: raw frames stay unresolved */
			kerr_print(e);
			fprintf(stderr, "kleak: raw frames left unresolved\n");
			return 0;
		}
	}
	return r;
}

static bool has_raw_frames(const struct kmemleak_report *r)
{
	for (size_t i = 0; i < r->nframes; i++)
		if (r->frames[i].func == KMEMLEAK_NONE)
			return true;
	return false;
}

/*
 * One hex dump line with kernel pointers hidden: an aligned 8-byte word
 * whose top bytes are ff ff (x86_64 kernel space, little-endian) becomes
 * "xx" bytes and dots, so that no kernel address leaves the machine
 * unless --show-addresses (KASLR). Lines are "38 40 18 ba 80 88 ff ff ...  ascii".
 */
static void mask_hex_line(char *l, size_t n)
{
	size_t nbytes = 0;

	while (nbytes < 16 && nbytes * 3 + 2 <= n && l[nbytes * 3 + 2 - 1] != ' ' &&
	       (nbytes * 3 + 2 == n || l[nbytes * 3 + 2] == ' '))
		nbytes++;
	for (size_t w = 0; w + 8 <= nbytes; w += 8) {
		char *b6 = l + (w + 6) * 3, *b7 = l + (w + 7) * 3;
		char *ascii;

		if (strncmp(b6, "ff", 2) || strncmp(b7, "ff", 2))
			continue;
		for (size_t k = w; k < w + 8; k++)
			memcpy(l + k * 3, "xx", 2);
		/* "... 00  8@......": the text column starts 2 spaces on */
		ascii = l + nbytes * 3 + 1;
		if (nbytes * 3 + 1 + w + 8 <= n && ascii[-1] == ' ' && ascii[-2] == ' ')
			memset(ascii + w, '.', 8);
	}
}

/* comm is any process's to set (prctl): no control bytes to the terminal. */
static const char *safe(const char *s, char *out, size_t len)
{
	size_t w = 0;

	for (; *s && w + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			w += (size_t)snprintf(out + w, len - w, "\\x%02x", c);
		else
			out[w++] = (char)c;
	}
	out[w] = '\0';
	return out;
}

static void hex_line(const char *p, size_t n, bool show_addresses, char *out,
		     size_t outlen)
{
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	if (!show_addresses)
		mask_hex_line(out, n);
}

static void json_group(struct json *j, const struct kmemleak_group *g,
		       const struct kmemleak_report *r, bool show_addresses)
{
	const char *hex = kmemleak_str(r, g->sample->hex);

	json_obj_begin(j);
	json_kv_u64(j, "count", g->count);
	json_kv_u64(j, "bytes", g->bytes);
	json_kv_u64(j, "size_typical", g->size_typical);
	json_kv_u64(j, "size_min", g->size_min);
	json_kv_u64(j, "size_max", g->size_max);
	json_kv_str(j, "function", g->function);
	json_kv_str(j, "allocator", g->allocator);
	json_kv_str(j, "module", g->module);
	json_key(j, "backtrace");
	json_arr_begin(j);
	for (size_t i = 0; i < g->nframes; i++)
		json_str(j, g->backtrace[i]);
	json_arr_end(j);
	json_key(j, "comms");
	json_arr_begin(j);
	for (size_t i = 0; i < KMEMLEAK_TOP_COMMS && g->comms[i].comm; i++) {
		json_obj_begin(j);
		json_kv_str(j, "comm", g->comms[i].comm);
		json_kv_u64(j, "count", g->comms[i].count);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_kv_u64(j, "comms_distinct", g->ncomms);
	json_kv_u64(j, "pids_distinct", g->npids);
	json_kv_u64(j, "jiffies_min", g->jiffies_min);
	json_kv_u64(j, "jiffies_max", g->jiffies_max);
	json_key(j, "age_s_min");
	g->has_age ? json_double(j, g->age_min_s) : json_null(j);
	json_key(j, "age_s_max");
	g->has_age ? json_double(j, g->age_max_s) : json_null(j);
	json_key(j, "hex_dump");
	if (hex) {
		json_obj_begin(j);
		json_kv_u64(j, "bytes", g->sample->hex_bytes);
		json_key(j, "lines");
		json_arr_begin(j);
		for (const char *p = hex; *p;) {
			size_t n = strcspn(p, "\n");
			char l[256];

			hex_line(p, n, show_addresses, l, sizeof(l));
			json_str(j, l);
			p += n + (p[n] == '\n');
		}
		json_arr_end(j);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	if (show_addresses) {
		char a[32];

		snprintf(a, sizeof(a), "0x%" PRIx64, g->sample->addr);
		json_kv_str(j, "sample_address", a);
	}
	json_obj_end(j);
}

static void render_json(const struct kml_opts *o, const char *src,
			const char *symbols, const struct kmemleak_report *r,
			const struct kmemleak_groups *g, const struct kml_run *run)
{
	struct json j;

	json_init(&j, stdout, false);
	json_obj_begin(&j);
	json_kv_str(&j, "kmemleak", "available");
	json_kv_str(&j, "source", src);
	json_kv_str(&j, "format", r->crc_format ? "crc" : r->n ? "classic" : NULL);
	json_kv_str(&j, "symbols", symbols);
	json_kv_u64(&j, "objects", g->objects);
	json_kv_u64(&j, "bytes", g->bytes);
	json_kv_u64(&j, "raw_frames", g->raw_frames);
	json_kv_u64(&j, "raw_frames_resolved", g->raw_resolved);
	if (run->ran) {
		json_key(&j, "command");
		json_arr_begin(&j);
		for (char **a = o->cmd; *a; a++)
			json_str(&j, *a);
		json_arr_end(&j);
		json_kv_i64(&j, "command_status", run->status);
		json_key(&j, "since_jiffies");
		run->since_jiffies ? json_u64(&j, run->since_jiffies) : json_null(&j);
	}
	json_key(&j, "modules");
	json_arr_begin(&j);
	for (size_t i = 0; i < g->nmods; i++) {
		json_obj_begin(&j);
		json_kv_str(&j, "module", g->mods[i].module);
		json_kv_bool(&j, "unloaded", g->mods[i].unloaded);
		json_kv_u64(&j, "count", g->mods[i].count);
		json_kv_u64(&j, "bytes", g->mods[i].bytes);
		json_kv_u64(&j, "groups", g->mods[i].groups);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "groups");
	json_arr_begin(&j);
	for (size_t i = 0; i < g->n; i++)
		json_group(&j, &g->v[i], r, o->show_addresses);
	json_arr_end(&j);
	json_obj_end(&j);
	json_end_doc(&j);
}

static void text_group(size_t rank, const struct kmemleak_group *g,
		       const struct kmemleak_report *r, bool color, bool show_addresses)
{
	char b1[32], b2[32], cb[128];
	const char *hex = kmemleak_str(r, g->sample->hex);

	printf("%s#%zu  %s in %zu object%s%s  %s%s%s%s\n", color ? FMT_BOLD : "",
	       rank, fmt_bytes(g->bytes, b1, sizeof(b1)), g->count,
	       g->count == 1 ? "" : "s", color ? FMT_RESET : "", g->function,
	       g->module ? " [" : "", g->module ? g->module : "",
	       g->module ? "]" : "");
	printf("    size %s", fmt_bytes(g->size_typical, b2, sizeof(b2)));
	if (g->size_min != g->size_max)
		printf(" typical (%s..%s)", fmt_bytes(g->size_min, b1, sizeof(b1)),
		       fmt_bytes(g->size_max, b2, sizeof(b2)));
	if (g->allocator)
		printf(", allocated by %s", g->allocator);
	printf("\n    comm");
	for (size_t i = 0; i < KMEMLEAK_TOP_COMMS && g->comms[i].comm; i++)
		printf("%s %s (%zu)", i ? "," : "", safe(g->comms[i].comm, cb, sizeof(cb)),
		       g->comms[i].count);
	if (g->ncomms > KMEMLEAK_TOP_COMMS)
		printf(", %zu more", g->ncomms - KMEMLEAK_TOP_COMMS);
	printf("; %zu pid%s", g->npids, g->npids == 1 ? "" : "s");
	if (g->has_age && g->age_min_s != g->age_max_s)
		printf("; age %.1fs..%.1fs", g->age_min_s, g->age_max_s);
	else if (g->has_age)
		printf("; age %.1fs", g->age_min_s);
	else if (g->jiffies_min != g->jiffies_max)
		printf("; jiffies %" PRIu64 "..%" PRIu64, g->jiffies_min, g->jiffies_max);
	else
		printf("; jiffies %" PRIu64, g->jiffies_min);
	printf("\n    backtrace:\n");
	for (size_t i = 0; i < g->nframes; i++)
		printf("      %s\n", g->backtrace[i]);
	if (hex) {
		printf("    hex dump (first %u bytes):\n", g->sample->hex_bytes);
		for (const char *p = hex; *p;) {
			size_t n = strcspn(p, "\n");
			char l[256];

			hex_line(p, n, show_addresses, l, sizeof(l));
			printf("      %s\n", l);
			p += n + (p[n] == '\n');
		}
	}
}

static void render_text(const struct kml_opts *o, const char *src,
			const char *symbols, const struct kmemleak_report *r,
			const struct kmemleak_groups *g, const struct kml_run *run)
{
	bool color = fmt_use_color(stdout);
	char b[32];

	if (run->ran)
		printf("workload exited with status %d%s\n", run->status,
		       run->since_jiffies ? "; objects allocated before it are left out" : "");
	if (g->objects == 0) {
		printf("kmemleak: no unreferenced objects in %s.\n"
		       "An empty report is not proof of no leak: kmemleak misses objects whose\n"
		       "last pointer survives in a stale stack slot or register.\n", src);
		return;
	}
	printf("kmemleak: %zu unreferenced object%s, %s, in %zu group%s (%s)\n",
	       g->objects, g->objects == 1 ? "" : "s", fmt_bytes(g->bytes, b, sizeof(b)),
	       g->n, g->n == 1 ? "" : "s", src);
	if (g->raw_frames)
		printf("raw frames: %zu distinct, %zu resolved (symbols: %s)\n",
		       g->raw_frames, g->raw_resolved, symbols);
	printf("by module:");
	for (size_t i = 0; i < g->nmods && i < (size_t)o->top; i++)
		printf("%s %s %s (%zu)", i ? "," : "",
		       g->mods[i].module ? g->mods[i].module
		       : g->mods[i].unloaded ? KMEMLEAK_UNLOADED : "vmlinux",
		       fmt_bytes(g->mods[i].bytes, b, sizeof(b)), g->mods[i].count);
	if (g->nmods > (size_t)o->top)
		printf(", %zu more", g->nmods - (size_t)o->top);
	putchar('\n');
	for (size_t i = 0; i < g->n && i < (size_t)o->top; i++) {
		putchar('\n');
		text_group(i + 1, &g->v[i], r, color, o->show_addresses);
	}
	if (g->n > (size_t)o->top)
		printf("\n%zu more group%s (--top, or --json for all)\n",
		       g->n - (size_t)o->top, g->n - (size_t)o->top == 1 ? "" : "s");
}

/* Runs the workload; its stdout goes to stderr under --json. */
static int run_workload(const struct kml_opts *o, int *status, struct kerr *e)
{
	pid_t pid;
	int st;

	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	int r = 0;

	fflush(stdout);
	/*
	 * Like time(1): ^C stops the workload, not kleak, which goes on to scan
	 * and report what the workload left behind.
	 */
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid < 0) {
		r = kerr_set(e, -errno, o->cmd[0], 0, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		if (o->json)
			dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(o->cmd[0], o->cmd);
		fprintf(stderr, "kleak: %s: %s\n", o->cmd[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			r = kerr_set(e, -errno, o->cmd[0], 0, "waitpid: %s", strerror(errno));
			goto out;
		}
	}
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (*status == 127)
		r = kerr_set(e, -ENOENT, o->cmd[0], 0, "could not run the command");
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return r;
}

/*
 * clear, run, wait past the minimum age, scan twice (an object's first
 * scan only records its checksum), then the caller reads the report.
 */
static int do_run(const struct kml_opts *o, struct kml_run *run,
		  enum kmemleak_avail *avail, struct kerr *e)
{
	int r;

	run->since_jiffies = kmemleak_ctl_jiffies();
	if ((r = kmemleak_ctl_write("clear", avail, e)))
		return r;
	if ((r = run_workload(o, &run->status, e)))
		return r;
	run->ran = true;
	if (!o->json)
		fprintf(stderr, "kleak: waiting %.1fs for kmemleak's minimum object age, then scanning twice\n",
			(double)o->wait_ns / 1e9);
	sleep_ns(o->wait_ns);
	if ((r = kmemleak_ctl_write("scan", avail, e)))
		return r;
	sleep_ns(1000000000ULL);
	return kmemleak_ctl_write("scan", avail, e);
}

static int report(const struct kml_opts *o, const struct kml_run *run)
{
	struct buf b = { 0 };
	struct kerr e = { 0 };
	struct kmemleak_report r = { 0 };
	struct kmemleak_groups g = { 0 };
	struct ksym_table t;
	struct kmemleak_group_opts go = { .show_addresses = o->show_addresses,
					  .sort = o->sort,
					  .since_jiffies = run->since_jiffies };
	enum kmemleak_avail avail;
	const char *src = o->from ? o->from : kmemleak_ctl_path();
	const char *symbols;
	bool have = false;
	int rc = KLEAK_EXIT_OK;

	if (o->from) {
		if (load_file(&b, o->from, &e))
			goto fail;
	} else if (kmemleak_ctl_read(&b, true, &avail, &e)) {
		rc = unavailable(o, avail, &e);
		goto out;
	}
	if (kmemleak_parse(b.data, b.len, src, &r, &e))
		goto fail;
	if (load_syms(o, has_raw_frames(&r) || o->kallsyms || o->modules, &t,
		      &have, &symbols, &e))
		goto fail;
	go.syms = have ? &t : NULL;
	if (kmemleak_group(&r, &go, &g, &e))
		goto fail;
	if (o->json)
		render_json(o, src, symbols, &r, &g, run);
	else
		render_text(o, src, symbols, &r, &g, run);
	if (o->fail_on_set && g.n && KMEMLEAK_GROUP_SEVERITY >= o->fail_on)
		rc = KLEAK_EXIT_FINDINGS;
	goto out;
fail:
	rc = cmd_fail(&e, o->json);
out:
	kmemleak_groups_free(&g);
	if (have)
		ksym_table_free(&t);
	kmemleak_report_free(&r);
	buf_free(&b);
	return rc;
}

int cmd_kmemleak(int argc, char **argv)
{
	struct kml_opts o;
	struct kml_run run = { 0 };
	struct kerr e = { 0 };
	enum kmemleak_avail avail;
	int rc = parse_opts(argc, argv, &o);

	if (rc == -1)
		return cmd_help("kmemleak");
	if (rc)
		return rc;
	if (!strcmp(o.sub, "report"))
		return report(&o, &run);
	if (!strcmp(o.sub, "run")) {
		if (do_run(&o, &run, &avail, &e))
			return run.ran || e.code == -ENOENT ? cmd_fail(&e, o.json) :
								 unavailable(&o, avail, &e);
		return report(&o, &run);
	}
	if (kmemleak_ctl_write(o.sub, &avail, &e))
		return unavailable(&o, avail, &e);
	if (o.json) {
		struct json j;

		json_init(&j, stdout, false);
		json_obj_begin(&j);
		json_kv_str(&j, "kmemleak", "available");
		json_kv_str(&j, "done", o.sub);
		json_obj_end(&j);
		json_end_doc(&j);
	} else {
		printf("kmemleak: %s done\n", o.sub);
	}
	return KLEAK_EXIT_OK;
}
