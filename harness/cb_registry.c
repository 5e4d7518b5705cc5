/* cb_registry.c: the list BENCH() fills before main runs, in registration
 * order (source order within a file, link order across files), and the
 * default pkg: line derived from where the benchmarks were compiled.
 *
 * pkg: must name the suite, not the build: two builds of one suite (bench-
 * base and bench-head, old/bench and new/bench, checkouts in different
 * directories) need the same value, or bstat puts their results in
 * different tables and the gate cannot compare them. So it comes from the
 * source, fixed at compile time: CBENCH_PKG when the file defining the
 * first benchmark was compiled with it (-DCBENCH_PKG='"name"'), else the
 * name of the directory holding that file as the compiler was given its
 * path (__FILE__: "benches/strings.c" and "/home/u/proj/benches/strings.c"
 * both give "benches", like Go's package = directory), else, for a path
 * without a directory ("strings.c"), the file's name without its
 * extension. Benchmarks registered with cbench_register carry no file and
 * give no pkg: line.
 *
 * Names follow Go's rules, checked once before anything runs
 * (cb_registry_check; Go refuses such names when it builds the test
 * binary): "Benchmark", then nothing or anything but a lower-case letter,
 * and no name twice (bstat would merge the two benchmarks' results into
 * one). White space becomes '_' and other unprintable bytes \xNN, as in a
 * sub-benchmark's name, so that a name stays one field of the line.
 * Registration runs before main and cannot report: a problem is kept and
 * reported by the check. */
#include "cb_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static struct cb_entry *entries;
static size_t nentries, capentries;
static bool out_of_memory; /* a registration was lost: cb_registry_check says so */

static bool needs_rewrite(const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (isspace(*p) || *p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

void cbench_register_at_(const char *name, cbench_fn *fn, unsigned flags, const char *file,
			 const char *pkg)
{
	if (nentries == capentries) {
		size_t cap = capentries ? 2 * capentries : 64;
		struct cb_entry *p = realloc(entries, cap * sizeof *p);
		if (!p) {
			out_of_memory = true;
			return;
		}
		entries = p;
		capentries = cap;
	}
	char *owned = NULL;
	if (name && needs_rewrite(name)) {
		struct cb_strbuf sb = {0};
		cb_name_rewrite(&sb, name);
		if (sb.failed || !sb.data) {
			cb_sb_free(&sb);
			out_of_memory = true;
			return;
		}
		owned = sb.data;
	}
	entries[nentries++] = (struct cb_entry){owned ? owned : name, fn, flags, file, pkg, owned};
}

void cbench_register(const char *name, cbench_fn *fn, unsigned flags)
{
	cbench_register_at_(name, fn, flags, NULL, NULL);
}

size_t cb_registry_count(void)
{
	return nentries;
}

const struct cb_entry *cb_registry_get(size_t i)
{
	return i < nentries ? &entries[i] : NULL;
}

void cb_registry_reset(void)
{
	for (size_t i = 0; i < nentries; i++)
		free(entries[i].owned);
	free(entries);
	entries = NULL;
	nentries = capentries = 0;
	out_of_memory = false;
}

/* Go's isTest: the prefix, then the end or a rune that is not lower case
 * (bytes from 0x80 on begin a rune this does not classify: allowed). */
static bool benchmark_name(const char *name)
{
	static const char prefix[] = "Benchmark";
	if (!name || strncmp(name, prefix, sizeof prefix - 1) != 0)
		return false;
	return !islower((unsigned char)name[sizeof prefix - 1]);
}

static void where(struct cb_strbuf *msg, const struct cb_entry *e)
{
	if (e->file)
		cb_sb_printf(msg, "%s: ", e->file);
}

static int by_name(const void *a, const void *b)
{
	const struct cb_entry *x = *(const struct cb_entry *const *)a;
	const struct cb_entry *y = *(const struct cb_entry *const *)b;
	return strcmp(x->name, y->name);
}

/* Sorted copies of the entries' addresses: equal names end up adjacent. */
static int check_duplicates(struct cb_strbuf *msg)
{
	const struct cb_entry **sorted = malloc((nentries ? nentries : 1) * sizeof *sorted);
	if (!sorted) {
		cb_sb_puts(msg, "cbench: out of memory checking the benchmarks' names\n");
		return 1;
	}
	size_t n = 0;
	for (size_t i = 0; i < nentries; i++)
		if (entries[i].name)
			sorted[n++] = &entries[i];
	qsort(sorted, n, sizeof *sorted, by_name);
	int problems = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && strcmp(sorted[i]->name, sorted[j]->name) == 0)
			j++;
		if (j - i > 1) {
			cb_sb_puts(msg, "cbench: ");
			where(msg, sorted[i]);
			cb_sb_printf(msg, "\"%s\" is registered %zu times: "
					  "each benchmark needs a name of its own\n", sorted[i]->name, j - i);
			problems++;
		}
		i = j;
	}
	free(sorted);
	return problems;
}

int cb_registry_check(struct cb_strbuf *msg)
{
	int problems = 0;
	if (out_of_memory) {
		cb_sb_puts(msg, "cbench: out of memory registering the benchmarks\n");
		problems++;
	}
	for (size_t i = 0; i < nentries; i++) {
		const struct cb_entry *e = &entries[i];
		if (benchmark_name(e->name))
			continue;
		cb_sb_puts(msg, "cbench: ");
		where(msg, e);
		cb_sb_printf(msg, "\"%s\" is not a benchmark name: it must begin with "
				  "\"Benchmark\", not followed by a lower-case letter (Go's rule)\n",
			     e->name ? e->name : "(null)");
		problems++;
	}
	return problems + check_duplicates(msg);
}

/* A path component that names nothing by itself. */
static bool empty_component(const char *p, size_t n)
{
	return n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.');
}

void cb_pkg_from_file(struct cb_strbuf *sb, const char *file)
{
	const char *last = NULL, *dir = NULL;
	size_t last_len = 0, dir_len = 0;
	for (const char *p = file; *p;) {
		size_t n = strcspn(p, "/");
		if (!empty_component(p, n)) {
			dir = last;
			dir_len = last_len;
			last = p;
			last_len = n;
		}
		p += n;
		p += *p == '/';
	}
	if (dir) {
		cb_sb_append(sb, dir, dir_len);
	} else if (last) {
		const char *dot = memchr(last, '.', last_len);
		cb_sb_append(sb, last, dot && dot > last ? (size_t)(dot - last) : last_len);
	}
}

void cb_registry_pkg(struct cb_strbuf *sb)
{
	for (size_t i = 0; i < nentries; i++) {
		if (entries[i].pkg) {
			cb_sb_puts(sb, entries[i].pkg);
			return;
		}
		if (entries[i].file) {
			cb_pkg_from_file(sb, entries[i].file);
			return;
		}
	}
}
