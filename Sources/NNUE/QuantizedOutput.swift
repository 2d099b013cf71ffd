import Chess
import GameCore

// The layers after the feature transformer: the integer output layer (alone, or fused with
// the last accumulator update for the search's lazy stack) and the float hidden layers.

extension QuantizedNNUE {
  /// Centipawns from the output layer's integer sum (before the bias) of a net without
  /// hidden layers.
  @inline(__always) func output(_ sum: Int64) -> Int32 {
    Int32((sum &+ outputBias) &* outputScale / Int64(QuantizedNNUE.qa * QuantizedNNUE.qb))
  }

  /// Whether `updateAndEvaluate` has a fused path for this net (SCReLU, no hidden layers).
  public var hasFusedStep: Bool { screlu && !hasHidden }

  /// Fused update and evaluation for a lazy stack: writes both perspectives' accumulators
  /// after the quiet move or capture `d` (from `src`, white's half then black's, in buckets
  /// `bw`, `bb`) into `dst` and returns the centipawns for the side to move after it (the
  /// side that did not move). Only for a net with `hasFusedStep` and a move that adds one
  /// piece (`d.addCount == 1`: not castling, not a null move); the result is exactly `apply`
  /// then `evaluate`. Each half is written in place, and the output layer's halves are swapped
  /// instead when Black is to move.
  @inline(__always) public func updateAndEvaluate(
    _ d: DirtyPieces, to dst: UnsafeMutablePointer<Int16>, from src: UnsafePointer<Int16>, buckets bw: Int,
    _ bb: Int
  ) -> Int32 {
    assert(hasFusedStep && d.addCount == 1, "updateAndEvaluate: no fused step for this net or move")
    #if ZEROLAB_AVX512
      // The intrinsics kernel (both perspectives in one loop) for multiples of 64 units; the
      // plain loops out of line, so this path keeps its registers.
      if n & 63 == 0 {
        let (aw, rw, ab, rb, lw, lb) = fusedRows(d, bw, bb)
        let sum: Int32
        if d.removeCount == 1 {
          sum = NNUEKernels.fusedQuiet512(dst, src, aw, rw, ab, rb, lw, lb, n)
        } else {
          let r2 = d.removed.1
          sum = NNUEKernels.fusedCapture512(
            dst, src, aw, rw, row(r2, .white, bw), ab, rb, row(r2, .black, bb), lw, lb, n)
        }
        return output(Int64(sum) / Int64(QuantizedNNUE.qa))
      }
      return updateAndEvaluateInLoops(d, to: dst, from: src, buckets: bw, bb)
    #else
      return updateAndEvaluateLoops(d, to: dst, from: src, buckets: bw, bb)
    #endif
  }

  /// `updateAndEvaluateLoops` out of line.
  @inline(never) func updateAndEvaluateInLoops(
    _ d: DirtyPieces, to dst: UnsafeMutablePointer<Int16>, from src: UnsafePointer<Int16>, buckets bw: Int,
    _ bb: Int
  ) -> Int32 { updateAndEvaluateLoops(d, to: dst, from: src, buckets: bw, bb) }

  /// The rows the fused step reads for the move `d` in buckets `bw`, `bb`: the added and the
  /// (first) removed piece's transformer rows for White's and Black's perspective, and the
  /// output weights for White's half and Black's. The side to move's half of the output
  /// weights goes with its own accumulator, so the halves swap when White is to move.
  @inline(__always) func fusedRows(
    _ d: DirtyPieces, _ bw: Int, _ bb: Int
  ) -> (
    aw: UnsafePointer<Int16>, rw: UnsafePointer<Int16>, ab: UnsafePointer<Int16>, rb: UnsafePointer<Int16>,
    lw: UnsafePointer<Int16>, lb: UnsafePointer<Int16>
  ) {
    let l1 = UnsafePointer(l1Weight), whiteToMove = d.mover == .black
    let a = d.added.0, r = d.removed.0
    return (
      row(a, .white, bw), row(r, .white, bw), row(a, .black, bb), row(r, .black, bb),
      whiteToMove ? l1 : l1 + n, whiteToMove ? l1 + n : l1
    )
  }

  /// `updateAndEvaluate` in plain loops the compiler vectorises, one per perspective.
  @inline(__always) func updateAndEvaluateLoops(
    _ d: DirtyPieces, to dst: UnsafeMutablePointer<Int16>, from src: UnsafePointer<Int16>, buckets bw: Int,
    _ bb: Int
  ) -> Int32 {
    let n = self.n
    let (aw, rw, ab, rb, lw, lb) = fusedRows(d, bw, bb)
    let sum: Int32
    if d.removeCount == 1 {
      // The common sizes get their own copy with a constant trip count (fully unrolled, no
      // remainder loop).
      @inline(__always) func quiet(_ n: Int) -> Int32 {
        NNUEKernels.fusedQuiet(dst, src, aw, rw, lw, n) &+ NNUEKernels.fusedQuiet(dst + n, src + n, ab, rb, lb, n)
      }
      switch n {
      case 256: sum = quiet(256)
      case 128: sum = quiet(128)
      default: sum = quiet(n)
      }
    } else {
      let r2 = d.removed.1
      let rw2 = row(r2, .white, bw), rb2 = row(r2, .black, bb)
      @inline(__always) func capture(_ n: Int) -> Int32 {
        NNUEKernels.fusedCapture(dst, src, aw, rw, rw2, lw, n)
          &+ NNUEKernels.fusedCapture(dst + n, src + n, ab, rb, rb2, lb, n)
      }
      switch n {
      case 256: sum = capture(256)
      case 128: sum = capture(128)
      default: sum = capture(n)
      }
    }
    return output(Int64(sum) / Int64(QuantizedNNUE.qa))
  }

  /// Centipawns for the side to move from its accumulator `us` and the other side's `them`.
  public func evaluate(us: UnsafePointer<Int16>, them: UnsafePointer<Int16>) -> Int32 {
    let qa = QuantizedNNUE.qa
    let n = self.n, screlu = self.screlu
    if !hasHidden {
      let w = UnsafePointer(l1Weight)
      var sum: Int64
      if screlu {
        // Two loops, not `screluDot2`'s one: with both products in one loop the vectoriser
        // drops `vpmaddwd` for 32-bit multiplies and shuffles, about 3x slower.
        sum = Int64(NNUEKernels.screluDot(us, w, n) &+ NNUEKernels.screluDot(them, w + n, n)) / Int64(qa)
      } else {
        sum = Int64(NNUEKernels.creluDot(us, w, n)) &+ Int64(NNUEKernels.creluDot(them, w + n, n))
      }
      return output(sum)
    }
    return hiddenEvaluate(us: us, them: them)
  }

  /// The hidden-layer path (see the type's documentation).
  public func hiddenEvaluate(us: UnsafePointer<Int16>, them: UnsafePointer<Int16>) -> Int32 {
    let screlu = spec.activation == .screlu
    let qa = Int64(QuantizedNNUE.qa), qaqb = Float(QuantizedNNUE.qa * QuantizedNNUE.qb)
    var x = [Float](repeating: 0, count: l1Outputs)
    for o in 0..<l1Outputs {
      let w = UnsafePointer(l1Weight) + o * 2 * n
      var sum: Int64
      if screlu {
        sum = (Int64(NNUEKernels.screluDot(us, w, n)) + Int64(NNUEKernels.screluDot(them, w + n, n))) / qa
      } else {
        sum = Int64(NNUEKernels.creluDot(us, w, n)) + Int64(NNUEKernels.creluDot(them, w + n, n))
      }
      x[o] = min(max(Float(sum + Int64(l1Bias[o])) / qaqb, 0), 1)
    }
    for (k, layer) in rest.enumerated() {
      var y = layer.bias
      for i in 0..<layer.inputs where x[i] != 0 {
        for o in 0..<layer.outputs { y[o] += x[i] * layer.weight[i * layer.outputs + o] }
      }
      x = k == rest.count - 1 ? y : y.map { min(max($0, 0), 1) }
    }
    return Int32((x[0] * Float(spec.scale)).rounded())
  }

  /// Centipawns for `stm` from the accumulators.
  public func evaluate(_ acc: Accumulator, sideToMove stm: Side) -> Int32 {
    let (u, t) = stm == .white ? (acc.white, acc.black) : (acc.black, acc.white)
    return u.withUnsafeBufferPointer { a in
      t.withUnsafeBufferPointer { b in evaluate(us: a.baseAddress!, them: b.baseAddress!) }
    }
  }

  /// Centipawns for the side to move of `p`, from scratch.
  public func evaluate(_ p: ChessPosition) -> Int32 { evaluate(refresh(p), sideToMove: p.sideToMove) }
}
