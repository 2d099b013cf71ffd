import Chess
import ChessEngine
import Foundation
import GameCore
import NNUE

/// NNUE speed measurements (`zerolab nnue bench`, `make bench-nnue`).
public enum NNUEBenchmark {
  /// Seeded random games (every ply's position, move and the position after it).
  public static func games(count: Int, plies: Int, seed: UInt64) -> [[(ChessPosition, Move, ChessPosition)]] {
    var rng = Xoshiro256(seed: seed)
    var out: [[(ChessPosition, Move, ChessPosition)]] = []
    for _ in 0..<count {
      var p = ChessPosition()
      var g: [(ChessPosition, Move, ChessPosition)] = []
      for _ in 0..<plies {
        let moves = p.legalMoves
        if moves.isEmpty || p.end() != nil { break }
        let m = moves[rng.below(moves.count)]
        let before = p
        p.play(m)
        g.append((before, m, p))
      }
      out.append(g)
    }
    return out
  }

  /// Incremental evaluations per second on one core: along each game, `push` the move (the
  /// accumulator update, as in the search) then `evaluate`, for at least `seconds`.
  public static func incrementalEvals(
    net: QuantizedNNUE, seconds: Double = 2, seed: UInt64 = 1
  ) -> (
    evals: Int, seconds: Double, checksum: Int
  ) {
    let gs = games(count: 64, plies: 120, seed: seed)
    // Flat arrays read in place (no per-step copies of positions in the timed loop).
    let before = gs.flatMap { $0.map(\.0) }, moves = gs.flatMap { $0.map(\.1) }, after = gs.flatMap { $0.map(\.2) }
    var starts: [Int] = []
    var k = 0
    for g in gs {
      starts.append(k)
      k += g.count
    }
    var eval = NNUEEvaluation(net: net)
    var count = 0, checksum = 0
    let clock = ContinuousClock()
    let start = clock.now
    var elapsed = 0.0
    before.withUnsafeBufferPointer { bp in
      moves.withUnsafeBufferPointer { mp in
        after.withUnsafeBufferPointer { ap in
          while elapsed < seconds {
            for (gi, s) in starts.enumerated() {
              let end = gi + 1 < starts.count ? starts[gi + 1] : bp.count
              guard s < end else { continue }
              eval.reset(to: bp[s])
              for i in s..<end {
                eval.push(mp[i], from: bp[i])
                checksum &+= eval.evaluate(ap[i])
              }
              count &+= end - s
            }
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
          }
        }
      }
    }
    return (count, elapsed, checksum)
  }

  /// Search nodes per second at a fixed depth over the engine's bench positions.
  public static func searchSpeed<E: ChessEvaluator>(_ make: () -> E, depth: Int) -> (nodes: Int, ms: Int) {
    var nodes = 0, ms = 0
    for fen in ChessSearcher<E>.benchPositions {
      let p = try! ChessPosition(fen: fen)
      let s = ChessSearcher(evaluator: make(), hashMegabytes: 16)
      let r = s.search(p, limits: SearchLimits(depth: depth))
      nodes += r.info.nodes
      ms += r.info.milliseconds
    }
    return (nodes, ms)
  }
}
