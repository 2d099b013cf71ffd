import Chess
import GameCore
import GameSearch
import NeuralCore

/// How fast batched PUCT searches chess on a network, against the network alone: many games
/// in flight (`PUCTBatch`), each searching its moves and playing the best one, their leaves
/// evaluated together; then the same network timed on batches of the size the search gave
/// it. The search's simulations per second over the network's positions per second says how
/// much of the machine the tree, the move generation and the encoding take.
public enum ChessSearchBenchmark {
  public struct Settings: Sendable {
    /// Games in flight, and leaves each search hands over per round (its `batchSize`).
    public var games = 16
    public var leaves = 8
    /// Simulations per move.
    public var simulations = 100
    public var root = PUCTConfig.Root.puct
    /// Wall time of the search part, in seconds.
    public var seconds = 20.0
    /// Random moves opening each game, and the plies after which a game starts again.
    public var openingPlies = 8
    public var maxPlies = 120
    public var seed: UInt64 = 1

    public init() {}
  }

  public struct Figures: Sendable {
    /// Simulations made, moves searched, evaluator calls, positions evaluated, seconds taken.
    public var simulations = 0
    public var searches = 0
    public var batches = 0
    public var positions = 0
    public var seconds = 0.0
    /// Seconds inside the evaluator (encoding, network, priors) during the search.
    public var evaluatorSeconds = 0.0
    /// The network alone on batches of `batch` positions: median seconds a pass.
    public var batch = 0
    public var networkPass = 0.0

    public var simulationsPerSecond: Double { Double(simulations) / max(seconds, 1e-9) }
    public var networkPositionsPerSecond: Double { Double(batch) / max(networkPass, 1e-12) }
    public var averageBatch: Double { Double(positions) / Double(max(batches, 1)) }
  }

  /// Times the evaluator's calls.
  struct TimedEvaluator: PolicyValueEvaluator {
    var inner: ChessNetworkEvaluator
    var seconds = 0.0
    var last: [ChessGameState] = []

    mutating func evaluate(_ batch: [ChessGameState]) -> [(priors: [Float], value: Float)] {
      let clock = ContinuousClock()
      let t0 = clock.now
      let out = inner.evaluate(batch)
      let d = (clock.now - t0).components
      seconds += Double(d.seconds) + Double(d.attoseconds) * 1e-18
      if batch.count >= last.count { last = batch }
      return out
    }
  }

  /// Runs the search part for `settings.seconds`, then the network part, reporting progress
  /// lines through `progress`.
  public static func run(
    _ network: PolicyValueNetwork, settings s: Settings, progress: (String) -> Void
  ) throws(NeuralError) -> Figures {
    precondition(s.games > 0 && s.leaves > 0 && s.simulations > 0, "a search benchmark needs games and budgets")
    var evaluator = TimedEvaluator(inner: try ChessNetworkEvaluator(network: network))
    var rng = Xoshiro256(seed: s.seed)
    func opening() -> ChessGameState {
      while true {
        var g = ChessGameState(ChessPosition.start)
        for _ in 0..<s.openingPlies where !g.isFinished {
          let moves = g.legalMoves
          g.play(moves[rng.below(moves.count)])
        }
        if !g.isFinished { return g }
      }
    }
    let searches = (0..<s.games).map { i in
      PUCTSearch(
        evaluator: evaluator,
        config: PUCTConfig(
          root: s.root, simulations: s.simulations, cPuct: 1.25, cPuctBase: 19652, batchSize: s.leaves,
          seed: s.seed &+ UInt64(i)))
    }
    var games = (0..<s.games).map { _ in opening() }
    var plies = [Int](repeating: 0, count: s.games)
    var figures = Figures()
    let clock = ContinuousClock()
    let start = clock.now
    var lastReport = start
    var elapsed: Double {
      let d = (clock.now - start).components
      return Double(d.seconds) + Double(d.attoseconds) * 1e-18
    }
    let statistics = PUCTBatch.run(searches, evaluator: &evaluator, start: games.map { ($0, false) }) { slot, r in
      figures.simulations += searches[slot].simulations
      searches[slot].advance(r.bestMove, from: games[slot])
      games[slot].play(r.bestMove)
      plies[slot] += 1
      if games[slot].isFinished || plies[slot] >= s.maxPlies {
        searches[slot].reset()
        games[slot] = opening()
        plies[slot] = 0
      }
      let now = clock.now
      if now - lastReport >= .seconds(1) {
        lastReport = now
        let t = elapsed
        progress(
          "search: \(Int(Double(figures.simulations) / max(t, 1e-9))) simulations/s, "
            + "\(Int(t)) of \(Int(s.seconds)) s")
      }
      return elapsed < s.seconds ? (games[slot], false) : nil
    }
    figures.seconds = elapsed
    figures.searches = statistics.searches
    figures.batches = statistics.batches
    figures.positions = statistics.positions
    figures.simulations = statistics.simulations
    figures.evaluatorSeconds = evaluator.seconds
    // The network alone, on positions from the search at the size of its average batch.
    figures.batch = max(1, Int(figures.averageBatch.rounded()))
    var positions = evaluator.last
    while positions.count < figures.batch { positions += evaluator.last }
    let x = TensorBuffer()
    ChessEncoding.encode(Array(positions.prefix(figures.batch)), into: x)
    var net = network
    _ = net.evaluate(x, training: false)
    var times: [Double] = []
    let networkStart = clock.now
    while times.count < 5 || (clock.now - networkStart < .seconds(s.seconds / 2) && times.count < 1000) {
      let t0 = clock.now
      _ = net.evaluate(x, training: false)
      let d = (clock.now - t0).components
      times.append(Double(d.seconds) + Double(d.attoseconds) * 1e-18)
      if times.count % 20 == 0 { progress("network alone: \(times.count) passes of \(figures.batch)") }
    }
    times.sort()
    figures.networkPass = times[times.count / 2]
    return figures
  }
}
