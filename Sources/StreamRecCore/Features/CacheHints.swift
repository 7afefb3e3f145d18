import CCacheHints

/// Prefetches, for writing, every cache line of the `bytes` bytes at `raw`.
@inline(__always)
func prefetchLines(_ raw: UnsafeRawPointer, bytes: Int) {
    var offset = 0
    while offset < bytes {
        streamrec_prefetch_for_write(raw + offset)
        offset += 64
    }
    // The last line, when the run does not start on a line boundary.
    if bytes > 0 { streamrec_prefetch_for_write(raw + bytes - 1) }
}
