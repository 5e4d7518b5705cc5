/*
 * notes.c — footnotes, the one registry every renderer numbers them with:
 * a note gets the next number the first time it is seen in a table and
 * keeps it, and marks are superscript digits (¹ ² ... ¹⁰), as benchstat's
 * text table prints them.
 */
#include "render/render.h"

#include <string.h>

void bs_footnotes_init(bs_footnotes *fn, bs_arena *a)
{
	memset(fn, 0, sizeof *fn);
	fn->arena = a;
	bs_map_init(&fn->index, a);
}

size_t bs_footnote(bs_footnotes *fn, const char *note)
{
	/* Cells' notes are shared texts, and a table's cells mostly carry the
	 * same one ("all samples are equal" down a column): a number never
	 * changes once given, so the last lookup answers again. */
	if (note == fn->last)
		return fn->last_number;
	int created;
	bs_map_ent *e = bs_map_put(&fn->index, note, strlen(note), (long)fn->n, &created);
	if (created) {
		bs_agrow(fn->arena, &fn->list, &fn->cap, fn->n + 1, sizeof *fn->list);
		fn->list[fn->n++] = e->key;
	}
	fn->last = note;
	fn->last_number = (size_t)e->value + 1;
	return fn->last_number;
}

/* Writes the superscript digits of i at p; returns the end. */
static char *put_superscript(char *p, size_t i)
{
	/* ¹ ² ³ are Latin-1 (two bytes), the others U+207x (three). */
	static const char digits[10][4] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };
	static const unsigned char lens[] = { 3, 2, 2, 2, 3, 3, 3, 3, 3, 3 };
	char tmp[24];
	int n = 0;
	do
		tmp[n++] = (char)(i % 10);
	while (i /= 10);
	while (n--) {
		memcpy(p, digits[(int)tmp[n]], lens[(int)tmp[n]]);
		p += lens[(int)tmp[n]];
	}
	return p;
}

size_t bs_footnote_marks_into(bs_footnotes *fn, const char **notes, size_t n, char *buf)
{
	char *p = buf;
	for (size_t k = 0; k < n; k++) {
		if (k)
			*p++ = ' ';
		p = put_superscript(p, bs_footnote(fn, notes[k]));
	}
	return (size_t)(p - buf);
}

void bs_footnote_marks(bs_footnotes *fn, const char **notes, size_t n, int space_first, bs_buf *out)
{
	for (size_t k = 0; k < n; k++) {
		if (k || space_first)
			bs_buf_putc(out, ' ');
		bs_superscript(bs_footnote(fn, notes[k]), out);
	}
}

void bs_superscript(size_t i, bs_buf *out)
{
	char tmp[BS_MARK_TEXT];
	bs_buf_add(out, tmp, (size_t)(put_superscript(tmp, i) - tmp));
}
