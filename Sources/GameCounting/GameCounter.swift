import GMP
import GameCore
import GameSolver

/// Exact counts over the position graph, in GMP integers and rationals so nothing can
/// overflow or round:
///
/// - `games`: the number of distinct complete games, i.e. move sequences from the root to a
///   finished position. With `c(p) = 1` for a finished `p` and `c(p) = Σ c(child)` otherwise,
///   `games = c(root)`.
/// - `whiteWinProbability`: the probability that White wins when both sides play uniformly
///   random legal moves. With `P(p) = [White won]` for a finished `p` and
///   `P(p) = (1/k) Σ P(child)` over the `k` legal moves, the answer is `P(root)`.
/// - `positions`: the reachable positions, finished ones included.
///
/// Each position is evaluated once (memoised), so the work is proportional to the number of
/// positions and moves, not to the (exponentially larger) number of games.
public final class GameCounter<G: GameState> {
  public struct Result: Sendable {
    public let games: GMPInteger
    public let whiteWinProbability: GMPRational
    public let blackWinProbability: GMPRational
    public let positions: GMPInteger
    public let counts: PositionCounts
  }

  let index: PositionTable<G, Int32>
  var gameCounts: [GMPInteger] = []
  var whiteWins: [GMPRational] = []
  var blackWins: [GMPRational] = []
  var counts = PositionCounts()
  /// Called every 2^16 new positions with the count so far (for progress lines).
  public var progress: ((Int) -> Void)?

  public init(expectedPositions: Int = 1 << 12) {
    index = PositionTable(expected: expectedPositions)
  }

  /// Counts everything reachable from `root`.
  public func count(from root: G) -> Result {
    let i = Int(visit(root))
    let p = GMPInteger(UInt(counts.total))
    return Result(
      games: GMPInteger(copying: gameCounts[i]),
      whiteWinProbability: GMPRational(copying: whiteWins[i]),
      blackWinProbability: GMPRational(copying: blackWins[i]),
      positions: p, counts: counts)
  }

  func visit(_ position: G) -> Int32 {
    let games = GMPInteger()
    let white = GMPRational()
    let black = GMPRational()
    if let outcome = position.outcome {
      games.add(GMPInteger(1))
      if outcome.winner == .white { white.add(GMPRational(1, 1)) }
      if outcome.winner == .black { black.add(GMPRational(1, 1)) }
      counts.terminal += 1
    } else {
      var moves = MoveList<G.Move>(filler: .none)
      position.generateMoves(into: &moves)
      for i in 0..<moves.count {
        let child = position.playing(moves[i])
        let c = Int(index[child] ?? visit(child))
        games.add(gameCounts[c])
        white.add(whiteWins[c])
        black.add(blackWins[c])
      }
      white.divide(by: UInt(moves.count))
      black.divide(by: UInt(moves.count))
    }
    let id = Int32(gameCounts.count)
    gameCounts.append(games)
    whiteWins.append(white)
    blackWins.append(black)
    index.set(position, id)
    counts.total += 1
    if position.sideToMove == .white { counts.whiteToMove += 1 } else { counts.blackToMove += 1 }
    if counts.total & 0xFFFF == 0, let progress { progress(counts.total) }
    return id
  }
}

/// Brute-force walks of the game *tree* (every path separately): exponential, for
/// cross-checking the graph algorithms on small boards.
public enum TreeWalk {
  /// The number of complete games from `position`, by enumerating every path.
  public static func completeGames<G: GameState>(from position: G) -> UInt64 {
    if position.isFinished { return 1 }
    var moves = MoveList<G.Move>(filler: .none)
    position.generateMoves(into: &moves)
    var total: UInt64 = 0
    for m in moves { total += completeGames(from: position.playing(m)) }
    return total
  }

  /// The probability that White wins under uniformly random play, summed leaf by leaf:
  /// each finished game contributes the product of `1/k` along its path.
  public static func whiteWinProbability<G: GameState>(from position: G) -> GMPRational {
    let total = GMPRational()
    walk(position, weight: GMPRational(1, 1), into: total)
    return total
  }

  static func walk<G: GameState>(_ position: G, weight: GMPRational, into total: GMPRational) {
    if let o = position.outcome {
      if o.winner == .white { total.add(weight) }
      return
    }
    var moves = MoveList<G.Move>(filler: .none)
    position.generateMoves(into: &moves)
    let w = GMPRational(copying: weight)
    w.divide(by: UInt(moves.count))
    for m in moves { walk(position.playing(m), weight: w, into: total) }
  }

  /// Perft: the number of move sequences of exactly `depth` plies from `position` (a game
  /// that ends sooner contributes nothing), bulk-counting the last ply.
  public static func perft<G: GameState>(_ position: G, depth: Int) -> UInt64 {
    if depth == 0 { return 1 }
    var moves = MoveList<G.Move>(filler: .none)
    position.generateMoves(into: &moves)
    if depth == 1 { return UInt64(moves.count) }
    var total: UInt64 = 0
    for i in 0..<moves.count { total += perft(position.playing(moves[i]), depth: depth - 1) }
    return total
  }

  /// Complete games from `position` by length in plies, split by winner.
  public static func gameLengths<G: GameState>(from position: G) -> [Int: (white: Int, black: Int, draw: Int)] {
    var out: [Int: (white: Int, black: Int, draw: Int)] = [:]
    func walk(_ p: G, _ ply: Int) {
      if let o = p.outcome {
        var e = out[ply] ?? (0, 0, 0)
        switch o.winner {
        case .white: e.white += 1
        case .black: e.black += 1
        case nil: e.draw += 1
        }
        out[ply] = e
        return
      }
      for m in p.legalMoves { walk(p.playing(m), ply + 1) }
    }
    walk(position, 0)
    return out
  }

  /// Number of nodes of the game tree (every position on every path).
  public static func treeNodes<G: GameState>(from position: G) -> UInt64 {
    if position.isFinished { return 1 }
    var total: UInt64 = 1
    for m in position.legalMoves { total += treeNodes(from: position.playing(m)) }
    return total
  }
}
