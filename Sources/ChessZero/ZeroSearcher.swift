import AlphaZero
import Chess
import ChessEngine
import Foundation
import GameCore
import GameSearch
import NeuralCore

/// The AlphaZero-style chess engine: a PUCT tree search guided by a policy-value network, as a
/// `ChessSearching`, so the UCI front end, the arena and the terminal drive it as they drive
/// the alpha-beta search.
///
/// - **Budget.** `go nodes N` is N simulations; a move time or a clock gives a time
///   (`SearchLimits.allocation`: the optimum, within the hard limit), and the search also
///   stops early once the most visited move cannot be caught in the time left at the current
///   rate (lc0's smart pruning); `go infinite` runs until `stop`; with no limit at all it makes
///   `defaultSimulations`. `go depth` does not apply to a tree search and is ignored.
/// - **Stop.** The stop signal is read after every batch of leaves (a few milliseconds).
/// - **Tree reuse.** When the position searched continues the one searched last (the moves
///   since are found from the positions' keys), the subtree below it is kept.
/// - **Memory.** `Hash` bounds the tree: the search stops when the tree would outgrow it, and a
///   kept tree already larger is dropped.
/// - **Reports.** An `info` line about once a second and at the end: depth (the simulations'
///   mean depth), seldepth (the deepest), nodes (simulations), nps, the score in centipawns
///   from the value (lc0's mapping, `centipawns`) or a mate when the best move mates, the tree's
///   fill of `Hash` as hashfull, and the principal variation (most visited moves).
public final class ZeroSearcher: ChessSearching, @unchecked Sendable {
  public let stopSignal: StopSignal
  public var onIteration: ((SearchInfo) -> Void)?
  public private(set) var lastInfo = SearchInfo(
    depth: 0, seldepth: 0, score: 0, nodes: 0, milliseconds: 0, pv: [], hashfull: 0)
  /// Simulations of a search with no limits.
  public var defaultSimulations: Int
  /// Simulations no search exceeds (an engine file's `simulations`), except `go infinite`.
  public var simulationCap: Int?
  /// The network's threads (`BLAS.setThreads`, set as each search starts).
  public var threads = 1
  /// The tree search and its network.
  let tree: PUCTSearch<ChessGameState, ChessNetworkEvaluator>
  /// The most nodes the tree may hold (from `Hash`).
  var nodeCap: Int
  /// The keys of the game up to the last root searched, to follow the moves played since.
  var searchedKeys: [UInt64] = []
  var searchedState: ChessGameState?
  /// Seconds between `info` lines.
  let infoInterval = 1.0

  /// A search with `network` (a chess network: `[N, 8, 8, 19]` in, 1858 policy logits out),
  /// `config`'s PUCT settings (the root kind, c_puct, the batch of leaves under virtual loss)
  /// and a tree of at most `hashMegabytes`.
  public init(
    network: PolicyValueNetwork, config: PUCTConfig = ZeroSearcher.playingConfig, hashMegabytes: Int = 64,
    defaultSimulations: Int = 800, stopSignal: StopSignal = StopSignal()
  ) throws(NeuralError) {
    var c = config
    c.dirichletFraction = 0
    c.reuseTree = true
    tree = PUCTSearch(evaluator: try ChessNetworkEvaluator(network: network), config: c)
    nodeCap = ZeroSearcher.nodes(megabytes: hashMegabytes)
    self.defaultSimulations = max(1, defaultSimulations)
    self.stopSignal = stopSignal
  }

  /// PUCT at the root with AlphaZero's growing c_puct (1.25, base 19652) and batches of 8
  /// leaves.
  public static let playingConfig = PUCTConfig(
    root: .puct, simulations: 800, cPuct: 1.25, cPuctBase: 19652, batchSize: 8)

  /// The visits of the root's moves in the tree (the last search's, with those of a kept tree).
  public var rootVisits: Int { tree.rootMoves().reduce(0) { $0 + $1.visits } }

  /// The network searched.
  public var network: PolicyValueNetwork { tree.evaluator.network }

  static func nodes(megabytes: Int) -> Int {
    max(1024, max(1, megabytes) << 20 / PUCTSearch<ChessGameState, ChessNetworkEvaluator>.nodeBytes)
  }

  public func resizeHash(megabytes: Int) {
    nodeCap = ZeroSearcher.nodes(megabytes: megabytes)
    newGame()
  }

  /// Forgets the tree.
  public func newGame() {
    tree.reset()
    searchedKeys = []
    searchedState = nil
  }

  /// A mean value `q` in [−1, 1] for the side to move as centipawns, through lc0's mapping
  /// `290.68·tan(1.548·q)`, within ±9999.
  public static func centipawns(_ q: Float) -> Int {
    let q = min(1, max(-1, Double(q)))
    return min(9999, max(-9999, Int((290.680623072 * tan(1.548090806 * q)).rounded())))
  }

  public func search(_ root: ChessPosition, history: [UInt64], limits: SearchLimits) -> SearchResult<Move> {
    let clock = ContinuousClock()
    let start = clock.now
    var keys = history
    if keys.last != root.hash { keys.append(root.hash) }
    let state = ChessGameState(root, keys: keys)
    func milliseconds() -> Int { Int((clock.now - start).inSeconds * 1000) }
    guard !state.isFinished else {
      let score = root.legalMoves.isEmpty && root.isInCheck ? -mateScore : 0
      lastInfo = SearchInfo(depth: 0, seldepth: 0, score: score, nodes: 0, milliseconds: 0, pv: [], hashfull: 0)
      waitForStop(limits)
      return SearchResult(bestMove: nil, score: score, proven: true, elapsed: clock.now - start)
    }
    BLAS.setThreads(threads)
    follow(to: state, keys: keys)
    if tree.nodeCount > nodeCap / 2 { tree.reset() }

    // The budget: simulations and a time, each optional.
    let allocation = limits.infinite ? nil : limits.allocation(for: root.sideToMove)
    let timeLimit = allocation.map { min($0.optimum, $0.hardLimit) }
    var simulations = limits.nodes
    if let cap = simulationCap, !limits.infinite { simulations = min(simulations ?? cap, cap) }
    if simulations == nil && timeLimit == nil && !limits.infinite { simulations = defaultSimulations }
    tree.config.simulations = simulations ?? Int(Int32.max)
    tree.begin(state)

    var batch: [ChessGameState] = []
    var nextInfo = infoInterval
    while !tree.isComplete {
      batch.removeAll(keepingCapacity: true)
      if tree.collectLeaves(into: &batch) > 0 { tree.receive(tree.evaluator.evaluate(batch)[...]) }
      if tree.isComplete || !tree.hasRootEvaluation { continue }
      let ms = milliseconds()
      if stopSignal.isSet || tree.nodeCount >= nodeCap || timeLimit.map({ ms >= $0 }) == true
        || timeLimit.map({ settled(elapsed: ms, limit: $0) }) == true
      {
        if limits.infinite && !stopSignal.isSet { waitForStop(limits) }
        tree.conclude()
        break
      }
      if Double(ms) / 1000 >= nextInfo {
        nextInfo += infoInterval
        onIteration?(info(milliseconds: ms, best: nil))
      }
    }
    if limits.infinite { waitForStop(limits) }
    let result = tree.result()
    let final = info(milliseconds: milliseconds(), best: result.bestMove)
    lastInfo = final
    searchedKeys = keys
    searchedState = state
    return SearchResult(
      bestMove: result.bestMove, score: final.score, depth: final.depth, nodes: final.nodes, pv: final.pv,
      elapsed: clock.now - start)
  }

  /// Whether the most visited root move can no longer be overtaken in the time left, at the
  /// rate of simulations so far (each remaining simulation could go to the second move).
  func settled(elapsed ms: Int, limit: Int) -> Bool {
    guard ms > 0, tree.simulations > 32 else { return false }
    let moves = tree.rootMoves()
    guard moves.count > 1 else { return true }
    let rate = Double(tree.simulations) / Double(ms)
    let remaining = rate * Double(limit - ms)
    return Double(moves[0].visits - moves[1].visits) > remaining
  }

  /// The report of the search so far; `best` is the move chosen, when the search is over.
  func info(milliseconds ms: Int, best: Move?) -> SearchInfo {
    let moves = tree.rootMoves()
    let top = best.flatMap { b in moves.first { $0.move == b } } ?? moves.first
    var score = 0
    if let top {
      if top.exact == 1 {
        score = mateScore - 1
      } else {
        score = ZeroSearcher.centipawns(top.value ?? -(top.exact ?? 0))
      }
    }
    let n = tree.simulations
    let pv = tree.principalVariation(first: top?.move)
    var text: [String] = []
    var p = rootPosition ?? ChessPosition()
    for m in pv {
      text.append(p.moveText(m))
      p.play(m)
    }
    var info = SearchInfo(
      depth: n > 0 ? max(1, Int((Double(tree.depthSum) / Double(n)).rounded())) : 0, seldepth: tree.maxDepth,
      score: score, nodes: n, milliseconds: ms, pv: pv, hashfull: min(1000, tree.nodeCount * 1000 / nodeCap))
    info.pvText = text
    return info
  }

  /// The root position of the running search (for the principal variation's text).
  var rootPosition: ChessPosition?

  /// Keeps the tree when `state` follows the position searched last by the moves whose
  /// positions' keys extend `searchedKeys`.
  func follow(to state: ChessGameState, keys: [UInt64]) {
    rootPosition = state.position
    guard var s = searchedState, keys.count > searchedKeys.count, keys.count - searchedKeys.count <= 8,
      Array(keys.prefix(searchedKeys.count)) == searchedKeys
    else { return }
    for key in keys[searchedKeys.count...] {
      guard let m = s.legalMoves.first(where: { s.playing($0).hash == key }) else {
        tree.reset()
        return
      }
      tree.advance(m, from: s)
      s.play(m)
    }
    if s != state { tree.reset() }
  }

  /// Blocks until the stop signal (`go infinite` answers only after `stop`).
  func waitForStop(_ limits: SearchLimits) {
    guard limits.infinite else { return }
    while !stopSignal.isSet { usleep(1000) }
  }
}
