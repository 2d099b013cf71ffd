import Chess
import Foundation
import GameCore
import Synchronization

/// Score of a mate at the root; a mate in `n` plies scores `mateScore - n`.
public let mateScore = 32000
/// Scores beyond this are mates.
public let mateBound = mateScore - 2 * maxPly
/// Deepest ply the search reaches.
public let maxPly = 128
let infinityScore = 32001

/// One completed iteration (or the final report): the chess engine's report, with what only
/// it has (selective depth, table fill, the principal variation as UCI text).
public struct SearchInfo: Sendable {
  public var depth: Int
  public var seldepth: Int
  /// Centipawns for the side to move, or a mate score (see `mateIn`).
  public var score: Int
  public var nodes: Int
  public var milliseconds: Int
  public var pv: [Move]
  /// The principal variation in UCI notation (castling as a king move).
  public var pvText: [String] = []
  public var hashfull: Int

  public init(
    depth: Int, seldepth: Int, score: Int, nodes: Int, milliseconds: Int, pv: [Move], pvText: [String] = [],
    hashfull: Int
  ) {
    self.depth = depth
    self.seldepth = seldepth
    self.score = score
    self.nodes = nodes
    self.milliseconds = milliseconds
    self.pv = pv
    self.pvText = pvText
    self.hashfull = hashfull
  }

  /// Moves to mate (negative: being mated), or `nil` for a centipawn score.
  public var mateIn: Int? { SearchInfo.mateIn(score) }

  /// Moves to mate for a score (negative: being mated), or `nil` for a centipawn score.
  public static func mateIn(_ score: Int) -> Int? {
    guard abs(score) >= mateBound else { return nil }
    let plies = mateScore - abs(score)
    return score > 0 ? (plies + 1) / 2 : -(plies / 2)
  }
  /// Nodes per second.
  public var nps: Int { milliseconds > 0 ? nodes * 1000 / milliseconds : nodes * 1000 }

  /// `info depth … seldepth … score … nodes … nps … hashfull … time … pv …` (UCI).
  public var uciLine: String {
    let scoreText = mateIn.map { "mate \($0)" } ?? "cp \(score)"
    var s = "info depth \(depth) seldepth \(max(seldepth, depth)) score \(scoreText) nodes \(nodes) nps \(nps)"
    s += " hashfull \(hashfull) time \(milliseconds)"
    if !pvText.isEmpty { s += " pv " + pvText.joined(separator: " ") }
    return s
  }
}

/// The chess engine's reading of the shared `SearchResult`.
extension SearchResult where Move == Chess.Move {
  /// The reply the principal variation expects (UCI `ponder`).
  public var ponderMove: Move? { pv.count > 1 ? pv[1] : nil }
  /// Moves to mate (negative: being mated), or `nil` for a centipawn score.
  public var mateIn: Int? { SearchInfo.mateIn(score) }
}

/// A flag another thread sets to stop a running search (checked every 1024 nodes).
public final class StopSignal: Sendable {
  let flag = Atomic<Bool>(false)
  public init() {}
  public func stop() { flag.store(true, ordering: .relaxed) }
  public func reset() { flag.store(false, ordering: .relaxed) }
  public var isSet: Bool { flag.load(ordering: .relaxed) }
}

/// A searcher whose evaluation type is hidden (the UCI front end and the arena switch
/// evaluations at run time; the search itself stays generic and specialised).
public protocol ChessSearching: AnyObject, Sendable {
  /// Resizes the memory the search keeps between nodes (UCI `Hash`: the alpha-beta search's
  /// transposition table, a tree search's tree), forgetting what it held.
  func resizeHash(megabytes: Int)
  var stopSignal: StopSignal { get }
  var onIteration: ((SearchInfo) -> Void)? { get set }
  /// The last search's final report: its last completed iteration, with the whole search's
  /// nodes and time (UCI's final `info` line).
  var lastInfo: SearchInfo { get }
  func newGame()
  func search(_ root: ChessPosition, history: [UInt64], limits: SearchLimits) -> SearchResult<Move>
}

/// Negamax principal-variation search with iterative deepening, aspiration windows, a
/// transposition table (read and written by quiescence too), quiescence (captures and
/// promotions; every evasion when in check),
/// move ordering (hash move, SEE/MVV-LVA, killers, counter moves, history and one-ply
/// continuation history), null-move pruning, reverse futility, futility and late-move
/// pruning, late-move reductions (reverse futility, late-move pruning and reductions read an
/// "improving" signal: the static evaluation above that of two plies before), check and
/// singular extensions (with multi-cut), mate distance, draws by repetition, fifty moves and
/// insufficient material inside the tree, and time management from the clock. Generic over
/// the evaluator, so the compiler specialises the whole search for each one.
///
/// State, as in Stockfish: a per-ply `SearchStack` (one `PlyState` per ply in one allocation)
/// and the move-ordering `Histories`, each allocated once per searcher, so a search
/// allocates nothing per node. Bounds are `Bound` values, in the search and in the
/// transposition table alike.
public final class ChessSearcher<E: ChessEvaluator>: ChessSearching, @unchecked Sendable {
  public var evaluator: E
  public let table: TranspositionTable
  public let stopSignal: StopSignal
  /// Called after every completed iteration (UCI `info` lines).
  public var onIteration: ((SearchInfo) -> Void)?
  public private(set) var lastInfo = SearchInfo(
    depth: 0, seldepth: 0, score: 0, nodes: 0, milliseconds: 0, pv: [], hashfull: 0)

  /// Move-ordering histories (butterfly, counter moves, continuation).
  let histories = Histories()
  /// Per-ply state: moves, static evaluations, killers, principal variations, scratch.
  let stack = SearchStack()
  /// Keys of the game's earlier positions and of the current path (repetitions).
  var keys = PositionKeys()
  /// Late-move reductions by `min(depth, 63) * 64 + min(moveCount, 63)`.
  let lmr: [Int]

  var nodes = 0
  var seldepth = 0
  var aborted = false
  var canAbort = false
  var start = ContinuousClock.now
  var hardLimit = Int.max
  var nodeLimit = Int.max

  public init(evaluator: E, hashMegabytes: Int = 16, stopSignal: StopSignal = StopSignal()) {
    self.evaluator = evaluator
    table = TranspositionTable(megabytes: hashMegabytes)
    self.stopSignal = stopSignal
    var table = [Int](repeating: 0, count: 64 * 64)
    for d in 1..<64 {
      for m in 1..<64 { table[d * 64 + m] = Int(0.75 + log(Double(d)) * log(Double(m)) / 2.25) }
    }
    lmr = table
  }

  deinit {
    histories.deallocate()
    stack.deallocate()
    keys.deallocate()
  }

  public func resizeHash(megabytes: Int) { table.resize(megabytes: megabytes) }

  /// Forgets the table, history and killers (a new game).
  public func newGame() {
    table.clear()
    histories.clear()
    stack.clearKillers()
  }

  var elapsedMilliseconds: Int {
    let d = ContinuousClock.now - start
    return Int(d.components.seconds) * 1000 + Int(d.components.attoseconds / 1_000_000_000_000_000)
  }

  /// Searches `root`. `history` holds the keys of the game's earlier positions (oldest first,
  /// the root's own key may be last or absent), for repetition draws.
  public func search(_ root: ChessPosition, history: [UInt64] = [], limits: SearchLimits) -> SearchResult<Move> {
    start = ContinuousClock.now
    nodes = 0
    seldepth = 0
    aborted = false
    canAbort = false
    table.newSearch()
    evaluator.reset(to: root)
    keys.reset(history: history, root: root.hash)
    histories.butterfly.age()

    // Time: an optimum (no new iteration after 60% of it) and a hard limit.
    var optimum = Int.max
    hardLimit = Int.max
    nodeLimit = limits.nodes ?? Int.max
    if let allocation = limits.allocation(for: root.sideToMove) {
      (optimum, hardLimit) = allocation
    }
    if limits.infinite { optimum = Int.max }
    let maxDepth = min(limits.depth ?? (maxPly - 8), maxPly - 8)

    var moves = MoveList<Move>(filler: .none)
    root.generateMoves(into: &moves)
    var best = SearchResult<Move>(bestMove: moves.isEmpty ? nil : moves[0], proven: moves.isEmpty)
    var info = SearchInfo(depth: 0, seldepth: 0, score: 0, nodes: 0, milliseconds: 0, pv: [], hashfull: 0)
    if moves.isEmpty {
      best.score = root.isInCheck ? -mateScore : 0
      info.score = best.score
      lastInfo = info
      best.elapsed = ContinuousClock.now - start
      waitIfInfinite(limits)
      return best
    }

    var previous = 0
    // Iterations the best move has held, for the clock's soft limit.
    var stable = 0
    var lastBest = Move.none
    let byClock = optimum != Int.max && limits.moveTime == nil
    for depth in 1...max(1, maxDepth) {
      var alpha = -infinityScore, beta = infinityScore
      var window = 18
      if depth >= 5 {
        alpha = max(previous - window, -infinityScore)
        beta = min(previous + window, infinityScore)
      }
      var score = 0
      while true {
        score = negamax(root, alpha, beta, depth: depth, ply: 0, isPV: true, nullAllowed: false)
        if aborted { break }
        if score <= alpha {
          beta = (alpha + beta) / 2
          alpha = max(score - window, -infinityScore)
        } else if score >= beta {
          beta = min(score + window, infinityScore)
        } else {
          break
        }
        window += window / 2
        if window > 600 {
          alpha = -infinityScore
          beta = infinityScore
        }
      }
      if aborted { break }
      canAbort = true
      let fell = depth > 1 && score < previous - 30
      previous = score
      let pv = stack.rootPV
      if let first = pv.first { best.bestMove = first }
      if best.bestMove == lastBest {
        stable += 1
      } else {
        stable = 0
        lastBest = best.bestMove ?? .none
      }
      info = SearchInfo(
        depth: depth, seldepth: seldepth, score: score, nodes: nodes, milliseconds: elapsedMilliseconds,
        pv: pv.isEmpty ? [best.bestMove!] : pv, hashfull: table.hashfull)
      var walk = root
      info.pvText = info.pv.map { m in
        defer { walk.play(m) }
        return walk.moveText(m)
      }
      best.score = score
      best.depth = depth
      best.pv = info.pv
      onIteration?(info)
      if stopSignal.isSet || nodes >= nodeLimit { break }
      if byClock {
        // No new iteration past a share of the optimum: all of it when the best move has just
        // changed, down to 40 % once it has held for four iterations; 30 points more after
        // the score fell.
        let share = min(100, [100, 75, 60, 50, 40][min(stable, 4)] + (fell ? 30 : 0))
        if elapsedMilliseconds >= optimum * share / 100 { break }
      } else if optimum != Int.max && elapsedMilliseconds >= optimum / 5 * 3 {
        break
      }
      if !limits.infinite && limits.depth == nil && abs(score) >= mateBound
        && depth >= 2 * (mateScore - abs(score)) + 2
      {
        break
      }
    }
    info.nodes = nodes
    info.milliseconds = elapsedMilliseconds
    lastInfo = info
    best.nodes = nodes
    best.elapsed = ContinuousClock.now - start
    waitIfInfinite(limits)
    return best
  }

  /// `go infinite` must not answer before `stop`.
  func waitIfInfinite(_ limits: SearchLimits) {
    guard limits.infinite else { return }
    while !stopSignal.isSet { usleep(1000) }
  }

  @inline(__always) func checkLimits() {
    guard canAbort else { return }
    if stopSignal.isSet || nodes >= nodeLimit || (hardLimit != Int.max && elapsedMilliseconds >= hardLimit) {
      aborted = true
    }
  }

  @inline(__always) func make(_ move: Move, _ from: ChessPosition, _ to: ChessPosition) {
    keys.push(to.hash)
    evaluator.push(move, from: from)
  }

  @inline(__always) func unmake() {
    keys.pop()
    evaluator.pop()
  }

  /// A score for the table: a mate found `ply` plies below the root is stored as a distance
  /// from this node, so a transposition reached at another ply reads its own distance.
  @inline(__always) package static func toTT(_ s: Int, _ ply: Int) -> Int {
    s >= mateBound ? s + ply : (s <= -mateBound ? s - ply : s)
  }
  /// A stored score read at `ply`: mate distances counted from the root again.
  @inline(__always) package static func fromTT(_ s: Int, _ ply: Int) -> Int {
    s >= mateBound ? s - ply : (s <= -mateBound ? s + ply : s)
  }

  /// A static evaluation refined by a stored score: the stored one when its bound points past
  /// the static one (a lower bound above it, an upper bound below it), mates aside.
  @inline(__always) static func refined(_ eval: Int, _ score: Int, _ bound: Bound) -> Int {
    guard abs(score) < mateBound else { return eval }
    return (bound == .lower && score > eval) || (bound == .upper && score < eval) ? score : eval
  }

  /// One selection-sort step over `scores[from..<count]`: swaps the highest score (the first
  /// on ties) into `from` and returns where it was, so the caller swaps its moves the same way.
  @inline(__always)
  static func selectBest(_ scores: UnsafeMutablePointer<Int>, from i: Int, count: Int) -> Int {
    var bi = i
    var bs = scores[i]
    var j = i + 1
    while j < count {
      if scores[j] > bs {
        bs = scores[j]
        bi = j
      }
      j += 1
    }
    if bi != i {
      scores[bi] = scores[i]
      scores[i] = bs
    }
    return bi
  }

  @inline(__always) static func isCapture(_ p: ChessPosition, _ m: Move) -> Bool {
    !m.isCastling && (m.isEnPassant || !p[Square(m.to)].isNone)
  }

  static func hasNonPawnMaterial(_ p: ChessPosition) -> Bool {
    let side = p.sideToMove
    return (p.pieces(side) & ~p.pieces(.pawn) & ~p.pieces(.king)).rawValue != 0
  }

  /// The negamax value of `pos` at `ply` within the window (`alphaIn`, `betaIn`): exact inside
  /// it, a bound outside. `isPV`: a principal-variation node (open window, no pruning by the
  /// table); `nullAllowed`: false right after a null move and in a singular-extension search.
  func negamax(
    _ pos: ChessPosition, _ alphaIn: Int, _ betaIn: Int, depth depthIn: Int, ply: Int, isPV pvNode: Bool,
    nullAllowed: Bool
  ) -> Int {
    let frame = stack[ply]
    frame.pointee.pvLength = ply
    var alpha = alphaIn, beta = betaIn
    var depth = depthIn
    let inCheck = pos.isInCheck
    if inCheck && ply < maxPly / 2 { depth += 1 }
    if depth <= 0 { return quiesce(pos, alpha, beta, ply) }
    nodes &+= 1
    if nodes & 1023 == 0 { checkLimits() }
    if aborted { return 0 }
    if ply > seldepth { seldepth = ply }
    if ply > 0 {
      if pos.halfmoveClock >= 100 || keys.isRepetition(pos.halfmoveClock) || pos.isInsufficientMaterial { return 0 }
      if ply >= maxPly - 4 { return inCheck ? 0 : evaluator.evaluate(pos) }
      alpha = max(alpha, -mateScore + ply)
      beta = min(beta, mateScore - ply - 1)
      if alpha >= beta { return alpha }
    }
    let key = pos.hash
    let excluded = frame.pointee.excludedMove
    var ttMove = Move.none
    var ttScore = 0, ttDepth = -1, ttBound = Bound.none
    // A singular-extension search (one move left out) neither reads nor writes the table.
    if excluded == .none, let e = table.probe(key) {
      ttMove = Move(raw: e.move)
      ttScore = ChessSearcher.fromTT(Int(e.score), ply)
      ttDepth = Int(e.depth)
      ttBound = e.bound
      if !pvNode && ttDepth >= depth {
        if ttBound.settles(ttScore, alpha: alpha, beta: beta) { return ttScore }
      }
    }
    // Internal iterative reduction: no hash move, so this node is probably new; search it
    // shallower first.
    if depth >= 4 && ttMove == .none && excluded == .none { depth -= 1 }
    let staticEval = inCheck ? -infinityScore : evaluator.evaluate(pos)
    frame.pointee.staticEval = staticEval
    // The pruning below reads the stored score instead when its bound points past the static
    // one (a better guess at this node's value); "improving" compares static evaluations.
    let eval = inCheck ? staticEval : ChessSearcher.refined(staticEval, ttScore, ttBound)
    // Improving: better than two plies ago (our previous turn); unknown counts as improving.
    let improving =
      !inCheck
      && (ply < 2 || stack[ply - 2].pointee.staticEval == -infinityScore
        || staticEval > stack[ply - 2].pointee.staticEval)
    if !pvNode && !inCheck && abs(beta) < mateBound {
      // Reverse futility.
      if depth <= 6 && eval - 85 * (depth - (improving ? 1 : 0)) >= beta { return eval }
      // Null move.
      if nullAllowed && excluded == .none && depth >= 3 && eval >= beta && ChessSearcher.hasNonPawnMaterial(pos) {
        let r = 3 + depth / 4 + min(3, (eval - beta) / 200)
        var child = pos
        child.play(.null)
        frame.pointee.moveKey = -1
        make(.null, pos, child)
        let s = -negamax(child, -beta, -beta + 1, depth: depth - 1 - r, ply: ply + 1, isPV: false, nullAllowed: false)
        unmake()
        if aborted { return 0 }
        if s >= beta { return s >= mateBound ? beta : s }
      }
    }

    var moves = MoveList<Move>(filler: .none)
    pos.generateMoves(into: &moves)
    if moves.isEmpty { return inCheck ? -mateScore + ply : 0 }
    // Singular extension: when the hash move's lower bound is well above what every other
    // move reaches in a reduced search, it is the only good move: search it one ply deeper.
    // If even the others beat beta, this node fails high without the full search (multi-cut).
    var singular = false
    if ply > 0 && depth >= 7 && ttMove != .none && excluded == .none && ttBound.isLowerOrExact && ttDepth >= depth - 3
      && abs(ttScore) < mateBound && ply < maxPly / 2
    {
      let singularBeta = ttScore - 3 * depth
      frame.pointee.excludedMove = ttMove
      let s = negamax(
        pos, singularBeta - 1, singularBeta, depth: (depth - 1) / 2, ply: ply, isPV: false, nullAllowed: false)
      frame.pointee.excludedMove = .none
      if aborted { return 0 }
      if s < singularBeta {
        singular = true
      } else if singularBeta >= beta {
        return singularBeta
      }
    }
    let scores = stack.moveScores(at: ply)
    let side = Int(pos.sideToMove.rawValue)
    let (k0, k1) = frame.pointee.killers
    let prevKey = ply > 0 ? stack[ply - 1].pointee.moveKey : -1
    let counter = prevKey >= 0 ? histories.counterMoves[prevKey] : Move.none
    let cont = histories.continuation.row(after: prevKey)
    let moveCountTotal = moves.count
    for mi in 0..<moveCountTotal {
      let m = moves.move(at: mi)
      var s: Int
      if m == ttMove {
        s = 10_000_000
      } else if ChessSearcher.isCapture(pos, m) {
        let victim = ExchangeValue.victim(pos, m)
        let attacker = ExchangeValue.of(pos[Square(m.from)])
        let good = attacker <= victim || ChessSearcher.see(pos, m) >= 0
        s = (good ? 2_000_000 : -2_000_000) + victim * 16 - attacker / 16
        if m.isPromotion && m.promotion == .queen { s += ExchangeValue.queen * 16 }
      } else if m.isPromotion {
        s = m.promotion == .queen ? 1_900_000 : -3_000_000
      } else if m == k0 {
        s = 1_000_000
      } else if m == k1 {
        s = 999_000
      } else if m == counter {
        s = 998_000
      } else {
        s = histories.butterfly[side, m]
        if prevKey >= 0 { s += Int(cont[pieceKey(pos, m)]) }
      }
      scores[mi] = s
    }

    var best = -infinityScore
    var bestMove = Move.none
    var moveCount = 0
    let quiets = stack.quietsTried(at: ply)
    var quietCount = 0
    for i in 0..<moveCountTotal {
      // Selection sort: bring the best remaining move forward.
      let bi = ChessSearcher.selectBest(scores, from: i, count: moveCountTotal)
      if bi != i { moves.swapAt(i, bi) }
      let bs = scores[i]
      let m = moves.move(at: i)
      if m == excluded { continue }
      let capture = ChessSearcher.isCapture(pos, m)
      let quiet = !capture && !m.isPromotion
      var child = pos
      child.play(m)
      let givesCheck = child.isInCheck
      if ply > 0 && !inCheck && !givesCheck && best > -mateBound && moveCount > 0 {
        if quiet {
          // Late-move pruning and futility pruning.
          if depth <= 4 && quietCount >= 3 + depth * depth * (improving ? 2 : 1) { continue }
          if depth <= 3 && eval + 110 * depth + 60 <= alpha { continue }
        } else if depth <= 4 && bs < 0 {
          // A losing capture near the leaves.
          if ChessSearcher.see(pos, m) < -90 * depth { continue }
        }
      }
      moveCount += 1
      frame.pointee.moveKey = pieceKey(pos, m)
      make(m, pos, child)
      var score: Int
      if moveCount == 1 {
        let extend = singular && m == ttMove ? 1 : 0
        score = -negamax(child, -beta, -alpha, depth: depth - 1 + extend, ply: ply + 1, isPV: pvNode, nullAllowed: true)
      } else {
        var r = 0
        if depth >= 3 && quiet && !givesCheck && moveCount > (pvNode ? 3 : 2) {
          r = lmr[min(depth, 63) * 64 + min(moveCount, 63)]
          if pvNode { r -= 1 }
          if inCheck { r -= 1 }
          if m == k0 || m == k1 { r -= 1 }
          if bs > 4000 { r -= 1 }
          if bs < -4000 { r += 1 }
          if !improving && !inCheck { r += 1 }
          r = max(0, min(r, depth - 2))
        }
        score = -negamax(child, -alpha - 1, -alpha, depth: depth - 1 - r, ply: ply + 1, isPV: false, nullAllowed: true)
        if score > alpha && r > 0 && !aborted {
          score = -negamax(child, -alpha - 1, -alpha, depth: depth - 1, ply: ply + 1, isPV: false, nullAllowed: true)
        }
        if score > alpha && score < beta && !aborted {
          score = -negamax(child, -beta, -alpha, depth: depth - 1, ply: ply + 1, isPV: true, nullAllowed: true)
        }
      }
      unmake()
      if aborted { return 0 }
      if score > best {
        best = score
        bestMove = m
        if score > alpha {
          alpha = score
          if pvNode { stack.updatePV(ply, m) }
          if score >= beta {
            if quiet {
              if k0 != m { frame.pointee.killers = (m, k0) }
              histories.updateAtCutoff(
                m, in: pos, side: side, depth: depth, tried: quiets, triedCount: quietCount, previous: prevKey,
                continuation: cont)
            }
            break
          }
        }
      }
      if quiet && quietCount < PlyState.quietCapacity {
        quiets[quietCount] = m
        quietCount += 1
      }
    }
    if moveCount == 0 { return excluded != .none ? alpha : staticEval }  // all pruned (not at the root)
    if excluded != .none { return best }
    table.store(
      key, move: bestMove, score: ChessSearcher.toTT(best, ply), depth: depth,
      bound: Bound(best, alpha: alphaIn, beta: beta))
    return best
  }

  func quiesce(_ pos: ChessPosition, _ alphaIn: Int, _ beta: Int, _ ply: Int) -> Int {
    nodes &+= 1
    if nodes & 1023 == 0 { checkLimits() }
    if aborted { return 0 }
    stack[ply].pointee.pvLength = ply
    if ply > seldepth { seldepth = ply }
    let inCheck = pos.isInCheck
    if ply >= maxPly - 2 { return inCheck ? 0 : evaluator.evaluate(pos) }
    // The table: any entry cuts off when its bound allows (quiescence entries have depth 0,
    // below every main-search depth, so they never cut off a main-search node).
    let key = pos.hash
    var ttMove = Move.none
    var ttScore = 0, ttBound = Bound.none
    if let e = table.probe(key) {
      ttScore = ChessSearcher.fromTT(Int(e.score), ply)
      ttBound = e.bound
      if ttBound.settles(ttScore, alpha: alphaIn, beta: beta) { return ttScore }
      ttMove = Move(raw: e.move)
    }
    var alpha = alphaIn
    var best = -infinityScore
    var bestMove = Move.none
    var standPat = 0
    if !inCheck {
      standPat = evaluator.evaluate(pos)
      standPat = ChessSearcher.refined(standPat, ttScore, ttBound)
      if standPat >= beta { return standPat }
      if standPat > alpha { alpha = standPat }
      best = standPat
    }
    var moves = MoveList<Move>(filler: .none)
    pos.generateMoves(into: &moves)
    if moves.isEmpty { return inCheck ? -mateScore + ply : 0 }
    let scores = stack.moveScores(at: ply)
    let kept = stack.keptMoves(at: ply)
    var keptCount = 0
    for mi in 0..<moves.count {
      let m = moves.move(at: mi)
      let capture = ChessSearcher.isCapture(pos, m)
      if !inCheck {
        if !capture && !(m.isPromotion && m.promotion == .queen) { continue }
        if m.isPromotion && m.promotion != .queen { continue }
        let victim = capture ? ExchangeValue.victim(pos, m) : 0
        if !m.isPromotion && standPat + victim + 200 <= alpha { continue }
        let attacker = ExchangeValue.of(pos[Square(m.from)])
        if attacker > victim && !m.isPromotion && ChessSearcher.see(pos, m) < 0 { continue }
        kept[keptCount] = m
        scores[keptCount] = victim * 16 - attacker / 16 + (m.isPromotion ? 8000 : 0)
      } else {
        kept[keptCount] = m
        scores[keptCount] = capture ? 100_000 + ExchangeValue.victim(pos, m) : 0
      }
      if m == ttMove { scores[keptCount] = 1_000_000 }
      keptCount += 1
    }
    for i in 0..<keptCount {
      let bi = ChessSearcher.selectBest(scores, from: i, count: keptCount)
      if bi != i {
        let t = kept[i]
        kept[i] = kept[bi]
        kept[bi] = t
      }
      let m = kept[i]
      var child = pos
      child.play(m)
      make(m, pos, child)
      let score = -quiesce(child, -beta, -alpha, ply + 1)
      unmake()
      if aborted { return 0 }
      if score > best {
        best = score
        if score > alpha {
          alpha = score
          bestMove = m
          if score >= beta { break }
        }
      }
    }
    table.store(
      key, move: bestMove, score: ChessSearcher.toTT(best, ply), depth: 0,
      bound: Bound(best, alpha: alphaIn, beta: beta))
    return best
  }
}

extension ChessSearcher {
  /// The eight positions of `zerolab bench engine` and `zerolab nnue bench` (opening,
  /// Kiwipete, middlegames, endgames).
  public static var benchPositions: [String] {
    [
      ChessPosition.startFEN,
      "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
      "r1bqkbnr/pppp1ppp/2n5/1B2p3/4P3/5N2/PPPP1PPP/RNBQK2R b KQkq - 3 3",
      "r1bq1rk1/pp2bppp/2n1pn2/3p4/2PP4/2N1PN2/PP3PPP/R2QKB1R w KQ - 0 8",
      "2rr3k/pp3pp1/1nnqbN1p/3pN3/2pP4/2P3Q1/PPB4P/R4RK1 w - - 0 1",
      "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1",
      "4rrk1/pp1n3p/3q2pQ/2p1pb2/2PP4/2P3N1/P2B2PP/4RRK1 b - - 7 19",
      "6k1/6p1/6Pp/ppp5/3pn2P/1P3K2/1PP2P2/8 b - - 0 1",
    ]
  }
}
