/*
 * strbuild.c — building a string from pieces. Growing the buffer with
 * realloc for every piece costs one allocation per piece (16 allocs/op
 * here); measuring the pieces first and reserving the capacity once costs
 * one. Both produce the same 160-byte string.
 */
#include <cbench.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PIECES = 16 };

static const char *piece(int i)
{
	static char pieces[PIECES][12];
	if (pieces[0][0] == '\0')
		for (int k = 0; k < PIECES; k++)
			snprintf(pieces[k], sizeof pieces[k], "piece-%03d", k);
	return pieces[i];
}

/* Appends with a realloc to the exact new length each time. */
static char *join_realloc(void)
{
	char *s = NULL;
	size_t len = 0;
	for (int i = 0; i < PIECES; i++) {
		size_t add = strlen(piece(i)) + 1;
		char *grown = realloc(s, len + add + 1);
		if (!grown) {
			free(s);
			return NULL;
		}
		s = grown;
		memcpy(s + len, piece(i), add - 1);
		s[len + add - 1] = ',';
		len += add;
		s[len] = '\0';
	}
	return s;
}

/* Measures every piece, allocates once, then copies. */
static char *join_reserved(void)
{
	size_t total = 1;
	for (int i = 0; i < PIECES; i++)
		total += strlen(piece(i)) + 1;
	char *s = malloc(total);
	if (!s)
		return NULL;
	size_t len = 0;
	for (int i = 0; i < PIECES; i++) {
		size_t n = strlen(piece(i));
		memcpy(s + len, piece(i), n);
		s[len + n] = ',';
		len += n + 1;
	}
	s[len] = '\0';
	return s;
}

BENCH(JoinRealloc) {
	for (int64_t i = 0; i < b->n; i++) {
		char *s = join_realloc();
		cbench_keep(s);
		free(s);
	}
}

BENCH(JoinReserved) {
	for (int64_t i = 0; i < b->n; i++) {
		char *s = join_reserved();
		cbench_keep(s);
		free(s);
	}
}
