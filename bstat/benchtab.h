/*
 * benchtab.h — groups results into bs_tables (table.h): tables by the
 * -table projection plus unit, rows by -row, columns by -col, then
 * summarizes every cell, compares it with the base column and adds the
 * geomean row, as benchstat's benchtab does.
 *
 * Ownership: the builder borrows the projections (and their bs_proc) and
 * allocates the finished tables in the arena given to bs_builder_new.
 */
#ifndef BSTAT_BENCHTAB_H
#define BSTAT_BENCHTAB_H

#include "benchfmt.h"
#include "benchproc.h"
#include "table.h"

typedef struct bs_builder bs_builder;

bs_builder *bs_builder_new(bs_arena *a, bs_projection *table_by, bs_projection *row_by,
                           bs_projection *col_by, bs_projection *residue);
void bs_builder_free(bs_builder *b);
/* Adds the (already filtered) values of res. */
void bs_builder_add(bs_builder *b, const bs_result *res);
/* Number of results added so far. */
size_t bs_builder_count(const bs_builder *b);
/* Builds the tables; units supplies assume=exact metadata. */
bs_tables *bs_builder_finish(bs_builder *b, double confidence, double alpha,
                             const bs_unit_meta *units);

#endif
