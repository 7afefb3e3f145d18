import Foundation
import StreamRecTestSupport
import Testing

/// The dashboard in a real browser: `scripts/dashboard-check.sh` starts a demo,
/// loads the page in headless Chromium, and fails on a script or console error,
/// on a chart that received no data, or on an empty live list.
@Suite("Dashboard in headless Chromium", .timeLimit(.minutes(6)), .temporaryDirectories)
struct DashboardTests {
    @Test("Every chart receives data, the followed user's list fills, no console errors")
    func dashboardRendersLiveData() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"),
            "run scripts/install-deps.sh --test (make test does) to get chromium")
        let screenshot = try makeTemporaryDirectory("shot") + "/dashboard.png"
        let result = try await run(
            [packageRoot + "/scripts/dashboard-check.sh", "", screenshot],
            environment: ["DASHBOARD_CHECK_STREAMREC": streamrecExecutable], executable: "/bin/bash",
            timeout: .seconds(300))
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        for chart in ["throughput", "lag", "latency", "quality"] {
            #expect(result.stdout.contains("chart \(chart): "), "\(result.stdout)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
        #expect(size > 10_000, "a screenshot with content, got \(size) bytes")
    }
}
