import Dispatch

/// Monotonic nanoseconds, for intervals and deadlines within one process: phase
/// timings, pacing, latencies measured on one machine.
package enum MonotonicClock {
    @inlinable
    package static func nanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
