#include "kernels.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

/* Two passes rather than one that tracks positions: the smallest value with
 * independent accumulators (no dependency chain between iterations), then the
 * first element equal to it. */
__attribute__((target("avx2")))
static size_t first_index_of_minimum_avx2(const double *values, size_t count) {
    double smallest = values[0];
    size_t index = 0;
    if (count >= 16) {
        __m256d a = _mm256_loadu_pd(values), b = _mm256_loadu_pd(values + 4);
        __m256d c = _mm256_loadu_pd(values + 8), d = _mm256_loadu_pd(values + 12);
        for (index = 16; index + 16 <= count; index += 16) {
            a = _mm256_min_pd(a, _mm256_loadu_pd(values + index));
            b = _mm256_min_pd(b, _mm256_loadu_pd(values + index + 4));
            c = _mm256_min_pd(c, _mm256_loadu_pd(values + index + 8));
            d = _mm256_min_pd(d, _mm256_loadu_pd(values + index + 12));
        }
        __m256d m = _mm256_min_pd(_mm256_min_pd(a, b), _mm256_min_pd(c, d));
        __m128d half = _mm_min_pd(_mm256_castpd256_pd128(m), _mm256_extractf128_pd(m, 1));
        smallest = _mm_cvtsd_f64(_mm_min_sd(half, _mm_unpackhi_pd(half, half)));
    }
    for (; index < count; index++) smallest = values[index] < smallest ? values[index] : smallest;

    const __m256d target = _mm256_set1_pd(smallest);
    for (index = 0; index + 16 <= count; index += 16) {
        __m256d ab = _mm256_or_pd(_mm256_cmp_pd(_mm256_loadu_pd(values + index), target, _CMP_EQ_OQ),
                                  _mm256_cmp_pd(_mm256_loadu_pd(values + index + 4), target, _CMP_EQ_OQ));
        __m256d cd = _mm256_or_pd(_mm256_cmp_pd(_mm256_loadu_pd(values + index + 8), target, _CMP_EQ_OQ),
                                  _mm256_cmp_pd(_mm256_loadu_pd(values + index + 12), target, _CMP_EQ_OQ));
        if (_mm256_movemask_pd(_mm256_or_pd(ab, cd))) break;
    }
    while (values[index] != smallest) index++;
    return index;
}

/* The same two passes in 128-bit vectors, which every x86-64 processor has. */
static size_t first_index_of_minimum_sse2(const double *values, size_t count) {
    double smallest = values[0];
    size_t index = 0;
    if (count >= 8) {
        __m128d a = _mm_loadu_pd(values), b = _mm_loadu_pd(values + 2);
        __m128d c = _mm_loadu_pd(values + 4), d = _mm_loadu_pd(values + 6);
        for (index = 8; index + 8 <= count; index += 8) {
            a = _mm_min_pd(a, _mm_loadu_pd(values + index));
            b = _mm_min_pd(b, _mm_loadu_pd(values + index + 2));
            c = _mm_min_pd(c, _mm_loadu_pd(values + index + 4));
            d = _mm_min_pd(d, _mm_loadu_pd(values + index + 6));
        }
        __m128d m = _mm_min_pd(_mm_min_pd(a, b), _mm_min_pd(c, d));
        smallest = _mm_cvtsd_f64(_mm_min_sd(m, _mm_unpackhi_pd(m, m)));
    }
    for (; index < count; index++) smallest = values[index] < smallest ? values[index] : smallest;

    const __m128d target = _mm_set1_pd(smallest);
    for (index = 0; index + 8 <= count; index += 8) {
        __m128d ab = _mm_or_pd(_mm_cmpeq_pd(_mm_loadu_pd(values + index), target),
                               _mm_cmpeq_pd(_mm_loadu_pd(values + index + 2), target));
        __m128d cd = _mm_or_pd(_mm_cmpeq_pd(_mm_loadu_pd(values + index + 4), target),
                               _mm_cmpeq_pd(_mm_loadu_pd(values + index + 6), target));
        if (_mm_movemask_pd(_mm_or_pd(ab, cd))) break;
    }
    while (values[index] != smallest) index++;
    return index;
}

static int has_avx2(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    /* The processor must have AVX and the OS must save the YMM registers. */
    if (!(ecx & bit_OSXSAVE) || !(ecx & bit_AVX)) return 0;
    unsigned xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if ((xcr0_low & 0x6) != 0x6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx & bit_AVX2) != 0;
}
#endif

#if !defined(__x86_64__)
static size_t first_index_of_minimum_portable(const double *values, size_t count) {
    double smallest = values[0];
    for (size_t index = 1; index < count; index++) smallest = values[index] < smallest ? values[index] : smallest;
    size_t index = 0;
    while (values[index] != smallest) index++;
    return index;
}
#endif

size_t streamrec_first_index_of_minimum_baseline(const double *values, size_t count) {
#if defined(__x86_64__)
    return first_index_of_minimum_sse2(values, count);
#else
    return first_index_of_minimum_portable(values, count);
#endif
}

typedef size_t (*minimum_kernel)(const double *, size_t);

static size_t first_index_of_minimum_resolve(const double *values, size_t count);
/* Every thread that calls before the choice is made resolves it again and stores
 * the same pointer, so a relaxed atomic is enough. */
static minimum_kernel chosen = first_index_of_minimum_resolve;

static size_t first_index_of_minimum_resolve(const double *values, size_t count) {
#if defined(__x86_64__)
    minimum_kernel kernel = has_avx2() ? first_index_of_minimum_avx2 : first_index_of_minimum_sse2;
#else
    minimum_kernel kernel = first_index_of_minimum_portable;
#endif
    __atomic_store_n(&chosen, kernel, __ATOMIC_RELAXED);
    return kernel(values, count);
}

size_t streamrec_first_index_of_minimum(const double *values, size_t count) {
    return __atomic_load_n(&chosen, __ATOMIC_RELAXED)(values, count);
}
