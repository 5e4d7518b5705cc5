/* cb_log.c: what a running benchmark reports about itself: logs, errors,
 * skip and fatal (which end the function by longjmp), bytes per op, extra
 * metrics, the zero-allocation declaration and parallelism. */
#include "cb_internal.h"

#include <ctype.h>
#include <string.h>

static pthread_mutex_t output_lock = PTHREAD_MUTEX_INITIALIZER;

/* Go's decoration: "    file:line: message", continuation lines indented
 * by eight spaces. The harness's own allocations here are not counted. */
static void add_output(struct cb_run *r, const char *file, int line, const char *fmt, va_list ap)
{
	cb_hooks_suppress_begin();
	struct cb_strbuf msg = {0};
	cb_sb_vprintf(&msg, fmt, ap);
	const char *base = file ? strrchr(file, '/') : NULL;
	base = base ? base + 1 : file;
	pthread_mutex_lock(&output_lock);
	if (base)
		cb_sb_printf(&r->output, "    %s:%d: ", base, line);
	else
		cb_sb_puts(&r->output, "    ");
	const char *p = cb_sb_str(&msg);
	size_t len = strlen(p);
	while (len > 0 && p[len - 1] == '\n')
		len--;
	for (size_t i = 0; i < len; i++) {
		char c[2] = {p[i], 0};
		cb_sb_puts(&r->output, c);
		if (p[i] == '\n')
			cb_sb_puts(&r->output, "        ");
	}
	cb_sb_puts(&r->output, "\n");
	pthread_mutex_unlock(&output_lock);
	cb_sb_free(&msg);
	cb_hooks_suppress_end();
}

void cb_run_note(struct cb_run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_output(r, NULL, 0, fmt, ap);
	va_end(ap);
}

/* Ends the benchmark function: back to cb_run_n on its own thread, or the
 * end of a thread the benchmark started (a parallel body). */
CBENCH_NORETURN_ static void leave(struct cb_run *r)
{
	if (r->jump && pthread_equal(pthread_self(), r->owner))
		longjmp(*r->jump, 1);
	pthread_exit(NULL);
}

void cbench_log_at_(cbench_b *b, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_output(b->run_, file, line, fmt, ap);
	va_end(ap);
}

void cbench_error_at_(cbench_b *b, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_output(b->run_, file, line, fmt, ap);
	va_end(ap);
	b->run_->failed = true;
}

void cbench_skip_at_(cbench_b *b, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_output(b->run_, file, line, fmt, ap);
	va_end(ap);
	b->run_->skipped = b->run_->finished = true;
	leave(b->run_);
}

void cbench_fatal_at_(cbench_b *b, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_output(b->run_, file, line, fmt, ap);
	va_end(ap);
	b->run_->failed = b->run_->finished = true;
	leave(b->run_);
}

bool cbench_failed(const cbench_b *b)
{
	return b->run_->failed;
}

void cbench_set_bytes(cbench_b *b, int64_t bytes_per_op)
{
	b->run_->bytes = bytes_per_op;
}

void cbench_expect_zero_alloc(cbench_b *b)
{
	b->run_->zero_alloc = true;
}

int cbench_procs(const cbench_b *b)
{
	return b->run_->procs;
}

void cbench_set_parallelism(cbench_b *b, int p)
{
	if (p >= 1)
		b->run_->parallelism = p;
}

static bool valid_unit(const char *unit)
{
	if (!unit || !*unit || strlen(unit) >= CB_UNIT_MAX)
		return false;
	for (const char *p = unit; *p; p++)
		if (isspace((unsigned char)*p))
			return false;
	return true;
}

void cbench_report_metric(cbench_b *b, double value, const char *unit)
{
	struct cb_run *r = b->run_;
	if (!valid_unit(unit)) {
		cb_run_note(r, "cbench_report_metric: unit \"%s\" must be 1 to %d bytes without white space",
			    unit ? unit : "(null)", CB_UNIT_MAX - 1);
		r->failed = true;
		return;
	}
	for (int i = 0; i < r->nmetrics; i++) {
		if (strcmp(r->metrics[i].unit, unit) == 0) {
			r->metrics[i].value = value;
			return;
		}
	}
	if (r->nmetrics == CB_MAX_METRICS) {
		cb_run_note(r, "cbench_report_metric: more than %d units", CB_MAX_METRICS);
		r->failed = true;
		return;
	}
	snprintf(r->metrics[r->nmetrics].unit, CB_UNIT_MAX, "%s", unit);
	r->metrics[r->nmetrics++].value = value;
}

