/* cb_timer.c: the benchmark timer (Go's StartTimer, StopTimer, ResetTimer),
 * cbench_loop, and one timed call of a benchmark function. Elapsed time and
 * allocation counts start, stop and reset together. */
#include "cb_internal.h"
#include "cb_profile.h"

void cbench_start_timer(cbench_b *b)
{
	struct cb_run *r = b->run_;
	if (r->timer_on)
		return;
	cb_hooks_read(&r->start_tot);
	r->timer_on = true;
	cb_hooks_set_counting(true);
	cb_counters_start(r);
	r->start_ns = cb_clock_ns();
}

void cbench_stop_timer(cbench_b *b)
{
	struct cb_run *r = b->run_;
	if (!r->timer_on)
		return;
	int64_t now = cb_clock_ns();
	cb_counters_stop(r);
	cb_hooks_set_counting(false);
	r->duration_ns += now - r->start_ns;
	struct cb_alloc_totals t;
	cb_hooks_read(&t);
	r->net_allocs += t.allocs - r->start_tot.allocs;
	r->net_bytes += t.bytes - r->start_tot.bytes;
	r->net_frees += t.frees - r->start_tot.frees;
	r->timer_on = false;
}

void cbench_reset_timer(cbench_b *b)
{
	struct cb_run *r = b->run_;
	r->nmetrics = 0;
	cb_retain_reset();
	cb_profile_forget_samples();
	cb_counters_reset(r);
	if (r->timer_on) {
		cb_hooks_read(&r->start_tot);
		r->start_ns = cb_clock_ns();
	}
	r->duration_ns = 0;
	r->net_allocs = 0;
	r->net_bytes = 0;
	r->net_frees = 0;
}

bool cbench_loop_slow_(cbench_b *b)
{
	if (b->loop_i_ == 0) {
		cbench_reset_timer(b);
		b->loop_i_ = 1;
		return b->n > 0;
	}
	cbench_stop_timer(b);
	return false;
}

void cb_run_n(struct cb_run *r, int64_t n)
{
	cbench_b *b = &r->bh;
	b->n = n;
	b->loop_i_ = 0;
	r->parallelism = 1;
	r->owner = pthread_self();
	cbench_reset_timer(b);
	jmp_buf here;
	jmp_buf *outer = r->jump;
	r->jump = &here;
	if (setjmp(here) == 0) {
		cbench_start_timer(b);
		if (r->top_fn)
			r->top_fn(b);
		else
			r->sub_fn(b, r->ctx);
	}
	cbench_stop_timer(b);
	r->jump = outer;
	r->prev_n = n;
	r->prev_ns = r->duration_ns;
}
