import StreamRecCore
import StreamRecTestSupport
import Testing

@testable import StreamRecEngine

@Suite("Refresh coalescing")
struct RefreshSchedulerTests {
    typealias Source = Recommendation.Source
    static let ms: UInt64 = 1_000_000

    func source(_ offset: Int64) -> Source { Source(partition: 0, offset: offset, eventTime: offset * 1000) }

    @Test("A quiet user's first event is refreshed at once")
    func quietUserImmediately() {
        var scheduler = RefreshScheduler(windowNanoseconds: 100 * Self.ms)
        let now = scheduler.schedule([("u1", source(1))], now: 1_000 * Self.ms)
        #expect(now.map(\.user) == ["u1"])
        #expect(scheduler.nextDue == nil)
    }

    @Test("A burst of 20 events, one per millisecond, gives one update at once and one trailing update")
    func burstGivesTwoUpdates() {
        var scheduler = RefreshScheduler(windowNanoseconds: 100 * Self.ms)
        var updates: [(time: UInt64, source: Source)] = []
        var clock = 1_000 * Self.ms
        for offset in 0..<20 {
            clock += Self.ms
            for refresh in scheduler.due(now: clock) + scheduler.schedule([("u1", source(Int64(offset)))], now: clock) {
                updates.append((clock, refresh.source))
                scheduler.refreshed(refresh.user, now: clock)
            }
        }
        #expect(updates.count == 1)
        let due = try! #require(scheduler.nextDue)
        #expect(due == 1_001 * Self.ms + 100 * Self.ms, "the trailing update comes one window after the first")
        #expect(scheduler.due(now: due - 1).isEmpty)
        let trailing = scheduler.due(now: due)
        #expect(trailing.map(\.source.offset) == [19], "the trailing update carries the newest event")
        #expect(scheduler.pendingCount == 0)
    }

    @Test("After the window, the next event is answered at once again; a pending trailing refresh is overtaken")
    func afterWindowImmediate() {
        var scheduler = RefreshScheduler(windowNanoseconds: 100 * Self.ms)
        _ = scheduler.schedule([("u1", source(1))], now: 0 + 1)
        scheduler.refreshed("u1", now: 1)
        #expect(scheduler.schedule([("u1", source(2))], now: 50 * Self.ms).isEmpty)
        // The window ended but nobody asked for due refreshes yet: the new event takes over.
        let now = scheduler.schedule([("u1", source(3))], now: 150 * Self.ms)
        #expect(now.map(\.source.offset) == [3])
        #expect(scheduler.due(now: 1_000 * Self.ms).isEmpty, "no second refresh for the overtaken trailing one")
    }

    @Test("Shutdown drains every waiting refresh with its newest event")
    func drain() {
        var scheduler = RefreshScheduler(windowNanoseconds: 100 * Self.ms)
        for user in ["a", "b"] {
            _ = scheduler.schedule([(user, source(1))], now: 1)
            scheduler.refreshed(user, now: 1)
            _ = scheduler.schedule([(user, source(2))], now: 2)
            _ = scheduler.schedule([(user, source(5))], now: 3)
        }
        let drained = scheduler.drain()
        #expect(drained.map(\.user) == ["a", "b"])
        #expect(drained.map(\.source.offset) == [5, 5])
        #expect(scheduler.nextDue == nil)
    }

    @Test("Window 0 refreshes on every batch")
    func zeroWindow() {
        var scheduler = RefreshScheduler(windowNanoseconds: 0)
        for time in 1...3 as ClosedRange<UInt64> {
            #expect(scheduler.schedule([("u", source(Int64(time)))], now: time).count == 1)
            scheduler.refreshed("u", now: time)
        }
    }
}
