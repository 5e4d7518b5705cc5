/*
 * cjson.c — allocations inside a shared library. cJSON allocates a node for
 * every value and a string for every key and string value; the counts below
 * come from libcjson.so's own malloc calls, caught by cbench's hooks like the
 * program's own. Parse makes about one allocation per node and key; Print
 * makes a few for its growing output buffer.
 */
#include <cbench.h>
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

static const char document[] =
	"{\"name\":\"cbench\",\"version\":3,\"tags\":[\"alloc\",\"bench\",\"c\"],"
	"\"limits\":{\"count\":10,\"alpha\":0.05},\"ok\":true}";

BENCH(CJSONParse) {
	cbench_set_bytes(b, (int64_t)strlen(document));
	for (int64_t i = 0; i < b->n; i++) {
		cJSON *root = cJSON_Parse(document);
		if (!root)
			cbench_fatal(b, "cJSON_Parse failed");
		cbench_keep(root);
		cJSON_Delete(root);
	}
}

BENCH(CJSONPrint) {
	cJSON *root = cJSON_Parse(document);
	if (!root)
		cbench_fatal(b, "cJSON_Parse failed");
	cbench_reset_timer(b);
	for (int64_t i = 0; i < b->n; i++) {
		char *text = cJSON_PrintUnformatted(root);
		cbench_keep(text);
		cJSON_free(text);
	}
	cbench_stop_timer(b);
	cJSON_Delete(root);
}
