// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// ZeroLab's fuzz targets: one executable, `zerolab-fuzz TARGET [libFuzzer options]`, built by
/// `scripts/fuzz.sh` with `-sanitize=fuzzer,address` (libFuzzer provides the driver). A package
/// of its own, so the sanitizer flags never reach the lab's normal build. It uses the lab's
/// libraries by path; SwiftPM names a package found by path after its folder, whatever the
/// clone is called.
let lab = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let package = Package(
  name: "ZeroLabFuzz",
  dependencies: [.package(path: "..")],
  targets: [
    .executableTarget(
      name: "zerolab-fuzz",
      dependencies: [
        .product(name: "GameCore", package: lab), .product(name: "Chess", package: lab),
        .product(name: "ChessEngine", package: lab), .product(name: "ChessArena", package: lab),
        .product(name: "LabKit", package: lab), .product(name: "NeuralCore", package: lab),
        .product(name: "NNUE", package: lab), .product(name: "NNUETraining", package: lab),
      ])
  ],
  swiftLanguageModes: [.v6]
)
