// SPDX-License-Identifier: GPL-2.0
/* The command table, `kleak help` and the shared error/usage printers. */
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "analyze/check.h"
#include "analyze/trend.h"
#include "output/json.h"

const struct command kleak_commands[] = {
	{ "check", cmd_check,
	  "one snapshot of kernel memory: components, top caches, vmalloc callers, findings",
	  &cmd_check_spec },
	{ "snapshot", cmd_snapshot,
	  "copy the raw /proc sources into a directory for offline analysis", &cmd_snapshot_spec },
	{ "watch", cmd_watch, "sample kernel memory over time and report what keeps growing",
	  &cmd_watch_spec },
	{ "record", cmd_record, "record raw samples to a file for offline analysis",
	  &cmd_record_spec },
	{ "report", cmd_report, "growth report from a recording", &cmd_report_spec },
	{ "kmemleak", cmd_kmemleak, "drive kmemleak and group its report by backtrace",
	  &cmd_kmemleak_spec },
	{ "trace", cmd_trace, "trace outstanding kernel allocations live with BPF",
	  &cmd_trace_spec },
	{ "cgroups", cmd_cgroups,
	  "kernel memory per container and memory cgroup, named, ranked, with findings",
	  &cmd_cgroups_spec },
	{ "exporter", cmd_exporter, "serve kernel memory, growth and leak verdicts to Prometheus",
	  &cmd_exporter_spec },
	{ "count", cmd_count, "count allocations and frees of one kind of object",
	  &cmd_count_spec },
	{ "investigate", cmd_investigate,
	  "the whole chain in one command: detect, localize, confirm, the culprit",
	  &cmd_investigate_spec },
	{ NULL, NULL, NULL, NULL },
};

const struct opt_word cmd_severity_words[] = {
	{ "info", SEV_INFO },
	{ "warning", SEV_WARNING },
	{ "critical", SEV_CRITICAL },
	{ NULL, 0 },
};

/* The growing verdicts, worst first: --fail-on V fails on V or worse. */
const struct opt_word cmd_verdict_words[] = {
	{ "leak", TREND_LEAK },
	{ "growing", TREND_GROWING },
	{ "growing_reclaimable", TREND_RECLAIMABLE },
	{ "possible_leak", TREND_POSSIBLE },
	{ NULL, 0 },
};

const struct command *command_find(const char *name)
{
	for (const struct command *c = kleak_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* `kleak help --commands [NAME]`: the commands, or NAME's sub-commands. */
static int list_commands(const char *name)
{
	const struct command *c = name ? command_find(name) : NULL;

	if (name && !c)
		return cmd_usage("help", "unknown command '%s'", name);
	if (c) {
		for (size_t i = 0; i < c->spec->nsubs; i++)
			printf("%s\n", c->spec->subs[i].name);
		return KLEAK_EXIT_OK;
	}
	for (c = kleak_commands; c->name; c++)
		printf("%s\n", c->name);
	return KLEAK_EXIT_OK;
}

int cmd_help(int argc, char **argv)
{
	bool options = argc > 1 && !strcmp(argv[1], "--options");
	const struct command *c;
	const char *name;

	if (argc > 1 && !strcmp(argv[1], "--commands"))
		return argc > 3 ? cmd_usage("help", "one command at most")
				: list_commands(argc > 2 ? argv[2] : NULL);
	name = argv[options ? 2 : 1];
	if (argc != (options ? 3 : 2))
		return cmd_usage("help", "give one command");
	c = command_find(name);
	if (!c)
		return cmd_usage("help", "unknown command '%s'", name);
	if (options)
		opts_list(c->spec, stdout);
	else
		opts_help(c->spec, stdout);
	return KLEAK_EXIT_OK;
}

static bool json_errors;

void cmd_set_json(bool json)
{
	json_errors = json;
}

int cmd_usage(const char *name, const char *fmt, ...)
{
	char msg[512], full[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "kleak %s: %s", name, msg);
	/* the hint names the command, not the sub-command: help has one page */
	if (!strcmp(name, "help"))
		fprintf(stderr, "%s (see 'kleak --help')\n", full);
	else
		fprintf(stderr, "%s (see 'kleak help %.*s')\n", full, (int)strcspn(name, " "),
			name);
	if (json_errors) {
		struct json j;

		json_init(&j, stdout, false);
		json_obj_begin(&j);
		json_kv_str(&j, "error", full);
		json_kv_str(&j, "kind", "usage");
		json_obj_end(&j);
		json_end_doc(&j);
	}
	return KLEAK_EXIT_USAGE;
}

int cmd_fail(const struct kerr *e, bool json)
{
	char msg[1024];

	kerr_print(e);
	if (json) {
		struct json j;

		json_init(&j, stdout, false);
		json_obj_begin(&j);
		json_kv_str(&j, "error", kerr_str(e, msg, sizeof(msg)));
		json_obj_end(&j);
		json_end_doc(&j);
	}
	return KLEAK_EXIT_ERROR;
}
