// swift-tools-version:6.1
import PackageDescription

/// Settings every Swift target shares: Swift 6 mode is the default for tools 6.x;
/// `ExistentialAny` keeps existential costs visible at the call site.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "StreamRec",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "streamrec", targets: ["streamrec"]),
        .library(name: "StreamRecKafka", targets: ["StreamRecKafka"]),
        .library(name: "StreamRecCore", targets: ["StreamRecCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CRocksDB",
            pkgConfig: "rocksdb",
            providers: [.apt(["librocksdb-dev"])]
        ),
        // Prefetch hints for the feature store's batch path (header only).
        .systemLibrary(name: "CCacheHints"),
        .target(
            name: "StreamRecKafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The embedded key-value store of the engine's tiered user state.
        .target(
            name: "StreamRecStorage",
            dependencies: ["CRocksDB"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StreamRecCore",
            dependencies: [
                "CZlib",
                "CCacheHints",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StreamRecEngine",
            dependencies: [
                "StreamRecCore",
                "StreamRecStorage",
                "StreamRecKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP API, metrics and dashboard, over the engine's live state or the
        // recommendations topic (`streamrec serve`).
        .target(
            name: "StreamRecHTTP",
            dependencies: [
                "StreamRecCore",
                "StreamRecEngine",
                "StreamRecKafka",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StreamRecCLI",
            dependencies: [
                "StreamRecCore",
                "StreamRecKafka",
                "StreamRecEngine",
                "StreamRecHTTP",
                "CZlib",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "streamrec",
            dependencies: ["StreamRecCLI"],
            swiftSettings: swiftSettings
        ),
        // Mutation fuzzing of the decoders of outside bytes (`make fuzz`).
        .target(
            name: "StreamRecFuzzing",
            dependencies: ["StreamRecCore"],
            path: "Fuzz/StreamRecFuzzing",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "streamrec-fuzz",
            dependencies: [
                "StreamRecFuzzing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Fuzz/streamrec-fuzz",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "streamrec-bench",
            dependencies: [
                "StreamRecKafka",
                "StreamRecCore",
                "StreamRecEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/StreamRecBench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StreamRecKafkaTests",
            dependencies: ["StreamRecKafka", "StreamRecTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StreamRecCoreTests",
            dependencies: ["StreamRecCore", "StreamRecFuzzing"],
            swiftSettings: swiftSettings
        ),
        // What the test targets share: event generators, direct counts, the test
        // logger, per-test temporary directories, produce helpers.
        .target(
            name: "StreamRecTestSupport",
            dependencies: [
                "StreamRecCore",
                "StreamRecKafka",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/StreamRecTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StreamRecEngineTests",
            dependencies: ["StreamRecEngine", "StreamRecKafka", "StreamRecCore", "StreamRecTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StreamRecCLITests",
            dependencies: [
                "StreamRecCLI", "StreamRecKafka", "StreamRecCore", "StreamRecEngine", "StreamRecTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StreamRecHTTPTests",
            dependencies: [
                "StreamRecHTTP", "StreamRecCore", "StreamRecEngine", "StreamRecTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
