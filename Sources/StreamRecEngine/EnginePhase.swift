/// Where an engine's run is, for readiness probes.
package enum EnginePhase: String, Sendable, Equatable {
    /// Connecting and joining the group; nothing assigned yet.
    case starting
    /// Restoring assigned partitions from the changelog, or between a revocation
    /// and the next assignment.
    case rebalancing
    /// Partitions assigned and state in place: events flow.
    case processing
    /// Checkpoints cannot be written (the state directory is full or
    /// unwritable): consumption is paused, and resumes once one is.
    case held
    /// Finishing: publishing pending refreshes, the final checkpoint.
    case stopping
    case stopped
}
