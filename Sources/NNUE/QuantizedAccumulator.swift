import Chess
import GameCore

// The feature transformer's accumulators: computed from scratch (`refresh`) or updated from
// the previous ply's by the pieces a move changes (`apply`, `update`), per perspective and
// king bucket.

extension QuantizedNNUE {
  /// Both sides' accumulators (for tests and one-off evaluations; the search keeps them on
  /// a flat stack, see `NNUEEvaluation`).
  public struct Accumulator: Sendable, Equatable {
    public var white: [Int16]
    public var black: [Int16]
    public subscript(side: Side) -> [Int16] { side == .white ? white : black }
  }

  /// Writes the accumulator of `side`'s perspective for `p` from scratch into `out`.
  public func refresh(_ p: ChessPosition, perspective side: Side, into out: UnsafeMutablePointer<Int16>) {
    out.update(from: ftBias, count: n)
    let bucket = layout.bucket(p, perspective: side)
    for color in Side.allCases {
      for kind in PieceKind.allCases {
        for sq in p.pieces(color, kind) {
          let f = InputLayout.feature(bucket: bucket, perspective: side, color: color, kind: kind, square: sq.index)
          NNUEKernels.add(out, ftWeight + f &* n, n)
        }
      }
    }
  }

  /// Accumulators computed from scratch.
  public func refresh(_ p: ChessPosition) -> Accumulator {
    var w = [Int16](repeating: 0, count: n), b = w
    w.withUnsafeMutableBufferPointer { refresh(p, perspective: .white, into: $0.baseAddress!) }
    b.withUnsafeMutableBufferPointer { refresh(p, perspective: .black, into: $0.baseAddress!) }
    return Accumulator(white: w, black: b)
  }

  /// The feature of a packed piece for `side`'s perspective in `bucket`. The packing is the
  /// white perspective's feature order (own pieces first), so White's feature is the packed
  /// value itself; Black's swaps the colour halves (±384) and flips the rank (`^ 56`).
  @inline(__always) func feature(_ packed: Int, perspective side: Side, bucket: Int) -> Int {
    let f = side == .white ? packed : (packed >= 384 ? packed &- 384 : packed &+ 384) ^ 56
    return 768 &* bucket &+ f
  }

  /// The transformer row of a packed piece for `side`'s perspective in `bucket`.
  @inline(__always) func row(_ packed: Int, _ side: Side, _ bucket: Int) -> UnsafePointer<Int16> {
    UnsafePointer(ftWeight) + feature(packed, perspective: side, bucket: bucket) &* n
  }

  /// Writes into `dst` the accumulator of `side`'s perspective (king bucket `bucket`) after
  /// the move described by `d`, from that perspective's accumulator `src` before it: only the
  /// pieces the move changes are added or removed, in one fused pass. The caller refreshes
  /// instead when the mover's king changes bucket.
  public func apply(
    _ d: DirtyPieces, to dst: UnsafeMutablePointer<Int16>, from src: UnsafePointer<Int16>, perspective side: Side,
    bucket: Int
  ) {
    let n = self.n
    if d.addCount == 0 {
      dst.update(from: src, count: n)
      return
    }
    let a0 = row(d.added.0, side, bucket), r0 = row(d.removed.0, side, bucket)
    if d.removeCount == 1 {
      NNUEKernels.addSub(dst, src, a0, r0, n)
      return
    }
    let r1 = row(d.removed.1, side, bucket)
    if d.addCount == 1 {
      NNUEKernels.addSub1Sub2(dst, src, a0, r0, r1, n)
    } else {
      NNUEKernels.addSub2(dst, src, a0, row(d.added.1, side, bucket), r0, r1, n)
    }
  }

  /// Writes into `dst` the accumulator of `side`'s perspective after `move` is played from
  /// `p`, given that perspective's accumulator `src` before it (refreshing when the move takes
  /// that side's king into another bucket).
  public func update(
    _ dst: UnsafeMutablePointer<Int16>, from src: UnsafePointer<Int16>, perspective side: Side, move m: Move,
    in p: ChessPosition
  ) {
    let d = DirtyPieces(move: m, in: p)
    let bucket = layout.bucket(p, perspective: side)
    if d.kingTo >= 0 && side == d.mover && layout.buckets > 1 {
      let ok = side == .white ? d.kingTo : d.kingTo ^ 56
      if layout.bucket(orientedKingSquare: ok) != bucket {
        refresh(p.playing(m), perspective: side, into: dst)
        return
      }
    }
    apply(d, to: dst, from: src, perspective: side, bucket: bucket)
  }

  /// Updates `acc` (valid for `before`) by `move` (any legal move, or `Move.null`).
  public func update(_ acc: inout Accumulator, move: Move, in before: ChessPosition) {
    if move == .null { return }
    let old = acc
    for side in Side.allCases {
      let src = old[side]
      src.withUnsafeBufferPointer { s in
        if side == .white {
          acc.white.withUnsafeMutableBufferPointer {
            update($0.baseAddress!, from: s.baseAddress!, perspective: side, move: move, in: before)
          }
        } else {
          acc.black.withUnsafeMutableBufferPointer {
            update($0.baseAddress!, from: s.baseAddress!, perspective: side, move: move, in: before)
          }
        }
      }
    }
  }
}
