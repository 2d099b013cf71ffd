import Chess
import ChessArena
import Engines
import Foundation
import GameCore

/// The Elo of a chess network against fixed opponents: the network engine (`ZeroSearcher` at a
/// fixed number of simulations a move, so the ladder measures the network and not the machine)
/// plays a match against each opponent over the arena's openings, colours alternating, each
/// opening twice; each match gives the Elo difference and its 95 % interval (`MatchRecord`).
///
/// Opponents by name: `random` (uniformly random legal moves), `alphabeta-dN` (the alpha-beta
/// engine on the handcrafted evaluation at depth N), or any chess engine the roster resolves
/// (`stockfish-1350`, an engine file).
public struct LadderSettings: Codable, Sendable, Equatable {
  /// Games against each opponent.
  public var games: Int = 20
  /// Simulations per move of the network.
  public var simulations: Int = 200
  public var opponents: [String] = Ladder.defaultOpponents
  /// The clock of every game: a bound the fixed budgets stay well inside.
  public var timeControl: String = "120+1"

  public init() {}
}

public enum Ladder {
  /// A random mover, the alpha-beta engine at depth 1, and Stockfish 15.1 at 1350 Elo.
  public static let defaultOpponents = ["random", "alphabeta-d1", "stockfish-1350"]

  /// The engine spec of an opponent's name (a one-line error for an unknown one).
  public static func opponent(_ name: String) throws(EngineError) -> EngineSpec {
    if name.hasPrefix("alphabeta-d"), let depth = Int(name.dropFirst("alphabeta-d".count)), (1...64).contains(depth) {
      return EngineSpec(
        name: name, type: "builtin", options: ["Hash": "16", "EvalFile": "handcrafted", "Depth": "\(depth)"])
    }
    return try EngineSpec.resolve(name)
  }

  /// The network engine on `weights` at `simulations` a move.
  public static func network(_ weights: String, name: String, simulations: Int) -> EngineSpec {
    EngineSpec(name: name, type: "network", options: ["Hash": "64"], weights: weights, simulations: simulations)
  }

  /// The matches of the network in `weights` against every opponent of `settings`, one after
  /// the other (`progress` hears each game), or all at once on a thread each.
  public static func measure(
    weights: String, name: String, settings: LadderSettings, openings: [ChessPosition], concurrently: Bool = false,
    progress: @escaping @Sendable (String) -> Void = { _ in }
  ) throws -> [MatchRecord] {
    let me = network(weights, name: name, simulations: settings.simulations)
    let tc = try TimeControl(parsing: settings.timeControl)
    var list: [(EngineSpec, EngineSpec)] = []
    for o in settings.opponents { list.append((me, try opponent(o))) }
    let pairs = list
    if concurrently {
      return try EngineMatches.playConcurrently(pairs, games: settings.games, timeControl: tc, openings: openings) {
        k, s, n in progress("\(name) vs \(pairs[k].1.name) \(n)/\(settings.games): \(s.summary)")
      }
    }
    return try pairs.map { pair in
      try EngineMatches.play(pair.0, pair.1, games: settings.games, timeControl: tc, openings: openings) { s, n in
        progress("\(name) vs \(pair.1.name) \(n)/\(settings.games): \(s.summary)")
      }
    }
  }
}
