import Chess
import Foundation
import GameCore
import NNUE

func randomGame(seed: UInt64, plies: Int) -> [ChessPosition] {
  var rng = Xoshiro256(seed: seed)
  var p = ChessPosition()
  var out = [p]
  for _ in 0..<plies {
    let moves = p.legalMoves
    if moves.isEmpty { break }
    p.play(moves[rng.below(moves.count)])
    out.append(p)
  }
  return out
}

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
