/*
 * harness_run.h — runs the harness for the harness tests: cb_main_io with a
 * NULL-terminated argument list, its exit status and what it wrote to
 * stdout and stderr. Include after <cmocka.h> and "cb_internal.h".
 *
 * By default the benchmarks run in the test's own process (-isolate=false
 * comes first), so that tests can inspect what the benchmark functions
 * did to their variables; a test that sets harness_isolated runs them the
 * default way, each in a child process, where only the output tells.
 */
#ifndef CBENCH_TESTS_HARNESS_RUN_H
#define CBENCH_TESTS_HARNESS_RUN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

struct outcome {
	int rc;
	char out[1 << 18], err[1 << 14];
};

static void slurp(FILE *f, char *buf, size_t len)
{
	rewind(f);
	size_t n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

static bool harness_isolated;

static void run(struct outcome *o, ...)
{
	char *argv[32] = {"test"};
	int argc = 1;
	if (!harness_isolated)
		argv[argc++] = "-isolate=false";
	va_list ap;
	va_start(ap, o);
	for (char *a; (a = va_arg(ap, char *)) != NULL && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	FILE *out = tmpfile(), *err = tmpfile();
	assert_non_null(out);
	assert_non_null(err);
	o->rc = cb_main_io(argc, argv, out, err);
	slurp(out, o->out, sizeof o->out);
	slurp(err, o->err, sizeof o->err);
}

#endif
