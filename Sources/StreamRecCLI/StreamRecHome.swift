import Foundation

/// StreamRec's per-user folder on this machine: `$STREAMREC_HOME`, default
/// `~/.streamrec`. It holds the local broker's address file and the demo's state.
enum StreamRecHome {
    static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["STREAMREC_HOME"]
            ?? ((environment["HOME"] ?? NSTemporaryDirectory()) as NSString).appendingPathComponent(".streamrec")
    }
}
