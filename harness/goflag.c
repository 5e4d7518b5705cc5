/* goflag.c: the tokenizer of Go's flag package (FlagSet.parseOne), so that
 * the runner and bstat read a command line exactly as Go programs do. What
 * must stay true: the error texts are Go's byte for byte (bstat's are
 * compared with upstream benchstat), and a value is never read from the
 * next argument for a bool flag. */
#include "goflag.h"

#include <stdio.h>
#include <string.h>

int goflag_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static int lookup(const struct goflag_spec *spec, const char *name, size_t len, bool *is_bool)
{
	size_t plen = spec->prefix ? strlen(spec->prefix) : 0;
	if (plen && len > plen && strncmp(name, spec->prefix, plen) == 0) {
		name += plen;
		len -= plen;
	}
	*is_bool = false;
	return spec->lookup(spec->ctx, name, len, is_bool);
}

/* One flag at argv[*i]: 0 parsed, 1 stop asked by set, 2 not a flag, 3 "--",
 * -1 error. */
static int parse_one(const struct goflag_spec *spec, int argc, char **argv, int *i, char *err,
		     size_t errlen)
{
	const char *s = argv[*i];
	if (s[0] != '-' || s[1] == 0)
		return 2;
	const char *name = s + 1;
	if (name[0] == '-') {
		name++;
		if (name[0] == 0) {
			++*i;
			return 3;
		}
	}
	if (name[0] == 0 || name[0] == '-' || name[0] == '=') {
		snprintf(err, errlen, "bad flag syntax: %s", s);
		return -1;
	}
	++*i;
	size_t len = strcspn(name, "=");
	bool is_bool;
	int index = lookup(spec, name, len, &is_bool);
	if (index < 0) {
		snprintf(err, errlen, "flag provided but not defined: -%.*s", (int)len, name);
		return -1;
	}
	const char *value = name[len] == '=' ? name + len + 1 : NULL;
	if (!value && is_bool) {
		value = "true";
	} else if (!value) {
		if (*i >= argc) {
			snprintf(err, errlen, "flag needs an argument: -%.*s", (int)len, name);
			return -1;
		}
		value = argv[(*i)++];
	}
	return spec->set(spec->ctx, index, value, err, errlen);
}

int goflag_parse(const struct goflag_spec *spec, int argc, char **argv, int *first_arg,
		 bool *dashdash, char *err, size_t errlen)
{
	int i = 1;
	*dashdash = false;
	for (;;) {
		int r = i < argc ? parse_one(spec, argc, argv, &i, err, errlen) : 2;
		if (r == 0)
			continue;
		*first_arg = i;
		*dashdash = r == 3;
		return r == 2 || r == 3 ? 0 : r;
	}
}
