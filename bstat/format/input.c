/*
 * input.c — reading input files as lines: opening a path ("-" is standard
 * input), and a line reader that keeps NUL bytes, drops a trailing "\r",
 * knows whether the last line was cut short (no final newline: a killed
 * run), and tells a read error, out of memory included, from the end of
 * input. It reads blocks with fread rather than lines with getline: glibc's
 * getline reports out of memory as end of file (its error flag stays clear,
 * BZ #29917), and a line has to be bounded anyway, or `bstat /dev/zero`
 * would grow one line until the machine runs out.
 */
#include "format.h"

#include <errno.h>
#include <string.h>

enum { BLOCK = 16 * 1024 };

int bs_input_open(const char *path, FILE **out)
{
	if (strcmp(path, "-") == 0) {
		*out = stdin;
		return 0;
	}
	*out = fopen(path, "rb");
	return *out ? 0 : -1;
}

void bs_input_close(FILE *in)
{
	if (in && in != stdin)
		fclose(in);
}

void bs_lines_reset(bs_lines *l, FILE *in)
{
	l->in = in;
	l->pos = l->end = 0;
	l->len = l->long_len = 0;
	l->terminated = 1;
	l->err = 0;
}

void bs_lines_free(bs_lines *l)
{
	bs_free(l->block);
	bs_free(l->long_line);
	memset(l, 0, sizeof *l);
}

/* Refills the block; 1 with data, 0 at the end, -1 on a read error. */
static int refill(bs_lines *l)
{
	if (!l->block && !(l->block = bs_try_realloc(NULL, BLOCK))) {
		l->err = ENOMEM;
		return -1;
	}
	errno = 0;
	size_t got = fread(l->block, 1, BLOCK, l->in);
	l->pos = 0;
	l->end = got;
	if (got > 0) {
		/* One search per block finds NUL bytes for every line in it. */
		const char *nul = memchr(l->block, 0, got);
		l->nul = nul ? (size_t)(nul - l->block) : got;
		return 1;
	}
	/* Trust feof, not ferror: an error path that forgets the flag must
	 * still not read as the end of input. */
	if (feof(l->in) && !ferror(l->in))
		return 0;
	l->err = errno ? errno : EIO;
	return -1;
}

/* Appends s[0..n) to the long line, within the bound. */
static int append(bs_lines *l, const char *s, size_t n)
{
	if (l->long_len + n + 1 > BS_LINE_MAX) {
		l->err = EFBIG;
		return -1;
	}
	if (bs_try_grow(&l->long_line, &l->long_cap, l->long_len + n + 1, 1) < 0) {
		l->err = ENOMEM;
		return -1;
	}
	memcpy(l->long_line + l->long_len, s, n);
	l->long_len += n;
	return 0;
}

/* Ends the line at line[len] (dropping a trailing '\r'). */
static int finish(bs_lines *l, char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	line[len] = 0;
	l->line = line;
	l->len = len;
	return 1;
}

/*
 * Whether the line block[pos..stop) holds a NUL byte. l->nul is the first
 * NUL at or after some earlier line's start; once a line starts past it,
 * the search moves on. It never meets the NULs finish() writes: those end
 * lines already taken.
 */
static int nul_before(bs_lines *l, size_t stop)
{
	if (l->nul < l->pos) {
		const char *nul = memchr(l->block + l->pos, 0, l->end - l->pos);
		l->nul = nul ? (size_t)(nul - l->block) : l->end;
	}
	return l->nul < stop;
}

static int next_long(bs_lines *l);

int bs_lines_next(bs_lines *l)
{
	/* A line inside the block is used where it is: its '\n' becomes the
	 * terminating NUL, and nothing is copied. Copying every line cost a
	 * tenth of reading. */
	if (l->pos < l->end) {
		char *start = l->block + l->pos;
		char *nl = memchr(start, '\n', l->end - l->pos);
		if (nl) {
			l->has_nul = nul_before(l, (size_t)(nl - l->block));
			l->pos += (size_t)(nl - start) + 1;
			l->terminated = 1;
			return finish(l, start, (size_t)(nl - start));
		}
	}
	return next_long(l);
}

/* A line that crosses the block's end (or the input's first line):
 * gathered in long_line. Kept apart so that bs_lines_next stays small. */
__attribute__((noinline)) static int next_long(bs_lines *l)
{
	int any = 0;
	l->long_len = 0;
	for (;;) {
		if (l->pos == l->end) {
			int rc = refill(l);
			if (rc < 0)
				return -1;
			if (rc == 0)
				break;
		}
		const char *start = l->block + l->pos;
		const char *nl = memchr(start, '\n', l->end - l->pos);
		size_t take = nl ? (size_t)(nl - start) : l->end - l->pos;
		if (append(l, start, take) < 0)
			return -1;
		l->pos += take + (nl != NULL);
		any = 1;
		if (nl) {
			l->terminated = 1;
			goto done;
		}
	}
	if (!any)
		return 0;
	l->terminated = 0;
done:
	if (append(l, "", 0) < 0)
		return -1;
	l->has_nul = memchr(l->long_line, 0, l->long_len) != NULL;
	return finish(l, l->long_line, l->long_len);
}
