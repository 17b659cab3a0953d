// swift-tools-version: 6.1
//
// RLFit: hierarchical Bayesian fits of reinforcement-learning models of choice.
// The module graph (DESIGN.md §7) is enforced here:
//
//   rlfit (RLFitCommandLine) → RLFit → {Sampling, Diagnostics, RLModels, ModelLanguage, Randomness}
//   {Sampling, RLModels} → LinearAlgebra (BLAS/LAPACK, single-threaded in one place) → CLAPACK
//   {Sampling, RLModels} → Randomness
//   {Sampling, Diagnostics, RLFit} → ParallelWork (the one parallel map: chains, optimizations, summaries)
//   RLModels → ModelLanguage (the model language and the lane machine)
//
// Each target lists exactly the modules it imports. Sampling, Diagnostics and RLModels never
// import each other; ModelLanguage, Randomness and ParallelWork import nothing of the package.
import PackageDescription

/// The numerical kernels (the vectorized scan, exp/log1p over subjects) are compiled for
/// x86-64 with AVX2 + FMA (every x86 server since 2013). On other architectures the
/// compiler's default target is used.
#if arch(x86_64)
    let vectorISA: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
    let vectorISA: [SwiftSetting] = []
#endif

/// The numerical modules are optimized in debug builds too: the tests fit real posteriors,
/// which take 100–200 times longer unoptimized (a 20-subject fit: ~1 s optimized, ~4 min not).
/// Test targets and the command line stay unoptimized in debug for fast rebuilds.
let numerics: [SwiftSetting] = vectorISA + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "RLFit",
    products: [
        // The `rlfit` command; its module is RLFitCommandLine (a folder named `rlfit` would
        // collide with `RLFit` on macOS's case-insensitive disks).
        .executable(name: "rlfit", targets: ["RLFitCommandLine"]),
        .library(name: "RLFit", targets: ["RLFit"]),
        .library(name: "RLModels", targets: ["RLModels"]),
        .library(name: "ModelLanguage", targets: ["ModelLanguage"]),
        .library(name: "Sampling", targets: ["Sampling"]),
        .library(name: "Diagnostics", targets: ["Diagnostics"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "Randomness", targets: ["Randomness"]),
        // The hand-written scan the seven built-in models replaced, frozen: the reference the
        // model language is tested (equal to 1e-12) and benchmarked (cost ratio) against.
        .library(name: "HandWrittenScan", targets: ["HandWrittenScan"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3")
    ],
    targets: [
        .systemLibrary(
            name: "CLAPACK",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev", "pkg-config"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CLAPACK"], swiftSettings: numerics),
        .target(name: "Randomness", swiftSettings: numerics),
        .target(name: "ParallelWork"),
        .target(
            name: "Sampling", dependencies: ["LinearAlgebra", "Randomness", "ParallelWork"], swiftSettings: numerics),
        .target(name: "Diagnostics", dependencies: ["ParallelWork"], swiftSettings: numerics),
        .target(
            name: "ModelLanguage",
            swiftSettings: numerics + [.unsafeFlags(["-wmo", "-num-threads", "2"], .when(configuration: .debug))]),
        .target(
            name: "RLModels", dependencies: ["ModelLanguage", "LinearAlgebra", "Randomness"], swiftSettings: numerics,
            plugins: ["EmbedModelFiles"]),
        // The built-in model files (models/*.rlm) are compiled into RLModels as text.
        .executableTarget(name: "EmbedModelFilesTool", path: "Plugins/EmbedModelFilesTool"),
        .plugin(
            name: "EmbedModelFiles", capability: .buildTool(), dependencies: ["EmbedModelFilesTool"],
            path: "Plugins/EmbedModelFiles"),
        .target(
            name: "RLFit",
            dependencies: [
                "Sampling", "Diagnostics", "RLModels", "ModelLanguage", "Randomness",
                .product(name: "Crypto", package: "swift-crypto")
            ],
            swiftSettings: numerics
        ),
        .executableTarget(
            name: "RLFitCommandLine",
            dependencies: [
                "RLFit", "RLModels", "ModelLanguage", "Sampling",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ],
            swiftSettings: vectorISA
        ),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"], swiftSettings: vectorISA),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"], swiftSettings: vectorISA),
        .testTarget(name: "ParallelWorkTests", dependencies: ["ParallelWork"]),
        .testTarget(
            name: "SamplingTests", dependencies: ["Sampling", "LinearAlgebra", "Randomness", "Diagnostics"],
            swiftSettings: vectorISA),
        .testTarget(
            name: "DiagnosticsTests", dependencies: ["Diagnostics"], resources: [.copy("Fixtures")],
            swiftSettings: vectorISA),
        .target(
            name: "HandWrittenScan", dependencies: ["RLModels", "ModelLanguage"], path: "Tests/HandWrittenScan",
            swiftSettings: numerics),
        .testTarget(
            name: "ModelLanguageTests",
            dependencies: ["ModelLanguage", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: vectorISA),
        .testTarget(
            name: "RLModelsTests", dependencies: ["RLModels", "ModelLanguage", "Randomness", "HandWrittenScan"],
            resources: [.copy("Fixtures")], swiftSettings: vectorISA),
        .testTarget(
            name: "RLFitTests",
            dependencies: [
                "RLFit", "RLModels", "Sampling", "Diagnostics", "Randomness",
                .product(name: "Crypto", package: "swift-crypto")
            ], resources: [.copy("Fixtures")], swiftSettings: vectorISA),
        .testTarget(name: "CLITests", dependencies: ["RLFitCommandLine"], swiftSettings: vectorISA)
    ]
)
