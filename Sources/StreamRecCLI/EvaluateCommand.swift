import ArgumentParser
import Foundation
import StreamRecCore

/// `streamrec evaluate`: the models over a historical log, offline.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate models on a historical log: prequential ranking metrics, or k-fold rating error.",
        discussion: """
            Reads the same formats as `replay`, sorts the events by event time, then:

              --protocol prequential (default): for every event, each model first ranks the \
            user's top N (consumed items excluded, but for those features.recommend_again lets \
            back: --recommend-again), the hit is scored, then the model learns the event. Reports Recall@N (= HR@N), NDCG@N, MRR@N over all events and over \
            users with history, catalog coverage, RMSE/MAE for rating models, learn events/s \
            and rank time per event.

              --protocol kfold: biased MF fitted on k-1 folds in several passes and scored \
            on the held-out fold, as Surprise's cross_validate does; per-fold and mean RMSE/MAE.

            Models: isgd, raisgd, bpr, biased-mf, popularity, popularity-cumulative, popularity-recent, \
            cooccurrence, transitions, category-popularity, hybrid. Hyper-parameters come from the `model` config \
            section.
            """
    )

    @OptionGroup var global: OfflineOptions
    @OptionGroup var input: LogInputOptions

    @Option(help: ArgumentHelp("Models to compare, comma-separated.", valueName: "names"))
    var models = "isgd,bpr,popularity,cooccurrence,hybrid"

    @Option(name: .customLong("top-n"), help: "N of the ranking metrics.")
    var topN = 10

    @Option(
        name: .customLong("positive-threshold"),
        help: "Only events with a value at or above this are hits to find (e.g. 4 for ratings).")
    var positiveThreshold: Double?

    @Option(help: "prequential or kfold.")
    var `protocol` = "prequential"

    @Option(help: "Folds for --protocol kfold.")
    var folds = 5

    @Option(help: "Evaluate only the first N events (in time order).")
    var limit: Int?

    @Option(
        name: .customLong("score-from"),
        help: ArgumentHelp(
            "Score only the events after this share of the stream (0.5: the second half); the models learn the events before it unscored.",
            valueName: "fraction"))
    var scoreFrom = 0.0

    @Option(
        name: .customLong("recommend-again"),
        help: ArgumentHelp(
            "Event types whose items may come back once the user moved on (features.recommend_again), e.g. view,click; 'none' for none.",
            valueName: "types"))
    var recommendAgain: String?

    @Option(
        name: .customLong("recommend-again-after"),
        help: ArgumentHelp(
            "Distinct items the user moves on by before such an item comes back (features.recommend_again_after).",
            valueName: "n"))
    var recommendAgainAfter: Int?

    @Flag(help: "One JSON object for machines instead of the table.")
    var json = false

    @Option(
        help: ArgumentHelp("Write rolling Recall@N over event time per model as SVG (or .html).", valueName: "file"))
    var plot: String?

    @Flag(name: .customLong("no-progress"), help: "No progress line, even on a terminal.")
    var noProgress = false

    func validate() throws {
        if input.files.isEmpty {
            throw ValidationError("give at least one log file to \(Self.configuration.commandName!)")
        }
        guard ["prequential", "kfold"].contains(`protocol`) else {
            throw ValidationError("--protocol must be prequential or kfold")
        }
        guard (1...1_000).contains(topN) else { throw ValidationError("--top-n must be between 1 and 1000") }
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        guard (0..<1).contains(scoreFrom) else {
            throw ValidationError(
                "--score-from is a share of the stream, at least 0 and below 1 (0.5: the second half)")
        }
        if let plot, !plot.lowercased().hasSuffix(".svg"), !plot.lowercased().hasSuffix(".html") {
            throw ValidationError(
                "--plot writes SVG: name the file FILE.svg, or FILE.html for a page around it; got '\(plot)'")
        }
        for name in models.split(separator: ",") where !ModelCatalog.names.contains(String(name)) {
            throw ValidationError("unknown model '\(name)'; models are \(ModelCatalog.names.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let context = try CommandContext(global, label: "evaluate")
        let configuration = try exclusionApplied(to: context.configuration)
        var events: [Event] = []
        var invalid = 0
        try input.forEachEvent(
            schema: configuration.events, readers: try input.openReaders(),
            onInvalid: { _, _ in invalid += 1 },
            onEvent: { event, _ in
                events.append(event)
                return true
            })
        events.sort { $0.timestampMilliseconds < $1.timestampMilliseconds }
        if let limit { events = Array(events.prefix(limit)) }
        let dataset = input.files.map { ($0 as NSString).lastPathComponent }.joined(separator: ",")

        if `protocol` == "kfold" {
            let results = KFoldEvaluation.run(
                ratings: events, folds: folds, schema: configuration.events,
                settings: configuration.model.settings, seed: configuration.model.settings.seed)
            EvaluationReport.printKFold(results, dataset: dataset, events: events.count, json: json)
            return
        }
        let names = models.split(separator: ",").map(String.init)
        let instances = try names.map {
            try ModelCatalog.make(
                $0, schema: configuration.events, features: configuration.features,
                settings: configuration.model.settings)
        }
        var options = PrequentialEvaluation.Options()
        options.topN = topN
        options.positiveThreshold = positiveThreshold
        options.rollingWindow = max(100, events.count / 200)
        options.scoreFrom = Int(scoreFrom * Double(events.count))
        options.exclusion = configuration.features
        var progress = ReplayProgress(enabled: !noProgress)
        let total = events.count
        let results = PrequentialEvaluation.run(
            models: instances, events: events, ratingRange: configuration.events.ratingRange,
            options: options
        ) { done in
            progress.update(sent: done, rejected: invalid, fraction: Double(done) / Double(max(total, 1)))
        }
        progress.finish()
        EvaluationReport.printPrequential(
            results, dataset: dataset, events: events.count, scoredFrom: options.scoreFrom, topN: topN,
            exclusion: configuration.features, json: json)
        if let plot {
            let svg = RecallPlot.svg(results, topN: topN)
            let page =
                plot.lowercased().hasSuffix(".html")
                ? "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>StreamRec evaluation</title></head><body>\n\(svg)</body></html>\n"
                : svg
            try page.write(toFile: plot, atomically: false, encoding: .utf8)
            if !json { print("plot: \(plot)") }
        }
    }

    /// The configuration with --recommend-again and --recommend-again-after, checked as the file's keys are.
    private func exclusionApplied(to configuration: StreamRecConfiguration) throws -> StreamRecConfiguration {
        var configuration = configuration
        if let recommendAgain {
            configuration.features.recommendAgainTypes =
                recommendAgain == "none" ? [] : recommendAgain.split(separator: ",").map(String.init)
        }
        if let recommendAgainAfter { configuration.features.recommendAgainAfter = recommendAgainAfter }
        try configuration.features.validate(eventTypes: Array(configuration.events.weights.keys))
        return configuration
    }
}
