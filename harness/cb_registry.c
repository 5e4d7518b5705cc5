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
 * give no pkg: line. */
#include "cb_internal.h"

#include <stdlib.h>
#include <string.h>

static struct cb_entry *entries;
static size_t nentries, capentries;

void cbench_register_at_(const char *name, cbench_fn *fn, unsigned flags, const char *file,
			 const char *pkg)
{
	if (nentries == capentries) {
		size_t cap = capentries ? 2 * capentries : 64;
		struct cb_entry *p = realloc(entries, cap * sizeof *p);
		if (!p)
			return; /* reported as missing from -list; cannot do better before main */
		entries = p;
		capentries = cap;
	}
	entries[nentries++] = (struct cb_entry){name, fn, flags, file, pkg};
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
	free(entries);
	entries = NULL;
	nentries = capentries = 0;
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
