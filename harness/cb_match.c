/* cb_match.c: -bench and -list selection as Go does it: the pattern is split
 * at each '/' outside brackets and parentheses, and level i of the pattern
 * (a POSIX extended regex, unanchored) must match level i of the name
 * "BenchmarkX/sub/...". Levels the pattern does not have match anything. */
#include "cb_internal.h"

#include <stdlib.h>
#include <string.h>

/* Returns the length of the first level of pattern p. */
static size_t level_len(const char *p)
{
	int depth = 0;
	size_t i = 0;
	for (; p[i]; i++) {
		if (p[i] == '\\' && p[i + 1]) {
			i++;
		} else if (p[i] == '[' || p[i] == '(') {
			depth++;
		} else if ((p[i] == ']' || p[i] == ')') && depth > 0) {
			depth--;
		} else if (p[i] == '/' && depth == 0) {
			break;
		}
	}
	return i;
}

int cb_matcher_init(struct cb_matcher *m, const char *pattern, char *err, size_t errlen)
{
	*m = (struct cb_matcher){0};
	if (!pattern)
		return 0;
	size_t cap = 1;
	for (const char *p = pattern; *p; p++)
		cap += *p == '/';
	m->levels = calloc(cap, sizeof *m->levels);
	if (!m->levels) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	const char *p = pattern;
	for (;;) {
		size_t n = level_len(p);
		char *elem = strndup(p, n);
		if (!elem) {
			snprintf(err, errlen, "out of memory");
			cb_matcher_free(m);
			return -1;
		}
		int rc = regcomp(&m->levels[m->nlevels], elem, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char why[128];
			regerror(rc, &m->levels[m->nlevels], why, sizeof why);
			snprintf(err, errlen, "invalid regexp for element %zu of \"%s\" (\"%s\"): %s",
				 m->nlevels, pattern, elem, why);
			free(elem);
			cb_matcher_free(m);
			return -1;
		}
		free(elem);
		m->nlevels++;
		if (p[n] != '/')
			break;
		p += n + 1;
	}
	return 0;
}

void cb_matcher_free(struct cb_matcher *m)
{
	for (size_t i = 0; i < m->nlevels; i++)
		regfree(&m->levels[i]);
	free(m->levels);
	*m = (struct cb_matcher){0};
}

bool cb_matcher_match(const struct cb_matcher *m, const char *name, bool *partial)
{
	size_t level = 0;
	const char *p = name;
	for (;; level++) {
		size_t n = strcspn(p, "/");
		/* REG_STARTEND (glibc, the BSDs): the element is p[0..n), matched
		 * in place, whatever its length; ^ and $ anchor at its ends. */
		regmatch_t span = {.rm_so = 0, .rm_eo = (regoff_t)n};
		if (level < m->nlevels && regexec(&m->levels[level], p, 1, &span, REG_STARTEND) != 0)
			return false;
		p += strcspn(p, "/");
		if (*p != '/')
			break;
		p++;
	}
	if (partial)
		*partial = level + 1 < m->nlevels;
	return true;
}
