import Chess
import ChessArena
import ChessEngine
import Foundation
import GameCore
import Play
import Testing

@Suite struct ChessTerminalTests {
  func run(
    _ lines: [String], white: ChessSeat = .human, black: ChessSeat, fen: String? = nil
  ) throws -> (
    [String], Chess.GameRecord, String
  ) {
    var input = lines[...]
    var output: [String] = []
    let game = ChessTerminalGame(
      white: white, black: black, moveTime: 50, view: ChessBoardView(color: false),
      readLine: { input.popFirst() }, write: { output.append($0) })
    let start = try fen.map { try ChessPosition(fen: $0) } ?? ChessPosition()
    let (record, result) = game.run(from: start)
    return (output, record, result)
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
    let engine = try BuiltinEngine(spec: EngineSpec(name: "zerolab", type: "builtin", options: ["Hash": "4"]))
    let (out, _, result) = try run(
      ["hint", "Qxf7#"], black: .engine(engine),
      fen: "r1bqkbnr/pppp1ppp/2n5/4p3/2B1P3/5Q2/PPPP1PPP/RNB1K1NR w KQkq - 4 4")
    #expect(out.contains { $0.hasPrefix("Hint: Qxf7#") })
    #expect(result == "1-0")
    #expect(out.contains("1-0 (checkmate)"))
    #expect(out.contains { $0.contains("4. Qxf7# 1-0") })
  }

  @Test func endOfInputAbandons() throws {
    let (out, _, result) = try run([], black: .human)
    #expect(result == "*")
    #expect(out.contains { $0.hasPrefix("End of input") })
  }
}
