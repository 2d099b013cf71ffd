import ArgumentParser
import GameCore
import GameSearch
import GameSolver
import Hexapawn

struct Solve: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Solve a game exactly: who wins with perfect play, the optimal first moves, position counts.",
    discussion: """
      The exact minimax solver visits every position reachable from the start once (the \
      position graph, with a transposition table), so it also counts them. Distances are \
      plies to the end under best play: the winner takes the fastest win, the loser the \
      slowest loss.

      Examples:
        zerolab solve hexapawn --size 3x3      # Black (the second player) wins
        zerolab solve hexapawn --size 4x4      # White wins
        zerolab solve hexapawn --fen '1p1/pP1/2P b'
      """)

  @Argument(help: "The game.") var game: HexapawnGame
  @OptionGroup var board: BoardOptions

  func validate() throws { try game.game.requireHexapawn("solve") }

  func run() throws {
    let start = try board.startPosition()
    let clock = ContinuousClock()
    let t0 = clock.now
    let solver = Solver<HexapawnPosition>(expectedPositions: 1 << 16)
    solver.progress = { n in
      Terminal.progress("solving: \(grouped(n)) positions, \(rate(n, clock.now - t0))")
    }
    let value = solver.solve(start)
    let elapsed = clock.now - t0
    Terminal.endProgress()
    let ranked = solver.rankedMoves(in: start)
    let counts = solver.counts
    print("Hexapawn \(start.size), start \(start.fen)")
    if let o = start.outcome {
      print("The game is already over: \(o).")
    } else {
      let winner: Side = value.sign > 0 ? start.sideToMove : start.sideToMove.opponent
      print("Result: \(winner) wins with perfect play (\(start.sideToMove) to move: \(value))")
      let optimal = ranked.filter { $0.value == value }.map { start.moveText($0.move) }
      print("Optimal first moves: \(optimal.joined(separator: " "))")
      print("All first moves: " + ranked.map { "\(start.moveText($0.move)) \($0.value)" }.joined(separator: ", "))
    }
    print(
      "Positions: \(grouped(counts.total)) reachable (\(grouped(counts.whiteToMove)) White to move, \(grouped(counts.blackToMove)) Black to move; \(grouped(counts.terminal)) finished, \(grouped(counts.nonTerminal)) not)"
    )
    print("Time: \(seconds(elapsed)) s (\(rate(counts.total, elapsed)) positions)")
  }
}
