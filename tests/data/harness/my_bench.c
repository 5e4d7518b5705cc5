#define _POSIX_C_SOURCE 200809L  /* strdup is POSIX: -std=c11 hides it otherwise */
#include <cbench.h>
#include <stdlib.h>
#include <string.h>

BENCH(Strdup) {
    for (int64_t i = 0; i < b->n; i++) {
        char *s = strdup("hello, world");
        cbench_keep(s);          /* stops the compiler from deleting the work */
        free(s);
    }
}
