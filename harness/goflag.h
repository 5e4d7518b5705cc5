/* goflag.h: Go's flag package command-line syntax, shared by the harness's
 * runner (cb_flags.c) and bstat (bstat/cli/flags.c). The parser only splits
 * argv into names and values; each caller keeps its own flag table and
 * setters. Nothing is allocated: values point into argv. */
#ifndef GOFLAG_H
#define GOFLAG_H

#include <stdbool.h>
#include <stddef.h>

struct goflag_spec {
	/* Accepted before every name and dropped before lookup ("test." for go
	 * test binaries), or NULL. Messages still show the name as typed. */
	const char *prefix;
	/* Returns the flag's index in the caller's table, or -1 if undefined.
	 * *is_bool: the value is optional ("-v" means "-v=true") and may only
	 * be given after '='. */
	int (*lookup)(void *ctx, const char *name, size_t len, bool *is_bool);
	/* Stores value; returns 0, 1 to stop parsing (-h, -version), or -1
	 * with its own message in err. */
	int (*set)(void *ctx, int index, const char *value, char *err, size_t errlen);
	void *ctx;
};

/* Parses argv[1..argc): -name, --name, -name=value, -name value (not for
 * bool flags). Stops at the first non-flag (a lone "-" is one) or after
 * "--". *first_arg: index of the first argument left; *dashdash: set when
 * "--" ended the flags. Returns 0, 1 when set asked to stop, or -1 with
 * Go's message in err ("flag provided but not defined: -x", ...). */
int goflag_parse(const struct goflag_spec *spec, int argc, char **argv, int *first_arg,
		 bool *dashdash, char *err, size_t errlen);

/* strconv.ParseBool: 1 t T TRUE true True, 0 f F FALSE false False.
 * Returns 0, or -1 for anything else. */
int goflag_parse_bool(const char *s, bool *out);

#endif
