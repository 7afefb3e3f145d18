import StreamRecCore
import StreamRecTestSupport
import Testing

@testable import StreamRecEngine

@Suite("Periodic refresh of drifted lists")
struct PeriodicRefresherTests {
    typealias Source = Recommendation.Source
    static let ms: UInt64 = 1_000_000

    func source(_ offset: Int64, partition: Int32 = 0) -> Source {
        Source(partition: partition, offset: offset, eventTime: offset * 1000)
    }

    func refresher(maxUsers: Int = 100) -> PeriodicRefresher {
        PeriodicRefresher(
            interval: 1_000 * Self.ms, activeWindow: 10_000 * Self.ms, driftEvents: 100, maxUsers: maxUsers)
    }

    @Test("Off by default: nothing is ever due")
    func off() {
        var refresher = PeriodicRefresher(configuration: StreamRecConfiguration().engine)
        refresher.noteUpdate("u1", source: source(1), eventsApplied: 0, now: 0, causedByEvent: true)
        for second in 0..<5 {
            #expect(refresher.due(now: UInt64(second) * 1_000 * Self.ms, eventsApplied: 1_000_000).isEmpty)
        }
        #expect(refresher.activeCount == 0)
    }

    @Test("Once per interval, active users whose list drifted are refreshed with their last source")
    func drifted() {
        var refresher = refresher()
        refresher.noteUpdate("drifted", source: source(7), eventsApplied: 10, now: 0, causedByEvent: true)
        refresher.noteUpdate("fresh", source: source(8), eventsApplied: 150, now: 0, causedByEvent: true)
        #expect(refresher.due(now: 0, eventsApplied: 200).isEmpty, "the first call only arms the clock")
        #expect(refresher.due(now: 999 * Self.ms, eventsApplied: 200).isEmpty, "not before the interval")
        let round = refresher.due(now: 1_000 * Self.ms, eventsApplied: 200)
        #expect(round.map(\.user) == ["drifted"], "fresh is 50 events old, under the 100 of drift")
        #expect(round.first?.source == source(7))
        #expect(refresher.due(now: 1_500 * Self.ms, eventsApplied: 1_000).isEmpty, "one round per interval")
    }

    @Test("A periodic update resets the drift but does not keep a quiet user active")
    func periodicUpdatesDoNotExtendActivity() {
        var refresher = refresher()
        refresher.noteUpdate("u1", source: source(1), eventsApplied: 0, now: 0, causedByEvent: true)
        _ = refresher.due(now: 0, eventsApplied: 0)
        var rounds = 0
        var applied: Int64 = 0
        for second in 1...20 {
            applied += 500
            let round = refresher.due(now: UInt64(second) * 1_000 * Self.ms, eventsApplied: applied)
            for refresh in round {
                refresher.noteUpdate(
                    refresh.user, source: refresh.source, eventsApplied: applied,
                    now: UInt64(second) * 1_000 * Self.ms, causedByEvent: false)
            }
            rounds += round.count
        }
        #expect(rounds == 9, "refreshed each second while active (1…9 s); its activity ends at 10 s")
        #expect(refresher.activeCount == 0)
    }

    @Test("A round refreshes at most max_users, stalest first")
    func boundedStalestFirst() {
        var refresher = refresher(maxUsers: 2)
        for (user, computedAt) in [("a", 40), ("b", 10), ("c", 30), ("d", 20)] {
            refresher.noteUpdate(
                user, source: source(Int64(computedAt)), eventsApplied: Int64(computedAt), now: 0, causedByEvent: true)
        }
        _ = refresher.due(now: 0, eventsApplied: 0)
        #expect(refresher.due(now: 1_000 * Self.ms, eventsApplied: 1_000).map(\.user) == ["b", "d"])
    }

    @Test("Users of revoked partitions are left to their new owner")
    func forgetsRevokedPartitions() {
        var refresher = refresher()
        refresher.noteUpdate("kept", source: source(1, partition: 0), eventsApplied: 0, now: 0, causedByEvent: true)
        refresher.noteUpdate("moved", source: source(1, partition: 3), eventsApplied: 0, now: 0, causedByEvent: true)
        refresher.forget(partitions: [3])
        _ = refresher.due(now: 0, eventsApplied: 0)
        #expect(refresher.due(now: 1_000 * Self.ms, eventsApplied: 1_000).map(\.user) == ["kept"])
    }
}
