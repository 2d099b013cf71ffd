import Chess
import GameCore
import GameSearch
import NeuralCore

/// How fast batched PUCT searches chess on a network, against the network alone: many games
/// in flight (`PUCTBatch`), each searching its moves and playing the best one, their leaves
/// evaluated together; then the same network timed alone on the same batches, replayed in
/// the order the search made them. The search's simulations per second over the network's positions per second says how
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
    /// The network alone on the search's batches, replayed in the order the search made
    /// them: the positions and the seconds they took.
    public var networkPositions = 0
    public var networkSeconds = 0.0

    public var simulationsPerSecond: Double { Double(simulations) / max(seconds, 1e-9) }
    public var networkPositionsPerSecond: Double { Double(networkPositions) / max(networkSeconds, 1e-12) }
    public var averageBatch: Double { Double(positions) / Double(max(batches, 1)) }
  }

  /// Times the evaluator's calls.
  struct TimedEvaluator: PolicyValueEvaluator {
    var inner: ChessNetworkEvaluator
    var seconds = 0.0
    /// The largest batch seen, and every batch's size in order.
    var largest: [ChessGameState] = []
    var sizes: [Int] = []

    mutating func evaluate(_ batch: [ChessGameState]) -> [(priors: [Float], value: Float)] {
      let clock = ContinuousClock()
      let t0 = clock.now
      let out = inner.evaluate(batch)
      seconds += (clock.now - t0).inSeconds
      if batch.count > largest.count { largest = batch }
      sizes.append(batch.count)
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
    var elapsed: Double { (clock.now - start).inSeconds }
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
    // The network alone on the same batches: the search's sizes in its order (positions from
    // its largest batch), until half the search's time has passed.
    var net = network
    var inputs: [Int: TensorBuffer] = [:]
    for size in Set(evaluator.sizes) {
      let x = TensorBuffer()
      ChessEncoding.encode(Array(evaluator.largest.prefix(size)), into: x)
      inputs[size] = x
    }
    if let x = inputs[evaluator.largest.count] { _ = net.evaluate(x, training: false) }
    let networkStart = clock.now
    var lastLine = networkStart
    for (k, size) in evaluator.sizes.enumerated() {
      let t0 = clock.now
      _ = net.evaluate(inputs[size]!, training: false)
      let t1 = clock.now
      figures.networkSeconds += (t1 - t0).inSeconds
      figures.networkPositions += size
      if t1 - lastLine >= .seconds(1) {
        lastLine = t1
        progress("network alone: \(k + 1) of the search's \(evaluator.sizes.count) batches")
      }
      if t1 - networkStart >= .seconds(s.seconds / 2) { break }
    }
    return figures
  }
}
