import GameCore
import Hexapawn
import Play
import Search
import Testing

/// Runs a terminal game with scripted input; returns everything written.
func script(
  _ lines: [String], white: Seat<HexapawnPosition> = .human,
  black: Seat<HexapawnPosition> = .engine(MinimaxPlayer<HexapawnPosition>(randomPick: false, seed: 1)),
  start: HexapawnPosition = HexapawnPosition()
) -> (output: [String], record: GameRecord<HexapawnPosition>) {
  var input = lines[...]
  var output: [String] = []
  let view = HexapawnBoardView(color: false)
  let game = TerminalGame<HexapawnPosition>(
    white: white, black: black, readLine: { input.popFirst() }, write: { output.append($0) },
    render: { view.render($0, lastMove: $1) })
  let record = game.run(from: start)
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
    #expect(out.contains(TerminalGame<HexapawnPosition>.helpText))
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
    #expect(out.last?.hasPrefix("Moves: 1.") == true)
    #expect(record.moveText.hasPrefix("1. "))
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
    #expect(GameRecord(start: start, moves: moves, outcome: nil).moveText == "1. b1b2 a3b2 2. c1b2")
    let fromBlack = try HexapawnPosition(fen: "ppp/1P1/P1P b")
    let m = try fromBlack.parseMove("a3b2")
    #expect(GameRecord(start: fromBlack, moves: [m], outcome: nil).moveText == "1... a3b2")
  }
}

@Suite struct BoardViewTests {
  @Test func plainOutputHasNoEscapeCodes() {
    let text = HexapawnBoardView(color: false).render(HexapawnPosition(), lastMove: nil)
    #expect(!text.contains("\u{1B}"))
    #expect(text.contains("♟") && text.contains("♙"))
    #expect(text.hasSuffix("White to move"))
    #expect(text.split(separator: "\n").first == "3  ♟  ♟  ♟ ")
  }

  @Test func colourOutputUsesANSIAndShowsTheLastMove() throws {
    var p = HexapawnPosition()
    let m = try p.parseMove("b1b2")
    p.play(m)
    let text = HexapawnBoardView(color: true).render(p, lastMove: m)
    #expect(text.contains("\u{1B}["))
    #expect(text.contains("last move: b1b2"))
    #expect(text.contains("Black to move"))
  }
}
