/*
 * benchunit.h — benchmark units: tidying Go's historical units into base
 * units (ns/op -> sec/op, MB/s -> B/s), the unit class (decimal or binary
 * prefixes), and scaling values to 4 significant digits with a prefix,
 * exactly as golang.org/x/perf/benchunit prints them.
 */
#ifndef BSTAT_BENCHUNIT_H
#define BSTAT_BENCHUNIT_H

#include <stddef.h>

enum bs_unit_class { BS_DECIMAL, BS_BINARY };

/*
 * Tidies unit: writes the tidied unit into out (NUL-terminated, at most
 * size bytes; size >= strlen(unit) + 2 always suffices) and returns the
 * factor that converts a value in unit to the tidied unit.
 */
double bs_unit_tidy(const char *unit, char *out, size_t size);

/* BS_BINARY when a numerator token is B, MB or bytes. */
enum bs_unit_class bs_unit_class_of(const char *unit);

typedef struct bs_scaler {
	int prec;           /* digits after the decimal point */
	double factor;      /* value of one prefix unit */
	const char *prefix; /* "", "k", "M", "µ", "Ki", ... */
} bs_scaler;

/* A scaler that fits every value of vals[0..n) to >= 4 significant digits. */
bs_scaler bs_common_scale(const double *vals, size_t n, enum bs_unit_class cls);
/* Writes val scaled by s, like "12.34µ"; returns the length (snprintf rule). */
int bs_scaler_format(bs_scaler s, double val, char *buf, size_t size);
/* bs_common_scale of the one value, then format. */
int bs_scale(double val, enum bs_unit_class cls, char *buf, size_t size);

#endif
