import ArgumentParser
import GameCore
import GameSearch
import GameSolver
import Hexapawn

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure ZeroLab's speed (used by `make bench-solver` and `make bench-mcts`).",
    discussion: """
      Each run prints its figures, then one machine-readable line:
        BENCH <name> unit=<unit> zerolab=<value>

      Examples:
        zerolab bench solver --size 4x4 --size 5x5
        zerolab bench mcts --size 3x3 --size 5x5 --sims 200000
      """,
    subcommands: [
      SolverBench.self, MCTSBench.self, NNBench.self, Int8Bench.self, ZeroBench.self, LearnerBench.self,
      EngineBench.self,
    ])
}

struct SolverBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "solver", abstract: "Exact-solver throughput: positions solved per second from the start.",
    discussion: """
      Solves each board from its start position (a fresh solver each repetition) and reports \
      the best time. `make bench-solver` runs this next to a plain Python solver.

      Examples:
        zerolab bench solver --size 4x4 --size 5x5
        zerolab bench solver --size 4x6 --repeats 1
      """)

  @Option(help: "Board sizes (repeatable).") var size: [String] = ["4x4", "5x5"]
  @Option(help: "Repetitions; the best time counts.") var repeats: Int = 3

  func run() throws {
    for text in size {
      let boardSize: BoardSize
      do { boardSize = try BoardSize(parsing: text) } catch { throw ValidationError(error.message) }
      var best = Duration.seconds(1_000_000)
      var positions = 0
      var value = GameValue.draw
      for r in 0..<max(1, repeats) {
        Terminal.progress("solver \(boardSize): run \(r + 1) of \(max(1, repeats))")
        let clock = ContinuousClock()
        let t0 = clock.now
        let solver = Solver<HexapawnPosition>()
        value = solver.solve(HexapawnPosition(size: boardSize))
        let t = clock.now - t0
        positions = solver.counts.total
        best = min(best, t)
      }
      Terminal.endProgress()
      let perSecond = Int(Double(positions) / max(toSeconds(best), 1e-9))
      print("solver \(boardSize): \(grouped(positions)) positions in \(seconds(best)) s, White to move: \(value)")
      print("BENCH solver-\(boardSize) unit=positions/s zerolab=\(perSecond)")
    }
  }
}

struct MCTSBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mcts", abstract: "UCT simulations per second from the start position (random rollouts).",
    discussion: """
      One search of --sims simulations from the start position, tree reuse off.

      Examples:
        zerolab bench mcts --size 3x3 --size 5x5 --sims 200000
        zerolab bench mcts --size 8x8 --sims 20000 --seed 3
      """)

  @Option(help: "Board sizes (repeatable).") var size: [String] = ["3x3", "5x5"]
  @Option(help: "Simulations per measurement.") var sims: Int = 200_000
  @Option(help: "Seed of the rollouts.") var seed: UInt64 = 1

  func run() throws {
    for text in size {
      let boardSize: BoardSize
      do { boardSize = try BoardSize(parsing: text) } catch { throw ValidationError(error.message) }
      let mcts = MCTS<HexapawnPosition>(
        config: MCTSConfig(simulations: sims, reuseTree: false, seed: seed))
      let r = mcts.search(HexapawnPosition(size: boardSize))
      let perSecond = Int(Double(r.simulations) / max(toSeconds(r.elapsed), 1e-9))
      print(
        "mcts \(boardSize): \(grouped(r.simulations)) simulations in \(seconds(r.elapsed)) s, tree \(grouped(mcts.treeSize)) nodes, best \(r.bestMove)"
      )
      print("BENCH mcts-\(boardSize) unit=simulations/s zerolab=\(perSecond)")
    }
  }
}
