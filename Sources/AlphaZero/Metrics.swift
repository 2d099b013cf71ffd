import Foundation
import GameCore
import GameSearch
import GameSolver
import Hexapawn
import NeuralCore

/// One measurement of a network against the exact solver (the keys of `metrics.jsonl`).
public struct MetricsRecord: Codable, Sendable {
  public var method: String
  public var `init`: String
  public var activation: String
  public var size: String
  public var seed: UInt64
  public var iteration: Int
  public var wallSeconds: Double
  public var positionsSeen: Int
  public var optimalMoveAccuracy: Double
  public var valueSignAccuracy: Double
  public var valueMse: Double
  public var scoreVsPerfectAsWhite: Double
  public var scoreVsPerfectAsBlack: Double
  public var scoreVsRandom: Double
  public var searchScoreVsPerfectAsWhite: Double
  public var searchScoreVsPerfectAsBlack: Double
  public var searchScoreVsRandom: Double
  public var loss: Double
}

/// Everything the solver knows about a board, computed once: every reachable unfinished
/// position with its exact value, for scoring networks.
public final class SolvedBoard: @unchecked Sendable {
  public let size: BoardSize
  public let solver: Solver<HexapawnPosition>
  /// Reachable unfinished positions.
  public let positions: [HexapawnPosition]
  /// `+1` if the side to move wins with perfect play, else `−1`.
  public let signs: [Float]
  /// For each position, which legal moves (generation order) keep the game value.
  public let keepsValue: [[Bool]]
  /// For each position, which legal moves are optimal (fastest win / slowest loss).
  public let optimal: [[Bool]]

  /// The most reachable positions a board may have: every measurement scores the network on
  /// all of them. 4x6 (442,503) is the largest board of 4 files that fits; 4x7 (1,297,994) and
  /// 5x5 (3.2 million) do not (5x5 spent 108 s before its first measurement).
  public static let positionLimit = 500_000

  /// Enumerates and solves every position of `size`, reporting through `progress`; refuses a
  /// board with more than `positionLimit` reachable positions before solving it.
  public init(size: BoardSize, progress: ((String) -> Void)? = nil) throws(NeuralError) {
    self.size = size
    let start = HexapawnPosition(size: size)
    guard let reachable = ReachablePositions.from(start, limit: SolvedBoard.positionLimit) else {
      throw NeuralError(
        "the \(size) board has more than \(SolvedBoard.positionLimit) reachable positions: the learning metrics score "
          + "the network on every one, which is practical up to about 4x6 or 5x4")
    }
    var live = reachable.filter { !$0.isFinished }
    progress?("labelling \(size) with the exact solver: solving \(reachable.count) positions")
    let solver = Solver<HexapawnPosition>(expectedPositions: max(1 << 14, reachable.count))
    solver.solve(start)
    live.sort { ($0.white, $0.black, $0.sideToMove.rawValue) < ($1.white, $1.black, $1.sideToMove.rawValue) }
    positions = live
    signs = live.map { Float(solver.value(of: $0).sign) }
    keepsValue = live.map { p in
      let s = solver.value(of: p).sign
      return p.legalMoves.map { solver.value(of: p.playing($0)).parent.sign == s }
    }
    optimal = live.map { p in
      let v = solver.value(of: p)
      return p.legalMoves.map { solver.value(of: p.playing($0)).parent == v }
    }
    self.solver = solver
  }
}

/// The best value each measure of `MetricsRecord` can take on one board (same keys), from
/// the exact solver: what a perfect network would score.
public struct BestPossible: Codable, Sendable, Equatable {
  public var size: String
  /// The side that wins the starting position with perfect play, and in how many plies.
  public var winner: String
  public var plies: Int
  public var optimalMoveAccuracy = 1.0
  public var valueSignAccuracy = 1.0
  public var valueMse = 0.0
  /// Against the perfect player only the side that wins the starting position can win.
  public var scoreVsPerfectAsWhite: Double
  public var scoreVsPerfectAsBlack: Double
  /// The expected score of the best strategy against the uniformly random player, over the
  /// measurement's games (the first, third, fifth, ... of them as White).
  public var scoreVsRandom: Double
  /// The best chance to beat the random player as White and as Black.
  public var winChanceVsRandomAsWhite: Double
  public var winChanceVsRandomAsBlack: Double

  public init(board: SolvedBoard, games: Int) {
    let start = HexapawnPosition(size: board.size)
    let v = board.solver.value(of: start)
    let whiteWins = v.sign > 0
    size = board.size.description
    winner = v.sign > 0 ? "White" : v.sign < 0 ? "Black" : "nobody"
    plies = v.plies
    scoreVsPerfectAsWhite = whiteWins ? 1 : 0
    scoreVsPerfectAsBlack = v.sign < 0 ? 1 : 0
    let asWhite = BestPossible.winChanceAgainstRandom(start, for: .white)
    let asBlack = BestPossible.winChanceAgainstRandom(start, for: .black)
    winChanceVsRandomAsWhite = asWhite
    winChanceVsRandomAsBlack = asBlack
    let n = max(games, 1), white = (n + 1) / 2
    scoreVsRandom = (Double(white) * asWhite + Double(n - white) * asBlack) / Double(n)
  }

  /// The highest probability that `side` wins from `position` when the other side plays a
  /// uniformly random legal move (expectimax over the whole game tree, memoised).
  public static func winChanceAgainstRandom(_ position: HexapawnPosition, for side: Side) -> Double {
    var memo: [HexapawnPosition: Double] = [:]
    func chance(_ p: HexapawnPosition) -> Double {
      if let o = p.outcome { return o == .win(side) ? 1 : 0 }
      if let c = memo[p] { return c }
      let children = p.legalMoves.map { chance(p.playing($0)) }
      let c = p.sideToMove == side ? children.max()! : children.reduce(0, +) / Double(children.count)
      memo[p] = c
      return c
    }
    return chance(position)
  }
}

/// Scores a network against the solver and in games.
public enum Evaluation {
  public struct Scores: Sendable {
    public var optimalMoveAccuracy = 0.0, valueSignAccuracy = 0.0, valueMSE = 0.0
    public var vsPerfectAsWhite = 0.0, vsPerfectAsBlack = 0.0, vsRandom = 0.0
    public var searchVsPerfectAsWhite = 0.0, searchVsPerfectAsBlack = 0.0, searchVsRandom = 0.0
  }

  /// Accuracy and value error over every reachable unfinished position, and game scores
  /// (wins / games) with the policy alone and with a small PUCT search.
  public static func measure(
    _ network: PolicyValueNetwork, board: SolvedBoard, games: Int, searchSimulations: Int, seed: UInt64
  ) -> Scores {
    let encoding = HexapawnEncoding(size: board.size)
    var s = Scores()
    (s.optimalMoveAccuracy, s.valueSignAccuracy, s.valueMSE) = solverScores(
      board: board, outputs: outputs(network, board: board))
    if games > 0 {
      let policy = NetworkPlayer(network: network, encoding: encoding, simulations: 0, seed: seed)
      (s.vsPerfectAsWhite, s.vsPerfectAsBlack, s.vsRandom) = gameScores(policy, board: board, games: games, seed: seed)
      if searchSimulations > 0 {
        let search = NetworkPlayer(network: network, encoding: encoding, simulations: searchSimulations, seed: seed)
        (s.searchVsPerfectAsWhite, s.searchVsPerfectAsBlack, s.searchVsRandom) = gameScores(
          search, board: board, games: games, seed: seed)
      }
    }
    return s
  }

  /// The network's priors (softmax over the legal moves, in `legalMoves` order) and value on
  /// every position of `board.positions`, in order, evaluated in batches of 512.
  public static func outputs(_ network: PolicyValueNetwork, board: SolvedBoard) -> [(priors: [Float], value: Float)] {
    var evaluator = NetworkEvaluator(network: network, encoding: HexapawnEncoding(size: board.size))
    var outputs: [(priors: [Float], value: Float)] = []
    let chunk = 512
    var start = 0
    while start < board.positions.count {
      outputs += evaluator.evaluate(Array(board.positions[start..<min(start + chunk, board.positions.count)]))
      start += chunk
    }
    return outputs
  }

  /// The index of the legal move with the highest prior (the first of equal ones): the move
  /// the network plays by its policy alone.
  public static func policyMove(_ priors: [Float]) -> Int {
    var best = 0
    for j in 1..<priors.count where priors[j] > priors[best] { best = j }
    return best
  }

  /// The metric definitions, from the network's outputs on `board.positions` (in order):
  /// - optimal-move accuracy: the share of positions where the legal move with the highest
  ///   prior keeps the solver's game value (a winning move when the side to move can force a
  ///   win; in a lost position every move keeps the value);
  /// - value-sign accuracy: the share where the value head's sign equals the solver's (±1);
  /// - value MSE: the mean of (value − solver value)², the solver value being ±1.
  public static func solverScores(
    board: SolvedBoard, outputs: [(priors: [Float], value: Float)]
  ) -> (Double, Double, Double) {
    precondition(outputs.count == board.positions.count)
    var right = 0, signRight = 0
    var mse = 0.0
    for (i, r) in outputs.enumerated() {
      if board.keepsValue[i][policyMove(r.priors)] { right += 1 }
      if r.value != 0 && (r.value > 0) == (board.signs[i] > 0) { signRight += 1 }
      let d = Double(r.value - board.signs[i])
      mse += d * d
    }
    let n = Double(board.positions.count)
    return (Double(right) / n, Double(signRight) / n, mse / n)
  }

  /// Share of games won as White and as Black against the perfect player (random among
  /// optimal moves), and against a random player (half the games with each colour).
  static func gameScores(
    _ player: NetworkPlayer, board: SolvedBoard, games: Int, seed: UInt64
  ) -> (Double, Double, Double) {
    func play(_ white: any Player<HexapawnPosition>, _ black: any Player<HexapawnPosition>) -> Outcome {
      var p = HexapawnPosition(size: board.size)
      white.reset()
      black.reset()
      while p.outcome == nil {
        let m = (p.sideToMove == .white ? white : black).chooseMove(in: p)
        white.observe(m, from: p)
        black.observe(m, from: p)
        p.play(m)
      }
      return p.outcome!
    }
    // Every game has its own opponent seed: a player restarts its generator on `reset()`, so
    // one opponent for all games would replay the same game every time.
    func gameSeed(_ g: Int) -> UInt64 { seed &+ UInt64(g) &* 0x9E37_79B9_7F4A_7C15 }
    var w = 0, b = 0, r = 0
    for g in 0..<games {
      let perfect = MinimaxPlayer<HexapawnPosition>(solver: board.solver, seed: gameSeed(g) &+ 17)
      if play(player, perfect) == .win(.white) { w += 1 }
      if play(perfect, player) == .win(.black) { b += 1 }
    }
    for g in 0..<games {
      let random = RandomPlayer<HexapawnPosition>(seed: gameSeed(g) &+ 23)
      if g % 2 == 0 {
        if play(player, random) == .win(.white) { r += 1 }
      } else if play(random, player) == .win(.black) {
        r += 1
      }
    }
    let n = Double(games)
    return (Double(w) / n, Double(b) / n, Double(r) / n)
  }
}

/// A network playing Hexapawn: by its policy alone (`simulations == 0`, the highest-prior
/// legal move) or with a PUCT search of that many simulations (no noise, most visits).
public final class NetworkPlayer: Player {
  public typealias Game = HexapawnPosition
  var evaluator: NetworkEvaluator<HexapawnEncoding>
  let search: PUCTSearch<HexapawnPosition, NetworkEvaluator<HexapawnEncoding>>?
  public let name: String
  public private(set) var lastReport: String?

  public init(
    network: PolicyValueNetwork, encoding: HexapawnEncoding, simulations: Int, seed: UInt64, name: String = "network"
  ) {
    evaluator = NetworkEvaluator(network: network, encoding: encoding)
    search =
      simulations > 0
      ? PUCTSearch(evaluator: evaluator, config: PUCTConfig(simulations: simulations, batchSize: 8, seed: seed)) : nil
    self.name = name
  }

  public func chooseMove(in position: HexapawnPosition) -> HexapawnMove {
    if let search {
      let r = search.search(position)
      lastReport = "value \(String(format: "%+.2f", r.value)), \(r.visits.reduce(0, +)) visits"
      return r.bestMove
    }
    let r = evaluator.evaluate([position])[0]
    let moves = position.legalMoves
    let best = Evaluation.policyMove(r.priors)
    lastReport = "value \(String(format: "%+.2f", r.value)), prior \(String(format: "%.2f", r.priors[best]))"
    return moves[best]
  }

  public func observe(_ move: HexapawnMove, from position: HexapawnPosition) { search?.advance(move, from: position) }
  public func reset() { search?.reset() }
}
