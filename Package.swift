// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// ZeroLab: a Swift lab for game engines that learn.
///
/// Dependency direction (see ARCHITECTURE.md):
///   the games (Hexapawn, Chess) use GameCore; GameSolver, GameSearch and GameCounting (with GMP)
///   are generic over GameState; the zerolab executable is on top and nothing depends on it.
/// Hot-path targets (move generation, search): dynamic exclusivity checks cost more than a
/// third of the solver's time (measured with callgrind); static checks stay on.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

/// The CPU the release build targets, chosen like Stockfish's `ARCH`: `ZEROLAB_ARCH=native`
/// (the default: this machine's CPU) or a named x86-64 level, for a binary that must run
/// elsewhere:
///   portable   baseline x86-64 (SSE2); runs anywhere
///   x86-64-v2  SSE4.2, POPCNT
///   x86-64-v3  AVX2, FMA, BMI2 (Haswell, Zen and later)
///   x86-64-v4  AVX-512 F/BW/DQ/VL (Skylake-server, Zen 4 and later)
/// The NNUE's integer loops are plain loops the compiler vectorises: AVX2 gives 16 int16 lanes
/// (about 2x SSE2), AVX-512 32 lanes (another 15 %, plus the fused kernel of
/// `KernelsAVX512.swift`); see `make bench-nnue`. The neural core's own loops (the Winograd
/// transforms and products, BatchNorm, the optimizer) use AVX2 and FMA where the level has
/// them; its other GEMMs are OpenBLAS's, which picks kernels at run time. A binary started on a CPU without its level's
/// features exits with a one-line message (`HostCPU`), not an illegal instruction.
enum Arch: String {
  case portable
  case v2 = "x86-64-v2"
  case v3 = "x86-64-v3"
  case v4 = "x86-64-v4"
}

let archName: String = {
  if let a = Context.environment["ZEROLAB_ARCH"], !a.isEmpty { return a }
  return Context.environment["ZEROLAB_PORTABLE"] == "1" ? "portable" : "native"
}()

/// This machine's CPU flags (Linux), for `native`.
let hostFlags: Set<String> = {
  #if os(Linux) && arch(x86_64)
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
    let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
    return Set(flags.split(separator: " ").map(String.init))
  #else
    return []
  #endif
}()

/// The level built, and for `native` the CPU name LLVM tunes for.
let (arch, nativeCPU): (Arch, String?) = {
  #if arch(x86_64)
    if archName == "native" {
      let v3 = ["avx2", "bmi2", "fma", "popcnt"].allSatisfy(hostFlags.contains)
      let v4 = v3 && ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(hostFlags.contains)
      // VNNI (`vpdpwssd`): `cascadelake` is Skylake-server plus VNNI, not a later CPU whose
      // other extensions a host with VNNI need not have.
      if v4 { return (.v4, hostFlags.contains("avx512_vnni") ? "cascadelake" : "skylake-avx512") }
      if v3 { return (.v3, "haswell") }
      if ["sse4_2", "popcnt"].allSatisfy(hostFlags.contains) { return (.v2, nil) }
      return (.portable, nil)
    }
    guard let a = Arch(rawValue: archName) else {
      fatalError("ZEROLAB_ARCH=\(archName): use native, portable, x86-64-v2, x86-64-v3 or x86-64-v4")
    }
    return (a, nil)
  #else
    return (.portable, nil)
  #endif
}()

/// The CPU LLVM compiles for: the oldest CPU of each level (the Swift front end does not take
/// the level names themselves), or this machine's CPU for `native`.
let targetCPU: [String] = {
  switch arch {
  case .portable: return []
  case .v2: return ["-target-cpu", nativeCPU ?? "nehalem"]
  case .v3: return ["-target-cpu", nativeCPU ?? "haswell"]
  case .v4: return ["-target-cpu", nativeCPU ?? "skylake-avx512"]
  }
}()

/// Every target knows the level it was built for (`ZEROLAB_ARCH_V2` … `_V4`), so the binary
/// can check the CPU it runs on.
let archDefines: [SwiftSetting] =
  arch == .portable ? [] : [.define("ZEROLAB_ARCH_V\(arch.rawValue.suffix(1))", .when(configuration: .release))]

let nnuePath: [SwiftSetting] =
  hotPath + archDefines
  + (arch == .v4
    ? [
      .unsafeFlags(
        targetCPU + [
          "-Xcc", "-Xclang", "-Xcc", "-target-feature", "-Xcc", "-Xclang", "-Xcc",
          "-prefer-256-bit", "-Xllvm", "-force-vector-width=32",
        ], .when(configuration: .release)),
      // The fused update-and-evaluate step in AVX-512BW intrinsics (`KernelsAVX512.swift`).
      .define("ZEROLAB_AVX512", .when(configuration: .release)),
    ]
    : arch == .v3
      ? [.unsafeFlags(targetCPU + ["-Xllvm", "-force-vector-width=16"], .when(configuration: .release))]
      : targetCPU.isEmpty ? [] : [.unsafeFlags(targetCPU, .when(configuration: .release))])

let neuralPath: [SwiftSetting] =
  hotPath + archDefines + (targetCPU.isEmpty ? [] : [.unsafeFlags(targetCPU, .when(configuration: .release))])

/// The executable is not built for the level (so its first instructions run anywhere and can
/// say what is wrong), but knows it.
let executablePath: [SwiftSetting] = hotPath + archDefines

let package = Package(
  name: "ZeroLab",
  products: [
    .executable(name: "zerolab", targets: ["zerolab"]),
    .library(name: "GameCore", targets: ["GameCore"]),
    .library(name: "Hexapawn", targets: ["Hexapawn"]),
    .library(name: "Chess", targets: ["Chess"]),
    .library(name: "GameSearch", targets: ["GameSearch"]),
    .library(name: "GameSolver", targets: ["GameSolver"]),
    .library(name: "GameCounting", targets: ["GameCounting"]),
    .library(name: "ChessEngine", targets: ["ChessEngine"]),
    .library(name: "ChessArena", targets: ["ChessArena"]),
    .library(name: "GMP", targets: ["GMP"]),
    .library(name: "TerminalPlay", targets: ["TerminalPlay"]),
    .library(name: "Engines", targets: ["Engines"]),
    .library(name: "NeuralCore", targets: ["NeuralCore"]),
    .library(name: "NNUE", targets: ["NNUE"]),
    .library(name: "NNUETraining", targets: ["NNUETraining"]),
    .library(name: "NNUELab", targets: ["NNUELab"]),
    .library(name: "AlphaZero", targets: ["AlphaZero"]),
    .library(name: "ChessZero", targets: ["ChessZero"]),
    .library(name: "ChessZeroLab", targets: ["ChessZeroLab"]),
    .library(name: "InitStudy", targets: ["InitStudy"]),
    .library(name: "LabKit", targets: ["LabKit"]),
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
    // The int8 products of the quantized inference path, in C for its run-time choice of
    // kernel (AVX2 where the CPU has it, whatever the build targets).
    .target(name: "CInt8Kernels"),
    // The floating-point mode of the threads that run networks (subnormals flushed to zero).
    .target(name: "CFloatControl"),
    // A child process's death with the lab process that started it (Linux: PR_SET_PDEATHSIG).
    .target(name: "CProcessControl"),
    .target(name: "GameCore"),
    .target(name: "LabKit", dependencies: ["GameCore", "CProcessControl"]),
    .target(name: "GMP", dependencies: ["CGMP"]),
    .target(name: "Hexapawn", dependencies: ["GameCore"]),
    .target(name: "Chess", dependencies: ["GameCore"], swiftSettings: hotPath),
    .target(name: "GameSolver", dependencies: ["GameCore"], swiftSettings: hotPath),
    .target(name: "GameCounting", dependencies: ["GameCore", "GameSolver", "GMP"], swiftSettings: hotPath),
    .target(name: "GameSearch", dependencies: ["GameCore", "GameSolver"], swiftSettings: hotPath),
    .target(name: "ChessEngine", dependencies: ["GameCore", "Chess"], swiftSettings: hotPath),
    .target(name: "ChessArena", dependencies: ["GameCore", "Chess", "ChessEngine"]),
    .target(
      name: "Engines",
      dependencies: [
        "GameCore", "Chess", "ChessEngine", "ChessArena", "NNUE", "Hexapawn", "GameSearch", "AlphaZero", "NeuralCore",
        "ChessZero",
      ]),
    .target(
      name: "NeuralCore",
      dependencies: [
        "GameCore", "LabKit", "CBLAS", "CInt8Kernels", "CFloatControl",
        .product(name: "RealModule", package: "swift-numerics"),
      ],
      swiftSettings: neuralPath
    ),
    .target(name: "NNUE", dependencies: ["GameCore", "Chess", "ChessEngine", "LabKit"], swiftSettings: nnuePath),
    .target(
      name: "NNUETraining", dependencies: ["GameCore", "Chess", "ChessEngine", "NNUE", "NeuralCore", "LabKit"],
      swiftSettings: nnuePath),
    .target(
      name: "NNUELab",
      dependencies: ["GameCore", "Chess", "ChessEngine", "ChessArena", "Engines", "NNUE", "NNUETraining", "LabKit"]),
    .target(
      name: "AlphaZero", dependencies: ["GameCore", "Hexapawn", "GameSearch", "GameSolver", "NeuralCore", "LabKit"],
      swiftSettings: hotPath),
    // The chess side of the policy-value learner: the encoding of positions and moves, and the
    // network as PUCT's evaluator.
    .target(
      name: "ChessZero",
      dependencies: [
        "GameCore", "Chess", "ChessEngine", "GameSearch", "NeuralCore", "AlphaZero", "NNUETraining", "LabKit",
      ],
      swiftSettings: hotPath),
    // Experiments on the chess policy-value learner: its networks' Elo against fixed
    // opponents, the supervised-against-self-play comparison.
    .target(
      name: "ChessZeroLab",
      dependencies: ["GameCore", "Chess", "ChessArena", "Engines", "ChessZero", "AlphaZero", "NeuralCore", "LabKit"]),
    // The initialisation and activation study: grids of network options over seeds, each run a
    // zerolab training process, summarised with 95% intervals.
    .target(name: "InitStudy", dependencies: ["GameCore", "AlphaZero", "NeuralCore", "NNUETraining", "LabKit"]),
    .target(
      name: "TerminalPlay",
      dependencies: [
        "GameCore", "Hexapawn", "GameSearch", "GameSolver", "Chess", "ChessEngine", "ChessArena", "LabKit",
      ]),
    .executableTarget(
      name: "zerolab",
      dependencies: [
        "GameCore", "Hexapawn", "Chess", "ChessEngine", "ChessArena", "GameSearch", "GameSolver", "GameCounting", "GMP",
        "TerminalPlay", "Engines", "NeuralCore", "LabKit", "AlphaZero", "ChessZero", "NNUE", "NNUETraining", "NNUELab",
        "ChessZeroLab", "InitStudy", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: executablePath
    ),
    .testTarget(name: "GameCoreTests", dependencies: ["GameCore", "CBLAS"]),
    .testTarget(name: "GMPTests", dependencies: ["GMP"]),
    .testTarget(name: "LabKitTests", dependencies: ["LabKit", "GameCore"]),
    .testTarget(name: "NeuralCoreTests", dependencies: ["NeuralCore", "GameCore", "CInt8Kernels"]),
    .testTarget(name: "HexapawnTests", dependencies: ["Hexapawn", "GameCore"]),
    .testTarget(name: "ChessTests", dependencies: ["Chess", "GameCore"], resources: [.copy("Resources")]),
    .testTarget(name: "NNUETests", dependencies: ["NNUE", "Chess", "ChessEngine", "GameCore"]),
    .testTarget(
      name: "NNUETrainingTests",
      dependencies: ["NNUETraining", "NNUE", "NeuralCore", "Chess", "ChessEngine", "GameCore"]),
    .testTarget(
      name: "NNUELabTests",
      dependencies: [
        "NNUELab", "NNUETraining", "NNUE", "Engines", "ChessArena", "ChessEngine", "Chess", "GameCore", "LabKit",
      ]),
    .testTarget(
      name: "AlphaZeroTests",
      dependencies: ["AlphaZero", "GameSearch", "GameSolver", "Hexapawn", "NeuralCore", "GameCore", "LabKit"]),
    .testTarget(
      name: "TerminalPlayTests",
      dependencies: ["TerminalPlay", "GameSearch", "Hexapawn", "GameCore", "Chess", "ChessEngine", "ChessArena"]),
    .testTarget(name: "ChessEngineTests", dependencies: ["ChessEngine", "Chess", "GameCore"]),
    .testTarget(name: "ChessArenaTests", dependencies: ["ChessArena", "ChessEngine", "Chess", "GameCore"]),
    .testTarget(
      name: "EnginesTests",
      dependencies: [
        "Engines", "ChessArena", "ChessEngine", "Chess", "Hexapawn", "GameCore", "AlphaZero", "NeuralCore", "ChessZero",
      ]),
    .testTarget(
      name: "ChessZeroLabTests",
      dependencies: [
        "ChessZeroLab", "ChessZero", "AlphaZero", "Engines", "Chess", "NeuralCore", "GameCore", "LabKit",
      ]),
    .testTarget(
      name: "ChessZeroTests",
      dependencies: [
        "ChessZero", "AlphaZero", "NNUETraining", "Chess", "ChessEngine", "GameSearch", "NeuralCore", "GameCore",
      ]),
    .testTarget(name: "GameSearchTests", dependencies: ["GameSearch", "GameSolver", "Hexapawn", "Chess", "GameCore"]),
    .testTarget(name: "InitStudyTests", dependencies: ["InitStudy", "LabKit", "GameCore"]),
    .testTarget(name: "GameSolverTests", dependencies: ["GameSolver", "Hexapawn", "GameCore"]),
    .testTarget(name: "GameCountingTests", dependencies: ["GameCounting", "GMP", "Hexapawn", "GameCore"]),
  ],
  swiftLanguageModes: [.v6]
)
