import Chess
import ChessArena
import ChessEngine
import Foundation
import GameCore
import Testing

/// An engine in process that plays a fixed list of moves (UCI) in every game, optionally
/// sleeping before some of them; `nil` (a failure) when the list runs out or a move is
/// illegal.
final class ScriptedEngine: ChessEngineHandle {
  let name: String
  let moves: [String]
  let sleepMilliseconds: [Int: Int]
  private(set) var asked = 0
  private(set) var newGames = 0
  var lastInfo: String? { nil }
  private(set) var lastError: String?

  init(_ name: String, _ moves: [String], sleepMilliseconds: [Int: Int] = [:]) {
    self.name = name
    self.moves = moves
    self.sleepMilliseconds = sleepMilliseconds
  }

  func newGame() {
    newGames += 1
    asked = 0
  }

  func bestMove(_ game: GameRecord<ChessPosition>, limits: SearchLimits) -> Move? {
    defer { asked += 1 }
    if let ms = sleepMilliseconds[asked] { usleep(UInt32(ms) * 1000) }
    guard asked < moves.count, let m = try? game.position.parseMove(moves[asked]) else {
      lastError = "\(name) has no move"
      return nil
    }
    return m
  }

  func close() {}
}

/// Games adjudicated by the rules, the ply cap, the clock and engine failures, with the
/// match score and the PGN tags that record them.
@Suite struct ArenaAdjudicationTests {
  /// One game, A with White, from `fen` (the start position when `nil`).
  static func play(
    _ whiteMoves: [String], _ blackMoves: [String], fen: String? = nil, configure: (Arena) -> Void = { _ in }
  ) throws -> (arena: Arena, game: ArenaGame, pgn: PGNGame) {
    let arena = Arena(
      a: ScriptedEngine("A", whiteMoves), b: ScriptedEngine("B", blackMoves),
      timeControl: TimeControl(baseMilliseconds: 60_000, incrementMilliseconds: 0),
      openings: try fen.map { [try ChessPosition(fen: $0)] } ?? [])
    configure(arena)
    _ = arena.run(games: 1)
    let game = try #require(arena.games.first)
    let pgn = try #require(try PGN.parse(arena.pgn()).first)
    return (arena, game, pgn)
  }

  @Test func checkmate() throws {
    let (arena, game, pgn) = try ArenaAdjudicationTests.play(["f2f3", "g2g4"], ["e7e5", "d8h4"])
    #expect(game.outcome == .win(.black) && game.termination == "checkmate")
    #expect(game.record.moves.count == 4 && game.whiteIsA)
    #expect(arena.score.losses == 1 && arena.score.wins == 0 && arena.score.draws == 0)
    #expect(pgn[tag: "Result"] == "0-1")
    #expect(pgn[tag: "Termination"] == "checkmate")
    #expect(pgn[tag: "White"] == "A" && pgn[tag: "Black"] == "B")
    #expect(pgn.record.moves == game.record.moves)
  }

  @Test func stalemate() throws {
    let fen = "7k/4Q3/6K1/8/8/8/8/8 w - - 0 1"
    let (arena, game, pgn) = try ArenaAdjudicationTests.play(["e7f7"], [], fen: fen)
    #expect(game.outcome == .draw && game.termination == "stalemate" && game.record.moves.count == 1)
    #expect(arena.score.draws == 1)
    #expect(pgn[tag: "Result"] == "1/2-1/2")
    #expect(pgn[tag: "Termination"] == "stalemate")
    #expect(pgn[tag: "SetUp"] == "1" && pgn[tag: "FEN"] == fen)
  }

  @Test func threefoldRepetition() throws {
    let (_, game, pgn) = try ArenaAdjudicationTests.play(
      ["g1f3", "f3g1", "g1f3", "f3g1", "e2e4"], ["g8f6", "f6g8", "g8f6", "f6g8", "e7e5"])
    // The start position for the third time after eight plies: not one ply more.
    #expect(game.outcome == .draw && game.termination == "threefold repetition")
    #expect(game.record.moves.count == 8)
    #expect(pgn[tag: "Result"] == "1/2-1/2")
    #expect(pgn[tag: "Termination"] == "threefold repetition")
  }

  @Test func fiftyMoves() throws {
    let (_, game, pgn) = try ArenaAdjudicationTests.play(["a1a2"], [], fen: "4k3/8/8/8/8/8/8/R3K3 w - - 99 80")
    #expect(game.outcome == .draw && game.termination == "fifty-move rule" && game.record.moves.count == 1)
    #expect(pgn[tag: "Termination"] == "fifty-move rule")
  }

  @Test func insufficientMaterial() throws {
    let (_, game, _) = try ArenaAdjudicationTests.play(["e1d2"], [], fen: "4k3/8/8/8/8/8/3r4/4K3 w - - 0 1")
    #expect(game.outcome == .draw && game.termination == "insufficient material")
  }

  /// The ply cap draws a game that is still going, after exactly `maxPlies` moves.
  @Test func plyCap() throws {
    let (arena, game, pgn) = try ArenaAdjudicationTests.play(
      ["e2e4", "d2d4", "c2c4"], ["e7e5", "d7d5", "c7c5"]
    ) { $0.maxPlies = 4 }
    #expect(game.outcome == .draw && game.termination == "move limit" && game.record.moves.count == 4)
    #expect((arena.a as? ScriptedEngine)?.asked == 2 && (arena.b as? ScriptedEngine)?.asked == 2)
    #expect(pgn[tag: "Result"] == "1/2-1/2")
    #expect(pgn[tag: "Termination"] == "move limit")
  }

  /// An engine that fails (no move) loses, with its error as the termination.
  @Test func failureLoses() throws {
    let (arena, game, pgn) = try ArenaAdjudicationTests.play(["e2e4"], ["e7e5"])
    #expect(game.outcome == .win(.black) && game.termination == "A has no move" && game.record.moves.count == 2)
    #expect(arena.score.losses == 1)
    #expect(pgn[tag: "Result"] == "0-1")
    #expect(pgn[tag: "Termination"] == "A has no move")
  }

  /// Colours alternate and the score is A's: with White A is mated, with Black it wins
  /// when B (White) has no legal move in its list.
  @Test func scoreFollowsEngineAAcrossColours() throws {
    let a = ScriptedEngine("A", ["f2f3", "g2g4"])
    let b = ScriptedEngine("B", ["e7e5", "d8h4"])
    let arena = Arena(
      a: a, b: b, timeControl: TimeControl(baseMilliseconds: 60_000, incrementMilliseconds: 0), openings: [])
    _ = arena.run(games: 2)
    #expect(arena.games.map(\.whiteIsA) == [true, false])
    #expect(arena.games.map(\.termination) == ["checkmate", "B has no move"])
    #expect(arena.games.map(\.outcome) == [.win(.black), .win(.black)])
    #expect(arena.score.wins == 1 && arena.score.losses == 1 && arena.score.draws == 0)
    #expect(a.newGames == 2 && b.newGames == 2)
    let pgn = try PGN.parse(arena.pgn())
    #expect(pgn.map { $0[tag: "White"] } == ["A", "B"])
    #expect(pgn.map { $0[tag: "Round"] } == ["1", "2"])
    #expect(pgn.map { $0[tag: "Result"] } == ["0-1", "0-1"])
  }
}

/// The clock: time spent beyond the clock plus the grace loses, time within it does not, and
/// an increment is added after every move. (Overruns are made by sleeping hundreds of
/// milliseconds, so a loaded machine cannot change the verdict.)
@Suite struct ArenaClockTests {
  /// Fool's mate with White sleeping 300 ms before each move on a 500 ms clock.
  static func slowWhite(incrementMilliseconds: Int) throws -> (Arena, ArenaGame) {
    let a = ScriptedEngine("slow", ["f2f3", "g2g4"], sleepMilliseconds: [0: 300, 1: 300])
    let b = ScriptedEngine("fast", ["e7e5", "d8h4"])
    let arena = Arena(
      a: a, b: b, timeControl: TimeControl(baseMilliseconds: 500, incrementMilliseconds: incrementMilliseconds),
      openings: [])
    arena.graceMilliseconds = 50
    _ = arena.run(games: 1)
    return (arena, try #require(arena.games.first))
  }

  @Test func overrunningTheClockLosesOnTime() throws {
    let (arena, game) = try ArenaClockTests.slowWhite(incrementMilliseconds: 0)
    // The first move leaves about 200 ms; the second overruns by about 100 ms.
    #expect(game.outcome == .win(.black) && arena.score.losses == 1)
    #expect(game.record.moves.count == 2, "the first move is within the clock and played")
    #expect(game.termination.hasPrefix("slow lost on time ("), "\(game.termination)")
    let over = game.termination.split(separator: "(").dropFirst().first.flatMap { Int($0.prefix { $0 != " " }) }
    #expect((over ?? 0) >= 50, "\(game.termination)")
    let pgn = try #require(try PGN.parse(arena.pgn()).first)
    #expect(pgn[tag: "Termination"] == game.termination)
    #expect(pgn[tag: "Result"] == "0-1")
    #expect(pgn[tag: "TimeControl"] == "0.5+0")
  }

  @Test func theIncrementKeepsTheClockAlive() throws {
    let (_, game) = try ArenaClockTests.slowWhite(incrementMilliseconds: 1000)
    #expect(game.termination == "checkmate" && game.record.moves.count == 4)
  }

  /// A single move slower than the whole clock but within the grace is played.
  @Test func theGraceAbsorbsASmallOverrun() throws {
    let a = ScriptedEngine("late", ["f2f3", "g2g4"], sleepMilliseconds: [0: 150])
    let arena = Arena(
      a: a, b: ScriptedEngine("B", ["e7e5", "d8h4"]),
      timeControl: TimeControl(baseMilliseconds: 100, incrementMilliseconds: 0), openings: [])
    arena.graceMilliseconds = 5_000
    _ = arena.run(games: 1)
    #expect(arena.games.first?.termination == "checkmate")
  }
}

/// A searcher that ignores its limits and answers only when told to stop.
final class DeafSearcher: ChessSearching, @unchecked Sendable {
  let stopSignal = StopSignal()
  var onIteration: ((SearchInfo) -> Void)?
  let lastInfo = SearchInfo(depth: 0, seldepth: 0, score: 0, nodes: 0, milliseconds: 0, pv: [], hashfull: 0)
  func resizeHash(megabytes: Int) {}
  func newGame() {}
  func search(_ root: ChessPosition, history: [UInt64], limits: SearchLimits) -> SearchResult<Move> {
    let start = ContinuousClock.now
    while !stopSignal.isSet { usleep(1000) }
    return SearchResult(
      bestMove: root.legalMoves.first, score: 0, depth: 0, nodes: 0, pv: [], proven: false,
      elapsed: ContinuousClock.now - start)
  }
}

/// An in-process engine that overruns its clock is stopped shortly after it, so a game
/// ends (on time) instead of waiting for it.
@Suite struct BuiltinEngineClockTests {
  @Test func aSearchPastItsClockIsStopped() throws {
    let engine = BuiltinEngine(name: "deaf", searcher: DeafSearcher())
    var limits = SearchLimits()
    limits.whiteTime = 100
    let t0 = ContinuousClock.now
    let move = engine.bestMove(GameRecord(start: ChessPosition()), limits: limits)
    let spent = ContinuousClock.now - t0
    #expect(move != nil)
    #expect(spent >= .milliseconds(300) && spent < .milliseconds(2000))
  }
}
