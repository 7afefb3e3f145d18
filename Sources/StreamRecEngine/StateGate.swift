import Foundation

/// A readers-writer lock between the processing thread, which writes the state,
/// and HTTP reads of it. The processing thread holds it for writing except while
/// it waits in `poll`, so reads run between batches and never see a batch half
/// applied; a read holds it for one ranking, a fraction of a millisecond.
///
/// Writers are preferred: once the processing thread asks, new readers wait, so a
/// stream of requests cannot hold back the stream of events.
///
/// `@unchecked Sendable`: the pthread lock is the synchronisation; its storage is
/// allocated once and never moves.
final class StateGate: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        #if os(Linux)
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        #endif
        pthread_rwlock_init(lock, &attributes)
        pthread_rwlockattr_destroy(&attributes)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func lockForWriting() { pthread_rwlock_wrlock(lock) }

    func unlock() { pthread_rwlock_unlock(lock) }

    /// Runs `body` while no writer holds the lock.
    func read<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
