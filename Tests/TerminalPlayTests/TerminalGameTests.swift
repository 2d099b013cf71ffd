import ChessArena
import Foundation
import GameCore
import GameSearch
import Hexapawn
import TerminalPlay
import Testing

/// Runs a terminal game with scripted input; returns everything written.
func script(
  _ lines: [String], white: Seat<HexapawnPosition> = .human,
  black: Seat<HexapawnPosition> = .engine(MinimaxPlayer<HexapawnPosition>(randomPick: false, seed: 1)),
  start: HexapawnPosition = HexapawnPosition(), hint: ((HexapawnPosition) -> String)? = nil
) -> (output: [String], record: GameRecord<HexapawnPosition>) {
  var input = lines[...]
  var output: [String] = []
  let rules = HexapawnTerminal(view: HexapawnBoardView(color: false), hint: hint)
  let game = TerminalGame<HexapawnPosition>(
    white: white, black: black, rules: rules, readLine: { input.popFirst() }, write: { output.append($0) })
  let (record, result) = game.run(from: start)
  #expect(result == record.outcome)
  return (output, record)
}

@Suite struct TerminalGameTests {
  @Test func garbageAndIllegalLinesGetReasonsAndTheGameGoesOn() {
    let (out, record) = script(["hello", "b1c3", "d1d2", "moves", "b1b2"])
    #expect(out.contains("not a move: 'hello' (write from-square and to-square, e.g. b1b2)"))
    #expect(out.contains("illegal move: b1c3"))
    #expect(out.contains("no square d1 on a 3x3 board"))
    #expect(out.contains("Legal moves: a1a2 b1b2 c1c2"))
    #expect(record.moves.first?.description == "b1b2")
    // End of input after that: the game is abandoned cleanly, no result.
    #expect(record.outcome == nil)
    #expect(out.contains { $0.hasPrefix("End of input: game abandoned") })
  }

  @Test func undoTakesBackTheHumanMoveAndTheReply() {
    let (out, record) = script(["b1b2", "undo", "undo", "a1a2", "quit"])
    #expect(out.contains("nothing to undo"))
    #expect(record.moves.count == 2)  // a1a2 and the engine's reply
    #expect(record.moves.first?.description == "a1a2")
    #expect(out.contains { $0.hasPrefix("Game stopped after 2 moves") })
  }

  @Test func helpAndQuit() {
    let (out, record) = script(["help", "quit"])
    #expect(out.contains(HexapawnTerminal.helpText))
    #expect(record.moves.isEmpty)
  }

  @Test func aFinishedGameShowsTheResultAndTheMoves() {
    // The perfect player as Black beats any White: 3x3 is a Black win.
    // White's human tries every from-to pair in turn; the illegal ones are refused.
    let squares = ["a1", "b1", "c1", "a2", "b2", "c2", "a3", "b3", "c3"]
    let attempts = squares.flatMap { f in squares.map { f + $0 } }
    let (out, record) = script(attempts + attempts + attempts + ["quit"])
    #expect(record.outcome == .win(.black))
    #expect(out.contains("Black wins"))
    #expect(out.contains { $0.hasPrefix("Moves: 1. a1a2") })
  }

  @Test func engineAgainstEngine() {
    let (out, record) = script(
      [], white: .engine(MCTSPlayer(config: MCTSConfig(simulations: 500, seed: 3))),
      black: .engine(MinimaxPlayer<HexapawnPosition>(seed: 2)))
    #expect(record.outcome == .win(.black))
    #expect(out.contains { $0.hasPrefix("White plays ") })
    // Each engine's opinion names whose it is.
    #expect(out.contains { $0.hasPrefix("White plays ") && $0.contains("(White's view: ") })
    #expect(out.contains { $0.hasPrefix("Black plays ") && $0.contains("(Black's view: ") })
    #expect(out.last?.hasPrefix("Moves: 1.") == true)
    #expect(record.moveText.hasPrefix("1. "))
  }

  @Test func hintFlipAndFenLikeChess() throws {
    let (out, record) = script(
      ["hint", "flip", "fen", "help", "flip", "quit"], hint: HexapawnHint(size: .classic).suggest)
    // 3x3 is a Black win: the solver says so from the winner's side, and names itself.
    #expect(out.contains { $0.hasPrefix("Hint (exact solver): ") && $0.contains("; Black wins in ") })
    // Flipped: rank 1 on top, files from c to a; flipped back: rank 3 on top again.
    let boards = out.filter { $0.contains("♙") }
    #expect(boards.count == 3)
    #expect(boards[1].split(separator: "\n").first == "1  ♙  ♙  ♙ ")
    #expect(boards[1].split(separator: "\n").last == "   c  b  a ")
    #expect(boards[2].split(separator: "\n").first == "3  ♟  ♟  ♟ ")
    // The FEN-like text is what --fen reads back.
    #expect(out.contains("ppp/3/PPP w"))
    #expect(try HexapawnPosition(fen: "ppp/3/PPP w") == HexapawnPosition())
    let help = HexapawnTerminal.helpText
    #expect(out.contains(help))
    for command in ["hint", "flip", "fen", "moves", "undo", "quit"] {
      #expect(help.contains("\n  \(command) "))
    }
    #expect(help.contains(TerminalInput.typeAheadNote))
    #expect(record.moves.isEmpty)
    // Without a hint engine the command says so instead of failing.
    #expect(script(["hint", "quit"]).output.contains("no hints in this game"))
  }

  @Test func hintEngineFitsTheBoard() throws {
    // Small boards: the exact solver, whose move is optimal.
    let small = HexapawnHint(size: try BoardSize(parsing: "4x4"))
    #expect(small.engineName == "exact solver")
    let line = small.suggest(HexapawnPosition(size: try BoardSize(parsing: "4x4")))
    #expect(line.contains("White wins in"))  // 4x4 is a White win
    // Larger boards: alpha-beta with a bounded budget, named with it.
    let large = HexapawnHint(size: try BoardSize(parsing: "5x5"))
    #expect(large.engineName.hasPrefix("alpha-beta"))
    let start = HexapawnPosition(size: try BoardSize(parsing: "5x5"))
    let clock = ContinuousClock()
    let t0 = clock.now
    let hint = large.suggest(start)
    #expect(clock.now - t0 < .seconds(5))
    let move = try #require(hint.split(separator: ":").dropFirst().first?.split(separator: ";").first)
    #expect((try? start.parseMove(move.trimmingCharacters(in: .whitespaces))) != nil)
    #expect(hint.contains(" for White") || hint.contains("White wins") || hint.contains("Black wins"))
    // Values read from the winner's side.
    #expect(HexapawnHint.describe(.win(in: 3), side: .black) == "Black wins in 3 plies")
    #expect(HexapawnHint.describe(.loss(in: 4), side: .black) == "White wins in 4 plies")
  }

  @Test func moveListNumbering() throws {
    let start = try HexapawnPosition(fen: "ppp/3/PPP w")
    var p = start
    var moves: [HexapawnMove] = []
    for t in ["b1b2", "a3b2", "c1b2"] {
      let m = try p.parseMove(t)
      moves.append(m)
      p.play(m)
    }
    #expect(GameRecord(start: start, moves: moves).moveText == "1. b1b2 a3b2 2. c1b2")
    let fromBlack = try HexapawnPosition(fen: "ppp/1P1/P1P b")
    let m = try fromBlack.parseMove("a3b2")
    #expect(GameRecord(start: fromBlack, moves: [m]).moveText == "1... a3b2")
  }
}

@Suite struct BoardViewTests {
  @Test func plainOutputHasNoEscapeCodes() {
    let text = HexapawnBoardView(color: false).render(HexapawnPosition(), lastMove: nil)
    #expect(!text.contains("\u{1B}"))
    #expect(text.contains("♟") && text.contains("♙"))
    // The side to move is the prompt's to say, not the board's.
    #expect(!text.contains("to move"))
    #expect(text.split(separator: "\n").first == "3  ♟  ♟  ♟ ")
    let flipped = HexapawnBoardView(color: false).render(HexapawnPosition(), lastMove: nil, flipped: true)
    #expect(flipped.split(separator: "\n").first == "1  ♙  ♙  ♙ ")
  }

  @Test func colourOutputUsesANSIAndShowsTheLastMove() throws {
    var p = HexapawnPosition()
    let m = try p.parseMove("b1b2")
    p.play(m)
    let text = HexapawnBoardView(color: true).render(p, lastMove: m)
    #expect(text.contains("\u{1B}["))
    #expect(text.contains("last move: b1b2"))
  }
}
