import GameCore
import GameSolver

/// A player spec as typed on the command line: a name and `key=value` options,
/// e.g. `mcts:sims=2000,c=1.2` or `alphabeta:depth=8`.
public struct PlayerSpec: Sendable, Equatable, CustomStringConvertible {
  public var name: String
  public var options: [String: String]

  /// Parses `name` or `name:key=value,key=value`.
  public init(parsing text: String) throws(NotationError) {
    let trimmed = text.filter { !$0.isWhitespace }
    let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    guard let first = parts.first, !first.isEmpty else {
      throw NotationError("empty player spec (try human, random, minimax, alphabeta or mcts)")
    }
    name = first.lowercased()
    options = [:]
    if parts.count == 2 {
      for item in parts[1].split(separator: ",", omittingEmptySubsequences: true) {
        let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty else {
          throw NotationError("bad option '\(item)' in player '\(text)' (write key=value)")
        }
        options[String(kv[0]).lowercased()] = String(kv[1])
      }
    }
  }

  public var description: String {
    options.isEmpty
      ? name : name + ":" + options.keys.sorted().map { "\($0)=\(options[$0]!)" }.joined(separator: ",")
  }

  /// Checks that only `known` keys are present.
  public func check(known: [String]) throws(NotationError) {
    for k in options.keys.sorted() where !known.contains(k) {
      throw NotationError(
        "unknown option '\(k)' for \(name) (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
    }
  }

  public func int(_ key: String, range: ClosedRange<Int>) throws(NotationError) -> Int? {
    guard let v = options[key] else { return nil }
    guard let n = Int(v), range.contains(n) else {
      throw NotationError(
        "bad value '\(v)' for \(name) option \(key) (expected an integer in \(range.lowerBound)...\(range.upperBound))")
    }
    return n
  }

  public func double(_ key: String, range: ClosedRange<Double>) throws(NotationError) -> Double? {
    guard let v = options[key] else { return nil }
    guard let d = Double(v), range.contains(d) else {
      throw NotationError(
        "bad value '\(v)' for \(name) option \(key) (expected a number in \(range.lowerBound)...\(range.upperBound))")
    }
    return d
  }

  public func bool(_ key: String) throws(NotationError) -> Bool? {
    guard let v = options[key] else { return nil }
    switch v.lowercased() {
    case "1", "true", "yes", "on": return true
    case "0", "false", "no", "off": return false
    default: throw NotationError("bad value '\(v)' for \(name) option \(key) (expected true or false)")
    }
  }

  /// The built-in engine names (besides `human`, which front ends handle).
  public static let engines = ["random", "minimax", "alphabeta", "mcts"]
  /// Help text listing every player and its options.
  public static let help = """
    human                      moves typed at the terminal
    random[:seed=N]            uniformly random legal moves
    minimax[:pick=random|first,seed=N]
                               perfect play from the exact solver (random among
                               optimal moves)
    alphabeta[:depth=D,time=S,tt=MB]
                               iterative-deepening alpha-beta, handcrafted evaluation
    mcts[:sims=N,time=S,c=X,reuse=true|false,seed=N]
                               UCT with random rollouts (default sims=1000, c=1.4)
    FILE.json                  a trained network from engines/, e.g.
                               engines/hexapawn-3x3-zero.json
    """
}

/// Uniformly random legal moves from a seeded generator.
public final class RandomPlayer<G: GameState>: Player {
  var rng: Xoshiro256
  let seed: UInt64
  public let name: String
  public init(seed: UInt64) {
    self.seed = seed
    rng = Xoshiro256(seed: seed)
    name = "random:seed=\(seed)"
  }
  public func chooseMove(in position: G) -> G.Move {
    let moves = position.legalMoves
    precondition(!moves.isEmpty, "no legal move to choose")
    return moves[rng.below(moves.count)]
  }
  public func reset() { rng = Xoshiro256(seed: seed) }
}

/// Perfect play from the exact solver: among the moves that keep the game value (fastest
/// win, slowest loss) it picks the first or a seeded random one.
public final class MinimaxPlayer<G: GameState>: Player {
  public let solver: Solver<G>
  let randomPick: Bool
  var rng: Xoshiro256
  let seed: UInt64
  public let name: String
  public private(set) var lastReport: String?

  /// A perfect player sharing an existing solver (its table is reused).
  public convenience init(solver: Solver<G>, randomPick: Bool = true, seed: UInt64) {
    self.init(randomPick: randomPick, seed: seed, solver: solver)
  }

  public init(randomPick: Bool = true, seed: UInt64, solver: Solver<G> = Solver<G>()) {
    self.solver = solver
    self.randomPick = randomPick
    self.seed = seed
    rng = Xoshiro256(seed: seed)
    name = "minimax:pick=\(randomPick ? "random" : "first")"
  }

  public func chooseMove(in position: G) -> G.Move {
    let best = solver.optimalMoves(in: position)
    precondition(!best.isEmpty, "no legal move to choose")
    let m = randomPick ? best[rng.below(best.count)] : best[0]
    lastReport = "\(solver.value(of: position)) (\(best.count) optimal move\(best.count == 1 ? "" : "s"))"
    return m
  }
  public func reset() { rng = Xoshiro256(seed: seed) }
}

/// Alpha-beta search with a static evaluator.
public final class AlphaBetaPlayer<G: GameState, E: Evaluator>: Player where E.Game == G {
  public let search: AlphaBetaSearch<G, E>
  public let limits: SearchLimits
  public let name: String
  public private(set) var lastReport: String?

  public init(evaluator: E, limits: SearchLimits, tableMegabytes: Int = 16, name: String = "alphabeta") {
    search = AlphaBetaSearch(evaluator: evaluator, tableMegabytes: tableMegabytes)
    self.limits = limits
    self.name = name
  }

  public func chooseMove(in position: G) -> G.Move {
    let r = search.search(position, limits: limits)
    let score: String
    if let v = r.gameValue, SearchScore.isDecisive(r.score) { score = "\(v)" } else { score = "score \(r.score)" }
    lastReport = "\(score), depth \(r.depth)\(r.proven ? " (proven)" : ""), \(r.nodes) nodes"
    return r.bestMove ?? .none
  }
  public func reset() { search.clear() }
}

/// UCT Monte-Carlo tree search.
public final class MCTSPlayer<G: GameState>: Player {
  public let mcts: MCTS<G>
  public let name: String
  public private(set) var lastReport: String?

  public init(config: MCTSConfig, name: String = "mcts") {
    mcts = MCTS(config: config)
    self.name = name
  }

  public func chooseMove(in position: G) -> G.Move {
    let r = mcts.search(position)
    let best = r.moves.first
    lastReport =
      "\(r.simulations) simulations, \(best?.visits ?? 0)/\(r.rootVisits) visits, value \(String(Int(((best?.value ?? 0) * 100).rounded())))%"
    return r.bestMove
  }
  public func observe(_ move: G.Move, from position: G) { mcts.advance(move, from: position) }
  public func reset() { mcts.reset() }
}

/// Builds engine players from specs.
public enum PlayerFactory {
  /// An engine for `spec` (`random`, `minimax`, `alphabeta`, `mcts`); `human` is not an
  /// engine and is rejected here. `seed` is the default for seeded players.
  public static func make<G: GameState, E: Evaluator>(
    _ spec: PlayerSpec, evaluator: E, seed: UInt64
  ) throws(NotationError) -> any Player<G> where E.Game == G {
    switch spec.name {
    case "random":
      try spec.check(known: ["seed"])
      let s = try spec.int("seed", range: 0...Int.max).map(UInt64.init) ?? seed
      return RandomPlayer<G>(seed: s)
    case "minimax":
      try spec.check(known: ["pick", "seed"])
      let pick = spec.options["pick"] ?? "random"
      guard pick == "random" || pick == "first" else {
        throw NotationError("bad value '\(pick)' for minimax option pick (expected random or first)")
      }
      let s = try spec.int("seed", range: 0...Int.max).map(UInt64.init) ?? seed
      return MinimaxPlayer<G>(randomPick: pick == "random", seed: s)
    case "alphabeta":
      try spec.check(known: ["depth", "time", "tt"])
      let depth = try spec.int("depth", range: 1...200)
      let time = try spec.double("time", range: 0.001...86_400)
      let tt = try spec.int("tt", range: 1...65_536) ?? 16
      let limits = SearchLimits(depth: depth ?? (time == nil ? 8 : nil), moveTime: time.map { Int($0 * 1000) })
      return AlphaBetaPlayer<G, E>(evaluator: evaluator, limits: limits, tableMegabytes: tt, name: spec.description)
    case "mcts":
      try spec.check(known: ["sims", "time", "c", "reuse", "seed"])
      let (sims, time) = try mctsBudget(spec)
      let c = try spec.double("c", range: 0...100) ?? 1.4
      let reuse = try spec.bool("reuse") ?? true
      let s = try spec.int("seed", range: 0...Int.max).map(UInt64.init) ?? seed
      let config = MCTSConfig(
        simulations: sims ?? (time == nil ? 1000 : nil), time: time, exploration: c, reuseTree: reuse, seed: s)
      return MCTSPlayer<G>(config: config, name: spec.description)
    case "human":
      throw NotationError("human is not an engine here")
    default:
      throw NotationError("unknown player '\(spec.name)' (choose human, random, minimax, alphabeta or mcts)")
    }
  }

  /// The budget an `mcts` spec gives itself, checked as `make` checks it: `sims=` (1 to
  /// 100,000,000) and `time=` (seconds, 0.001 to 86,400), each `nil` when not given.
  public static func mctsBudget(_ spec: PlayerSpec) throws(NotationError) -> (simulations: Int?, time: Duration?) {
    let sims = try spec.int("sims", range: 1...100_000_000)
    let time = try spec.double("time", range: 0.001...86_400)
    return (sims, time.map { .milliseconds(Int($0 * 1000)) })
  }
}
