/* cb_json.c: -json output, one object per line (JSON Lines), built with
 * cJSON from the same record and the same figures (cb_result_figures) as
 * the text line, so the two always agree, reported metrics included:
 *   {"name":"BenchmarkX-2","status":"ok","goos":..,"goarch":..,"pkg":..,
 *    "cpu":..,"n":N,"ns_per_op":..,"mb_per_s":..,"bytes_per_op":..,
 *    "allocs_per_op":..,"alloc_bytes":total,"allocs":total,
 *    "metrics":{"unit":value,...},"output":"log text"}
 * A field is present exactly when the text line has its column: ns_per_op
 * and mb_per_s not when 0, bytes_per_op and allocs_per_op when the memory
 * columns are printed (hooks active, or reported). They are doubles; the
 * exact totals alloc_bytes and allocs come with a figure that was counted,
 * not reported. metrics holds the extra units of the line (reported ones
 * and retained-B/op). A failed or skipped benchmark without a result line
 * gives {"name","status","output"}. With -instructions, "instructions"
 * says which way counted ("perf" or "callgrind"), as the text header does. */
#include "cb_internal.h"

#include <cJSON.h>
#include <stdlib.h>

static void add_mem(cJSON *o, const char *per_op, const char *total,
		    const struct cb_mem_figure *m)
{
	cJSON_AddNumberToObject(o, per_op, m->per_op);
	if (m->measured)
		cJSON_AddNumberToObject(o, total, (double)m->total);
}

static void add_measurements(cJSON *o, const struct cb_result *r)
{
	struct cb_figures f;
	cb_result_figures(r, &f);
	cJSON_AddNumberToObject(o, "n", (double)r->n);
	if (f.has_ns)
		cJSON_AddNumberToObject(o, "ns_per_op", f.ns_per_op);
	if (f.has_mbs)
		cJSON_AddNumberToObject(o, "mb_per_s", f.mb_per_s);
	if (f.has_mem) {
		add_mem(o, "bytes_per_op", "alloc_bytes", &f.bytes);
		add_mem(o, "allocs_per_op", "allocs", &f.allocs);
	}
	if (f.nextra > 0) {
		cJSON *m = cJSON_AddObjectToObject(o, "metrics");
		for (int i = 0; m && i < f.nextra; i++)
			cJSON_AddNumberToObject(m, f.extra[i]->unit, f.extra[i]->value);
	}
}

static const char *status_of(const struct cb_record *rec)
{
	if (rec->kind == CB_REC_SKIP)
		return "skip";
	if (rec->kind == CB_REC_FAIL || rec->failed)
		return "fail";
	return "ok";
}

void cb_json_record(FILE *out, const struct cb_sysinfo *si, const char *pkg,
		    const struct cb_record *rec)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return;
	cJSON_AddStringToObject(o, "name", rec->res.name);
	cJSON_AddStringToObject(o, "status", status_of(rec));
	cJSON_AddStringToObject(o, "goos", si->goos);
	cJSON_AddStringToObject(o, "goarch", si->goarch);
	cJSON_AddStringToObject(o, "pkg", pkg);
	if (si->cpu[0])
		cJSON_AddStringToObject(o, "cpu", si->cpu);
	if (cb_counters_path())
		cJSON_AddStringToObject(o, "instructions", cb_counters_path());
	if (rec->kind == CB_REC_RESULT && rec->res.n > 0)
		add_measurements(o, &rec->res);
	if (rec->output && rec->output[0])
		cJSON_AddStringToObject(o, "output", rec->output);
	char *text = cJSON_PrintUnformatted(o);
	if (text) {
		fprintf(out, "%s\n", text);
		cJSON_free(text);
	}
	cJSON_Delete(o);
}
