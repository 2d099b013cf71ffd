import Chess
import Foundation
import GameCore
import NeuralCore

/// The quantised network the search runs (the reference's bullet-style constants):
///
/// - feature transformer: `int16` weights and biases, `round(x·QA)`, `QA = 255`, clipped to
///   ±1.98 before rounding so 32 active features cannot overflow an `int16` accumulator;
/// - first layer after the transformer (the output layer when there are no hidden layers):
///   `int16` weights `round(w·QB)`, `QB = 64`, `int32` bias `round(b·QA·QB)`;
///   with `act_q(a) = clamp(a, 0, QA)` (crelu) or `clamp(a, 0, QA)²` (screlu)
///
///       z = Σ act_q(acc)·W_q  [÷ QA for screlu]  + b_q          (units of 1/(QA·QB))
///
/// - no hidden layers: centipawns = `z · scale / (QA·QB)` in integers (the reference's
///   `(sum/QA + b)·SCALE/(QA·QB)`);
/// - hidden layers: `z/(QA·QB)` goes through clipped ReLU and the remaining small layers in
///   float (they cost a few hundred multiply-adds; the transformer is the expensive part).
///
/// Inner loops are written as plain loops over raw pointers that the compiler vectorises
/// (SSE2 by default; AVX2 or AVX-512 when the package is built for the host CPU, see
/// `Package.swift`); on AVX-512 hosts the fused update-and-evaluate step is written in
/// intrinsics instead (`KernelsAVX512.swift`).
/// Immutable after `init`, so one instance is shared by every searcher.
public final class QuantizedNNUE: @unchecked Sendable {
  public static let qa: Int32 = 255
  public static let qb: Int32 = 64
  /// The largest float weight magnitude that survives quantisation.
  public static let clip: Float = 1.98

  public let spec: NNUESpec
  /// Accumulator units per perspective.
  public let n: Int
  /// `[features][n]`.
  public let ftWeight: UnsafeMutablePointer<Int16>
  public let ftBias: UnsafeMutablePointer<Int16>
  /// Units of the first layer after the transformer.
  public let l1Outputs: Int
  /// `[l1Outputs][2n]`, a row per output unit (stm half first).
  public let l1Weight: UnsafeMutablePointer<Int16>
  public let l1Bias: [Int32]
  /// Float layers after the first (hidden nets only).
  public let rest: [DenseWeights]
  // Scalars the hot paths read (reading them from `spec` would copy its array).
  public let layout: InputLayout
  public let screlu: Bool
  public let hasHidden: Bool
  public let outputBias: Int64
  public let outputScale: Int64

  static func allocate(_ count: Int) -> UnsafeMutablePointer<Int16> {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 2, alignment: 64)
    return raw.bindMemory(to: Int16.self, capacity: max(count, 1))
  }

  /// Quantises a float network.
  public init(_ f: NNUENetwork) {
    spec = f.spec
    n = f.spec.accumulator
    let qa = Float(QuantizedNNUE.qa), qb = Float(QuantizedNNUE.qb)
    func q(_ x: Float, _ s: Float) -> Int16 {
      Int16((min(max(x, -QuantizedNNUE.clip), QuantizedNNUE.clip) * s).rounded())
    }
    ftWeight = QuantizedNNUE.allocate(f.ftWeight.count)
    for i in 0..<f.ftWeight.count { ftWeight[i] = q(f.ftWeight[i], qa) }
    ftBias = QuantizedNNUE.allocate(n)
    for i in 0..<n { ftBias[i] = q(f.ftBias[i], qa) }
    let first = f.layers[0]
    l1Outputs = first.outputs
    l1Weight = QuantizedNNUE.allocate(first.outputs * first.inputs)
    for o in 0..<first.outputs {
      for i in 0..<first.inputs { l1Weight[o * first.inputs + i] = q(first.weight[i * first.outputs + o], qb) }
    }
    l1Bias = first.bias.map { Int32(($0 * qa * qb).rounded()) }
    rest = Array(f.layers.dropFirst())
    layout = spec.layout
    screlu = spec.activation == .screlu
    hasHidden = !rest.isEmpty
    outputBias = Int64(l1Bias[0])
    outputScale = Int64(spec.scale)
  }

  /// Rebuilds from stored integer arrays (a quantised file).
  init(spec: NNUESpec, ft: [Float], ftBias fb: [Float], l1: [Float], l1Bias b: [Float], rest: [DenseWeights]) {
    self.spec = spec
    n = spec.accumulator
    ftWeight = QuantizedNNUE.allocate(ft.count)
    for i in 0..<ft.count { ftWeight[i] = Int16(ft[i]) }
    ftBias = QuantizedNNUE.allocate(n)
    for i in 0..<n { ftBias[i] = Int16(fb[i]) }
    l1Outputs = b.count
    l1Weight = QuantizedNNUE.allocate(l1.count)
    for i in 0..<l1.count { l1Weight[i] = Int16(l1[i]) }
    l1Bias = b.map { Int32($0) }
    self.rest = rest
    layout = spec.layout
    screlu = spec.activation == .screlu
    hasHidden = !rest.isEmpty
    outputBias = Int64(l1Bias[0])
    outputScale = Int64(spec.scale)
  }

  deinit {
    ftWeight.deallocate()
    ftBias.deallocate()
    l1Weight.deallocate()
  }

  /// Features per perspective.
  public var featureCount: Int { spec.layout.featureCount }

  // MARK: Accumulators

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

  /// The pieces a move changes: up to two added and two removed `(colour, kind, square)`
  /// (a capture-promotion removes two and adds one; castling moves two pieces), and where the
  /// mover's king went if it moved (for king-bucket refreshes).
  public struct DirtyPieces: Sendable {
    // Two words, built in registers and stored whole: the lazy stack's per-ply record is
    // written by `push` and read back by `evaluate` moments later, and loads that match the
    // stores' widths are forwarded from the store buffer (twelve byte-sized fields were not).
    /// Added and removed pieces, 16 bits each: `added.0 | added.1 << 16 | removed.0 << 32 |
    /// removed.1 << 48`.
    @usableFromInline let pieces: UInt64
    /// `addCount | removeCount << 8 | (kingTo + 1) << 16 | mover << 24`.
    @usableFromInline let counts: UInt32

    /// Pieces as `(colour·6 + kind)·64 + square` (colour 0 for White, kind 0 pawn … 5 king).
    @inlinable public var added: (Int, Int) { (Int(pieces & 0xFFFF), Int((pieces &>> 16) & 0xFFFF)) }
    @inlinable public var removed: (Int, Int) { (Int((pieces &>> 32) & 0xFFFF), Int(pieces &>> 48)) }
    @inlinable public var addCount: Int { Int(counts & 0xFF) }
    @inlinable public var removeCount: Int { Int((counts &>> 8) & 0xFF) }
    /// The square the side to move's king lands on, or -1.
    @inlinable public var kingTo: Int { Int((counts &>> 16) & 0xFF) &- 1 }
    /// The side that moved.
    @inlinable public var mover: Side { counts &>> 24 == 0 ? .white : .black }

    @inline(__always) init(a0: Int, a1: Int, r0: Int, r1: Int, adds: Int, removes: Int, king: Int, mover: Side) {
      pieces =
        UInt64(truncatingIfNeeded: a0) | UInt64(truncatingIfNeeded: a1) &<< 16
        | UInt64(truncatingIfNeeded: r0) &<< 32 | UInt64(truncatingIfNeeded: r1) &<< 48
      counts =
        UInt32(truncatingIfNeeded: adds) | UInt32(truncatingIfNeeded: removes) &<< 8
        | UInt32(truncatingIfNeeded: king &+ 1) &<< 16 | (mover == .white ? 0 : 1 &<< 24)
    }

    /// A null move: nothing changes (`addCount` 0).
    public init(nullMoveBy side: Side) {
      self.init(a0: 0, a1: 0, r0: 0, r1: 0, adds: 0, removes: 0, king: -1, mover: side)
    }

    @inline(__always) public init(move m: Move, in p: ChessPosition) {
      // Straight from the packed board: `Piece.raw` is `colour << 3 | (kind + 1)`, and a
      // promotion's kind is `raw >> 14` + 1 (knight…queen), so no optionals on this path.
      let us = p.sideToMove
      let from = m.from, to = m.to
      let own = Int(us.rawValue) &* 6, other = 6 &- own
      let kind = Int(p[Square(from)].raw & 7) &- 1
      if m.isCastling {
        let base = us == .white ? 0 : 56
        let kingside = to > from
        let kTo = base &+ (kingside ? 6 : 2), rTo = base &+ (kingside ? 5 : 3)
        let king = (own &+ 5) &* 64, rook = (own &+ 3) &* 64
        self.init(
          a0: king &+ kTo, a1: rook &+ rTo, r0: king &+ from, r1: rook &+ to, adds: 2, removes: 2, king: kTo, mover: us)
        return
      }
      let placed = m.isPromotion ? Int(m.raw &>> 14) &+ 1 : kind
      let a0 = (own &+ placed) &* 64 &+ to, r0 = (own &+ kind) &* 64 &+ from
      var r1 = 0, removes = 1
      if m.isEnPassant {
        r1 = other &* 64 &+ (to ^ 8)
        removes = 2
      } else {
        let captured = p[Square(to)].raw
        if captured != 0 {
          r1 = (other &+ Int(captured & 7) &- 1) &* 64 &+ to
          removes = 2
        }
      }
      self.init(a0: a0, a1: 0, r0: r0, r1: r1, adds: 1, removes: removes, king: kind == 5 ? to : -1, mover: us)
    }
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

  // MARK: Output

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

  // MARK: Files

  /// Saves the quantised network (the integers, exactly, in a safetensors file with
  /// `kind: quantized`), atomically. Loading it back gives identical evaluations.
  public func save(to path: String, metadata extra: [String: String] = [:]) throws {
    var tensors: [(String, [Int], [Float])] = [
      ("ft.weight", [featureCount, n], (0..<(featureCount * n)).map { Float(ftWeight[$0]) }),
      ("ft.bias", [n], (0..<n).map { Float(ftBias[$0]) }),
      ("l0.weight", [l1Outputs, 2 * n], (0..<(l1Outputs * 2 * n)).map { Float(l1Weight[$0]) }),
      ("l0.bias", [l1Outputs], l1Bias.map { Float($0) }),
    ]
    for (k, l) in rest.enumerated() {
      tensors.append(("l\(k + 1).weight", [l.inputs, l.outputs], l.weight))
      tensors.append(("l\(k + 1).bias", [l.outputs], l.bias))
    }
    var meta = extra
    meta["format"] = "zerolab-nnue"
    meta["kind"] = "quantized"
    meta["qa"] = "\(QuantizedNNUE.qa)"
    meta["qb"] = "\(QuantizedNNUE.qb)"
    meta["spec"] = try NNUESpec.json(spec)
    try Checkpoint.write(tensors, metadata: meta, to: path)
  }

  /// Loads a network file for the search: a quantised file as is, a float one quantised on
  /// loading. One-line errors (missing, truncated, corrupted, wrong shapes).
  public static func load(_ path: String) throws(NNUEError) -> QuantizedNNUE {
    let c: Checkpoint.Contents
    do {
      c = try Checkpoint.read(path)
    } catch {
      throw NNUEError(naming: path, error.message)
    }
    let spec = try NNUENetwork.spec(in: c, path: path)
    if c.metadata["kind"] == "float" { return QuantizedNNUE(try NNUENetwork.load(path)) }
    guard c.metadata["kind"] == "quantized", c.metadata["qa"] == "\(qa)", c.metadata["qb"] == "\(qb)" else {
      throw NNUEError("\(path): unknown NNUE kind or quantisation constants")
    }
    func t(_ name: String, _ count: Int) throws(NNUEError) -> [Float] {
      guard let v = c.tensors[name], v.count == count else {
        throw NNUEError("\(path): tensor \(name) is missing or does not match \(spec)")
      }
      return v.data
    }
    let n = spec.accumulator
    let sizes = [2 * n] + spec.hidden + [1]
    let ft = try t("ft.weight", spec.layout.featureCount * n)
    guard ft.allSatisfy({ abs($0) <= 32767 && $0 == $0.rounded() }) else {
      throw NNUEError("\(path): feature weights are not int16 values")
    }
    var rest: [DenseWeights] = []
    for k in 1..<(sizes.count - 1) {
      rest.append(
        DenseWeights(
          inputs: sizes[k], outputs: sizes[k + 1], weight: try t("l\(k).weight", sizes[k] * sizes[k + 1]),
          bias: try t("l\(k).bias", sizes[k + 1])))
    }
    return QuantizedNNUE(
      spec: spec, ft: ft, ftBias: try t("ft.bias", n), l1: try t("l0.weight", sizes[1] * 2 * n),
      l1Bias: try t("l0.bias", sizes[1]), rest: rest)
  }
}

/// The integer inner loops, written so the compiler vectorises them.
public enum NNUEKernels {
  /// `acc += w`.
  @inlinable public static func add(_ acc: UnsafeMutablePointer<Int16>, _ w: UnsafePointer<Int16>, _ n: Int) {
    for i in 0..<n { acc[i] = acc[i] &+ w[i] }
  }

  /// `dst = src + a − r` (a quiet move).
  @inlinable public static func addSub(
    _ dst: UnsafeMutablePointer<Int16>, _ src: UnsafePointer<Int16>, _ a: UnsafePointer<Int16>,
    _ r: UnsafePointer<Int16>, _ n: Int
  ) {
    for i in 0..<n { dst[i] = src[i] &+ a[i] &- r[i] }
  }

  /// `dst = src + a − r1 − r2` (a capture, en passant included).
  @inlinable public static func addSub1Sub2(
    _ dst: UnsafeMutablePointer<Int16>, _ src: UnsafePointer<Int16>, _ a: UnsafePointer<Int16>,
    _ r1: UnsafePointer<Int16>, _ r2: UnsafePointer<Int16>, _ n: Int
  ) {
    for i in 0..<n { dst[i] = src[i] &+ a[i] &- r1[i] &- r2[i] }
  }

  /// `dst = src + a1 + a2 − r1 − r2` (castling).
  @inlinable public static func addSub2(
    _ dst: UnsafeMutablePointer<Int16>, _ src: UnsafePointer<Int16>, _ a1: UnsafePointer<Int16>,
    _ a2: UnsafePointer<Int16>, _ r1: UnsafePointer<Int16>, _ r2: UnsafePointer<Int16>, _ n: Int
  ) {
    for i in 0..<n { dst[i] = src[i] &+ a1[i] &+ a2[i] &- r1[i] &- r2[i] }
  }

  /// The fused quiet-move step of a lazy stack, for one perspective (SCReLU): `d = s + a − r`
  /// is stored and `screluDot(d, w)` returned, in one pass over the accumulator instead of a
  /// write pass and a read pass.
  @inlinable public static func fusedQuiet(
    _ d: UnsafeMutablePointer<Int16>, _ s: UnsafePointer<Int16>, _ a: UnsafePointer<Int16>,
    _ r: UnsafePointer<Int16>, _ w: UnsafePointer<Int16>, _ n: Int
  ) -> Int32 {
    var sum: Int32 = 0
    for i in 0..<n {
      let v = s[i] &+ a[i] &- r[i]
      d[i] = v
      let c = min(max(v, 0), 255)
      sum &+= Int32(c &* w[i]) &* Int32(c)
    }
    return sum
  }

  /// `fusedQuiet` for a capture (`d = s + a − r1 − r2`; en passant included).
  @inlinable public static func fusedCapture(
    _ d: UnsafeMutablePointer<Int16>, _ s: UnsafePointer<Int16>, _ a: UnsafePointer<Int16>,
    _ r1: UnsafePointer<Int16>, _ r2: UnsafePointer<Int16>, _ w: UnsafePointer<Int16>, _ n: Int
  ) -> Int32 {
    var sum: Int32 = 0
    for i in 0..<n {
      let v = s[i] &+ a[i] &- r1[i] &- r2[i]
      d[i] = v
      let c = min(max(v, 0), 255)
      sum &+= Int32(c &* w[i]) &* Int32(c)
    }
    return sum
  }

  /// `Σ clamp(a, 0, QA)²·w` as `Σ (c·w)·c` with `c·w` in int16 (|w| ≤ 127, c ≤ 255, so the
  /// product fits), the rest in int32.
  @inlinable public static func screluDot(_ a: UnsafePointer<Int16>, _ w: UnsafePointer<Int16>, _ n: Int) -> Int32 {
    var s: Int32 = 0
    for i in 0..<n {
      let c = min(max(a[i], 0), 255)
      s &+= Int32(c &* w[i]) &* Int32(c)
    }
    return s
  }

  /// `Σ clamp(a, 0, QA)·w`.
  @inlinable public static func creluDot(_ a: UnsafePointer<Int16>, _ w: UnsafePointer<Int16>, _ n: Int) -> Int32 {
    var s: Int32 = 0
    for i in 0..<n { s &+= Int32(min(max(a[i], 0), 255)) &* Int32(w[i]) }
    return s
  }
}
