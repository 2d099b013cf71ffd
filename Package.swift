// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// ZeroLab: a Swift lab for game engines that learn.
///
/// Dependency direction (see ARCHITECTURE.md):
///   GameCore → Hexapawn, Chess (games) ; GameCore → Search ; CGMP → Exact → Search ; CBLAS → (NeuralCore, later)
///   zerolab (CLI) → everything, and nothing depends on it.
/// Hot-path targets (move generation, search): dynamic exclusivity checks cost more than a
/// third of the solver's time (measured with callgrind); static checks stay on.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

/// The NNUE's integer loops are plain loops the compiler vectorises; built for the host CPU
/// (like Stockfish's `ARCH=native`) they use AVX2 (16 int16 lanes) instead of SSE2 (8), about
/// 2x faster, or AVX-512 (32 lanes), another 15 % (`make bench-nnue`). SwiftPM always builds
/// from source on the machine that runs the code, so the manifest looks at this machine's CPU
/// flags; `ZEROLAB_PORTABLE=1` builds for baseline x86-64.
let hostFlags: Set<String> = {
  #if os(Linux) && arch(x86_64)
    if Context.environment["ZEROLAB_PORTABLE"] == "1" { return [] }
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
    let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
    return Set(flags.split(separator: " ").map(String.init))
  #else
    return []
  #endif
}()
let hostHasAVX2 = ["avx2", "bmi2", "fma", "popcnt"].allSatisfy(hostFlags.contains)
/// AVX-512 (BW for 16-bit lanes): 32 int16 lanes a register; LLVM's Skylake-server tuning
/// prefers 256-bit vectors, so that preference is turned off for these loops.
let hostHasAVX512 = hostHasAVX2 && ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(hostFlags.contains)
/// VNNI (`vpdpwssd`, a multiply-add into 32-bit sums in one instruction): built for
/// `cascadelake` (Skylake-server plus VNNI), not a later CPU, whose other extensions a host
/// with VNNI need not have.
let hostHasVNNI = hostHasAVX512 && hostFlags.contains("avx512_vnni")
let nnuePath: [SwiftSetting] =
  hotPath
  + (hostHasAVX512
    ? [
      .unsafeFlags(
        [
          "-target-cpu", hostHasVNNI ? "cascadelake" : "skylake-avx512", "-Xcc", "-Xclang", "-Xcc",
          "-target-feature", "-Xcc", "-Xclang", "-Xcc",
          "-prefer-256-bit", "-Xllvm", "-force-vector-width=32",
        ], .when(configuration: .release)),
      // The fused update-and-evaluate step in AVX-512BW intrinsics (`KernelsAVX512.swift`).
      .define("ZEROLAB_AVX512", .when(configuration: .release)),
    ]
    : hostHasAVX2
      ? [.unsafeFlags(["-target-cpu", "haswell", "-Xllvm", "-force-vector-width=16"], .when(configuration: .release))]
      : [])

/// The neural core's own loops (im2col, BatchNorm, activations, the optimizer) built for the
/// host's vector width too (AVX2 and FMA where present); the GEMMs are OpenBLAS's, which picks its
/// kernels at run time.
let neuralPath: [SwiftSetting] =
  hotPath
  + (hostHasAVX2 ? [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))] : [])

let package = Package(
  name: "ZeroLab",
  products: [
    .executable(name: "zerolab", targets: ["zerolab"]),
    .library(name: "GameCore", targets: ["GameCore"]),
    .library(name: "Hexapawn", targets: ["Hexapawn"]),
    .library(name: "Chess", targets: ["Chess"]),
    .library(name: "Search", targets: ["Search"]),
    .library(name: "ChessEngine", targets: ["ChessEngine"]),
    .library(name: "ChessArena", targets: ["ChessArena"]),
    .library(name: "Exact", targets: ["Exact"]),
    .library(name: "Play", targets: ["Play"]),
    .library(name: "NeuralCore", targets: ["NeuralCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]
    ),
    .systemLibrary(
      name: "CGMP",
      providers: [.apt(["libgmp-dev"])]
    ),
    .target(name: "GameCore"),
    .target(name: "Exact", dependencies: ["CGMP"]),
    .target(name: "Hexapawn", dependencies: ["GameCore"]),
    .target(name: "Chess", dependencies: ["GameCore"], swiftSettings: hotPath),
    .target(name: "Search", dependencies: ["GameCore", "Exact"], swiftSettings: hotPath),
    .target(name: "ChessEngine", dependencies: ["GameCore", "Chess"], swiftSettings: hotPath),
    .target(name: "ChessArena", dependencies: ["GameCore", "Chess", "ChessEngine", "NNUE"]),
    .target(
      name: "NeuralCore",
      dependencies: ["GameCore", "CBLAS", .product(name: "RealModule", package: "swift-numerics")],
      swiftSettings: neuralPath
    ),
    .target(name: "NNUE", dependencies: ["GameCore", "Chess", "ChessEngine", "NeuralCore"], swiftSettings: nnuePath),
    .target(
      name: "NNUELab", dependencies: ["GameCore", "Chess", "ChessEngine", "ChessArena", "NNUE", "NeuralCore", "Zero"]),
    .target(name: "Zero", dependencies: ["GameCore", "Hexapawn", "Search", "NeuralCore"], swiftSettings: hotPath),
    .target(
      name: "Play",
      dependencies: ["GameCore", "Hexapawn", "Search", "Chess", "ChessEngine", "ChessArena", "NeuralCore", "Zero"]),
    .executableTarget(
      name: "zerolab",
      dependencies: [
        "GameCore", "Hexapawn", "Chess", "ChessEngine", "ChessArena", "Search", "Exact", "Play", "NeuralCore", "Zero",
        "NNUE", "NNUELab",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: hotPath
    ),
    .testTarget(name: "GameCoreTests", dependencies: ["GameCore", "CBLAS"]),
    .testTarget(name: "ExactTests", dependencies: ["Exact"]),
    .testTarget(name: "NeuralCoreTests", dependencies: ["NeuralCore", "GameCore"]),
    .testTarget(name: "HexapawnTests", dependencies: ["Hexapawn", "GameCore"]),
    .testTarget(name: "ChessTests", dependencies: ["Chess", "GameCore"], resources: [.copy("Resources")]),
    .testTarget(
      name: "NNUETests",
      dependencies: ["NNUE", "NNUELab", "Chess", "ChessEngine", "ChessArena", "GameCore", "NeuralCore"]),
    .testTarget(name: "ZeroTests", dependencies: ["Zero", "Search", "Hexapawn", "NeuralCore", "GameCore"]),
    .testTarget(
      name: "PlayTests", dependencies: ["Play", "Search", "Hexapawn", "GameCore", "Chess", "ChessEngine", "ChessArena"]),
    .testTarget(name: "ChessEngineTests", dependencies: ["ChessEngine", "Chess", "GameCore"]),
    .testTarget(name: "ChessArenaTests", dependencies: ["ChessArena", "ChessEngine", "Chess", "GameCore"]),
    .testTarget(name: "SearchTests", dependencies: ["Search", "Hexapawn", "GameCore", "Exact"]),
  ],
  swiftLanguageModes: [.v6]
)
