/* cb_symbol.c: names, files and lines for the profile's addresses, resolved
 * in the process itself so that pprof shows them without the binary.
 * elfutils' libdwfl reads the modules the process has mapped: the symbol
 * tables (.symtab when present, else .dynsym, so static functions of a
  * program and exported functions of libc or cJSON are named) and, for a
 * module built with -g, its DWARF: the line table, the chain of calls the
 * compiler inlined at an address (DW_TAG_inlined_subroutine scopes with
 * their call_file and call_line), and the source names of functions that
 * the symbol table knows only as clones ("f.constprop.0"). A lookup failure
 * leaves the frame unnamed, never fails the profile. */
#include "cb_profile.h"
#include "cb_hooks.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cb_symbolizer {
	Dwfl *dwfl;
	char paths[CB_MAX_INLINE][1024]; /* absolute file names of the last lookup */
};

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

/* elfutils 0.188 does not survive a failed allocation: libdw's own
 * allocator ends the process (error(EXIT_FAILURE), "libdw: Cannot allocate
 * memory"), and when a realloc fails while libdwfl builds its address
 * table (segment.c) it frees a block it still uses, so that the next lookup
 * or dwfl_end crashes. Nothing here can repair that; the fault-injection
 * tests hold their failures off every libdw call (cb_hooks_fail_hold), and
 * the address table is built in cb_sym_open rather than mid-lookup. */
static void libdw_enter(void)
{
	cb_hooks_fail_hold(true);
}

static void libdw_leave(void)
{
	cb_hooks_fail_hold(false);
}

static Dwfl *open_dwfl(void)
{
	libdw_enter();
	Dwfl *d = dwfl_begin(&callbacks);
	if (d && (dwfl_linux_proc_report(d, getpid()) != 0 || dwfl_report_end(d, NULL, NULL) != 0 ||
		  !dwfl_addrmodule(d, (Dwarf_Addr)(uintptr_t)cb_sym_open))) {
		dwfl_end(d);
		d = NULL;
	}
	libdw_leave();
	return d;
}

struct cb_symbolizer *cb_sym_open(void)
{
	struct cb_symbolizer *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->dwfl = open_dwfl();
	if (!s->dwfl) {
		free(s);
		return NULL;
	}
	return s;
}

void cb_sym_close(struct cb_symbolizer *s)
{
	if (!s)
		return;
	libdw_enter();
	dwfl_end(s->dwfl);
	libdw_leave();
	free(s);
}

/* The CU's compilation directory joined to a relative path, so that
 * pprof -list finds the source from any directory. */
static const char *absolute(struct cb_symbolizer *s, Dwarf_Die *cu, const char *file, int slot)
{
	if (!file || file[0] == '/' || !cu)
		return file;
	Dwarf_Attribute attr;
	const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
	if (!dir)
		return file;
	snprintf(s->paths[slot], sizeof s->paths[slot], "%s/%s", dir, file);
	return s->paths[slot];
}

/* Where an inlined call sits in its caller: DW_AT_call_file, _line. */
static void call_site(Dwarf_Die *inlined, Dwarf_Die *cu, const char **file, int *line)
{
	Dwarf_Attribute attr;
	Dwarf_Word v;
	*line = dwarf_formudata(dwarf_attr(inlined, DW_AT_call_line, &attr), &v) == 0 ? (int)v : 0;
	Dwarf_Files *files;
	size_t nfiles;
	*file = NULL;
	if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_file, &attr), &v) == 0 &&
	    dwarf_getsrcfiles(cu, &files, &nfiles) == 0 && v < nfiles)
		*file = dwarf_filesrc(files, v, NULL, NULL);
}

/* The chain of inlined calls at addr, innermost first, ending with the
 * function that contains them. dwarf_getscopes lists, after an inlined
 * instance, the scopes of its abstract definition; the concrete callers
 * come from dwarf_getscopes_die on the innermost instance. */
static int inline_chain(struct cb_symbolizer *s, Dwarf_Die *cu, Dwarf_Addr addr, const char *file,
			int line, struct cb_frame *out, int max)
{
	Dwarf_Die *scopes = NULL, *chain = NULL;
	int nscopes = dwarf_getscopes(cu, addr, &scopes);
	int first = 0;
	while (first < nscopes && dwarf_tag(&scopes[first]) != DW_TAG_inlined_subroutine &&
	       dwarf_tag(&scopes[first]) != DW_TAG_subprogram)
		first++;
	int nchain = first < nscopes ? dwarf_getscopes_die(&scopes[first], &chain) : 0;
	int n = 0;
	for (int i = 0; i < nchain && n < max; i++) {
		int tag = dwarf_tag(&chain[i]);
		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
			continue;
		out[n] = (struct cb_frame){dwarf_diename(&chain[i]), absolute(s, cu, file, n), line};
		n++;
		if (tag == DW_TAG_subprogram)
			break;
		call_site(&chain[i], cu, &file, &line);
	}
	free(scopes);
	free(chain);
	return n;
}

/* The compilation unit holding pc. elfutils 0.188 finds it through
 * .debug_aranges, which clang does not emit; scan the units' ranges then. */
static Dwarf_Die *unit_of(Dwfl_Module *mod, Dwarf_Addr pc, Dwarf_Addr *bias)
{
	Dwarf_Die *cu = dwfl_module_addrdie(mod, pc, bias);
	if (cu)
		return cu;
	while ((cu = dwfl_module_nextcu(mod, cu, bias)) != NULL)
		if (dwarf_haspc(cu, pc - *bias) > 0)
			return cu;
	return NULL;
}

static int lookup(struct cb_symbolizer *s, uintptr_t pc, struct cb_frame *out, int max)
{
	Dwfl_Module *mod = s ? dwfl_addrmodule(s->dwfl, pc) : NULL;
	if (!mod || max < 1)
		return 0;
	GElf_Off offset;
	GElf_Sym sym;
	const char *symbol = dwfl_module_addrinfo(mod, pc, &offset, &sym, NULL, NULL, NULL);
	const char *file = NULL;
	int line = 0;
	Dwfl_Line *l = dwfl_module_getsrc(mod, pc);
	if (l)
		file = dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL);
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = unit_of(mod, pc, &bias);
	Dwarf_Line *dl = !l && cu ? dwarf_getsrc_die(cu, pc - bias) : NULL;
	if (dl) {
		file = dwarf_linesrc(dl, NULL, NULL);
		dwarf_lineno(dl, &line);
	}
	int n = cu ? inline_chain(s, cu, pc - bias, file, line, out, max) : 0;
	/* The outermost frame is the function the symbol table names too:
	 * prefer DWARF's name ("parse" over the clone "parse.constprop.0"),
	 * fall back to the symbol where DWARF has none. */
	if (n > 0 && !out[n - 1].function)
		out[n - 1].function = symbol;
	if (n == 0 && (symbol || file)) {
		out[0] = (struct cb_frame){symbol, absolute(s, cu, file, 0), line};
		n = 1;
	}
	return n;
}

static void build_id_of(struct cb_symbolizer *s, uintptr_t addr, char *hex, size_t len)
{
	hex[0] = 0;
	libdw_enter();
	Dwfl_Module *mod = s ? dwfl_addrmodule(s->dwfl, addr) : NULL;
	const unsigned char *bits;
	GElf_Addr vaddr;
	GElf_Addr bias;
	if (mod)
		dwfl_module_getelf(mod, &bias); /* the build ID is known once the ELF is read */
	int n = mod ? dwfl_module_build_id(mod, &bits, &vaddr) : -1;
	for (int i = 0; i < n && (size_t)(2 * i + 2) < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", bits[i]);
	libdw_leave();
}

int cb_sym_lookup(struct cb_symbolizer *s, uintptr_t pc, struct cb_frame *out, int max)
{
	libdw_enter();
	int n = lookup(s, pc, out, max);
	libdw_leave();
	return n;
}

size_t cb_sym_mappings(struct cb_symbolizer *s, struct cb_mapping *out, size_t max)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return 0;
	char line[1024];
	size_t n = 0;
	while (n < max && fgets(line, sizeof line, f)) {
		unsigned long start, limit, offset;
		char perms[8];
		int path_at = 0;
		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %n", &start, &limit, perms, &offset,
			   &path_at) < 4 || perms[2] != 'x' || path_at == 0)
			continue;
		char *path = line + path_at;
		path[strcspn(path, "\n")] = 0;
		struct cb_mapping *m = &out[n++];
		m->start = start;
		m->limit = limit;
		m->offset = offset;
		snprintf(m->path, sizeof m->path, "%s", path);
		build_id_of(s, start, m->build_id, sizeof m->build_id);
	}
	fclose(f);
	return n;
}
