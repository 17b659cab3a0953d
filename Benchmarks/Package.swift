// swift-tools-version: 6.1
//
// RLFit's benchmarks (ordo-one/benchmark), a separate package so that building and testing
// RLFit itself does not build the benchmark harness. Run from this folder:
//
//     swift package benchmark                      # all benchmarks
//     swift package benchmark --filter gradient    # one
import PackageDescription

let package = Package(
    name: "RLFitBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "RLFit", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"])
    ],
    targets: [
        .executableTarget(
            name: "GradientBenchmark",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RLModels", package: "RLFit"),
                .product(name: "ModelLanguage", package: "RLFit"),
                .product(name: "HandWrittenScan", package: "RLFit")
            ],
            path: "Benchmarks/GradientBenchmark",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "FitBenchmark",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RLFit", package: "RLFit"),
                .product(name: "RLModels", package: "RLFit"),
                .product(name: "Sampling", package: "RLFit"),
                .product(name: "Diagnostics", package: "RLFit")
            ],
            path: "Benchmarks/FitBenchmark",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
