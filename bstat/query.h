/*
 * query.h — syntax trees for benchproc filter and projection expressions
 * (private to bstat; see query.c for the grammar). Trees live in the arena
 * passed to the parser; compiled regexps are handed to the caller's list so
 * it can regfree them.
 */
#ifndef BSTAT_QUERY_H
#define BSTAT_QUERY_H

#include <regex.h>

#include "util.h"

enum bs_qop { BS_Q_AND, BS_Q_OR, BS_Q_NOT, BS_Q_MATCH };

typedef struct bs_qnode {
	enum bs_qop op;
	struct bs_qnode **subs;     /* AND/OR operands, NOT's one operand */
	size_t nsubs;
	const char *key;            /* MATCH: the key; lit or re is the value */
	const char *lit;
	regex_t *re;
	int off;                    /* byte offset of the key in the query */
} bs_qnode;

typedef struct bs_qfield {
	const char *key;
	const char *order;          /* "first", "fixed", or a named order */
	const char **fixed;         /* for "fixed": the listed values */
	size_t nfixed;
	int key_off, order_off;
} bs_qfield;

/* Compiled regexps the caller must regfree and free. */
typedef struct bs_regex_list {
	regex_t **items;
	size_t n, cap;
} bs_regex_list;
void bs_regex_list_free(bs_regex_list *l);

/*
 * On error both return -1 and write into err the message upstream gives,
 * "syntax error: MSG\n\tQUERY\n\t   ^" (caret under the offending byte).
 */
int bs_parse_filter(bs_arena *a, bs_regex_list *res, const char *q, bs_qnode **out, bs_buf *err);
int bs_parse_projection(bs_arena *a, const char *q, bs_qfield **out, size_t *n, bs_buf *err);
/* Formats a syntax error at byte offset off of q, as above. */
void bs_query_error(bs_buf *err, const char *q, int off, const char *msg);

#endif
