/*
 * histfmt.c — the history format -history reads, one record per commit,
 * appended as CI runs on the default branch:
 *
 *   commit: 3f2a9c1e...            configuration lines open a record
 *   time: 2026-12-01T20:28:24Z     (RFC 3339; when the commit was measured)
 *   goos: linux                    any other configuration, as usual
 *   BenchmarkEncode-8  1000  1234 ns/op  64 B/op  2 allocs/op
 *   ...                            the record's result lines
 *   commit: 8e1d07b4...            the next record
 *
 * It is the Go benchmark format itself, so bstat reads it as it reads any
 * input; this file finds a history's files (a file, or a directory of them),
 * checks that every result sits in a record with a valid time, and parses
 * RFC 3339 times so records can be put in time order.
 */
#include "html/html.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "format/format.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bs_hist_files(const char *path, bs_arena *a, char ***files, int *n, bs_buf *msg)
{
	struct stat st;
	*files = NULL;
	*n = 0;
	if (stat(path, &st) < 0) {
		bs_buf_printf(msg, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*files = bs_alloc(a, sizeof **files);
		(*files)[0] = bs_strdup(a, path);
		*n = 1;
		return 0;
	}
	DIR *d = opendir(path);
	if (!d) {
		bs_buf_printf(msg, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 0, count = 0;
	char **list = NULL;
	bs_buf full = { 0 };
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		bs_buf_clear(&full);
		bs_buf_printf(&full, "%s/%s", path, e->d_name);
		if (stat(full.s, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		bs_agrow(a, &list, &cap, count + 1, sizeof *list);
		list[count++] = bs_strdup(a, full.s);
	}
	closedir(d);
	bs_buf_free(&full);
	if (count == 0) {
		bs_buf_printf(msg, "%s: a history directory with no files", path);
		return -1;
	}
	qsort(list, count, sizeof *list, cmp_names);
	*files = list;
	*n = (int)count;
	return 0;
}

/* Reads exactly n digits. */
static int digits(const char **s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*s)++) {
		if (**s < '0' || **s > '9')
			return -1;
		v = v * 10 + (**s - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long days_from_civil(long y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int bs_hist_parse_time(const char *s, double *seconds)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' ||
	    digits(&s, 2, &d))
		return -1;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return -1;
	s++;
	if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) || *s++ != ':' ||
	    digits(&s, 2, &sec))
		return -1;
	double frac = 0, scale = 0.1;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++, scale /= 10)
			frac += (*s - '0') * scale;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om) || oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return -1;
	double t = (double)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec + frac;
	*seconds = t - sign * (oh * 3600 + om * 60);
	return 0;
}

enum { MAX_LISTED = 10 };

static void problem(bs_buf *msg, long *count, const bs_result *res, const char *what)
{
	if (++*count <= MAX_LISTED)
		bs_buf_printf(msg, "%s:%ld: %s\n", res->file, res->line, what);
}

long bs_hist_check(char **files, int n, bs_buf *msg)
{
	bs_arena *a = bs_arena_new();
	bs_map interns;
	bs_unit_meta units;
	bs_map_init(&interns, a);
	bs_unit_meta_init(&units, a);
	bs_reader rd;
	bs_reader_init(&rd, &interns, &units);
	long bad = 0;
	bs_buf why = { 0 };
	for (int i = 0; i < n && bad >= 0; i++) {
		FILE *in;
		if (bs_input_open(files[i], &in) < 0) {
			bs_buf_printf(msg, "%s: %s\n", files[i], strerror(errno));
			bad = -1;
			break;
		}
		bs_reader_reset(&rd, in, files[i], files[i]);
		enum bs_record rec;
		while ((rec = bs_reader_next(&rd)) != BS_REC_EOF && rec != BS_REC_IOERR) {
			if (rec != BS_REC_RESULT)
				continue;
			const bs_result *res = &rd.result;
			const char *commit = bs_result_get_config(res, "commit");
			const char *time = bs_result_get_config(res, "time");
			double t;
			if (!commit) {
				problem(msg, &bad, res, "a result outside any record: no \"commit:\" line "
				        "before it (each record starts with commit: and time: lines)");
			} else if (!time) {
				problem(msg, &bad, res, "the record has no \"time:\" line (RFC 3339, "
				        "e.g. time: 2026-12-01T20:28:24Z)");
			} else if (bs_hist_parse_time(time, &t) < 0) {
				bs_buf_clear(&why);
				bs_buf_printf(&why, "time: \"%s\" is not an RFC 3339 time "
				              "(e.g. 2026-12-01T20:28:24Z)", time);
				problem(msg, &bad, res, why.s);
			}
		}
		bs_input_close(in);
	}
	if (bad > MAX_LISTED)
		bs_buf_printf(msg, "... and %ld more\n", bad - MAX_LISTED);
	bs_buf_free(&why);
	bs_reader_free(&rd);
	bs_unit_meta_free(&units);
	bs_map_free(&interns);
	bs_arena_free(a);
	return bad;
}
