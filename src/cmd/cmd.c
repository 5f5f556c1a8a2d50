// SPDX-License-Identifier: GPL-2.0
/* The command table, help lookup and the shared error/usage printers. */
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "output/json.h"

const struct command kleak_commands[] = {
	{ "check", cmd_check, "one snapshot of kernel memory: components, top caches, vmalloc callers, findings", cmd_check_help },
	{ "snapshot", cmd_snapshot, "copy the raw /proc sources into a directory for offline analysis", cmd_snapshot_help },
	{ "watch", cmd_watch, "sample kernel memory over time and report what keeps growing", cmd_watch_help },
	{ "record", cmd_record, "record raw samples to a file for offline analysis", cmd_record_help },
	{ "report", cmd_report, "growth report from a recording", cmd_report_help },
	{ "kmemleak", cmd_kmemleak, "drive kmemleak and group its report by backtrace", cmd_kmemleak_help },
	{ "trace", cmd_trace, "trace outstanding kernel allocations live with BPF", cmd_trace_help },
	{ "exporter", cmd_exporter, "serve kernel memory, growth and leak verdicts to Prometheus", cmd_exporter_help },
	{ "count", cmd_count, "count allocations and frees of one kind of object", cmd_count_help },
	{ NULL, NULL, NULL, NULL },
};

const struct command *command_find(const char *name)
{
	for (const struct command *c = kleak_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int cmd_help(const char *name)
{
	const struct command *c = command_find(name);

	if (!c)
		return cmd_usage("help", "unknown command '%s'", name);
	fputs(c->help, stdout);
	return KLEAK_EXIT_OK;
}

static bool json_errors;

void cmd_set_json(bool json)
{
	json_errors = json;
}

int cmd_usage(const char *name, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "kleak %s: %s\nTry 'kleak help %s'.\n", name, msg, name);
	if (json_errors) {
		struct json j;
		char full[600];

		snprintf(full, sizeof(full), "kleak %s: %s", name, msg);
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
