/*
 * texttab.h — a text table laid out like benchstat's texttab: cells placed
 * by row and column, spans over several columns, per-cell left margins
 * (" │ " draws the box lines), left/center/right alignment, and "shrink"
 * columns that give no width to spanning cells. Widths count runes.
 *
 * Ownership: cell texts are copied; bs_tt_free releases everything.
 */
#ifndef BSTAT_TEXTTAB_H
#define BSTAT_TEXTTAB_H

#include <stdio.h>

#include "util.h"

enum bs_tt_align { BS_TT_LEFT, BS_TT_CENTER, BS_TT_RIGHT };

typedef struct bs_tt_cell {
	int row, col, span;
	char *value;
	const char *margin;
	enum bs_tt_align align;
	size_t seq;                 /* insertion order, keeps sorting stable */
	long width, margin_width;   /* in runes; set by bs_tt_format */
} bs_tt_cell;

typedef struct bs_tt {
	bs_arena *texts;            /* cell texts; created on first use */
	bs_tt_cell *cells;
	size_t ncells, cap;
	int ncols, cur_row, cur_col;
	unsigned char *shrink;
	size_t shrink_cap;
} bs_tt;

void bs_tt_row(bs_tt *t);
void bs_tt_col(bs_tt *t, int col);
/* Adds a cell spanning `span` columns at the current column and moves past
 * it. margin NULL means the default: " " unless first column or empty. */
void bs_tt_span(bs_tt *t, int span, const char *value, enum bs_tt_align align,
                const char *margin);
void bs_tt_cell_add(bs_tt *t, const char *value, enum bs_tt_align align, const char *margin);
void bs_tt_set_shrink(bs_tt *t, int col);
void bs_tt_format(bs_tt *t, bs_buf *out);
void bs_tt_free(bs_tt *t);

#endif
