import Chess
import ChessArena
import ChessZero
import Foundation
import GameCore
import GameSearch

/// A game-generic player of GameSearch playing chess as an engine (`ChessEngineHandle`), so
/// the terminal and the arena seat it like any other: `random[:seed=N]` (uniformly random legal
/// moves) or `mcts[:sims=N,time=S,c=X,reuse=true|false,seed=N]` (UCT with random rollouts,
/// weak: the rollouts know nothing of chess). The player searches `ChessGameState`s built from
/// the game so far, so it knows the positions played before its root (repetitions) and the
/// halfmove clock.
///
/// MCTS keeps its tree across moves (the moves played since its last search are followed when
/// the game continues the one it searched) and fits the clock: a search stops at the first of
/// its own `sims`/`time` and the time the limits allow (a move time, or a share of the clock
/// as the alpha-beta engine takes it); without either it runs 1000 simulations.
public final class ChessSearchEngine: ChessEngineHandle {
  /// The names of the game-generic players that play chess.
  public static let players = ["random", "mcts"]

  public let name: String
  let player: any Player<ChessGameState>
  let mcts: MCTSPlayer<ChessGameState>?
  /// The budget the player was given by name (`sims`, `time`), kept while the clock trims it.
  let ownSimulations: Int?
  let ownTime: Duration?
  /// The state searched last and the game's length then, to follow the moves since.
  var searched: (state: ChessGameState, plies: Int)?
  public private(set) var lastInfo: String?
  public var lastError: String? { nil }

  /// `true` if `text` names a game-generic player (`random`, `mcts`, with options or not).
  public static func isPlayer(_ text: String) -> Bool {
    let name = text.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
    return players.contains(name)
  }

  /// The player `text` names (`mcts:sims=2000`), its random choices seeded by `seed` unless the
  /// text gives `seed=`; a bad name or option is a one-line error.
  public init(_ text: String, seed: UInt64) throws(EngineError) {
    let own: (simulations: Int?, time: Duration?)
    do throws(NotationError) {
      let spec = try PlayerSpec(parsing: text)
      guard ChessSearchEngine.players.contains(spec.name) else {
        throw NotationError(
          "'\(text)': the game-generic players of chess are \(ChessSearchEngine.players.joined(separator: " and "))")
      }
      player = try PlayerFactory.make(spec, evaluator: ZeroEvaluator<ChessGameState>(), seed: seed)
      name = spec.description
      own = spec.name == "mcts" ? try PlayerFactory.mctsBudget(spec) : (nil, nil)
    } catch {
      throw EngineError(error.message)
    }
    mcts = player as? MCTSPlayer<ChessGameState>
    ownSimulations = mcts == nil ? nil : own.simulations
    ownTime = mcts == nil ? nil : own.time
  }

  public func newGame() {
    player.reset()
    searched = nil
    lastInfo = nil
  }

  public func bestMove(_ game: GameRecord<ChessPosition>, limits: SearchLimits) -> Move? {
    let state = ChessGameState(game)
    if state.isFinished { return nil }
    follow(game)
    if let mcts { mcts.mcts.config = budget(mcts.mcts.config, limits: limits, side: state.sideToMove) }
    let move: Move
    if let mcts {
      let r = mcts.mcts.search(state)
      move = r.bestMove
      lastInfo = "score cp \(ChessSearchEngine.centipawns(r.moves.first?.value ?? 0.5)) nodes \(r.simulations)"
    } else {
      move = player.chooseMove(in: state)
      lastInfo = player.lastReport
    }
    searched = (state, game.moves.count)
    return move
  }

  public func close() {}

  /// A mean reward in [0, 1] (½ a draw) as centipawns: the expected score `2·reward − 1`
  /// through `ZeroSearcher.centipawns` (lc0's mapping).
  public static func centipawns(_ reward: Double) -> Int { ZeroSearcher.centipawns(Float(2 * reward - 1)) }

  /// Tells the player the moves played since its last search, when `game` continues the game
  /// it searched (its search tree is kept; otherwise the search starts afresh).
  func follow(_ game: GameRecord<ChessPosition>) {
    guard let (last, plies) = searched, plies <= game.moves.count, game.keys[plies] == last.hash else { return }
    var s = last
    for m in game.moves[plies...] {
      player.observe(m, from: s)
      s.play(m)
    }
  }

  /// The configuration for one search under `limits`: the player's own simulations and time,
  /// capped by the time the limits allow.
  func budget(_ config: MCTSConfig, limits: SearchLimits, side: Side) -> MCTSConfig {
    var c = config
    // MCTS has no iterations to stop between: it spends the optimum, within the hard limit.
    let allowed = limits.allocation(for: side).map { Duration.milliseconds(min($0.optimum, $0.hardLimit)) }
    c.simulations = limits.nodes ?? ownSimulations
    switch (ownTime, allowed) {
    case (let own?, let a?): c.time = min(own, a)
    case (let own?, nil): c.time = own
    case (nil, let a?): c.time = a
    case (nil, nil): c.time = nil
    }
    if c.simulations == nil && c.time == nil { c.simulations = 1000 }
    return c
  }
}
