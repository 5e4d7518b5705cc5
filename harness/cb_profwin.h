/* cb_profwin.h: the measured runs' part of the memory profile. The
 * profiler (cb_profile.c) samples every timed run; each run starts by
 * forgetting what came before (cb_profile_forget_samples), and the runner
 * keeps the samples of a run whose result line it prints, labelled with the
 * benchmark's name and repetition. The pprof writer reads what was kept.
 *
 * Ownership: the kept samples belong to this module until cb_profwin_reset;
 * the pointers cb_profwin_sample returns are borrowed until then. */
#ifndef CB_PROFWIN_H
#define CB_PROFWIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cb_site;

/* Keeps the samples of the run that just ended, of n iterations, as
 * repetition 1, 2, ... of `bench` (the printed name, with -P suffix). Call with the timer stopped. Nothing happens when no profile is
 * being recorded. Out of memory drops samples and sets cb_profwin_lossy. */
void cb_profwin_keep(const char *bench, int64_t n);
size_t cb_profwin_nsamples(void);
/* Sample i, its labels and its run's iterations (outputs, borrowed); NULL when i is past the end. */
const struct cb_site *cb_profwin_sample(size_t i, const char **bench, int64_t *repetition,
				       int64_t *n);
bool cb_profwin_lossy(void);
/* Adds one sample a child process kept (crash isolation), with its labels
 * (bench: len bytes, not NUL-terminated). False when out of memory or the
 * site is malformed; the caller marks the profile lossy. */
bool cb_profwin_import(const struct cb_site *site, const char *bench, size_t len,
		       int64_t repetition, int64_t n);
void cb_profwin_mark_lossy(void);
/* Forgets everything kept (cb_profile_reset calls it). */
void cb_profwin_reset(void);

#endif
