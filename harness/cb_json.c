/* cb_json.c: -json output, one object per line (JSON Lines), built with
 * cJSON. Each result line of the text format becomes
 *   {"name":"BenchmarkX-2","status":"ok","goos":..,"goarch":..,"pkg":..,
 *    "cpu":..,"n":N,"ns_per_op":..,"mb_per_s":..,"bytes_per_op":..,
 *    "allocs_per_op":..,"alloc_bytes":total,"allocs":total,
 *    "metrics":{"unit":value,...},"output":"log text"}
 * ns_per_op, bytes_per_op and allocs_per_op are doubles (exact totals are in
 * allocs and alloc_bytes); the memory fields are absent when the hooks are
 * not active, mb_per_s when no bytes were set, metrics when none were
 * reported. A failed or skipped benchmark gives {"name","status","output"}
 * plus the measurements when it has any. */
#include "cb_internal.h"

#include <cJSON.h>
#include <stdlib.h>

static void add_measurements(cJSON *o, const struct cb_result *r)
{
	cJSON_AddNumberToObject(o, "n", (double)r->n);
	cJSON_AddNumberToObject(o, "ns_per_op", (double)r->ns / (double)r->n);
	if (r->bytes > 0 && r->ns > 0)
		cJSON_AddNumberToObject(o, "mb_per_s",
					((double)r->bytes * (double)r->n / 1e6) / ((double)r->ns / 1e9));
	if (r->mem_valid) {
		cJSON_AddNumberToObject(o, "bytes_per_op", (double)r->alloc_bytes / (double)r->n);
		cJSON_AddNumberToObject(o, "allocs_per_op", (double)r->allocs / (double)r->n);
		cJSON_AddNumberToObject(o, "alloc_bytes", (double)r->alloc_bytes);
		cJSON_AddNumberToObject(o, "allocs", (double)r->allocs);
	}
	if (r->nmetrics > 0) {
		cJSON *m = cJSON_AddObjectToObject(o, "metrics");
		for (int i = 0; m && i < r->nmetrics; i++)
			cJSON_AddNumberToObject(m, r->metrics[i].unit, r->metrics[i].value);
	}
}

void cb_json_record(FILE *out, const struct cb_sysinfo *si, const char *pkg,
		    const struct cb_result *r, const char *status, const char *output)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return;
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddStringToObject(o, "goos", si->goos);
	cJSON_AddStringToObject(o, "goarch", si->goarch);
	cJSON_AddStringToObject(o, "pkg", pkg);
	if (si->cpu[0])
		cJSON_AddStringToObject(o, "cpu", si->cpu);
	if (r->n > 0)
		add_measurements(o, r);
	if (output && output[0])
		cJSON_AddStringToObject(o, "output", output);
	char *text = cJSON_PrintUnformatted(o);
	if (text) {
		fprintf(out, "%s\n", text);
		cJSON_free(text);
	}
	cJSON_Delete(o);
}
