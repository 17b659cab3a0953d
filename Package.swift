// swift-tools-version: 6.1
//
// RLFit: hierarchical Bayesian fits of reinforcement-learning models of choice.
// The module graph (DESIGN.md §7) is enforced here:
//
//   rlfit → RLFit → {Sampling, Diagnostics, RLModels} → LinearAlgebra → CLAPACK
//                   {Sampling, RLModels} → Randomness
//
// Sampling, Diagnostics and RLModels never import each other.
import PackageDescription

/// The numerical kernels (the vectorized scan, exp/log1p over subjects) are compiled for
/// x86-64 with AVX2 + FMA (every x86 server since 2013). On other architectures the
/// compiler's default target is used.
#if arch(x86_64)
let vectorISA: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let vectorISA: [SwiftSetting] = []
#endif

let package = Package(
    name: "RLFit",
    products: [
        .executable(name: "rlfit", targets: ["rlfit"]),
        .library(name: "RLFit", targets: ["RLFit"]),
        .library(name: "RLModels", targets: ["RLModels"]),
        .library(name: "Sampling", targets: ["Sampling"]),
        .library(name: "Diagnostics", targets: ["Diagnostics"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "Randomness", targets: ["Randomness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLAPACK",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev", "pkg-config"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CLAPACK"], swiftSettings: vectorISA),
        .target(name: "Randomness", swiftSettings: vectorISA),
        .target(name: "Sampling", dependencies: ["LinearAlgebra", "Randomness"], swiftSettings: vectorISA),
        .target(name: "Diagnostics", dependencies: ["LinearAlgebra"], swiftSettings: vectorISA),
        .target(name: "RLModels", dependencies: ["LinearAlgebra", "Randomness"], swiftSettings: vectorISA),
        .target(
            name: "RLFit",
            dependencies: ["Sampling", "Diagnostics", "RLModels", "LinearAlgebra", "Randomness"],
            swiftSettings: vectorISA
        ),
        .executableTarget(
            name: "rlfit",
            dependencies: ["RLFit", "RLModels", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: vectorISA
        ),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"], swiftSettings: vectorISA),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"], swiftSettings: vectorISA),
        .testTarget(name: "SamplingTests", dependencies: ["Sampling", "LinearAlgebra", "Randomness", "Diagnostics"], swiftSettings: vectorISA),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics"], resources: [.copy("Fixtures")], swiftSettings: vectorISA),
        .testTarget(name: "RLModelsTests", dependencies: ["RLModels", "Randomness"], resources: [.copy("Fixtures")], swiftSettings: vectorISA),
        .testTarget(name: "RLFitTests", dependencies: ["RLFit", "RLModels", "Sampling", "Diagnostics"], resources: [.copy("Fixtures")], swiftSettings: vectorISA),
        .testTarget(name: "CLITests", dependencies: ["rlfit"], swiftSettings: vectorISA),
    ]
)
