#ifndef STREAMREC_CACHE_HINTS_H
#define STREAMREC_CACHE_HINTS_H
/* Swift has no prefetch intrinsic. A static inline function in a header is
 * compiled into the Swift module that imports it and inlined there. */
static inline __attribute__((always_inline)) void streamrec_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}
static inline __attribute__((always_inline)) void streamrec_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
#endif
