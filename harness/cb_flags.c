/* cb_flags.c: the runner's command line, parsed the way Go's flag package
 * does it: "-flag value", "-flag=value", "--flag", boolean flags only as
 * "-v" or "-v=true|false", parsing stops at "--"; the "test." prefix of go
 * test binaries is accepted too. Errors come back as one-line messages. */
#include "cb_internal.h"
#include "goflag.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_BOOL, K_STRING, K_DURATION, K_BENCHTIME, K_COUNT, K_CPU, K_RATE, K_INSTR };

struct flag {
	const char *name;
	enum kind kind;
	size_t field; /* K_BOOL, K_STRING: offset of the bool or string in cb_config */
	const char *arg, *help;
};

#define FIELD(f) offsetof(struct cb_config, f)

static const struct flag flags[] = {
	{"bench", K_STRING, FIELD(bench), "regexp", "run only benchmarks matching regexp (default: all)"},
	{"benchtime", K_BENCHTIME, 0, "d", "run each benchmark for duration d, or N times for Nx (default 1s)"},
	{"count", K_COUNT, 0, "n", "run each benchmark n times, one line each (default 1)"},
	{"cpu", K_CPU, 0, "list", "comma-separated thread counts for parallel benchmarks (default: CPUs available)"},
	{"benchmem", K_BOOL, FIELD(benchmem), NULL, "accepted for Go compatibility; memory columns are always printed"},
	{"timeout", K_DURATION, 0, "d", "fail a benchmark that runs longer than d (the whole run with -isolate=false), 0 for none (default 10m0s)"},
	{"isolate", K_BOOL, FIELD(isolate), NULL, "run each benchmark in a child process, so that a crash, exit or hang fails only it (default true)"},
	{"list", K_STRING, FIELD(list), "regexp", "list benchmarks matching regexp and exit"},
	{"run", K_STRING, FIELD(run), "regexp", "accepted for go test compatibility: there are no tests, the regexp is only checked"},
	{"json", K_BOOL, FIELD(json), NULL, "print one JSON object per result instead of Go's text format"},
	{"v", K_BOOL, FIELD(verbose), NULL, "verbose: print each benchmark's name before it runs, and logs"},
	{"memprofile", K_STRING, FIELD(memprofile), "file", "write an allocation profile (pprof format, gzip) of the timed regions to file"},
	{"memprofilerate", K_RATE, 0, "n", "profile one allocation per n bytes on average, 1 for all (default 524288)"},
	{"retained", K_BOOL, FIELD(retained), NULL, "measure retained-B/op for benchmarks that keep allocations (default true)"},
	{"instructions", K_INSTR, 0, NULL, "add instructions/op of the timed loop: hardware counters, else callgrind (-instructions=perf or =callgrind chooses)"},
	{"pkg", K_STRING, FIELD(pkg), "name", "the pkg: header value (default: CBENCH_PKG, else the benchmarks' source directory)"},
	{"version", K_BOOL, FIELD(version), NULL, "print the cbench version and exit"},
	{"h", K_BOOL, FIELD(help), NULL, "print this help and exit"},
	{"help", K_BOOL, FIELD(help), NULL, "print this help and exit"},
};

void cb_flags_usage(FILE *out, const char *prog)
{
	fprintf(out, "Usage of %s:\n", prog);
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		const struct flag *f = &flags[i];
		fprintf(out, "  -%s%s%s\n    \t%s\n", f->name, f->arg ? " " : "",
			f->arg ? f->arg : "", f->help);
	}
}

static int lookup(void *ctx, const char *name, size_t len, bool *is_bool)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (strlen(flags[i].name) == len && strncmp(flags[i].name, name, len) == 0) {
			*is_bool = flags[i].kind == K_BOOL || flags[i].kind == K_INSTR;
			return (int)i;
		}
	return -1;
}

/* Go's time.ParseDuration, without the sign (a negative value is invalid for
 * every flag here): a sequence of decimal numbers, each with a unit. */
static const struct {
	const char *unit;
	double ns;
} units[] = {
	{"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
	{"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9},
};

static const char *parse_unit(const char *p, double *scale)
{
	size_t best = 0;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		size_t n = strlen(units[i].unit);
		if (n > best && strncmp(p, units[i].unit, n) == 0) {
			best = n;
			*scale = units[i].ns;
		}
	}
	return best ? p + best : NULL;
}

int cb_parse_duration(const char *s, int64_t *ns)
{
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	if (*s == '+')
		s++;
	if (!*s)
		return -1;
	long double total = 0;
	while (*s) {
		const char *start = s;
		while (*s >= '0' && *s <= '9')
			s++;
		bool digits = s > start;
		if (*s == '.') {
			s++;
			const char *frac = s;
			while (*s >= '0' && *s <= '9')
				s++;
			digits = digits || s > frac;
		}
		if (!digits)
			return -1;
		long double value = strtold(start, NULL);
		double scale;
		const char *after = parse_unit(s, &scale);
		if (!after)
			return -1;
		total += value * scale;
		s = after;
	}
	if (total > (long double)INT64_MAX)
		return -1;
	*ns = (int64_t)total;
	return 0;
}

/* Go's Duration.String for the values the runner prints. */
void cb_format_duration(int64_t ns, char *buf, size_t len)
{
	if (ns < 1000000000) {
		if (ns == 0)
			snprintf(buf, len, "0s");
		else if (ns < 1000)
			snprintf(buf, len, "%lldns", (long long)ns);
		else if (ns < 1000000)
			snprintf(buf, len, "%gµs", (double)ns / 1e3);
		else
			snprintf(buf, len, "%gms", (double)ns / 1e6);
		return;
	}
	int64_t h = ns / 3600000000000LL, m = ns / 60000000000LL % 60;
	double s = (double)(ns % 60000000000LL) / 1e9;
	if (h)
		snprintf(buf, len, "%lldh%lldm%.9gs", (long long)h, (long long)m, s);
	else if (m)
		snprintf(buf, len, "%lldm%.9gs", (long long)m, s);
	else
		snprintf(buf, len, "%.9gs", s);
}

static bool parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max || *s == ' ' || *s == '+')
		return false;
	*out = v;
	return true;
}

static int parse_cpu(const char *s, struct cb_config *cfg)
{
	cfg->ncpus = 0;
	const char *p = s;
	for (;;) {
		size_t n = strcspn(p, ",");
		char item[32];
		long long v;
		if (n == 0 || n >= sizeof item || cfg->ncpus == CB_MAX_CPUS)
			return -1;
		memcpy(item, p, n);
		item[n] = 0;
		if (!parse_int(item, 1, 4096, &v))
			return -1;
		cfg->cpus[cfg->ncpus++] = (int)v;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

/* A boolean flag that also names a way: true means "whichever works". */
static int parse_instructions(const char *s, struct cb_config *cfg)
{
	bool on;
	if (strcmp(s, "perf") == 0)
		cfg->instructions = CB_INSTR_PERF;
	else if (strcmp(s, "callgrind") == 0)
		cfg->instructions = CB_INSTR_CALLGRIND;
	else if (goflag_parse_bool(s, &on) == 0)
		cfg->instructions = on ? CB_INSTR_AUTO : CB_INSTR_OFF;
	else
		return -1;
	return 0;
}

static int set_value(const struct flag *f, const char *v, struct cb_config *cfg)
{
	long long n;
	int64_t d;
	switch (f->kind) {
	case K_BOOL:
		return goflag_parse_bool(v, (bool *)((char *)cfg + f->field));
	case K_STRING:
		*(const char **)((char *)cfg + f->field) = v;
		return 0;
	case K_DURATION:
		if (cb_parse_duration(v, &d))
			return -1;
		cfg->timeout_ns = d;
		return 0;
	case K_BENCHTIME: {
		size_t len = strlen(v);
		if (len > 0 && v[len - 1] == 'x') {
			char num[32];
			if (len - 1 >= sizeof num)
				return -1;
			memcpy(num, v, len - 1);
			num[len - 1] = 0;
			if (!parse_int(num, 1, 1000000000000LL, &n))
				return -1;
			cfg->benchtime_n = n;
			cfg->benchtime_ns = 0;
			return 0;
		}
		if (cb_parse_duration(v, &d) || d <= 0)
			return -1;
		cfg->benchtime_ns = d;
		cfg->benchtime_n = 0;
		return 0;
	}
	case K_COUNT:
		if (!parse_int(v, 1, 1000000000LL, &n))
			return -1;
		cfg->count = n;
		return 0;
	case K_CPU:
		return parse_cpu(v, cfg);
	case K_RATE:
		if (!parse_int(v, 1, INT32_MAX, &n))
			return -1;
		cfg->memprofilerate = n;
		return 0;
	case K_INSTR:
		return parse_instructions(v, cfg);
	}
	return -1;
}

static int set_flag(void *ctx, int index, const char *value, char *err, size_t errlen)
{
	struct cb_config *cfg = ctx;
	const struct flag *f = &flags[index];
	if (set_value(f, value, cfg)) {
		snprintf(err, errlen, "invalid value \"%s\" for flag -%s", value, f->name);
		return -1;
	}
	return cfg->help || cfg->version;
}

int cb_flags_parse(int argc, char **argv, int default_procs, struct cb_config *cfg,
		   char *err, size_t errlen)
{
	*cfg = (struct cb_config){
		.benchtime_ns = 1000000000,
		.count = 1,
		.cpus = {default_procs > 0 ? default_procs : 1},
		.ncpus = 1,
		.timeout_ns = 600000000000LL,
		.memprofilerate = CB_DEFAULT_MEMPROFILERATE,
		.retained = true,
		.isolate = true,
	};
	const struct goflag_spec spec = {"test.", lookup, set_flag, cfg};
	int first;
	bool dashdash;
	int r = goflag_parse(&spec, argc, argv, &first, &dashdash, err, errlen);
	if (r < 0)
		return -1;
	/* go test binaries ignore what follows "--"; there is nothing else to take */
	if (r == 0 && !dashdash && first < argc) {
		snprintf(err, errlen, "unexpected argument: %s", argv[first]);
		return -1;
	}
	return 0;
}
