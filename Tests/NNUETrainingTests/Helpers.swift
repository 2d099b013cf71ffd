import Chess
import Foundation
import GameCore
import NNUE

func tempPath(_ name: String) -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zerolab-nnue-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir.appendingPathComponent(name).path
}

let smallSpecs: [NNUESpec] = [
  NNUESpec(layout: .chess768, accumulator: 32, activation: .screlu),
  NNUESpec(layout: .kings4, accumulator: 32, activation: .crelu),
  NNUESpec(layout: .kings16, accumulator: 48, activation: .screlu, hidden: [8]),
]
