import Chess
import ChessArena
import Foundation
import GameCore
import Synchronization

/// The result of one arena match, as saved in metrics and tables (from A's point of view).
public struct MatchRecord: Codable, Sendable, Equatable {
  public var a: String
  public var b: String
  public var timeControl: String
  public var games: Int
  public var wins: Int
  public var draws: Int
  public var losses: Int
  public var score: Double
  /// Elo of A over B and its 95 % interval (`nil` when infinite: every game won or lost).
  public var elo: Double?
  public var eloLow: Double?
  public var eloHigh: Double?
  public var los: Double

  public init(a: String, b: String, timeControl: String, score s: MatchScore) {
    self.a = a
    self.b = b
    self.timeControl = timeControl
    games = s.games
    wins = s.wins
    draws = s.draws
    losses = s.losses
    score = s.score
    func finite(_ x: Double) -> Double? { x.isFinite ? (x * 10).rounded() / 10 : nil }
    elo = finite(s.elo)
    let iv = s.eloInterval
    eloLow = finite(iv.low)
    eloHigh = finite(iv.high)
    los = s.likelihoodOfSuperiority
  }

  /// `+12 =5 -3 (70.0%), Elo +147 [+20, +300]`.
  public var summary: String {
    func e(_ x: Double?, _ inf: String) -> String { x.map { String(format: "%+.0f", $0) } ?? inf }
    return
      "+\(wins) =\(draws) -\(losses) (\(String(format: "%.1f", 100 * score))%), Elo \(e(elo, score > 0.5 ? "+inf" : "-inf")) "
      + "[\(e(eloLow, "-inf")), \(e(eloHigh, "+inf"))]"
  }
}

/// Arena matches between engine files' specs, as the lab's experiments play them.
public enum EngineMatches {
  /// Plays `games` games (colours alternate, each opening twice).
  public static func play(
    _ a: EngineSpec, _ b: EngineSpec, games: Int, timeControl: TimeControl, openings: [ChessPosition],
    progress: @escaping (MatchScore, Int) -> Void = { _, _ in }
  ) throws(EngineError) -> MatchRecord {
    let score = try play(a, b, games: 0..<games, timeControl: timeControl, openings: openings, progress: progress)
    return MatchRecord(a: a.name, b: b.name, timeControl: timeControl.description, score: score)
  }

  /// Plays games `range` of a match (game i: opening i/2, A white when i is even) with engines
  /// of their own, and returns their score. The engines start every game afresh (`newGame`),
  /// so with moves capped by nodes and a clock that never binds, the games, and so the sum of
  /// a match's parts, do not depend on how the match was split.
  public static func play(
    _ a: EngineSpec, _ b: EngineSpec, games range: Range<Int>, timeControl: TimeControl, openings: [ChessPosition],
    progress: @escaping (MatchScore, Int) -> Void = { _, _ in }
  ) throws(EngineError) -> MatchScore {
    let ea: any ChessEngineHandle, eb: any ChessEngineHandle
    ea = try a.makeEngine()
    eb = try b.makeEngine()
    defer {
      ea.close()
      eb.close()
    }
    let arena = Arena(a: ea, b: eb, timeControl: timeControl, openings: openings)
    _ = arena.run(games: range.count, first: range.lowerBound) { _, score, n in progress(score, n) }
    return arena.score
  }

  /// Plays several matches at once, one thread each (each match uses about one core:
  /// its two engines move in turn).
  public static func playConcurrently(
    _ pairs: [(EngineSpec, EngineSpec)], games: Int, timeControl: TimeControl, openings: [ChessPosition],
    progress: @escaping @Sendable (Int, MatchScore, Int) -> Void = { _, _, _ in }
  ) throws(EngineError) -> [MatchRecord] {
    let results = Mutex([MatchRecord?](repeating: nil, count: pairs.count))
    let errors = Mutex([String]())
    let group = DispatchGroup()
    for (k, pair) in pairs.enumerated() {
      group.enter()
      let t = Thread {
        defer { group.leave() }
        do throws(EngineError) {
          let r = try play(pair.0, pair.1, games: games, timeControl: timeControl, openings: openings) { s, n in
            progress(k, s, n)
          }
          results.withLock { $0[k] = r }
        } catch {
          errors.withLock { $0.append(error.message) }
        }
      }
      t.stackSize = 64 << 20
      t.start()
    }
    group.wait()
    if let e = errors.withLock({ $0.first }) { throw EngineError(e) }
    return results.withLock { $0.map { $0! } }
  }

  /// `openings.epd` in the first of the standard engine folders (the working folder's
  /// `engines/`, then the clone's) that has it, else `nil`.
  public static var defaultOpenings: String? {
    EngineFolders.standard.lazy.map { $0 + "/openings.epd" }.first { FileManager.default.isReadableFile(atPath: $0) }
  }

  /// The openings file (`engines/openings.epd` by default), or the start position.
  public static func openings(_ path: String?) throws(EngineError) -> [ChessPosition] {
    guard let path else { return [ChessPosition()] }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw EngineError("cannot read openings file \(path)")
    }
    do throws(NotationError) {
      return try readOpenings(text, source: path)
    } catch {
      throw EngineError(error.message)
    }
  }
}
