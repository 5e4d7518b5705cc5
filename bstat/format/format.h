/*
 * format.h — bstat's first stage, reading (x/perf's benchfmt and
 * benchunit): the reader for the Go benchmark data format (configuration
 * lines, result lines, Unit metadata lines; benchfmt.c describes the
 * format), and benchmark units: tidying, classes and prefix scaling
 * (benchunit.c).
 *
 * Ownership: a bs_reader borrows the FILE and the intern map given to it; the
 * records it returns (bs_result, messages) stay valid only until the next
 * call to bs_reader_next. Strings inside them (names, units, config values)
 * are interned in the caller's map and live as long as that map's arena.
 */
#ifndef BSTAT_FORMAT_H
#define BSTAT_FORMAT_H

#include <stdio.h>

#include "util/util.h"

typedef struct bs_config {
	const char *key;    /* interned */
	const char *value;  /* interned, never "" (an empty value deletes the key) */
	int file;           /* 1: from a "key: value" line; 0: set by the reader (.file) */
} bs_config;

typedef struct bs_value {
	double value;       /* tidied: ns/op values are in sec/op, MB/s in B/s */
	const char *unit;   /* tidied unit, interned */
	const char *orig_unit; /* unit as written when tidying changed it, else NULL */
	double orig_value;
} bs_value;

typedef struct bs_result {
	bs_config *config;
	size_t nconfig, config_cap;
	const char *name;   /* without the "Benchmark" prefix, interned */
	size_t name_len;
	size_t name_id;     /* the name's intern index (bs_intern) + 1; 0: unknown */
	long long iters;
	bs_value *values;
	size_t nvalues, values_cap;
	const char *file;   /* file name as given, for messages */
	long line;          /* 1-based line number of this result */
	/* Changes whenever config does, and is never reused within a process,
	 * so equal nonzero generations mean equal configurations (projections
	 * reuse a key while it repeats); 0: unknown, compare the entries. */
	unsigned long config_gen;
} bs_result;

/* Unit metadata (`Unit <unit> key=value ...`), shared by all files of a run. */
typedef struct bs_unit_meta {
	bs_map map;         /* "tidyunit\0key" -> index into values */
	const char **values;
	size_t n, cap;
} bs_unit_meta;
void bs_unit_meta_init(bs_unit_meta *m, bs_arena *a);
void bs_unit_meta_free(bs_unit_meta *m);
/* The value of key for unit (tidied before lookup), or NULL. */
const char *bs_unit_meta_get(const bs_unit_meta *m, const char *unit, const char *key);

enum bs_record {
	BS_REC_EOF,         /* no more records */
	BS_REC_RESULT,      /* r->result holds a benchmark result */
	BS_REC_SYNTAX,      /* r->message holds "file:line: what is wrong" */
	BS_REC_IOERR        /* r->message holds a read error; the file is done */
};

/* A unit as read and what tidying makes of it (see bs_reader.unit_cache). */
typedef struct bs_unit_memo {
	const char *unit;   /* interned, as written */
	size_t len;
	const char *tidy;   /* interned */
	double factor;
	uint64_t head, head_mask, tail; /* the unit's bytes as words (benchfmt.c) */
} bs_unit_memo;

enum { BS_UNIT_MEMOS = 8 };

/*
 * ---- inputs (input.c) ----
 * Opening an input: "-" is standard input. Returns 0, or -1 with errno.
 */
int bs_input_open(const char *path, FILE **out);
void bs_input_close(FILE *in);

/* Lines are bounded: a longer one is a read error (EFBIG), not cut. */
#define BS_LINE_MAX ((size_t)64 << 20)

/* A line reader over a borrowed FILE; line is valid until the next call. */
typedef struct bs_lines {
	FILE *in;
	char *block;
	size_t pos, end;
	char *line;                /* NUL-terminated; may hold NUL bytes before len;
	                            * points into block or long */
	size_t len;
	char *long_line;           /* a line that crosses a block boundary */
	size_t long_len, long_cap;
	int terminated;            /* the last line read ended with '\n' */
	int has_nul;               /* the last line read holds a NUL byte */
	size_t nul;                /* the first NUL of the file's bytes at or after
	                            * some earlier line's start (end: none); below
	                            * pos it is stale and found again (nul_before) */
	int err;                   /* the errno of a read error */
} bs_lines;
void bs_lines_reset(bs_lines *l, FILE *in);
void bs_lines_free(bs_lines *l);
/* 1: a line (without '\n' and a trailing '\r'); 0: end of input;
 * -1: read error (l->err: EFBIG for an overlong line, ENOMEM, EIO, ...). */
int bs_lines_next(bs_lines *l);

/*
 * ---- the reader (benchfmt.c) ----
 */
typedef struct bs_reader {
	FILE *in;
	bs_lines lines;
	int strict;                /* bstat -gate: a cut-off last result line is
	                            * an error, not a result */
	bs_map *interns;
	bs_unit_meta *units;
	bs_result result;
	bs_buf message;
	bs_buf tidy;               /* scratch for tidying units */
	bs_map config_pos;         /* interned key pointer -> position in result.config + 1 */
	char **pending;     /* queued syntax messages from one Unit line */
	size_t npending, pending_cap, pending_pos;
	/* The units of the previous result, by position: result lines of a
	 * run almost always repeat them, so comparing a few bytes replaces
	 * interning and tidying each value's unit. */
	bs_unit_memo unit_cache[BS_UNIT_MEMOS];
	bs_unit_memo unit_spare;   /* shared by the positions past those */
} bs_reader;

void bs_reader_init(bs_reader *r, bs_map *interns, bs_unit_meta *units);
void bs_reader_free(bs_reader *r);
/*
 * Starts reading `in` (borrowed). The configuration is cleared, then .file
 * is set to label (the column name the file gets); messages name file.
 */
void bs_reader_reset(bs_reader *r, FILE *in, const char *file, const char *label);
enum bs_record bs_reader_next(bs_reader *r);

/* The value of a configuration key, or NULL. */
const char *bs_result_get_config(const bs_result *res, const char *key);

/*
 * Name helpers (benchmark names as Go's testing package writes them,
 * "Base/key=value/sub-8"): the base name (up to the first '/', or without
 * the -P suffix), and the parts after it, each starting with '/' or, for
 * a trailing GOMAXPROCS, '-'. Part pointers point into name.
 */
typedef struct bs_name_part {
	const char *s;
	size_t len;
} bs_name_part;
/* Returns the number of parts (<= max written); base gets the base name. */
size_t bs_name_parts(const char *name, size_t len, bs_name_part *base,
                     bs_name_part *parts, size_t max);
size_t bs_name_base_len(const char *name, size_t len);
/* Where the -P (GOMAXPROCS) suffix starts, or len when there is none. */
size_t bs_name_procs_at(const char *name, size_t len);

/*
 * Parses a number as Go's strconv.ParseFloat does (decimal, exponent, hex
 * with p exponent, inf/infinity/nan in any case). Returns 0 and sets *out,
 * or -1 with *err "invalid syntax" / "value out of range".
 */
int bs_parse_float(const char *s, size_t n, double *out, const char **err);
int bs_parse_int(const char *s, size_t n, long long *out, const char **err);

/* ---- units (benchunit.c): as golang.org/x/perf/benchunit tidies, classes
 * and prints them, scaled to 4 significant digits with a prefix ---- */

enum bs_unit_class { BS_DECIMAL, BS_BINARY };

/*
 * Tidies unit: replaces out's contents with the tidied unit (which can be
 * longer: every numerator "ns" becomes "sec") and returns the factor that
 * converts a value in unit to the tidied unit.
 */
double bs_unit_tidy(const char *unit, bs_buf *out);

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
