/// One user's factor row and bias out of memory and back (see
/// ``Recommender/exportUser(_:)``).
extension LatentFactors {
    /// The user's factors then bias, or nil for a user without a row.
    func exportUser(_ id: String) -> [UInt8]? {
        guard let user = users.index(of: id) else { return nil }
        var w = BinaryWriter()
        w.write(block: Array(userFactors.row(Int(user))) + [userBias[Int(user)]])
        return w.bytes
    }

    /// Frees the user's row for reuse.
    mutating func removeUser(_ id: String) {
        guard let user = users.index(of: id) else { return }
        users.remove(user)
    }

    /// Puts back what ``exportUser(_:)`` gave.
    mutating func importUser(_ id: String, from bytes: [UInt8]) throws(StreamRecError) {
        var r = BinaryReader(bytes)
        let values: [Float] = try r.readBlock()
        guard values.count == userFactors.factors + 1, r.remaining == 0 else {
            throw StreamRecError.snapshot(
                "user '\(id)': \(values.count - 1) factors, the model has \(userFactors.factors)")
        }
        let user = self.user(id)
        userFactors.setRow(user, to: values.dropLast())
        userBias[user] = values.last!
    }
}
