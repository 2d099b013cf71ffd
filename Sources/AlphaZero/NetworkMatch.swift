import GameCore
import GameSearch
import NeuralCore

/// Two policy-value networks of one game played against each other, each with its own PUCT
/// search: AlphaGo Zero's evaluator, which gates a new network against the best so far.
///
/// Game pairs share an opening of `openingPlies` uniformly random legal moves (from the seed),
/// played once with each network as the first player; then both play their search's best move
/// (no noise, no sampling), so a seed gives the same match. A game longer than `maxPlies` is a
/// draw. All games are in flight at once: the positions where one network is to move go to it
/// in one batch (`PUCTBatch`), then the other's.
public enum NetworkMatch {
  public static func play<E: GameEncoding>(
    _ a: PolicyValueNetwork, against b: PolicyValueNetwork, encoding: E, games: Int, simulations: Int,
    openingPlies: Int, maxPlies: Int?, seed: UInt64
  ) -> MatchScore {
    guard games > 0 else { return MatchScore() }
    var rng = Xoshiro256(seed: seed)
    var positions: [E.Game] = []
    while positions.count < games {
      var p = encoding.start
      for _ in 0..<openingPlies {
        let moves = p.legalMoves
        if moves.isEmpty || p.isFinished { break }
        let next = p.playing(moves[rng.below(moves.count)])
        if next.isFinished { break }
        p = next
      }
      positions.append(p)
      if positions.count < games { positions.append(p) }
    }
    // Game g: network a plays the side to move at the start of even games.
    let aSide = positions.indices.map { g in g % 2 == 0 ? positions[g].sideToMove : positions[g].sideToMove.opponent }
    var evaluators = [
      NetworkEvaluator(network: a, encoding: encoding), NetworkEvaluator(network: b, encoding: encoding),
    ]
    let config = PUCTConfig(root: .puct, simulations: max(1, simulations), dirichletFraction: 0, reuseTree: false)
    let searches = (0..<2).map { k in
      positions.indices.map { _ in PUCTSearch(evaluator: evaluators[k], config: config) }
    }
    var plies = [Int](repeating: 0, count: games)
    let cap = maxPlies ?? Int.max
    func running(_ g: Int) -> Bool { !positions[g].isFinished && plies[g] < cap }
    while positions.indices.contains(where: running) {
      for k in 0..<2 {
        let starts: [(position: E.Game, noise: Bool)?] = positions.indices.map { g in
          running(g) && (positions[g].sideToMove == aSide[g]) == (k == 0) ? (positions[g], false) : nil
        }
        if starts.allSatisfy({ $0 == nil }) { continue }
        var chosen = [E.Game.Move?](repeating: nil, count: games)
        PUCTBatch.run(searches[k], evaluator: &evaluators[k], start: starts) { g, r in
          chosen[g] = r.bestMove
          return nil
        }
        for g in positions.indices {
          if let m = chosen[g] {
            positions[g].play(m)
            plies[g] += 1
          }
        }
      }
    }
    var result = MatchScore()
    for g in positions.indices {
      switch positions[g].isFinished ? positions[g].outcome?.score(for: aSide[g]) ?? 0 : 0 {
      case 1: result.wins += 1
      case -1: result.losses += 1
      default: result.draws += 1
      }
    }
    return result
  }
}
