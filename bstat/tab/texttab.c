/*
 * texttab.c — laying out a bs_tt.
 *
 * Widths: each column is as wide as its widest single-column cell (text
 * plus the column's widest margin). Spanning cells are then placed in
 * order of increasing span; when the columns they cover are too narrow,
 * the deficit (after subtracting shrink columns) is spread over the
 * non-shrink columns, widest first, each getting ceil(rest / columns
 * left). Output skips cells that are blank in both text and margin, pads
 * each cell's margin to its column's margin width, and pads the text per
 * alignment to the cell's width (left-aligned text is not padded, so lines
 * carry no trailing blanks).
 *
 * A table is thousands of cells of a few bytes each, so adding one is a
 * copy into the text buffer and a 28-byte record, and the output is
 * written through a pointer with one room check per cell.
 */
#include "tab/tab.h"

#include <stdlib.h>
#include <string.h>

/* The text buffer keeps TEXT_SLACK bytes past its last text, so that the
 * output copies a short text as one fixed-size block (see bs_tt_format),
 * and widths are measured a word at a time (stored_width). */
enum { TEXT_SLACK = BS_TT_SLACK };

static void default_margins(bs_tt *t);

void bs_tt_reserve(bs_tt *t, size_t ncells, size_t text_bytes)
{
	/* Exactly what is asked, not doubled: the caller counted. */
	if (ncells > SIZE_MAX / sizeof *t->cells || text_bytes > SIZE_MAX - TEXT_SLACK)
		bs_xrealloc(NULL, SIZE_MAX);        /* more than memory: util.h's policy */
	text_bytes += TEXT_SLACK;
	if (ncells > t->cap) {
		t->cells = bs_xrealloc(t->cells, ncells * sizeof *t->cells);
		t->cap = ncells;
		default_margins(t);
	}
	if (text_bytes > t->texts_cap) {
		t->texts = bs_xrealloc(t->texts, text_bytes);
		t->texts_cap = text_bytes;
	}
}

/* Runes in s[0..n); invalid bytes count one each, as bs_utf8_len counts
 * them. */
static __attribute__((noinline)) int text_width(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, runes = 0;
	for (uint32_t r; i < n; runes++) {
		if (p[i] < 0x80)
			i++;
		else if (p[i] >= 0xC2 && p[i] <= 0xDF && i + 1 < n && (p[i + 1] & 0xC0) == 0x80)
			i += 2;             /* two bytes, always valid: "µ", "¹" */
		else
			i += (size_t)bs_utf8_decode(p + i, n - i, &r);
	}
	return (int)runes;
}

/* The same for a text in the text buffer, which can be read TEXT_SLACK
 * bytes past its end: a text of at most 16 bytes that is ASCII (nearly
 * every cell) is one rune a byte, seen in two words. The mask has 0x80 in
 * the text's bytes only, whatever the byte order. */
static inline __attribute__((always_inline)) int stored_width(const char *s, size_t n)
{
	static const unsigned char high[32] = {
		0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
		0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	};
	if (n <= 16) {
		uint64_t w0, w1, m0, m1;
		memcpy(&w0, s, 8);
		memcpy(&w1, s + 8, 8);
		memcpy(&m0, high + 16 - n, 8);
		memcpy(&m1, high + 24 - n, 8);
		if (!((w0 & m0) | (w1 & m1)))
			return (int)n;
	}
	return text_width(s, n);
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && !(s[i] >= '\t' && s[i] <= '\r'))
			return 0;
	return 1;
}

static void add_margin(bs_tt *t, const char *m)
{
	size_t len = strlen(m);
	bs_grow(&t->margins, &t->margins_cap, t->nmargins + 1, sizeof *t->margins);
	bs_tt_margin *g = &t->margins[t->nmargins++];
	*g = (bs_tt_margin){ m, (int)len, text_width(m, len), is_blank(m, len), { 0 } };
	if (len <= sizeof g->bytes)
		memcpy(g->bytes, m, len);
}

/* Margins 0 and 1, the defaults. */
enum { MARGIN_NONE, MARGIN_SPACE };

static void default_margins(bs_tt *t)
{
	if (t->nmargins == 0) {
		add_margin(t, "");
		add_margin(t, " ");
	}
}

/* The index of margin m, measured the first time its pointer is seen.
 * Callers use a few literals, mostly the one used last. */
static unsigned margin_index(bs_tt *t, const char *m)
{
	if (t->margins[t->last_margin].text == m)
		return t->last_margin;
	size_t i = 0;
	while (i < t->nmargins && t->margins[i].text != m)
		i++;
	if (i == t->nmargins)
		add_margin(t, m);
	t->last_margin = (unsigned)i;
	return (unsigned)i;
}

/* Out of line, so that adding a cell stays a short function: more room
 * for cells, and with the first, the default margins. */
static void __attribute__((noinline)) grow_cells(bs_tt *t)
{
	bs_grow(&t->cells, &t->cap, t->ncells + 1, sizeof *t->cells);
	default_margins(t);
}

/* Makes col a column of the per-column maxima, zeroed. */
static void __attribute__((noinline)) grow_cols(bs_tt *t, int col)
{
	size_t old = t->cols_cap, cap = old;
	bs_grow(&t->col_text, &cap, (size_t)col + 1, sizeof *t->col_text);
	t->col_margin = bs_xrealloc(t->col_margin, cap * sizeof *t->col_margin);
	t->cols_cap = cap;
	memset(t->col_text + old, 0, (cap - old) * sizeof *t->col_text);
	memset(t->col_margin + old, 0, (cap - old) * sizeof *t->col_margin);
}

/* Spanning cells are few (header rows): listed as they come. */
static void __attribute__((noinline)) note_span(bs_tt *t)
{
	bs_grow(&t->spans, &t->spans_cap, t->nspans + 1, sizeof *t->spans);
	t->spans[t->nspans++] = t->ncells;
}

/* Adds the cell whose len bytes of text were just written at the end of
 * the text buffer, and keeps its column's widest margin and widest
 * one-column text (what the widths are made of, see measure). */
static inline __attribute__((always_inline)) void add_cell(bs_tt *t, int span, size_t len,
                                                           enum bs_tt_align align,
                                                           const char *margin)
{
	/* The defaults exist once there is room for a cell. */
	if (t->ncells + 1 > t->cap)
		grow_cells(t);
	int col = t->cur_col;
	if ((size_t)col >= t->cols_cap)
		grow_cols(t, col);
	unsigned mi = margin ? margin_index(t, margin)
	            : col == 0 || len == 0 ? MARGIN_NONE : MARGIN_SPACE;
	int width = stored_width(t->texts + t->ntexts, len);
	if (t->margins[mi].width > t->col_margin[col])
		t->col_margin[col] = t->margins[mi].width;
	if (span < 0)
		span = 0;
	if (span != 1)
		note_span(t);
	else if (width + 1 > t->col_text[col])
		t->col_text[col] = width + 1;
	t->cells[t->ncells++] = (bs_tt_cell){
		.text = (uint32_t)t->ntexts, .len = (uint32_t)len,
		.row = t->cur_row, .col = col, .span = span, .width = width,
		.margin = mi & 0x3fffffff, .align = (unsigned)align & 3,
	};
	t->ntexts += len;
	t->cur_col += span;
	if (t->cur_col > t->ncols)
		t->ncols = t->cur_col;
}

void bs_tt_grow_texts(bs_tt *t, size_t max)
{
	/* Cell offsets are 32 bits: past 4 GiB of text a table is more than
	 * can be laid out, and that is running out of memory (util.h). */
	if (max > UINT32_MAX - t->ntexts)
		bs_xrealloc(NULL, SIZE_MAX);
	bs_grow(&t->texts, &t->texts_cap, t->ntexts + max + TEXT_SLACK, 1);
}

void bs_tt_cell_put(bs_tt *t, size_t len, enum bs_tt_align align, const char *margin)
{
	/* Without room asked for, an empty cell (and a text buffer to hold
	 * it: widths are read from there). */
	if (t->room == 0) {
		bs_tt_text_room(t, 0);
		len = 0;
	} else if (len > t->room) {
		len = t->room;
	}
	add_cell(t, 1, len, align, margin);
	t->room = 0;
}

void bs_tt_span_n(bs_tt *t, int span, const char *value, size_t len, enum bs_tt_align align,
                  const char *margin)
{
	char *text = bs_tt_text_room(t, len);
	if (len)
		memcpy(text, value, len);
	add_cell(t, span, len, align, margin);
	t->room = 0;
}

void bs_tt_span(bs_tt *t, int span, const char *value, enum bs_tt_align align,
                const char *margin)
{
	bs_tt_span_n(t, span, value, strlen(value), align, margin);
}

void bs_tt_cell_add(bs_tt *t, const char *value, enum bs_tt_align align, const char *margin)
{
	bs_tt_span_n(t, 1, value, strlen(value), align, margin);
}

void bs_tt_cell_n(bs_tt *t, const char *value, size_t len, enum bs_tt_align align,
                  const char *margin)
{
	bs_tt_span_n(t, 1, value, len, align, margin);
}

void bs_tt_set_shrink(bs_tt *t, int col)
{
	if ((size_t)col >= t->shrink_cap) {
		size_t old = t->shrink_cap;
		bs_grow(&t->shrink, &t->shrink_cap, (size_t)col + 1, 1);
		memset(t->shrink + old, 0, t->shrink_cap - old);
	}
	t->shrink[col] = 1;
}

static int shrinks(const bs_tt *t, int col)
{
	return (size_t)col < t->shrink_cap && t->shrink[col];
}

/* Widens the columns under spanning cell c when its text does not fit. */
static void fit_span(const bs_tt *t, const bs_tt_cell *c, long w, long *ws, long *span_cols)
{
	long tw = 0;
	for (int col = c->col; col < c->col + c->span; col++)
		tw += ws[col];
	if (tw >= w)
		return;
	int nspan = 0;
	for (int col = c->col; col < c->col + c->span; col++) {
		if (shrinks(t, col))
			w -= ws[col];
		else
			span_cols[nspan++] = col;
	}
	/* Widest first; an insertion sort keeps equal widths in column
	 * order, as Go's sort does for such short lists. */
	for (int k = 1; k < nspan; k++)
		for (int j = k; j > 0 && ws[span_cols[j]] > ws[span_cols[j - 1]]; j--) {
			long tmp = span_cols[j];
			span_cols[j] = span_cols[j - 1];
			span_cols[j - 1] = tmp;
		}
	for (int k = 0, left = nspan; k < nspan; k++, left--) {
		long avg = (w + left - 1) / left;
		if (avg > ws[span_cols[k]])
			ws[span_cols[k]] = avg;
		w -= ws[span_cols[k]];
	}
}

/* Pads of up to PAD_RUN blanks are stored as one fixed-size copy: the
 * output always has PAD_RUN bytes of room past what a cell writes. */
enum { PAD_RUN = 32 };

static char *put_pad(char *p, long n)
{
	static const char spaces[PAD_RUN + 1] = "                                ";
	if (n <= 0)
		return p;
	if (n <= PAD_RUN)
		memcpy(p, spaces, PAD_RUN);
	else
		memset(p, ' ', (size_t)n);
	return p + n;
}

/* Column widths into ws[0..nc) and their left edges into offs[0..nc]:
 * a column is as wide as its widest one-column text plus its widest
 * margin (0 without one-column cells); then spanning cells, narrowest
 * span first and in insertion order among equal spans (t->spans is
 * sorted so, in place), widen what they cover. */
static void measure(bs_tt *t, long *lmargin, long *ws, long *offs, long *span_cols)
{
	size_t ncols = (size_t)t->ncols + 1 < t->cols_cap ? (size_t)t->ncols + 1 : t->cols_cap;
	for (size_t i = 0; i < ncols; i++) {
		lmargin[i] = t->col_margin[i];
		ws[i] = t->col_text[i] > 0 ? t->col_text[i] - 1 + lmargin[i] : 0;
	}
	size_t *spans = t->spans;
	for (size_t k = 1; k < t->nspans; k++)
		for (size_t j = k; j > 0 && t->cells[spans[j - 1]].span > t->cells[spans[j]].span; j--) {
			size_t tmp = spans[j];
			spans[j] = spans[j - 1];
			spans[j - 1] = tmp;
		}
	for (size_t k = 0; k < t->nspans; k++) {
		const bs_tt_cell *c = &t->cells[spans[k]];
		fit_span(t, c, c->width + lmargin[c->col], ws, span_cols);
	}
	for (int i = 0; i < t->ncols; i++)
		offs[i + 1] = offs[i] + ws[i];
}

void bs_tt_format(bs_tt *t, bs_buf *out)
{
	if (t->ncells == 0)
		return;
	size_t nc = (size_t)t->ncols;
	/* lmargin, ws, span_cols: nc + 1 each; offs: nc + 2. */
	long *lmargin = bs_xcalloc(4 * nc + 5, sizeof *lmargin);
	long *ws = lmargin + nc + 1, *span_cols = ws + nc + 1, *offs = span_cols + nc + 1;
	measure(t, lmargin, ws, offs, span_cols);

	int row = 0;
	long off = 0;
	for (size_t i = 0; i < t->ncells; i++) {
		const bs_tt_cell *c = &t->cells[i];
		const bs_tt_margin *m = &t->margins[c->margin];
		const char *value = t->texts + c->text;
		if (m->blank && is_blank(value, c->len))
			continue;
		size_t newlines = 0;
		if (c->row > row) {
			newlines = (size_t)(c->row - row);
			row = c->row;
			off = 0;
		}
		/* The margin ends where the column's text area starts: at
		 * left + lmargin. When text overflowed its columns, Go's %*s with
		 * the negative width still writes |left - off| blanks; keep that
		 * quirk. */
		long left = offs[c->col], lm = lmargin[c->col];
		long lead = left >= off ? left - off : off - left;
		lead += lm - m->width;
		long spare = offs[c->col + c->span] - left - lm - c->width;
		long lpad = c->align == BS_TT_RIGHT ? spare : c->align == BS_TT_CENTER ? spare / 2 : 0;
		/* Go's %*s with a negative width pads on the right instead. */
		if (lpad < 0)
			lpad = c->align == BS_TT_CENTER ? -lpad : 0;
		bs_grow(&out->s, &out->cap, out->len + newlines + (size_t)(lead + lpad) +
		        (size_t)m->len + c->len + PAD_RUN + 2, 1);
		char *p = out->s + out->len;
		if (newlines) {
			memset(p, '\n', newlines);
			p += newlines;
		}
		p = put_pad(p, lead);
		/* Short texts (nearly all) are copied as 16 bytes whatever their
		 * length: the room check above covers PAD_RUN bytes more, and
		 * the bytes past the text are overwritten or past out->len. */
		if ((size_t)m->len <= sizeof m->bytes)
			memcpy(p, m->bytes, sizeof m->bytes);
		else
			memcpy(p, m->text, (size_t)m->len);
		p += m->len;
		p = put_pad(p, lpad);
		if (c->len <= TEXT_SLACK)
			memcpy(p, value, TEXT_SLACK);
		else
			memcpy(p, value, c->len);
		p += c->len;
		out->len = (size_t)(p - out->s);
		off = left + lm + lpad + c->width;
	}
	bs_grow(&out->s, &out->cap, out->len + 2, 1);
	out->s[out->len++] = '\n';
	out->s[out->len] = 0;
	bs_free(lmargin);
}

void bs_tt_free(bs_tt *t)
{
	bs_free(t->cells);
	bs_free(t->texts);
	bs_free(t->margins);
	bs_free(t->col_text);
	bs_free(t->col_margin);
	bs_free(t->spans);
	bs_free(t->shrink);
	memset(t, 0, sizeof *t);
}
