/* release.c — frees every cache of the stats module at once. */
#include "stats.h"
#include "stats_internal.h"

void st_release_caches(void)
{
	st_udist_release();
	st_median_release();
}
