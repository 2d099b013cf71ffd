import Chess
import ChessEngine
import Foundation
import GameCore

/// A time control `base+increment` in seconds (`10+0.1`, `60`).
public struct TimeControl: Sendable, Equatable, CustomStringConvertible {
  public var baseMilliseconds: Int
  public var incrementMilliseconds: Int

  public init(baseMilliseconds: Int, incrementMilliseconds: Int) {
    self.baseMilliseconds = baseMilliseconds
    self.incrementMilliseconds = incrementMilliseconds
  }

  public init(parsing text: String) throws(NotationError) {
    let parts = text.split(separator: "+", omittingEmptySubsequences: false)
    guard parts.count <= 2, let base = Double(parts[0]), base > 0, base <= 86_400 else {
      throw NotationError("bad time control '\(text)': expected BASE+INC in seconds, e.g. 10+0.1")
    }
    var inc = 0.0
    if parts.count == 2 {
      guard let i = Double(parts[1]), i >= 0, i <= 3600 else {
        throw NotationError("bad time control '\(text)': the increment must be seconds ≥ 0")
      }
      inc = i
    }
    baseMilliseconds = Int((base * 1000).rounded())
    incrementMilliseconds = Int((inc * 1000).rounded())
  }

  /// PGN `TimeControl` tag: `10+0.1`.
  public var description: String {
    func s(_ ms: Int) -> String { ms % 1000 == 0 ? "\(ms / 1000)" : String(format: "%g", Double(ms) / 1000) }
    return "\(s(baseMilliseconds))+\(s(incrementMilliseconds))"
  }
}

/// Reads an EPD/FEN file of openings: one position a line (the first four fields; more are
/// ignored), `#` comments and blank lines skipped.
public func readOpenings(_ text: String, source: String) throws(NotationError) -> [ChessPosition] {
  try readPositionLines(text, source: source) { line throws(NotationError) in
    let p = try ChessPosition(fen: line.split(separator: " ").prefix(4).joined(separator: " "))
    guard p.end() == nil else { throw NotationError("the game is already over") }
    return p
  }
}

/// One finished arena game.
public struct ArenaGame: Sendable {
  public var record: GameRecord<ChessPosition>
  public var whiteIsA: Bool
  /// From White's point of view.
  public var outcome: Outcome
  public var termination: String
}

/// Plays engine A against engine B: colours alternate, each opening is played twice (once
/// with each colour), every game is adjudicated by the rules (checkmate, stalemate,
/// insufficient material, fifty moves, threefold repetition), on time (the clock, plus a grace
/// for process scheduling), on an engine failure (crash, no answer, illegal move), or as a
/// draw after `maxPlies`. Optionally stops early when an SPRT decides.
public final class Arena {
  public let a: any ChessEngineHandle
  public let b: any ChessEngineHandle
  public let timeControl: TimeControl
  public let openings: [ChessPosition]
  /// A game ends in a draw after this many plies.
  public var maxPlies = 600
  /// Overrun allowed on the clock before a game is lost on time.
  public var graceMilliseconds = 200
  public private(set) var score = MatchScore()
  public private(set) var games: [ArenaGame] = []

  public init(a: any ChessEngineHandle, b: any ChessEngineHandle, timeControl: TimeControl, openings: [ChessPosition]) {
    self.a = a
    self.b = b
    self.timeControl = timeControl
    self.openings = openings.isEmpty ? [ChessPosition()] : openings
  }

  /// Plays up to `count` games; `sprt` (elo0, elo1) stops early with the decision.
  /// `progress` is called after every game. With `first`, the games are games `first`,
  /// `first + 1`, ... of a longer match (game i: opening i/2, A white when i is even), so a
  /// match can be played in parts.
  public func run(
    games count: Int, first: Int = 0, sprt: (Double, Double)? = nil,
    progress: (ArenaGame, MatchScore, Int) -> Void = { _, _, _ in }
  ) -> String? {
    let bounds = MatchScore.sprtBounds()
    for n in 0..<count {
      let i = first + n
      let opening = openings[(i / 2) % openings.count]
      let whiteIsA = i % 2 == 0
      let game = play(from: opening, whiteIsA: whiteIsA)
      games.append(game)
      switch game.outcome {
      case .draw: score.draws += 1
      case .win(let w): if (w == .white) == whiteIsA { score.wins += 1 } else { score.losses += 1 }
      }
      progress(game, score, n + 1)
      if let (e0, e1) = sprt {
        let llr = score.logLikelihoodRatio(elo0: e0, elo1: e1)
        if llr >= bounds.upper {
          return String(format: "SPRT: H1 accepted (elo >= %g), LLR %.2f >= %.2f", e1, llr, bounds.upper)
        }
        if llr <= bounds.lower {
          return String(format: "SPRT: H0 accepted (elo <= %g), LLR %.2f <= %.2f", e0, llr, bounds.lower)
        }
      }
    }
    if let (e0, e1) = sprt {
      let llr = score.logLikelihoodRatio(elo0: e0, elo1: e1)
      return String(
        format: "SPRT: no decision (H0 elo %g, H1 elo %g), LLR %.2f in (%.2f, %.2f)", e0, e1, llr, bounds.lower,
        bounds.upper)
    }
    return nil
  }

  /// One game.
  public func play(from start: ChessPosition, whiteIsA: Bool) -> ArenaGame {
    var record = GameRecord(start: start)
    let white = whiteIsA ? a : b, black = whiteIsA ? b : a
    for e in [white, black] {
      do throws(EngineError) {
        try e.newGame()
      } catch {
        let loser: Side = e === white ? .white : .black
        return ArenaGame(record: record, whiteIsA: whiteIsA, outcome: .win(loser.opponent), termination: error.message)
      }
    }
    var clock = [timeControl.baseMilliseconds, timeControl.baseMilliseconds]
    let inc = timeControl.incrementMilliseconds
    while true {
      if let end = record.status {
        return ArenaGame(record: record, whiteIsA: whiteIsA, outcome: end.outcome, termination: end.description)
      }
      if record.moves.count >= maxPlies {
        return ArenaGame(record: record, whiteIsA: whiteIsA, outcome: .draw, termination: "move limit")
      }
      let side = record.position.sideToMove
      let engine = side == .white ? white : black
      let limits = SearchLimits(
        whiteTime: max(1, clock[0]), blackTime: max(1, clock[1]), whiteIncrement: inc, blackIncrement: inc)
      let t0 = ContinuousClock.now
      let move = engine.bestMove(record, limits: limits)
      let spent = elapsedMs(since: t0)
      guard let move else {
        return ArenaGame(
          record: record, whiteIsA: whiteIsA, outcome: .win(side.opponent),
          termination: engine.lastError ?? "\(engine.name) failed")
      }
      let s = Int(side.rawValue)
      clock[s] -= spent
      if clock[s] < -graceMilliseconds {
        return ArenaGame(
          record: record, whiteIsA: whiteIsA, outcome: .win(side.opponent),
          termination: "\(engine.name) lost on time (\(-clock[s]) ms over)")
      }
      clock[s] = max(clock[s], 1) + inc
      record.play(move)
    }
  }

  /// The games as PGN.
  public func pgn(event: String = "ZeroLab arena") -> String {
    var out = ""
    let date = ISO8601DateFormatter().string(from: Date()).prefix(10).replacingOccurrences(of: "-", with: ".")
    for (i, g) in games.enumerated() {
      let whiteName = g.whiteIsA ? a.name : b.name, blackName = g.whiteIsA ? b.name : a.name
      var tags: [(name: String, value: String)] = [
        ("Event", event), ("Site", "ZeroLab"), ("Date", date), ("Round", "\(i + 1)"), ("White", whiteName),
        ("Black", blackName), ("Result", g.outcome.resultToken),
      ]
      if g.record.start.fen != ChessPosition.startFEN {
        tags.append(("SetUp", "1"))
        tags.append(("FEN", g.record.start.fen))
      }
      tags.append(("TimeControl", timeControl.description))
      tags.append(("Termination", g.termination))
      out += PGN.write(PGNGame(tags: tags, record: g.record, result: g.outcome.resultToken)) + "\n"
    }
    return out
  }
}
