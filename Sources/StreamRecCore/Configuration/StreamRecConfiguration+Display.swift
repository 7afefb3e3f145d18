extension StreamRecConfiguration {
    /// Whether a librdkafka property holds a credential that must not be printed.
    public static func isSecret(property: String) -> Bool {
        let lowered = property.lowercased()
        return ["password", "secret", "jaas", "oauthbearer.config", "token", "credentials", "key.pem"]
            .contains { lowered.contains($0) }
    }

    /// Every setting as `key = value   # origin`, secrets masked, in the file's order.
    public func describe(origins: [String: String]) -> [ConfigurationRow] {
        var rows: [ConfigurationRow] = []
        for key in ConfigurationKey.all {
            if case .map(let get, _) = key.kind {
                for (property, value) in get(self).sorted(by: { $0.key < $1.key }) {
                    rows.append(
                        ConfigurationRow(
                            key: "\(key.path).\(property)",
                            value: Self.isSecret(property: property) ? "****" : value,
                            origin: origins[key.path] ?? "default"))
                }
            } else {
                let value = key.value(in: self)
                let masked = Self.isSecret(property: key.path) && !value.isEmpty ? "****" : value
                rows.append(ConfigurationRow(key: key.path, value: masked, origin: origins[key.path] ?? "default"))
            }
        }
        return rows
    }
}

/// One line of `streamrec config`.
public struct ConfigurationRow: Sendable, Equatable {
    public var key: String
    public var value: String
    /// `default`, `file NAME`, `env NAME` or the flag that set it.
    public var origin: String
}
