import Foundation
import StreamRecCore

/// Evaluation results as a table for people or one JSON object for machines.
enum EvaluationReport {
    static func printPrequential(
        _ results: [PrequentialEvaluation.Result], dataset: String, events: Int, scoredFrom: Int = 0, topN: Int,
        exclusion: FeatureSettings = FeatureSettings(), json: Bool
    ) {
        if json {
            let models: [[String: Any]] = results.map { result in
                [
                    "model": result.model,
                    "recall_at_\(topN)": result.recall,
                    "ndcg_at_\(topN)": result.ndcg,
                    "mrr_at_\(topN)": result.mrr,
                    "recall_at_\(topN)_known_users": result.recallKnown,
                    "coverage": result.coverage,
                    "rmse": result.rmse ?? NSNull(),
                    "mae": result.mae ?? NSNull(),
                    "learn_events_per_second": result.learnEventsPerSecond,
                    "rank_ms_per_event": result.rankMillisecondsPerEvent,
                    "evaluated": result.evaluated,
                ] as [String: Any]
            }
            var object: [String: Any] = [
                "dataset": dataset, "events": events, "protocol": "prequential", "top_n": topN, "models": models,
                "scored_from": scoredFrom, "recommend_again": exclusion.recommendAgainTypes,
                "recommend_again_after": exclusion.recommendAgainAfter,
            ]
            if let first = results.first {
                object["unreachable"] = [
                    "new_item": first.unreachableNewItem, "repeat_of_consumed": first.unreachableRepeat,
                    "reachable_recall": first.reachableRecall,
                ]
            }
            emit(object)
            return
        }
        let again = exclusion.recommendAgainTypes
        print(
            "dataset \(dataset): \(events) events, prequential, top-\(topN), consumed items excluded"
                + (again.isEmpty
                    ? ""
                    : " but for items only \(again.joined(separator: "/")) events touched, back once the user "
                        + "moved on by \(exclusion.recommendAgainAfter) items"))
        if scoredFrom > 0 {
            print("scored from event \(scoredFrom + 1) on: the \(scoredFrom) before it were learned, not scored")
        }
        if let first = results.first, first.evaluated > 0 {
            let share = { (count: Int) in String(format: "%.1f%%", 100 * Double(count) / Double(first.evaluated)) }
            print(
                """
                of \(first.evaluated) positives, \(first.unreachableNewItem) (\(share(first.unreachableNewItem))) are an \
                item's first appearance and \(first.unreachableRepeat) (\(share(first.unreachableRepeat))) repeat an item \
                the user consumed and that is left out: no ranking can hit those, so Recall@\(topN) is at most \(f(first.reachableRecall))
                """)
        }
        let header = [
            "model", "recall@\(topN)", "ndcg@\(topN)", "mrr@\(topN)", "recall(known)", "coverage", "rmse", "mae",
            "learn ev/s", "rank ms/ev",
        ]
        let rows = results.map { r in
            [
                r.model, f(r.recall), f(r.ndcg), f(r.mrr), f(r.recallKnown), f(r.coverage), r.rmse.map(f) ?? "-",
                r.mae.map(f) ?? "-",
                String(format: "%.0f", r.learnEventsPerSecond), String(format: "%.3f", r.rankMillisecondsPerEvent),
            ]
        }
        printTable(header, rows)
    }

    static func printKFold(_ folds: [KFoldEvaluation.Fold], dataset: String, events: Int, json: Bool) {
        let meanRMSE = folds.map(\.rmse).reduce(0, +) / Double(folds.count)
        let meanMAE = folds.map(\.mae).reduce(0, +) / Double(folds.count)
        if json {
            emit([
                "dataset": dataset, "events": events, "protocol": "kfold",
                "folds": folds.map { ["rmse": $0.rmse, "mae": $0.mae] },
                "models": [["model": "biased-mf", "rmse": meanRMSE, "mae": meanMAE] as [String: Any]],
            ])
            return
        }
        print("dataset \(dataset): \(events) ratings, \(folds.count)-fold cross-validation of biased-mf")
        var rows = folds.enumerated().map { ["fold \($0.offset + 1)", f($0.element.rmse), f($0.element.mae)] }
        rows.append(["mean", f(meanRMSE), f(meanMAE)])
        printTable(["", "rmse", "mae"], rows)
    }

    private static func f(_ value: Double) -> String { String(format: "%.4f", value) }

    private static func emit(_ object: [String: Any]) {
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            print(String(decoding: data, as: UTF8.self))
        }
    }

    private static func printTable(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            print(
                row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(
                    separator: "  "))
        }
    }
}
