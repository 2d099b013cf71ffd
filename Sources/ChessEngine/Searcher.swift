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

/// What to search: every limit is optional; none at all means "until stopped".
public struct SearchLimits: Sendable {
  public var depth: Int?
  public var nodes: Int?
  /// Exactly this many milliseconds.
  public var moveTime: Int?
  public var whiteTime: Int?
  public var blackTime: Int?
  public var whiteIncrement: Int?
  public var blackIncrement: Int?
  public var movesToGo: Int?
  /// Search until `stop` (even after a mate is found).
  public var infinite = false

  public init(
    depth: Int? = nil, nodes: Int? = nil, moveTime: Int? = nil, whiteTime: Int? = nil, blackTime: Int? = nil,
    whiteIncrement: Int? = nil, blackIncrement: Int? = nil, movesToGo: Int? = nil, infinite: Bool = false
  ) {
    self.depth = depth
    self.nodes = nodes
    self.moveTime = moveTime
    self.whiteTime = whiteTime
    self.blackTime = blackTime
    self.whiteIncrement = whiteIncrement
    self.blackIncrement = blackIncrement
    self.movesToGo = movesToGo
    self.infinite = infinite
  }
}

/// One completed iteration (or the final report).
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

  /// Moves to mate (negative: being mated), or `nil` for a centipawn score.
  public var mateIn: Int? {
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

/// The search's answer.
public struct SearchResult: Sendable {
  /// `nil` only when the root has no legal move.
  public var bestMove: Move?
  public var ponderMove: Move?
  public var info: SearchInfo
}

/// A flag another thread sets to stop a running search (checked every 1024 nodes).
public final class StopSignal: Sendable {
  let flag = Atomic<Bool>(false)
  public init() {}
  public func stop() { flag.store(true, ordering: .relaxed) }
  public func reset() { flag.store(false, ordering: .relaxed) }
  public var isSet: Bool { flag.load(ordering: .relaxed) }
}

/// Piece values for ordering, SEE and delta pruning, indexed by `Piece.raw & 7` (1 pawn … 6 king).
let seeValue: [Int] = [0, 100, 320, 330, 500, 900, 20000]

/// A searcher whose evaluation type is hidden (the UCI front end and the arena switch
/// evaluations at run time; the search itself stays generic and specialised).
public protocol ChessSearching: AnyObject, Sendable {
  var table: TranspositionTable { get }
  var stopSignal: StopSignal { get }
  var onIteration: ((SearchInfo) -> Void)? { get set }
  func newGame()
  func search(_ root: ChessPosition, history: [UInt64], limits: SearchLimits) -> SearchResult
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
public final class ChessSearcher<E: ChessEvaluator>: ChessSearching, @unchecked Sendable {
  public var evaluator: E
  public let table: TranspositionTable
  public let stopSignal: StopSignal
  /// Called after every completed iteration (UCI `info` lines).
  public var onIteration: ((SearchInfo) -> Void)?

  let historyTable: UnsafeMutablePointer<Int32>  // [side * 4096 + from|to<<6]
  /// Continuation history: how a quiet move (by its piece and target) has done right after
  /// the previous move (by its piece and target), `[prev * 1024 + piece << 6 | to]` with
  /// `piece` the packed `Piece.raw` (0…15).
  let continuation: UnsafeMutablePointer<Int16>
  /// The quiet reply that last refuted each previous move, `[piece << 6 | to]`.
  let counterMoves: UnsafeMutablePointer<Move>
  /// Per ply: the move that left it, its piece key (`piece << 6 | to`, -1 for a null move)
  /// and the static evaluation there (`-infinityScore` in check).
  let moveKeys: UnsafeMutablePointer<Int>
  let staticEvals: UnsafeMutablePointer<Int>
  /// Per ply: the move a singular-extension search leaves out (`.none` normally).
  let excludedMoves: UnsafeMutablePointer<Move>
  let killers: UnsafeMutablePointer<Move>  // [ply * 2 + k]
  let pvTable: UnsafeMutablePointer<Move>  // [ply * maxPly + i]
  let pvLength: UnsafeMutablePointer<Int>
  var keys: UnsafeMutablePointer<UInt64>
  var keyCapacity: Int
  /// Per-ply scratch: move scores, quiescence moves, quiet moves tried (no stack copies).
  let scoreBuffer: UnsafeMutablePointer<Int>
  let qMoveBuffer: UnsafeMutablePointer<Move>
  let quietBuffer: UnsafeMutablePointer<Move>
  var keyCount = 0
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
    historyTable = .allocate(capacity: 2 * 4096)
    historyTable.initialize(repeating: 0, count: 2 * 4096)
    continuation = .allocate(capacity: 1024 * 1024)
    continuation.initialize(repeating: 0, count: 1024 * 1024)
    counterMoves = .allocate(capacity: 1024)
    counterMoves.initialize(repeating: .none, count: 1024)
    moveKeys = .allocate(capacity: maxPly + 2)
    moveKeys.initialize(repeating: -1, count: maxPly + 2)
    staticEvals = .allocate(capacity: maxPly + 2)
    staticEvals.initialize(repeating: -infinityScore, count: maxPly + 2)
    excludedMoves = .allocate(capacity: maxPly + 2)
    excludedMoves.initialize(repeating: .none, count: maxPly + 2)
    killers = .allocate(capacity: 2 * (maxPly + 1))
    killers.initialize(repeating: .none, count: 2 * (maxPly + 1))
    pvTable = .allocate(capacity: (maxPly + 1) * maxPly)
    pvTable.initialize(repeating: .none, count: (maxPly + 1) * maxPly)
    pvLength = .allocate(capacity: maxPly + 1)
    pvLength.initialize(repeating: 0, count: maxPly + 1)
    keyCapacity = 1024 + maxPly
    keys = .allocate(capacity: keyCapacity)
    scoreBuffer = .allocate(capacity: (maxPly + 2) * 256)
    scoreBuffer.initialize(repeating: 0, count: (maxPly + 2) * 256)
    qMoveBuffer = .allocate(capacity: (maxPly + 2) * 256)
    qMoveBuffer.initialize(repeating: .none, count: (maxPly + 2) * 256)
    quietBuffer = .allocate(capacity: (maxPly + 2) * 64)
    quietBuffer.initialize(repeating: .none, count: (maxPly + 2) * 64)
    var table = [Int](repeating: 0, count: 64 * 64)
    for d in 1..<64 {
      for m in 1..<64 { table[d * 64 + m] = Int(0.75 + log(Double(d)) * log(Double(m)) / 2.25) }
    }
    lmr = table
  }

  deinit {
    historyTable.deallocate()
    continuation.deallocate()
    counterMoves.deallocate()
    moveKeys.deallocate()
    staticEvals.deallocate()
    excludedMoves.deallocate()
    killers.deallocate()
    pvTable.deallocate()
    pvLength.deallocate()
    keys.deallocate()
    scoreBuffer.deallocate()
    qMoveBuffer.deallocate()
    quietBuffer.deallocate()
  }

  /// Forgets the table, history and killers (a new game).
  public func newGame() {
    table.clear()
    historyTable.update(repeating: 0, count: 2 * 4096)
    continuation.update(repeating: 0, count: 1024 * 1024)
    counterMoves.update(repeating: .none, count: 1024)
    killers.update(repeating: .none, count: 2 * (maxPly + 1))
  }

  var elapsedMilliseconds: Int {
    let d = ContinuousClock.now - start
    return Int(d.components.seconds) * 1000 + Int(d.components.attoseconds / 1_000_000_000_000_000)
  }

  /// Searches `root`. `history` holds the keys of the game's earlier positions (oldest first,
  /// the root's own key may be last or absent), for repetition draws.
  public func search(_ root: ChessPosition, history: [UInt64] = [], limits: SearchLimits) -> SearchResult {
    start = ContinuousClock.now
    nodes = 0
    seldepth = 0
    aborted = false
    canAbort = false
    table.newSearch()
    evaluator.reset(to: root)
    var past = history
    if past.last == root.hash { past.removeLast() }
    if past.count + maxPly + 2 > keyCapacity {
      keys.deallocate()
      keyCapacity = past.count + maxPly + 2
      keys = .allocate(capacity: keyCapacity)
    }
    keyCount = 0
    for k in past.suffix(keyCapacity - maxPly - 2) {
      keys[keyCount] = k
      keyCount += 1
    }
    keys[keyCount] = root.hash
    keyCount += 1
    for i in 0..<(2 * 4096) { historyTable[i] /= 2 }

    // Time: an optimum (no new iteration after 60% of it) and a hard limit.
    var optimum = Int.max
    hardLimit = Int.max
    nodeLimit = limits.nodes ?? Int.max
    if let mt = limits.moveTime {
      hardLimit = max(1, mt - 15)
      optimum = hardLimit * 2
    } else if let time = root.sideToMove == .white ? limits.whiteTime : limits.blackTime, !limits.infinite {
      let inc = (root.sideToMove == .white ? limits.whiteIncrement : limits.blackIncrement) ?? 0
      let available = max(1, time - 30)
      let togo = min(50, max(1, limits.movesToGo ?? 30))
      optimum = available / togo + inc * 3 / 4
      optimum = min(optimum, togo == 1 ? available * 4 / 5 : available / 2)
      hardLimit = max(1, max(optimum, min(optimum * 3, available * 4 / 5)))
      optimum = max(1, optimum)
    }
    if limits.infinite { optimum = Int.max }
    let maxDepth = min(limits.depth ?? (maxPly - 8), maxPly - 8)

    var moves = MoveList<Move>(filler: .none)
    root.generateMoves(into: &moves)
    var best = SearchResult(
      bestMove: moves.isEmpty ? nil : moves[0], ponderMove: nil,
      info: SearchInfo(depth: 0, seldepth: 0, score: 0, nodes: 0, milliseconds: 0, pv: [], hashfull: 0))
    if moves.isEmpty {
      best.info.score = root.isInCheck ? -mateScore : 0
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
        score = negamax(root, alpha, beta, depth, 0, true, false)
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
      let pv = (0..<pvLength[0]).map { pvTable[$0] }
      if let first = pv.first {
        best.bestMove = first
        best.ponderMove = pv.count > 1 ? pv[1] : nil
      }
      if best.bestMove == lastBest {
        stable += 1
      } else {
        stable = 0
        lastBest = best.bestMove ?? .none
      }
      best.info = SearchInfo(
        depth: depth, seldepth: seldepth, score: score, nodes: nodes, milliseconds: elapsedMilliseconds,
        pv: pv.isEmpty ? [best.bestMove!] : pv, hashfull: table.hashfull)
      var walk = root
      best.info.pvText = best.info.pv.map { m in
        defer { walk.play(m) }
        return walk.moveText(m)
      }
      onIteration?(best.info)
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
    best.info.nodes = nodes
    best.info.milliseconds = elapsedMilliseconds
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

  @inline(__always) func isRepetition(_ halfmoveClock: Int) -> Bool {
    let current = keys[keyCount - 1]
    var i = keyCount - 3
    let oldest = max(0, keyCount - 1 - halfmoveClock)
    while i >= oldest {
      if keys[i] == current { return true }
      i -= 2
    }
    return false
  }

  @inline(__always) func make(_ move: Move, _ from: ChessPosition, _ to: ChessPosition) {
    keys[keyCount] = to.hash
    keyCount += 1
    evaluator.push(move, from: from)
  }

  @inline(__always) func unmake() {
    keyCount -= 1
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

  /// Whether a stored score with `bound` (1 upper, 2 lower, 3 exact; 0 none) settles a node
  /// searched with the window (`alpha`, `beta`).
  @inline(__always) static func cuts(_ score: Int, _ bound: UInt8, _ alpha: Int, _ beta: Int) -> Bool {
    bound == 3 || (bound == 2 && score >= beta) || (bound == 1 && score <= alpha)
  }

  /// The bound a search result `best` is, for the window it was searched with.
  @inline(__always) static func bound(_ best: Int, _ alpha: Int, _ beta: Int) -> UInt8 {
    best >= beta ? 2 : (best > alpha ? 3 : 1)
  }

  /// A static evaluation refined by a stored score: the stored one when its bound points past
  /// the static one (a lower bound above it, an upper bound below it), mates aside.
  @inline(__always) static func refined(_ eval: Int, _ score: Int, _ bound: UInt8) -> Int {
    guard abs(score) < mateBound else { return eval }
    return (bound == 2 && score > eval) || (bound == 1 && score < eval) ? score : eval
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

  @inline(__always) static func victimValue(_ p: ChessPosition, _ m: Move) -> Int {
    m.isEnPassant ? 100 : seeValue[Int(p[Square(m.to)].raw & 7)]
  }

  @inline(__always) func updatePV(_ ply: Int, _ m: Move) {
    let row = pvTable + ply * maxPly
    row[ply] = m
    let next = pvTable + (ply + 1) * maxPly
    var i = ply + 1
    let end = pvLength[ply + 1]
    while i < end {
      row[i] = next[i]
      i += 1
    }
    pvLength[ply] = max(end, ply + 1)
  }

  static func hasNonPawnMaterial(_ p: ChessPosition) -> Bool {
    let side = p.sideToMove
    return (p.pieces(side) & ~p.pieces(.pawn) & ~p.pieces(.king)).rawValue != 0
  }

  func negamax(
    _ pos: ChessPosition, _ alphaIn: Int, _ betaIn: Int, _ depthIn: Int, _ ply: Int, _ pvNode: Bool,
    _ allowNull: Bool
  ) -> Int {
    pvLength[ply] = ply
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
      if pos.halfmoveClock >= 100 || isRepetition(pos.halfmoveClock) || pos.isInsufficientMaterial { return 0 }
      if ply >= maxPly - 4 { return inCheck ? 0 : evaluator.evaluate(pos) }
      alpha = max(alpha, -mateScore + ply)
      beta = min(beta, mateScore - ply - 1)
      if alpha >= beta { return alpha }
    }
    let key = pos.hash
    let excluded = excludedMoves[ply]
    var ttMove = Move.none
    var ttScore = 0, ttDepth = -1, ttBound: UInt8 = 0
    // A singular-extension search (one move left out) neither reads nor writes the table.
    if excluded == .none, let e = table.probe(key) {
      ttMove = Move(raw: e.move)
      ttScore = ChessSearcher.fromTT(Int(e.score), ply)
      ttDepth = Int(e.depth)
      ttBound = e.flags & 3
      if !pvNode && ttDepth >= depth {
        if ChessSearcher.cuts(ttScore, ttBound, alpha, beta) { return ttScore }
      }
    }
    // Internal iterative reduction: no hash move, so this node is probably new; search it
    // shallower first.
    if depth >= 4 && ttMove == .none && excluded == .none { depth -= 1 }
    let staticEval = inCheck ? -infinityScore : evaluator.evaluate(pos)
    staticEvals[ply] = staticEval
    // The pruning below reads the stored score instead when its bound points past the static
    // one (a better guess at this node's value); "improving" compares static evaluations.
    let eval = inCheck ? staticEval : ChessSearcher.refined(staticEval, ttScore, ttBound)
    // Improving: better than two plies ago (our previous turn); unknown counts as improving.
    let improving = !inCheck && (ply < 2 || staticEvals[ply - 2] == -infinityScore || staticEval > staticEvals[ply - 2])
    if !pvNode && !inCheck && abs(beta) < mateBound {
      // Reverse futility.
      if depth <= 6 && eval - 85 * (depth - (improving ? 1 : 0)) >= beta { return eval }
      // Null move.
      if allowNull && excluded == .none && depth >= 3 && eval >= beta && ChessSearcher.hasNonPawnMaterial(pos) {
        let r = 3 + depth / 4 + min(3, (eval - beta) / 200)
        var child = pos
        child.play(.null)
        moveKeys[ply] = -1
        make(.null, pos, child)
        let s = -negamax(child, -beta, -beta + 1, depth - 1 - r, ply + 1, false, false)
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
    if ply > 0 && depth >= 7 && ttMove != .none && excluded == .none && ttBound & 2 != 0 && ttDepth >= depth - 3
      && abs(ttScore) < mateBound && ply < maxPly / 2
    {
      let singularBeta = ttScore - 3 * depth
      excludedMoves[ply] = ttMove
      let s = negamax(pos, singularBeta - 1, singularBeta, (depth - 1) / 2, ply, false, false)
      excludedMoves[ply] = .none
      if aborted { return 0 }
      if s < singularBeta {
        singular = true
      } else if singularBeta >= beta {
        return singularBeta
      }
    }
    let scores = scoreBuffer + ply * 256
    let side = Int(pos.sideToMove.rawValue)
    let k0 = killers[ply * 2], k1 = killers[ply * 2 + 1]
    let prevKey = ply > 0 ? moveKeys[ply - 1] : -1
    let counter = prevKey >= 0 ? counterMoves[prevKey] : Move.none
    let cont = continuation + max(prevKey, 0) * 1024
    let moveCountTotal = moves.count
    for mi in 0..<moveCountTotal {
      let m = moves.move(at: mi)
      var s: Int
      if m == ttMove {
        s = 10_000_000
      } else if ChessSearcher.isCapture(pos, m) {
        let victim = ChessSearcher.victimValue(pos, m)
        let attacker = seeValue[Int(pos[Square(m.from)].raw & 7)]
        let good = attacker <= victim || ChessSearcher.see(pos, m) >= 0
        s = (good ? 2_000_000 : -2_000_000) + victim * 16 - attacker / 16
        if m.isPromotion && m.promotion == .queen { s += 900 * 16 }
      } else if m.isPromotion {
        s = m.promotion == .queen ? 1_900_000 : -3_000_000
      } else if m == k0 {
        s = 1_000_000
      } else if m == k1 {
        s = 999_000
      } else if m == counter {
        s = 998_000
      } else {
        s = Int(historyTable[side * 4096 + m.historyIndex])
        if prevKey >= 0 { s += Int(cont[ChessSearcher.pieceKey(pos, m)]) }
      }
      scores[mi] = s
    }

    var best = -infinityScore
    var bestMove = Move.none
    var moveCount = 0
    let quiets = quietBuffer + ply * 64
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
      moveKeys[ply] = ChessSearcher.pieceKey(pos, m)
      make(m, pos, child)
      var score: Int
      if moveCount == 1 {
        let extend = singular && m == ttMove ? 1 : 0
        score = -negamax(child, -beta, -alpha, depth - 1 + extend, ply + 1, pvNode, true)
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
        score = -negamax(child, -alpha - 1, -alpha, depth - 1 - r, ply + 1, false, true)
        if score > alpha && r > 0 && !aborted {
          score = -negamax(child, -alpha - 1, -alpha, depth - 1, ply + 1, false, true)
        }
        if score > alpha && score < beta && !aborted {
          score = -negamax(child, -beta, -alpha, depth - 1, ply + 1, true, true)
        }
      }
      unmake()
      if aborted { return 0 }
      if score > best {
        best = score
        bestMove = m
        if score > alpha {
          alpha = score
          if pvNode { updatePV(ply, m) }
          if score >= beta {
            if quiet {
              if k0 != m {
                killers[ply * 2 + 1] = k0
                killers[ply * 2] = m
              }
              let bonus = min(depth * depth * 8, 4000)
              updateHistory(side, m, bonus)
              for q in 0..<quietCount { updateHistory(side, quiets[q], -bonus) }
              if prevKey >= 0 {
                counterMoves[prevKey] = m
                ChessSearcher.gravity(cont + ChessSearcher.pieceKey(pos, m), bonus)
                for q in 0..<quietCount { ChessSearcher.gravity(cont + ChessSearcher.pieceKey(pos, quiets[q]), -bonus) }
              }
            }
            break
          }
        }
      }
      if quiet && quietCount < 64 {
        quiets[quietCount] = m
        quietCount += 1
      }
    }
    if moveCount == 0 { return excluded != .none ? alpha : staticEval }  // all pruned (not at the root)
    if excluded != .none { return best }
    table.store(
      key, move: bestMove, score: ChessSearcher.toTT(best, ply), depth: depth,
      bound: ChessSearcher.bound(best, alphaIn, beta))
    return best
  }

  /// The moving piece and target of `m` in `pos` (`Piece.raw << 6 | to`, 0…1023).
  @inline(__always) static func pieceKey(_ pos: ChessPosition, _ m: Move) -> Int {
    Int(pos[Square(m.from)].raw & 15) &<< 6 | Int(m.to)
  }

  /// `h += bonus`, pulled toward zero as `|h|` grows (stays within ±16384).
  @inline(__always) static func gravity(_ h: UnsafeMutablePointer<Int16>, _ bonus: Int) {
    let v = Int(h.pointee)
    h.pointee = Int16(v + bonus - v * abs(bonus) / 16384)
  }

  @inline(__always) func updateHistory(_ side: Int, _ m: Move, _ bonus: Int) {
    let i = side * 4096 + m.historyIndex
    let h = Int(historyTable[i])
    historyTable[i] = Int32(h + bonus - h * abs(bonus) / 16384)
  }

  func quiesce(_ pos: ChessPosition, _ alphaIn: Int, _ beta: Int, _ ply: Int) -> Int {
    nodes &+= 1
    if nodes & 1023 == 0 { checkLimits() }
    if aborted { return 0 }
    pvLength[ply] = ply
    if ply > seldepth { seldepth = ply }
    let inCheck = pos.isInCheck
    if ply >= maxPly - 2 { return inCheck ? 0 : evaluator.evaluate(pos) }
    // The table: any entry cuts off when its bound allows (quiescence entries have depth 0,
    // below every main-search depth, so they never cut off a main-search node).
    let key = pos.hash
    var ttMove = Move.none
    var ttScore = 0, ttBound: UInt8 = 0
    if let e = table.probe(key) {
      ttScore = ChessSearcher.fromTT(Int(e.score), ply)
      ttBound = e.flags & 3
      if ChessSearcher.cuts(ttScore, ttBound, alphaIn, beta) { return ttScore }
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
    if moves.isEmpty { return inCheck ? -mateScore + ply : (pos.isInCheck ? 0 : 0) }
    let scores = scoreBuffer + ply * 256
    let kept = qMoveBuffer + ply * 256
    var keptCount = 0
    for mi in 0..<moves.count {
      let m = moves.move(at: mi)
      let capture = ChessSearcher.isCapture(pos, m)
      if !inCheck {
        if !capture && !(m.isPromotion && m.promotion == .queen) { continue }
        if m.isPromotion && m.promotion != .queen { continue }
        let victim = capture ? ChessSearcher.victimValue(pos, m) : 0
        if !m.isPromotion && standPat + victim + 200 <= alpha { continue }
        let attacker = seeValue[Int(pos[Square(m.from)].raw & 7)]
        if attacker > victim && !m.isPromotion && ChessSearcher.see(pos, m) < 0 { continue }
        kept[keptCount] = m
        scores[keptCount] = victim * 16 - attacker / 16 + (m.isPromotion ? 8000 : 0)
      } else {
        kept[keptCount] = m
        scores[keptCount] = capture ? 100_000 + ChessSearcher.victimValue(pos, m) : 0
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
      bound: ChessSearcher.bound(best, alphaIn, beta))
    return best
  }

  /// Static exchange evaluation of a capture (or any move) on its target square: the material
  /// balance, in centipawns, after both sides capture there with their cheapest pieces.
  public static func see(_ pos: ChessPosition, _ m: Move) -> Int {
    let t = AttackTables.shared
    let to = m.to, from = m.from
    var gain = InlineArray<40, Int>(repeating: 0)
    var occ = pos.occupied.rawValue
    let pawns = pos.pieces(.pawn).rawValue, knights = pos.pieces(.knight).rawValue
    let bishops = pos.pieces(.bishop).rawValue, rooks = pos.pieces(.rook).rawValue
    let queens = pos.pieces(.queen).rawValue, kings = pos.pieces(.king).rawValue
    let white = pos.pieces(.white).rawValue, black = pos.pieces(.black).rawValue
    gain[0] = m.isEnPassant ? 100 : seeValue[Int(pos[Square(to)].raw & 7)]
    var attackerValue = seeValue[Int(pos[Square(from)].raw & 7)]
    if m.isPromotion {
      let promo = seeValue[Int(m.promotion!.rawValue) + 1]
      gain[0] += promo - 100
      attackerValue = promo
    }
    occ &= ~(UInt64(1) &<< UInt64(from))
    if m.isEnPassant { occ &= ~(UInt64(1) &<< UInt64(to ^ 8)) }
    var side = pos.sideToMove.opponent
    let bq = bishops | queens, rq = rooks | queens
    var attackers =
      (t.pawn(.white, to) & pawns & black) | (t.pawn(.black, to) & pawns & white) | (t.knight(to) & knights)
      | (t.king(to) & kings) | (t.bishop(to, occ) & bq) | (t.rook(to, occ) & rq)
    var d = 0
    while true {
      attackers &= occ
      let mine = attackers & (side == .white ? white : black)
      if mine == 0 { break }
      d += 1
      if d >= 39 { break }
      gain[d] = attackerValue - gain[d - 1]
      if max(-gain[d - 1], gain[d]) < 0 { break }
      var next: UInt64
      var value: Int
      if mine & pawns != 0 {
        next = mine & pawns
        value = 100
      } else if mine & knights != 0 {
        next = mine & knights
        value = 320
      } else if mine & bishops != 0 {
        next = mine & bishops
        value = 330
      } else if mine & rooks != 0 {
        next = mine & rooks
        value = 500
      } else if mine & queens != 0 {
        next = mine & queens
        value = 900
      } else {
        next = mine & kings
        value = 20000
      }
      occ &= ~(UInt64(1) &<< UInt64(next.trailingZeroBitCount))
      attackers |= (t.bishop(to, occ) & bq) | (t.rook(to, occ) & rq)
      attackerValue = value
      side = side.opponent
    }
    while d > 0 {
      gain[d - 1] = -max(-gain[d - 1], gain[d])
      d -= 1
    }
    return gain[0]
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
