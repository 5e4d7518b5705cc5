/*
 * render.h — turning bs_tables into text: benchstat's text table and CSV,
 * plus JSON (every number unrounded) and GitHub markdown. Renderers write
 * into a bs_buf and never print; CSV's warnings go to a second buffer as
 * upstream writes them to stderr ("B6: benchmarks vary in .fullname").
 */
#ifndef BSTAT_RENDER_H
#define BSTAT_RENDER_H

#include "tab/tab.h"
#include "util/util.h"

void bs_render_text(const bs_tables *ts, bs_buf *out);
/* Table i of the text output (with the configuration lines before it):
 * the command writes the tables one at a time, so the whole output is
 * never held at once. */
void bs_render_text_table(const bs_tables *ts, size_t i, bs_buf *out);
void bs_render_csv(const bs_tables *ts, bs_buf *out, bs_buf *warnings);
/* Returns 0; out of memory follows util.h's one policy. */
int bs_render_json(const bs_tables *ts, bs_buf *out);
void bs_render_markdown(const bs_tables *ts, bs_buf *out);

/* Calls hdr for each configuration line printed before table i ("" first
 * when i > 0): the table key fields whose value differs from table i-1. */
void bs_table_headers(const bs_tables *ts, size_t i, void (*hdr)(void *, const char *), void *ctx);

/*
 * Shared cell texts, formatted as benchstat's benchmath does. Buffers of
 * BS_NUM_TEXT bytes hold any of them whole: a finite double printed with
 * %f has at most 309 integer digits, plus a sign, 15 decimals, a prefix
 * ("Ki", "µ") and "%" (benchstat prints every digit: 1e300 x is 301 wide).
 */
#define BS_NUM_TEXT 400
/* Each returns the length of what it wrote (strlen(buf)). */
/* "± x%" body: "∞", "?", "0%" or "5%". */
size_t bs_fmt_range(const st_summary *s, char *buf, size_t size);
/* "p=0.008 n=10", "n=5+6", "n=1" (no p for assume=exact). */
size_t bs_fmt_test(const st_comparison *c, char *buf, size_t size);
/* "~", "0.00%", "?", "+3.41%". */
size_t bs_fmt_delta(const st_comparison *c, double old, double now, char *buf, size_t size);
/* "+5.37%" for a geomean ratio. */
size_t bs_fmt_ratio(double ratio, char *buf, size_t size);

/* Appends " s |" to a markdown table row, escaping '|' in s. */
void bs_md_cell(bs_buf *out, const char *s);
/*
 * ---- footnotes (notes.c) ----
 * One registry per table: notes are numbered in the order first seen.
 * The list lives in the arena given to bs_footnotes_init.
 */
typedef struct bs_footnotes {
	bs_map index;               /* note -> number - 1 */
	const char **list;          /* list[i] is note i + 1 */
	size_t n, cap;
	bs_arena *arena;
	const char *last;           /* the note looked up last (by pointer), */
	size_t last_number;         /* and its number */
} bs_footnotes;
void bs_footnotes_init(bs_footnotes *fn, bs_arena *a);
/* The note's number (1-based), registering it when new. */
size_t bs_footnote(bs_footnotes *fn, const char *note);
/* Appends the marks of notes[0..n) to out, separated by spaces (and one
 * before the first when space_first). */
void bs_footnote_marks(bs_footnotes *fn, const char **notes, size_t n, int space_first, bs_buf *out);
/* The same into buf, which has room for n * BS_MARK_TEXT bytes (a space
 * and the 20 digits of any size_t, 3 bytes each); returns the length. */
enum { BS_MARK_TEXT = 64 };
size_t bs_footnote_marks_into(bs_footnotes *fn, const char **notes, size_t n, char *buf);
/* Superscript digits for footnote i (1-based): ¹ ² ... ¹⁰. */
void bs_superscript(size_t i, bs_buf *out);

#endif
