import ArgumentParser
import Foundation
import StreamRecFuzzing

/// `streamrec-fuzz`: mutation fuzzing of every decoder of outside bytes (see
/// `FuzzTarget.all`), from the corpus in `Fuzz/corpus/TARGET/`. An input that
/// crashes or hangs a decoder is saved to `Fuzz/findings/` and the run fails.
@main
struct StreamRecFuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streamrec-fuzz",
        abstract: "Fuzz StreamRec's decoders: every input must be accepted or rejected with a typed error.",
        discussion: "Targets: "
            + FuzzTarget.all.map { "\($0.name) (\($0.summary))" }.joined(separator: "; "))

    @Option(name: .customLong("target"), help: "A target to fuzz (repeatable; default: all).")
    var targets: [String] = []
    @Option(help: "Inputs per target.") var inputs = 1_000_000
    @Option(help: "Seed of the mutations: the same seed replays the same inputs.") var seed: UInt64 = 1
    @Option(help: "Corpus folder: one subfolder of input files per target.") var corpus = "Fuzz/corpus"
    @Option(help: "Where crashing or hanging inputs are saved.") var findings = "Fuzz/findings"
    @Flag(help: "Write each target's built-in seeds into the corpus folder, then fuzz.") var writeCorpus = false
    @Option(help: "Decode this one input with the (one) --target instead of fuzzing: to replay a finding.")
    var replay: String?

    func validate() throws {
        for name in targets where FuzzTarget.named(name) == nil {
            throw ValidationError(
                "unknown target '\(name)': one of \(FuzzTarget.all.map(\.name).joined(separator: ", "))")
        }
        guard inputs > 0 else { throw ValidationError("--inputs must be positive") }
    }

    func run() throws {
        if let replay {
            guard targets.count == 1, let target = FuzzTarget.named(targets[0]) else {
                throw ValidationError("--replay needs exactly one --target")
            }
            let input = target.prepare(Array(try Data(contentsOf: URL(fileURLWithPath: replay))))
            print("REPLAY target=\(target.name) bytes=\(input.count) accepted=\(target.decode(input))")
            return
        }
        let selected = targets.isEmpty ? FuzzTarget.all : targets.compactMap(FuzzTarget.named)
        for target in selected {
            let folder = "\(corpus)/\(target.name)"
            if writeCorpus { try write(target.seeds(), to: folder) }
            let extra = try read(folder)
            CrashGuard.install(target: target.name, directory: findings)
            let watchdog = CrashGuard.watchForHangs(limit: .seconds(5), target: target.name, directory: findings)
            let start = Date()
            let outcome = target.run(inputs: inputs, seed: seed, corpus: extra, willRun: CrashGuard.record)
            watchdog.cancel()
            let seconds = Date().timeIntervalSince(start)
            print(
                String(
                    format: "FUZZ target=%@ inputs=%d accepted=%d rejected=%d corpus=%d seconds=%.1f per_s=%.0f",
                    target.name, outcome.inputs, outcome.accepted, outcome.rejected, extra.count, seconds,
                    Double(outcome.inputs) / max(seconds, 1e-9)))
        }
    }

    private func read(_ folder: String) throws -> [[UInt8]] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return try names.sorted().map { name in
            Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name)")))
        }
    }

    private func write(_ seeds: [[UInt8]], to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (k, seed) in seeds.enumerated() {
            try Data(seed).write(to: URL(fileURLWithPath: "\(folder)/seed-\(k).bin"))
        }
    }
}
