/* cb_firstalloc.h: names the allocation that broke a zero-allocation
 * contract (cb_firstalloc.c). Internal to the harness. */
#ifndef CB_FIRSTALLOC_H
#define CB_FIRSTALLOC_H

struct cb_run;

/* After a measured run of a zero-allocation benchmark that allocated:
 * re-runs it on a copy (r's result is untouched) and appends to r's log the
 * stack of the first allocation made while the timer ran, innermost call
 * first, or a line saying why there is none. Call with the timer stopped. */
void cb_firstalloc_explain(struct cb_run *r);

#endif
