/// When a batch of events is large enough for batch-wide work to pay: updating
/// independent parts of the state on two threads (``Parallel/run(_:_:_:_:)``), or
/// preparing once what the refreshes that follow it (one per user it touched) all
/// need. Below it, handing work to another thread or preparing ahead costs more
/// than it saves.
package enum LargeBatch {
    package static let minimumEvents = 64
}
