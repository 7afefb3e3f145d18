/// One decoder under fuzzing: valid seed inputs, how a mutated input is made
/// ready (a checksummed snapshot is sealed again, so that the decoder behind the
/// checksum is reached), and the decoder itself, which must accept the input or
/// reject it with its typed error: anything else is a crash or a hang.
package struct FuzzTarget: Sendable {
    package let name: String
    package let summary: String
    /// Valid inputs, built here; files in the corpus folder are added to them.
    package let seeds: @Sendable () -> [[UInt8]]
    package let prepare: @Sendable ([UInt8]) -> [UInt8]
    /// Decodes; true when the input was accepted.
    package let decode: @Sendable ([UInt8]) -> Bool

    init(
        _ name: String, _ summary: String, seeds: @escaping @Sendable () -> [[UInt8]],
        prepare: @escaping @Sendable ([UInt8]) -> [UInt8] = { $0 },
        decode: @escaping @Sendable ([UInt8]) -> Bool
    ) {
        self.name = name
        self.summary = summary
        self.seeds = seeds
        self.prepare = prepare
        self.decode = decode
    }
}

/// What a run of one target did.
package struct FuzzOutcome: Sendable, Equatable {
    package var inputs = 0
    package var accepted = 0
    package var rejected: Int { inputs - accepted }
}

extension FuzzTarget {
    /// Runs `inputs` mutated inputs from `corpus` (the seeds when empty), seeded.
    /// `willRun` sees each input first: a crash handler keeps it to save it.
    package func run(
        inputs: Int, seed: UInt64, corpus extra: [[UInt8]] = [], willRun: ([UInt8]) -> Void = { _ in }
    ) -> FuzzOutcome {
        let corpus = seeds() + extra
        var mutator = Mutator(seed: seed)
        var outcome = FuzzOutcome()
        for _ in 0..<inputs {
            let base = corpus.isEmpty ? [] : corpus[mutator.below(corpus.count)]
            let other = corpus.isEmpty ? [] : corpus[mutator.below(corpus.count)]
            // One input in sixteen is a seed unchanged: the accepting paths stay covered.
            let input = prepare(mutator.below(16) == 0 ? base : mutator.mutate(base, other: other))
            willRun(input)
            if decode(input) { outcome.accepted += 1 }
            outcome.inputs += 1
        }
        return outcome
    }
}
