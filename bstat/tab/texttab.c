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
 */
#include "tab/tab.h"

#include <stdlib.h>
#include <string.h>

void bs_tt_row(bs_tt *t)
{
	if (t->ncells > 0)
		t->cur_row++;
	t->cur_col = 0;
}

void bs_tt_col(bs_tt *t, int col)
{
	/* Moving left would overlap cells; callers never do. */
	if (col > t->cur_col)
		t->cur_col = col;
}

/* Runes in s[0..n): cells are nearly always ASCII, one rune a byte. */
static size_t text_width(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return bs_utf8_len(s);
	return n;
}

void bs_tt_span(bs_tt *t, int span, const char *value, enum bs_tt_align align,
                const char *margin)
{
	bs_grow(&t->cells, &t->cap, t->ncells + 1, sizeof *t->cells);
	bs_tt_cell *c = &t->cells[t->ncells];
	size_t n = strlen(value) + 1;
	c->row = t->cur_row;
	c->col = t->cur_col;
	c->span = span;
	if (n == 1) {
		c->value = "";
	} else {
		if (!t->texts)
			t->texts = bs_arena_new();
		c->value = memcpy(bs_alloc(t->texts, n), value, n);
	}
	c->margin = margin ? margin : (t->cur_col == 0 || !*value) ? "" : " ";
	c->width = (int)text_width(value, n - 1);
	c->len = (int)(n - 1);
	/* Margins are a few literals, mostly the one just used. */
	if (c->margin != t->last_margin) {
		t->last_margin = c->margin;
		t->last_margin_width = (int)text_width(c->margin, strlen(c->margin));
	}
	c->margin_width = t->last_margin_width;
	c->align = align;
	c->seq = (unsigned)t->ncells++;
	t->cur_col += span;
	if (t->cur_col > t->ncols)
		t->ncols = t->cur_col;
}

void bs_tt_cell_add(bs_tt *t, const char *value, enum bs_tt_align align, const char *margin)
{
	bs_tt_span(t, 1, value, align, margin);
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

static int by_pos(const void *a, const void *b)
{
	const bs_tt_cell *x = a, *y = b;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && !(*s >= '\t' && *s <= '\r'))
			return 0;
	return 1;
}

static void pad(bs_buf *out, long n)
{
	static const char spaces[] = "                                ";
	for (; n > 0; n -= (long)sizeof spaces - 1)
		bs_buf_add(out, spaces, n < (long)sizeof spaces - 1 ? (size_t)n : sizeof spaces - 1);
}

/* Widens the columns under spanning cell c when its text does not fit. */
static void fit_span(const bs_tt *t, const bs_tt_cell *c, long w, long *ws, int *span_cols)
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
			int tmp = span_cols[j];
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

void bs_tt_format(bs_tt *t, bs_buf *out)
{
	int nc = t->ncols;
	long *lmargin = bs_xcalloc((size_t)nc + 1, sizeof *lmargin);
	long *ws = bs_xcalloc((size_t)nc + 1, sizeof *ws);
	long *offs = bs_xcalloc((size_t)nc + 2, sizeof *offs);
	int *span_cols = bs_xcalloc((size_t)nc + 1, sizeof *span_cols);
	size_t nspans = 0, nspanning = 0;
	for (size_t i = 0; i < t->ncells; i++)
		nspans += t->cells[i].span != 1;
	size_t *spanning = bs_xcalloc(nspans + 1, sizeof *spanning);
	for (size_t i = 0; i < t->ncells; i++) {
		bs_tt_cell *c = &t->cells[i];
		if (c->margin_width > lmargin[c->col])
			lmargin[c->col] = c->margin_width;
	}
	/* Single-column cells size their columns (in any order, it is a
	 * maximum); then spanning cells widen what they cover, narrowest span
	 * first and in insertion order among equal spans. */
	for (size_t i = 0; i < t->ncells; i++) {
		bs_tt_cell *c = &t->cells[i];
		if (c->span != 1) {
			size_t j = nspanning++;
			for (; j > 0 && t->cells[spanning[j - 1]].span > c->span; j--)
				spanning[j] = spanning[j - 1];
			spanning[j] = i;
		} else if (c->width + lmargin[c->col] > ws[c->col]) {
			ws[c->col] = c->width + lmargin[c->col];
		}
	}
	for (size_t i = 0; i < nspanning; i++) {
		const bs_tt_cell *c = &t->cells[spanning[i]];
		fit_span(t, c, c->width + lmargin[c->col], ws, span_cols);
	}
	for (int i = 0; i < nc; i++)
		offs[i + 1] = offs[i] + ws[i];

	/* Cells are added left to right, top to bottom, so they are nearly
	 * always in position order already. */
	for (size_t i = 1; i < t->ncells; i++)
		if (by_pos(&t->cells[i - 1], &t->cells[i]) > 0) {
			qsort(t->cells, t->ncells, sizeof *t->cells, by_pos);
			break;
		}
	int row = 0;
	long off = 0;
	for (size_t i = 0; i < t->ncells; i++) {
		bs_tt_cell *c = &t->cells[i];
		if (is_blank(c->value) && is_blank(c->margin))
			continue;
		for (; c->row > row; row++) {
			bs_buf_putc(out, '\n');
			off = 0;
		}
		long spaces = offs[c->col] - off;
		/* When text overflowed its columns, Go's %*s with the negative
		 * width still writes |spaces| blanks; keep that quirk. */
		pad(out, spaces < 0 ? -spaces : spaces);
		pad(out, lmargin[c->col] - c->margin_width);
		bs_buf_puts(out, c->margin);
		off += spaces + lmargin[c->col];
		long tw = offs[c->col + c->span] - offs[c->col] - lmargin[c->col];
		long len = c->width;
		long lpad = c->align == BS_TT_RIGHT ? tw - len
		          : c->align == BS_TT_CENTER ? (tw - len) / 2 : 0;
		/* Go's %*s with a negative width pads on the right instead. */
		if (lpad < 0)
			lpad = c->align == BS_TT_CENTER ? -lpad : 0;
		pad(out, lpad);
		bs_buf_add(out, c->value, (size_t)c->len);
		off += lpad + len;
	}
	if (t->ncells > 0)
		bs_buf_putc(out, '\n');
	bs_free(lmargin);
	bs_free(ws);
	bs_free(offs);
	bs_free(span_cols);
	bs_free(spanning);
}

void bs_tt_free(bs_tt *t)
{
	bs_arena_free(t->texts);
	bs_free(t->cells);
	bs_free(t->shrink);
	memset(t, 0, sizeof *t);
}
