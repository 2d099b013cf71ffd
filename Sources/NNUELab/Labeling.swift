import Chess
import ChessArena
import ChessEngine
import Engines
import Foundation
import GameCore
import NNUE
import NNUETraining
import Synchronization

/// Relabels positions with another engine's search score through UCI (Stockfish 15.1 for the
/// supervised side of `zerolab nnue compare`): for each record, `position fen …` then
/// `go nodes K` (or `depth D`); the last reported score (for the side to move; a mate score
/// becomes ±`mateCp`) replaces the record's score. Each position starts a new game (cleared
/// hash), so with one search thread and a node limit the labels are reproducible. Game results are kept, so the only
/// difference between the two data sets is who scored the positions. With `moves`, the
/// engine's best move (its `bestmove`) replaces the record's move too, searched in the
/// position with its castling rights and en-passant square inferred
/// (`TrainingRecord.inferredPosition`, as supervised chess rebuilds it), so that the data
/// gives the engine's move and score as targets.
public enum Labeler {
  /// Parses `score cp 31` / `score mate -3` from a summary or info line, for the side to move.
  public static func score(fromInfo line: String, mateCp: Int = 3000) -> Int? {
    let t = line.split(separator: " ").map(String.init)
    guard let i = t.firstIndex(of: "score"), i + 2 < t.count, let v = Int(t[i + 2]) else { return nil }
    switch t[i + 1] {
    case "cp": return max(-mateCp, min(mateCp, v))
    case "mate": return v > 0 ? mateCp : -mateCp
    default: return nil
    }
  }

  /// Labels `records[range]` with the engine of `spec`; `progress(done)` after each.
  public static func label(
    _ records: [TrainingRecord], engine spec: EngineSpec, limits: SearchLimits, moves: Bool = false,
    progress: (Int) -> Void = { _ in }
  ) throws(NNUEError) -> [TrainingRecord] {
    let engine: any ChessEngineHandle
    do throws(EngineError) {
      engine = try spec.makeEngine()
      try engine.newGame()
    } catch {
      throw NNUEError("cannot start \(spec.name): \(error.message)")
    }
    defer { engine.close() }
    var out: [TrainingRecord] = []
    out.reserveCapacity(records.count)
    for (i, r) in records.enumerated() {
      guard let p = moves ? r.inferredPosition : r.position else { continue }
      // A fresh game (cleared hash) per position: the labels do not depend on the order.
      do throws(EngineError) { try engine.newGame() } catch {
        throw NNUEError("\(spec.name): \(error.message)")
      }
      guard let best = engine.bestMove(GameRecord(start: p), limits: limits), let info = engine.lastInfo,
        let s = score(fromInfo: info)
      else {
        throw NNUEError("\(spec.name) gave no score for \(p.fen): \(engine.lastError ?? "no info line")")
      }
      var copy = r
      copy.score = Int16(s)
      if moves { copy.move = best.raw }
      out.append(copy)
      progress(i + 1)
    }
    return out
  }

  /// Labels in `workers` engine processes at once (each takes a contiguous slice); the order
  /// is kept.
  public static func labelParallel(
    _ records: [TrainingRecord], engine spec: EngineSpec, limits: SearchLimits, workers: Int, moves: Bool = false,
    progress: @escaping @Sendable (Int) -> Void = { _ in }
  ) throws(NNUEError) -> [TrainingRecord] {
    let w = max(1, min(workers, records.count))
    let results = LockedBox([[TrainingRecord]?](repeating: nil, count: w))
    let errors = LockedBox([String]())
    let done = LockedBox(0)
    let group = DispatchGroup()
    for k in 0..<w {
      let lo = records.count * k / w, hi = records.count * (k + 1) / w
      let slice = Array(records[lo..<hi])
      group.enter()
      Thread {
        defer { group.leave() }
        do throws(NNUEError) {
          let r = try label(slice, engine: spec, limits: limits, moves: moves) { _ in
            let d = done.update { $0 += 1 }
            progress(d)
          }
          results.update { $0[k] = r }
        } catch {
          errors.update { $0.append(error.message) }
        }
      }.start()
    }
    group.wait()
    if let e = errors.value.first { throw NNUEError(e) }
    return results.value.flatMap { $0 ?? [] }
  }
}

/// A value behind a lock, shared by reference between worker threads.
final class LockedBox<T>: Sendable {
  let state: Mutex<T>
  init(_ v: sending T) { state = Mutex(v) }
  var value: T { state.withLock { $0 } }
  @discardableResult func update(_ f: (inout T) -> Void) -> T {
    state.withLock {
      f(&$0)
      return $0
    }
  }
}
