/// A static evaluation of a position, in centi-units from the point of view of the side to
/// move (positive: good for the side to move). Search sees evaluators only through this
/// protocol, so a handcrafted function, an NNUE or a policy-value network plug in alike.
public protocol Evaluator<Game>: Sendable {
  associatedtype Game: GameState
  /// Score of a non-finished position for its side to move. Keep well inside ±10_000;
  /// larger magnitudes are reserved for proven wins and losses.
  func evaluate(_ position: Game) -> Int
}

/// Scores every position 0: search then relies on proven results alone.
public struct ZeroEvaluator<Game: GameState>: Evaluator {
  public init() {}
  @inlinable public func evaluate(_ position: Game) -> Int { 0 }
}

/// Something that chooses moves: a random mover, a search engine, a network. Human players
/// are driven by the terminal front end instead. Players are chosen at run time by name, so
/// the CLI holds them as `any Player<G>`; that boundary is crossed once per move, never
/// inside a search loop.
public protocol Player<Game>: AnyObject {
  associatedtype Game: GameState
  /// A short label for the player with its settings, e.g. `mcts:sims=2000`.
  var name: String { get }
  /// Chooses a legal move in a position that is not finished.
  func chooseMove(in position: Game) -> Game.Move
  /// Tells the player that `move` was played from `position` (by either side), so it can
  /// keep its search tree. The default does nothing.
  func observe(_ move: Game.Move, from position: Game)
  /// Forgets everything learned about the current game (a new game starts).
  func reset()
  /// One line describing the last decision (score, depth, visits…), or `nil`.
  var lastReport: String? { get }
}

extension Player {
  public func observe(_ move: Game.Move, from position: Game) {}
  public func reset() {}
  public var lastReport: String? { nil }
}

/// A policy-value evaluator: the batching boundary between tree search and a network (lc0's
/// `Network`/`NetworkComputation`). Search hands it positions in batches and never sees what
/// computes the answers.
public protocol PolicyValueEvaluator<Game> {
  associatedtype Game: GameState
  /// For each unfinished position: prior probabilities over its legal moves, in the order
  /// `generateMoves` produces them (summing to 1), and a value in [−1, 1] for its side to move.
  mutating func evaluate(_ batch: [Game]) -> [(priors: [Float], value: Float)]
}

/// Uniform priors and value 0: PUCT with it is plain visit-count search on exact results.
public struct UniformEvaluator<Game: GameState>: PolicyValueEvaluator {
  public init() {}
  public mutating func evaluate(_ batch: [Game]) -> [(priors: [Float], value: Float)] {
    batch.map { p in
      let n = p.legalMoves.count
      return ([Float](repeating: 1 / Float(max(n, 1)), count: n), 0)
    }
  }
}
