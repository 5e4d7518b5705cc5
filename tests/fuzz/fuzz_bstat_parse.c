/*
 * fuzz_bstat_parse.c — libFuzzer target for bstat's whole pipeline: the
 * input is one or two benchmark files (split at the first "\n====\n"),
 * read, grouped into tables with a sub-benchmark projection, summarized,
 * compared and rendered in every format. Any crash, leak, sanitizer report
 * or hang is a bug, and so is text built one table at a time (bstat's
 * text path) that differs from the text of all the tables. Leading lines "#filter <q>", "#row <p>", "#col <p>"
 * replace the default query and projections, so the query parsers are
 * fuzzed too. Then the same two inputs go through `bstat -gate` (bs_main,
 * inputs in memory files), and the gate's promise is checked: an input with
 * a line the reader rejects never exits 0, no run exits outside 0..2, and
 * exit 0 always comes with a PASS verdict.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/cli.h"

#include "format/format.h"
#include "proc/proc.h"
#include "tab/tab.h"
#include "render/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads data into both builders. */
static void read_all(bs_reader *r, bs_filter *f, bs_builder *b, bs_builder *b2, const uint8_t *data,
                     size_t size, const char *label)
{
	FILE *in = fmemopen((void *)data, size, "rb");
	if (!in)
		return;
	bs_reader_reset(r, in, label, label);
	enum bs_record rec;
	while ((rec = bs_reader_next(r)) != BS_REC_EOF)
		if (rec == BS_REC_RESULT && bs_filter_apply(f, &r->result)) {
			bs_builder_add(b, &r->result);
			bs_builder_add(b2, &r->result);
		}
	fclose(in);
}

static int render_one(const bs_tables *ts, size_t i, void *text)
{
	bs_render_text_table(ts, i, text);
	return 0;
}

/* Takes a leading "#<name> <text>\n" line into out (NUL-terminated). */
static int take_option(const uint8_t **data, size_t *size, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	if (*size < n || memcmp(*data, name, n) != 0)
		return 0;
	const uint8_t *nl = memchr(*data, '\n', *size);
	size_t len = (nl ? (size_t)(nl - *data) : *size) - n;
	if (len >= cap || memchr(*data + n, 0, len))
		return 0;
	memcpy(out, *data + n, len);
	out[len] = 0;
	*size -= n + len + (nl != NULL);
	*data += n + len + (nl != NULL);
	return 1;
}

/* Syntax errors the strict (gate) reader reports in data. */
static size_t syntax_errors(const uint8_t *data, size_t size)
{
	bs_arena *a = bs_arena_new();
	bs_map interns;
	bs_unit_meta units;
	bs_reader r;
	size_t n = 0;
	bs_map_init(&interns, a);
	bs_unit_meta_init(&units, a);
	bs_reader_init(&r, &interns, &units);
	r.strict = 1;
	FILE *in = fmemopen((void *)data, size, "rb");
	if (in) {
		bs_reader_reset(&r, in, "f", "f");
		enum bs_record rec;
		while ((rec = bs_reader_next(&r)) != BS_REC_EOF)
			n += rec != BS_REC_RESULT;
		fclose(in);
	}
	bs_reader_free(&r);
	bs_unit_meta_free(&units);
	bs_map_free(&interns);
	bs_arena_free(a);
	return n;
}

/* An in-memory file holding data, named through /proc. */
static int memory_file(const uint8_t *data, size_t size, char *path, size_t cap)
{
	int fd = memfd_create("bstat-fuzz", 0);
	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	snprintf(path, cap, "/proc/self/fd/%d", fd);
	return fd;
}

static void check_gate(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	char pa[64], pb[64];
	int fa = memory_file(a, na, pa, sizeof pa), fb = memory_file(b, nb, pb, sizeof pb);
	if (fa >= 0 && fb >= 0) {
		char *argv[] = { "bstat", "-gate", pa, pb, NULL };
		char *out_text = NULL;
		size_t out_len = 0;
		FILE *out = open_memstream(&out_text, &out_len), *err = fopen("/dev/null", "w");
		if (out && err) {
			int status = bs_main(4, argv, out, err);
			fclose(out);
			if (status < 0 || status > 2)
				abort();
			if (status == 0 && (syntax_errors(a, na) || syntax_errors(b, nb)))
				abort(); /* the gate passed an input it could not read */
			if (status == 0 && !strstr(out_text, "\ngate: PASS"))
				abort();
		} else if (out) {
			fclose(out);
		}
		if (err)
			fclose(err);
		free(out_text);
	}
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char query[256] = "-.name:Skip", rowp[256] = ".fullname", colp[256] = ".file";
	for (int more = 1; more;)
		more = take_option(&data, &size, "#filter ", query, sizeof query) ||
		       take_option(&data, &size, "#row ", rowp, sizeof rowp) ||
		       take_option(&data, &size, "#col ", colp, sizeof colp);
	static const char sep[] = "\n====\n";
	const uint8_t *second = size ? memmem(data, size, sep, sizeof sep - 1) : NULL;
	size_t first_len = second ? (size_t)(second - data) : size;

	bs_arena *a = bs_arena_new();
	bs_map interns;
	bs_unit_meta units;
	bs_buf err = { 0 }, out = { 0 }, warn = { 0 };
	bs_map_init(&interns, a);
	bs_unit_meta_init(&units, a);
	bs_proc *p = bs_proc_new(a, &interns);
	bs_filter *f = bs_filter_new(p, query, &err);
	bs_projection *table = f ? bs_projection_parse(p, ".config", f, 1, &err) : NULL;
	bs_projection *row = f ? bs_projection_parse(p, rowp, f, 0, &err) : NULL;
	bs_projection *col = f ? bs_projection_parse(p, colp, f, 0, &err) : NULL;
	bs_projection *ignore = f ? bs_projection_parse(p, "/size", f, 0, &err) : NULL;
	if (f && table && row && col && ignore) {
		/* One residue projection for both, as bstat makes one. */
		bs_projection *residue = bs_projection_residue(p);
		bs_builder *b = bs_builder_new(a, table, row, col, residue);
		bs_builder *b2 = bs_builder_new(a, table, row, col, residue);
		bs_reader r;
		bs_reader_init(&r, &interns, &units);
		read_all(&r, f, b, b2, data, first_len, "old");
		if (second)
			read_all(&r, f, b, b2, second + sizeof sep - 1, size - first_len - (sizeof sep - 1), "new");
		bs_tables *ts = bs_builder_finish(b, 0.95, 0.05, &units);
		bs_buf each = { 0 };
		bs_render_text(ts, &out);
		bs_buf_add(&each, "", 0);
		bs_builder_each(b2, 0.95, 0.05, &units, render_one, &each);
		if (each.len != out.len || memcmp(each.s, out.s, out.len) != 0)
			abort();
		bs_buf_free(&each);
		bs_render_csv(ts, &out, &warn);
		bs_render_json(ts, &out);
		bs_render_markdown(ts, &out);
		bs_reader_free(&r);
		bs_builder_free(b);
		bs_builder_free(b2);
	}
	bs_proc_free(p);
	bs_unit_meta_free(&units);
	bs_buf_free(&err);
	bs_buf_free(&out);
	bs_buf_free(&warn);
	bs_arena_free(a);
	if (second)
		check_gate(data, first_len, second + sizeof sep - 1, size - first_len - (sizeof sep - 1));
	else
		check_gate(data, size, data, size);
	return 0;
}
