import Chess
import ChessArena
import ChessEngine
import Foundation
import GameCore
import TerminalPlay
import Testing

/// The engine on the handcrafted evaluation (the terminal takes any engine; the roster that
/// picks ZeroLab's default evaluation is tested in EnginesTests).
func handcrafted(_ name: String, depth: Int? = nil) -> BuiltinEngine {
  BuiltinEngine(name: name, searcher: ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 4), depth: depth)
}

/// An engine in a seat, thinking 50 ms a move.
func player(_ engine: any ChessEngineHandle) -> ChessEnginePlayer {
  ChessEnginePlayer(engine, limits: SearchLimits(moveTime: 50))
}

@Suite struct ChessTerminalTests {
  func run(
    _ lines: [String], white: Seat<ChessPosition> = .human, black: Seat<ChessPosition>, fen: String? = nil,
    pgnFile: String? = nil, startDate: Date = Date()
  ) throws -> (
    [String], GameRecord<ChessPosition>, String
  ) {
    var input = lines[...]
    var output: [String] = []
    let rules = ChessTerminal(
      view: ChessBoardView(color: false), moveTime: 50, pgnFile: pgnFile, startDate: startDate,
      hint: handcrafted("hint"))
    let game = TerminalGame<ChessPosition>(
      white: white, black: black, rules: rules, readLine: { input.popFirst() }, write: { output.append($0) })
    let start = try fen.map { try ChessPosition(fen: $0) } ?? ChessPosition()
    let (record, result) = game.run(from: start)
    return (output, record, result?.resultToken ?? "*")
  }

  @Test func commandsAndErrors() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("zerolab-terminal-test.pgn").path
    let (out, record, result) = try run(
      ["hello", "e5", "e4", "e5", "Nf3", "moves", "fen", "flip", "pgn \(path)", "undo", "g1f3", "quit"],
      black: .human)
    #expect(out.contains("bad move 'hello'") || out.contains { $0.contains("hello") })
    #expect(out.contains { $0.hasPrefix("Legal moves: ") && $0.contains("Nc6") })
    #expect(out.contains("rnbqkbnr/pppp1ppp/8/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R b KQkq - 1 2"))
    #expect(out.contains { $0.hasPrefix("1  ♖") })  // flipped: rank 1 on top
    #expect(record.moves.count == 3)  // e4 e5 Nf3, undo, g1f3
    #expect(result == "*")
    let saved = try String(contentsOfFile: path, encoding: .utf8)
    #expect(try PGN.parse(saved).first?.record.moves.count == 3)
  }

  @Test func engineFinishesAMateAndPrintsThePGN() throws {
    let engine = handcrafted("zerolab")
    let (out, _, result) = try run(
      ["hint", "Qxf7#"], black: .engine(player(engine)),
      fen: "r1bqkbnr/pppp1ppp/2n5/4p3/2B1P3/5Q2/PPPP1PPP/RNB1K1NR w KQkq - 4 4")
    #expect(out.contains { $0.hasPrefix("Hint: Qxf7#") && $0.contains("White mates in 1") })
    #expect(result == "1-0")
    #expect(out.contains("1-0 (checkmate)"))
    #expect(out.contains { $0.contains("4. Qxf7# 1-0") })
    // The mate is announced once, by the result line: no check line before it.
    #expect(!out.contains { $0.contains("check") && !$0.contains("checkmate") })
  }

  @Test func aCheckIsShownWhileTheGameGoesOn() throws {
    let (out, _, _) = try run(["e4", "f5", "Qh5+", "quit"], black: .human)
    #expect(out.contains { $0.contains("last move: Qh5+") && $0.contains("Black is in check") })
  }

  /// The side to move is named once a turn: by the prompt for a human, by the move for an engine.
  @Test func theSideToMoveIsNamedOnce() throws {
    let engine = handcrafted("hce", depth: 2)
    let (out, _, _) = try run(["e4", "d4", "quit"], black: .engine(player(engine)))
    let named = out.filter { $0.contains("White to move") || $0.contains("Black to move") }
    #expect(named == ["White to move> ", "White to move> ", "White to move> "])
    #expect(out.filter { $0.hasPrefix("Black plays ") }.count == 2)
  }

  /// Every score names its side: the engine's own, mates by the side that mates.
  @Test func scoresSayWhoseTheyAre() throws {
    #expect(
      ChessTerminal.describe(info: "depth 9 score cp 31 nodes 120000", side: .black)
        == "depth 9, +0.31 for Black, 120000 nodes")
    #expect(
      ChessTerminal.describe(info: "depth 3 score cp -5 nodes 10", side: .white)
        == "depth 3, -0.05 for White, 10 nodes")
    #expect(
      ChessTerminal.describe(info: "depth 3 score cp -250 nodes 10", side: .white).contains("-2.50 for White"))
    #expect(ChessTerminal.describe(info: "depth 5 score mate 3 nodes 9", side: .white).contains("White mates in 3"))
    #expect(
      ChessTerminal.describe(info: "depth 5 score mate -2 nodes 9", side: .white).contains("Black mates in 2"))
    let engine = handcrafted("hce", depth: 3)
    let (out, _, _) = try run(["e4", "hint", "quit"], black: .engine(player(engine)))
    #expect(out.contains { $0.hasPrefix("Black plays ") && $0.contains(" for Black") })
    #expect(out.contains { $0.hasPrefix("Hint: ") && ($0.contains(" for White") || $0.contains(" mates in ")) })
    #expect(!out.contains { $0.contains("score cp") })
  }

  @Test func thePGNHasTheDateAndThePlayers() throws {
    // 2023-11-14 22:13:20 UTC.
    let date = Date(timeIntervalSince1970: 1_700_000_000)
    #expect(ChessTerminal.pgnDate(date, timeZone: TimeZone(identifier: "UTC")!) == "2023.11.14")
    #expect(ChessTerminal.pgnDate(date, timeZone: TimeZone(identifier: "Asia/Tokyo")!) == "2023.11.15")
    let (out, _, _) = try run(["e4", "quit"], black: .human, startDate: date)
    let pgn = try #require(out.first { $0.hasPrefix("[Event ") })
    #expect(pgn.contains("[Date \"\(ChessTerminal.pgnDate(date))\"]"))
    #expect(!pgn.contains("????"))
    #expect(pgn.contains("[White \"Human\"]") && pgn.contains("[Black \"Human\"]"))
    #expect(pgn.contains("[Event \"ZeroLab terminal game\"]"))
  }

  /// With a PGN file the game is saved after every move, so a kill at any point leaves it.
  @Test func thePGNFileIsWrittenAfterEveryMove() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("zerolab-every-move.pgn").path
    try? FileManager.default.removeItem(atPath: path)
    var seen: [Int] = []
    var input = ["e4", "e5", "Nf3"][...]
    let rules = ChessTerminal(view: ChessBoardView(color: false), moveTime: 50, pgnFile: path)
    let game = TerminalGame<ChessPosition>(
      white: .human, black: .human, rules: rules,
      readLine: {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        seen.append((try? PGN.parse(text).first?.record.moves.count) ?? -1)
        return input.popFirst()
      }, write: { _ in })
    game.run(from: ChessPosition())
    #expect(seen == [0, 1, 2, 3])
    #expect(rules.snapshot.pgn.contains("1. e4 e5 2. Nf3 *"))
    let saved = try String(contentsOfFile: path, encoding: .utf8)
    #expect(saved == rules.snapshot.pgn)
    // What an interruption gets: the latest game, after its last save.
    #expect(rules.snapshot.finish { pgn, problem in problem == nil && pgn == saved })
    // An unwritable file is reported, not fatal.
    let blocked = GameSnapshot(file: path + "/inside-a-file.pgn")
    #expect(blocked.update("x")?.hasPrefix("cannot write ") == true)
  }

  @Test func endOfInputAbandons() throws {
    let (out, _, result) = try run([], black: .human)
    #expect(result == "*")
    #expect(out.contains { $0.hasPrefix("End of input") })
  }

  /// An engine seat sees the whole game (for repetitions) through `observe`; after `undo` it
  /// starts again and is shown the moves that stay.
  @Test func anEngineSeatKeepsTheGame() throws {
    let engine = FirstMoveEngine()
    let (_, record, _) = try run(["e4", "d4", "undo", "Nf3", "quit"], black: .engine(player(engine)))
    #expect(engine.seen.map(\.moves.count) == [1, 3, 3])
    #expect(engine.newGames == 2)
    let last = try #require(engine.seen.last)
    #expect(last.moves == Array(record.moves.prefix(3)) && last.keys == Array(record.keys.prefix(4)))
    #expect(last.start == ChessPosition())
  }

  /// An engine that fails loses the game, with its reason, and the PGN says so.
  @Test func aFailingEngineLoses() throws {
    let (out, _, result) = try run(["e4"], black: .engine(player(BrokenEngine())))
    #expect(result == "1-0")
    #expect(out.contains("broken failed: engine exited; 1-0"))
    #expect(out.contains { $0.hasPrefix("[Event ") && $0.contains("1. e4 1-0") })
  }
}

/// Plays the first legal move and keeps every game it is asked about.
final class FirstMoveEngine: ChessEngineHandle {
  let name = "first"
  var seen: [GameRecord<ChessPosition>] = []
  var newGames = 0
  func newGame() { newGames += 1 }
  func bestMove(_ game: GameRecord<ChessPosition>, limits: SearchLimits) -> Move? {
    seen.append(game)
    return game.position.legalMoves.first
  }
  var lastInfo: String? { nil }
  var lastError: String? { nil }
  func close() {}
}

/// Never answers.
final class BrokenEngine: ChessEngineHandle {
  let name = "broken"
  func newGame() {}
  func bestMove(_ game: GameRecord<ChessPosition>, limits: SearchLimits) -> Move? { nil }
  var lastInfo: String? { nil }
  var lastError: String? { "engine exited" }
  func close() {}
}
