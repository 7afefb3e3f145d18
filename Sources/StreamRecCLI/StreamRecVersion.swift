/// The release of StreamRec this binary is, for `streamrec --version`.
enum StreamRecVersion {
    static let current = "0.5.0"
}
