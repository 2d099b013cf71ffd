import Chess
import ChessEngine
import GameCore

/// The quantised network behind the engine's `ChessEvaluator` protocol: a stack of
/// accumulator pairs (white's then black's, `n` units each), one per ply, in one flat
/// 64-byte-aligned buffer allocated once. `push` writes the child's pair from the parent's,
/// adding and removing only the features of the pieces the move changes (a king move into
/// another bucket refreshes that perspective; a null move copies); `pop` steps back (the
/// parent's pair is still there: nothing is subtracted); `evaluate` reads the top. Nothing is
/// allocated per node.
public struct NNUEEvaluation: ChessEvaluator, @unchecked Sendable {
  public let net: QuantizedNNUE
  /// Plies the stack holds (the search never goes deeper than this).
  public static let maxPly = 256
  let storage: Storage
  /// King buckets (white, black) per ply.
  let buckets: UnsafeMutablePointer<UInt8>
  let base: UnsafeMutablePointer<Int16>
  let n: Int
  var ply = 0

  /// Owns the stack buffer.
  final class Storage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int16>
    let buckets: UnsafeMutablePointer<UInt8>
    init(count: Int) {
      buckets = .allocate(capacity: 2 * (NNUEEvaluation.maxPly + 2))
      buckets.initialize(repeating: 0, count: 2 * (NNUEEvaluation.maxPly + 2))
      pointer = UnsafeMutableRawPointer.allocate(byteCount: count * 2, alignment: 64).bindMemory(
        to: Int16.self, capacity: count)
      pointer.initialize(repeating: 0, count: count)
    }
    deinit {
      pointer.deallocate()
      buckets.deallocate()
    }
  }

  public init(net: QuantizedNNUE) {
    self.net = net
    n = net.n
    storage = Storage(count: (NNUEEvaluation.maxPly + 2) * 2 * net.n)
    base = storage.pointer
    buckets = storage.buckets
  }

  /// Plies pushed since `reset`.
  public var depth: Int { ply }

  /// A copy with its own stack (for another search thread).
  public func copy() -> NNUEEvaluation { NNUEEvaluation(net: net) }

  public mutating func reset(to position: ChessPosition) {
    ply = 0
    net.refresh(position, perspective: .white, into: base)
    net.refresh(position, perspective: .black, into: base + n)
    buckets[0] = UInt8(net.layout.bucket(position, perspective: .white))
    buckets[1] = UInt8(net.layout.bucket(position, perspective: .black))
  }

  // Not inlined into the caller: this module is built for the host CPU (AVX2), the search's may not be.
  @inline(never) public mutating func push(_ move: Move, from position: ChessPosition) {
    precondition(ply &+ 1 <= NNUEEvaluation.maxPly, "NNUE stack overflow")
    let size = 2 &* n
    let src = base + ply &* size, dst = src + size
    let bw = Int(buckets[2 &* ply]), bb = Int(buckets[2 &* ply &+ 1])
    buckets[2 &* ply &+ 2] = UInt8(bw)
    buckets[2 &* ply &+ 3] = UInt8(bb)
    if move == .null {
      dst.update(from: src, count: size)
    } else {
      let d = QuantizedNNUE.DirtyPieces(move: move, in: position)
      for k in 0..<2 {
        let side: Side = k == 0 ? .white : .black
        let s = k == 0 ? 0 : n
        let bucket = k == 0 ? bw : bb
        if d.kingTo >= 0 && side == d.mover && net.layout.buckets > 1 {
          let nb = net.layout.bucket(orientedKingSquare: side == .white ? d.kingTo : d.kingTo ^ 56)
          if nb != bucket {
            net.refresh(position.playing(move), perspective: side, into: dst + s)
            buckets[2 &* ply &+ 2 &+ Int(side.rawValue)] = UInt8(nb)
            continue
          }
        }
        net.apply(d, to: dst + s, from: src + s, perspective: side, bucket: bucket)
      }
    }
    ply &+= 1
  }

  public mutating func pop() {
    precondition(ply > 0, "NNUE stack underflow")
    ply &-= 1
  }

  @inline(never) public mutating func evaluate(_ position: ChessPosition) -> Int {
    let at = base + ply &* 2 &* n
    let white = position.sideToMove == .white
    let v = Int(net.evaluate(us: white ? at : at + n, them: white ? at + n : at))
    return min(max(v, -9_000), 9_000)
  }
}
