/* cb_stack.c: the allocating thread's call stack, captured from inside the
 * malloc hook. glibc's backtrace() unwinds with libgcc's DWARF unwinder
 * (.eh_frame), so it walks through libc and other libraries built without
 * frame pointers (strdup -> malloc), which a frame-pointer walk cannot.
 * Its first call dlopens libgcc_s, which allocates; cb_stack_init makes
 * that call while counting is off. After that it uses only the stack and
 * the loader's lock (dl_iterate_phdr), so it can run inside malloc. The
 * profiler still brackets capture with suppression, so that an allocation
 * the unwinder might make is neither counted nor observed. */
#include "cb_profile.h"

#include <execinfo.h>
#include <string.h>

/* LeakSanitizer's (weak: NULL without it). It treats blocks the dynamic
 * linker allocates as reachable only when it sees the linker as malloc's
 * caller; with the hooks' frame in between, the link map that dlopen makes
 * for libgcc_s would be reported as a leak at exit. */
extern void __lsan_disable(void) __attribute__((weak));
extern void __lsan_enable(void) __attribute__((weak));

void cb_stack_init(void)
{
	void *warm[4];
	if (__lsan_disable)
		__lsan_disable();
	backtrace(warm, 4);
	if (__lsan_enable)
		__lsan_enable();
}

int cb_stack_capture(uintptr_t *pcs, int max, int skip)
{
	void *raw[CB_STACK_DEPTH + 16];
	int want = skip + max + 1; /* +1: this function's own frame */
	if (want > (int)(sizeof raw / sizeof raw[0]))
		want = (int)(sizeof raw / sizeof raw[0]);
	int got = backtrace(raw, want);
	int n = 0;
	for (int i = skip + 1; i < got && n < max; i++)
		pcs[n++] = (uintptr_t)raw[i];
	return n;
}
