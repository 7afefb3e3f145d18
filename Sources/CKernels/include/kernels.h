#ifndef STREAMREC_KERNELS_H
#define STREAMREC_KERNELS_H
#include <stddef.h>

/* Scans of a neighbour table's weights that the Swift build, which targets the
 * x86-64 baseline (SSE2), cannot widen by itself: each is compiled for AVX2 too
 * and picks that version at run time when the processor has it. */

/// The index of the first smallest of `count` > 0 doubles, none of them NaN.
size_t streamrec_first_index_of_minimum(const double *values, size_t count);

/// The same, always without AVX2: what a processor without it runs (for tests).
size_t streamrec_first_index_of_minimum_baseline(const double *values, size_t count);

#endif
