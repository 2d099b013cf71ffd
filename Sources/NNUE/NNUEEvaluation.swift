import Chess
import ChessEngine
import GameCore

/// The quantised network behind the engine's `ChessEvaluator` protocol: a stack of
/// accumulator pairs (white's then black's, `n` units each), one per ply, in one flat
/// 64-byte-aligned buffer allocated once. Nothing is allocated per node.
///
/// The stack is lazy, as in Stockfish: `push` only records the pieces the move changes (its
/// `DirtyPieces`) and marks the child's pair as not computed; `evaluate` computes it from the
/// nearest computed ancestor, adding and removing only those pieces' features. The last step
/// is fused with the output layer (one pass writes the new pair and sums the output), so an
/// incremental evaluation reads the accumulators once; nodes the search never evaluates (a
/// hash cut-off, a repetition, a node in check) cost no accumulator work. A king move into
/// another bucket refreshes that perspective at `push`. A null move copies. `pop` steps back
/// (the parent's pair is still there: nothing is subtracted).
public struct NNUEEvaluation: ChessEvaluator, @unchecked Sendable {
  public let net: QuantizedNNUE
  /// Plies the stack holds (the search never goes deeper than this).
  public static let maxPly = 256
  let storage: Storage
  /// King buckets (white, black) per ply.
  let buckets: UnsafeMutablePointer<UInt8>
  /// The move into each ply (valid where `computed` is false).
  let dirty: UnsafeMutablePointer<QuantizedNNUE.DirtyPieces>
  /// Whether each ply's pair is up to date.
  let computed: UnsafeMutablePointer<Bool>
  let base: UnsafeMutablePointer<Int16>
  let n: Int
  /// The net has the fused update-and-evaluate step.
  let fused: Bool
  /// The net has more than one king bucket.
  let bucketed: Bool
  var ply = 0
  /// The side to move at ply 0 (every push, a null move included, passes the turn).
  var rootSide = Side.white

  /// Owns the stack buffers.
  final class Storage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int16>
    let buckets: UnsafeMutablePointer<UInt8>
    let dirty: UnsafeMutablePointer<QuantizedNNUE.DirtyPieces>
    let computed: UnsafeMutablePointer<Bool>
    init(count: Int) {
      let plies = NNUEEvaluation.maxPly + 2
      buckets = .allocate(capacity: 2 * plies)
      buckets.initialize(repeating: 0, count: 2 * plies)
      dirty = .allocate(capacity: plies)
      dirty.initialize(repeating: QuantizedNNUE.DirtyPieces(nullMoveBy: .white), count: plies)
      computed = .allocate(capacity: plies)
      computed.initialize(repeating: false, count: plies)
      pointer = UnsafeMutableRawPointer.allocate(byteCount: count * 2, alignment: 64).bindMemory(
        to: Int16.self, capacity: count)
      pointer.initialize(repeating: 0, count: count)
    }
    deinit {
      pointer.deallocate()
      buckets.deallocate()
      dirty.deallocate()
      computed.deallocate()
    }
  }

  public init(net: QuantizedNNUE) {
    self.net = net
    n = net.n
    fused = net.hasFusedStep
    bucketed = net.layout.buckets > 1
    storage = Storage(count: (NNUEEvaluation.maxPly + 2) * 2 * net.n)
    base = storage.pointer
    buckets = storage.buckets
    dirty = storage.dirty
    computed = storage.computed
  }

  /// Plies pushed since `reset`.
  public var depth: Int { ply }

  /// A copy with its own stack (for another search thread).
  public func copy() -> NNUEEvaluation { NNUEEvaluation(net: net) }

  public mutating func reset(to position: ChessPosition) {
    ply = 0
    rootSide = position.sideToMove
    net.refresh(position, perspective: .white, into: base)
    net.refresh(position, perspective: .black, into: base + n)
    buckets[0] = UInt8(net.layout.bucket(position, perspective: .white))
    buckets[1] = UInt8(net.layout.bucket(position, perspective: .black))
    computed[0] = true
  }

  // Not inlined into the caller: this module is built for the host CPU (AVX2), the search's may not be.
  @inline(never) public mutating func push(_ move: Move, from position: ChessPosition) {
    precondition(ply &+ 1 <= NNUEEvaluation.maxPly, "NNUE stack overflow")
    let next = ply &+ 1
    buckets[2 &* next] = buckets[2 &* ply]
    buckets[2 &* next &+ 1] = buckets[2 &* ply &+ 1]
    computed[next] = false
    if move == .null {
      dirty[next] = QuantizedNNUE.DirtyPieces(nullMoveBy: position.sideToMove)
      ply = next
      return
    }
    let d = QuantizedNNUE.DirtyPieces(move: move, in: position)
    dirty[next] = d
    if d.kingTo >= 0 && bucketed { kingMoved(d, move, from: position) }
    ply = next
  }

  /// A king move on a bucketed net: if the king lands in another bucket, that side refreshes
  /// now (the position is at hand) and the other side updates from the parent, which is
  /// computed first. Out of line, so `push` itself stays small.
  @inline(never) mutating func kingMoved(_ d: QuantizedNNUE.DirtyPieces, _ move: Move, from position: ChessPosition) {
    let next = ply &+ 1
    let side = d.mover
    let nb = net.layout.bucket(orientedKingSquare: side == .white ? d.kingTo : d.kingTo ^ 56)
    guard nb != Int(buckets[2 &* ply &+ Int(side.rawValue)]) else { return }
    compute(upTo: ply)
    let size = 2 &* n
    let src = base + ply &* size, dst = src + size
    let s = side == .white ? 0 : n, o = n &- s
    net.refresh(position.playing(move), perspective: side, into: dst + s)
    net.apply(
      d, to: dst + o, from: src + o, perspective: side.opponent,
      bucket: Int(buckets[2 &* ply &+ Int(side.opponent.rawValue)]))
    buckets[2 &* next &+ Int(side.rawValue)] = UInt8(nb)
    computed[next] = true
  }

  public mutating func pop() {
    precondition(ply > 0, "NNUE stack underflow")
    ply &-= 1
  }

  /// Brings every pair up to `target` up to date (from the nearest computed ply below).
  @inline(__always) mutating func compute(upTo target: Int) {
    if computed[target] { return }
    var k = target
    while !computed[k] { k &-= 1 }
    let size = 2 &* n
    while k < target {
      k &+= 1
      let src = base + (k &- 1) &* size, dst = src + size
      let d = dirty[k]
      net.apply(d, to: dst, from: src, perspective: .white, bucket: Int(buckets[2 &* k]))
      net.apply(d, to: dst + n, from: src + n, perspective: .black, bucket: Int(buckets[2 &* k &+ 1]))
      computed[k] = true
    }
  }

  /// Computes the current ply's accumulators without evaluating (what `zerolab nnue bench`
  /// times as the update alone).
  public mutating func update() { update(upTo: ply) }

  /// `compute(upTo:)` out of line, for the evaluation's fast path.
  @inline(never) mutating func update(upTo target: Int) { compute(upTo: target) }

  /// The side to move at the top of the stack.
  public var sideToMove: Side { ply & 1 == 0 ? rootSide : rootSide.opponent }

  /// The score of the position after every pushed move, for its side to move (`evaluate()`;
  /// the stack already holds everything it needs).
  public mutating func evaluate(_ position: ChessPosition) -> Int {
    assert(position.sideToMove == sideToMove, "NNUEEvaluation: the position is not the top of the stack")
    return evaluate()
  }

  /// The incremental evaluation: when the move into this ply adds one piece (a quiet move or
  /// a capture), the stack below is brought up to date and one fused pass updates and
  /// evaluates; everything else (castling, a null move, nets without the fused step) goes
  /// through `evaluateInTwoSteps`. Both are kept out of line so this path stays small.
  @inline(never) public mutating func evaluate() -> Int {
    let p = ply
    if fused && !computed[p] {
      let d = dirty[p]
      if d.addCount == 1 {
        if !computed[p &- 1] { update(upTo: p &- 1) }
        let size = 2 &* n
        let at = base + p &* size
        let v = net.updateAndEvaluate(
          d, to: at, from: at - size, buckets: Int(buckets[2 &* p]), Int(buckets[2 &* p &+ 1]))
        computed[p] = true
        return min(max(Int(v), -9_000), 9_000)
      }
    }
    return evaluateInTwoSteps()
  }

  /// Brings the stack up to date, then runs the output layer on the current ply's pair.
  @inline(never) mutating func evaluateInTwoSteps() -> Int {
    compute(upTo: ply)
    let at = base + ply &* 2 &* n
    let white = sideToMove == .white
    let v = Int(net.evaluate(us: white ? at : at + n, them: white ? at + n : at))
    return min(max(v, -9_000), 9_000)
  }
}
