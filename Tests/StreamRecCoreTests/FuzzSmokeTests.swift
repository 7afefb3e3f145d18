import Foundation
import StreamRecFuzzing
import Testing

/// A short run of every fuzz target from the repository's corpus (`make fuzz`
/// runs millions): each decoder accepts its seeds and rejects mutations with its
/// typed error, without crashing or hanging the test process.
@Suite struct FuzzSmokeTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")

    static func corpus(of target: String) throws -> [[UInt8]] {
        let folder = corpus.appendingPathComponent(target)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return try names.sorted().map { Array(try Data(contentsOf: folder.appendingPathComponent($0))) }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func mutatedInputsAreAcceptedOrRejected(target name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let inputs = name == "checkpoint" || name == "snapshot" ? 300 : 3_000
        let outcome = target.run(inputs: inputs, seed: 7, corpus: try Self.corpus(of: name))
        #expect(outcome.inputs == inputs)
        #expect(outcome.accepted > 0, "the seeds decode")
        #expect(outcome.rejected > 0, "mutations are rejected")
    }

    @Test func theCorpusHoldsEveryTarget() {
        for target in FuzzTarget.all {
            #expect(
                FileManager.default.fileExists(atPath: Self.corpus.appendingPathComponent(target.name).path),
                "\(target.name)")
        }
    }
}
