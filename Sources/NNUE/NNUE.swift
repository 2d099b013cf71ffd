import Chess
import GameCore

/// The 768 "Chess768" input features of a perspective network (bullet's convention): for the
/// perspective of `side`, a piece of colour `c`, kind `k` on square `s` is feature
///
///     (c == side ? 0 : 384) + 64·k + (side == .white ? s : s ^ 56)
///
/// so both perspectives share one weight matrix (the board is flipped for Black).
public enum Chess768 {
  public static let count = 768

  @inlinable public static func index(perspective side: Side, color: Side, kind: PieceKind, square: Int) -> Int {
    (color == side ? 0 : 384) &+ 64 &* Int(kind.rawValue) &+ (side == .white ? square : square ^ 56)
  }

  /// Every active feature of `position` for `side`.
  public static func active(_ position: ChessPosition, perspective side: Side) -> [Int] {
    var out: [Int] = []
    for color in Side.allCases {
      for kind in PieceKind.allCases {
        for sq in position.pieces(color, kind) {
          out.append(index(perspective: side, color: color, kind: kind, square: sq.index))
        }
      }
    }
    return out
  }
}

/// A float perspective network `(768 → N)×2 → 1` with SCReLU (the reference's simple hobby
/// net): `acc_p = b0 + Σ_{f active for p} W0[f]`, and for the side to move `us`
///
///     out = Σ_i screlu(acc_us[i])·W1[i] + Σ_i screlu(acc_them[i])·W1[N+i] + b1,   screlu(x) = clamp(x, 0, 1)²
///
/// in units where 1 = `scale` centipawns.
public struct FloatNNUE: Sendable, Equatable {
  public let hidden: Int
  /// `[768][hidden]`, feature-major.
  public var w0: [Float]
  public var b0: [Float]
  /// `[2·hidden]`: side to move's half first.
  public var w1: [Float]
  public var b1: Float
  public var scale: Float = 400

  public init(hidden: Int, seed: UInt64) {
    self.hidden = hidden
    var rng = Xoshiro256(seed: seed)
    w0 = (0..<(Chess768.count * hidden)).map { _ in Float(rng.normal() * 0.1) }
    b0 = (0..<hidden).map { _ in Float(rng.normal() * 0.1) + 0.2 }
    w1 = (0..<(2 * hidden)).map { _ in Float(rng.normal() * 0.3) }
    b1 = Float(rng.normal() * 0.05)
  }

  /// The evaluation in centipawns for the side to move.
  public func evaluate(_ p: ChessPosition) -> Float {
    func acc(_ side: Side) -> [Float] {
      var a = b0
      for f in Chess768.active(p, perspective: side) { for i in 0..<hidden { a[i] += w0[f * hidden + i] } }
      return a
    }
    let us = acc(p.sideToMove), them = acc(p.sideToMove.opponent)
    var out = b1
    for i in 0..<hidden {
      let u = min(max(us[i], 0), 1), t = min(max(them[i], 0), 1)
      out += u * u * w1[i] + t * t * w1[hidden + i]
    }
    return out * scale
  }
}

/// The quantised network for search: `int16` feature-transformer weights and accumulators
/// scaled by `QA = 255`, output weights by `QB = 64` (the reference's constants):
///
///     out_cp = ((Σ screlu_q(acc_us)·W1q + Σ screlu_q(acc_them)·W1q') / QA + b1q) · SCALE / (QA·QB)
///
/// with `screlu_q(x) = clamp(x, 0, QA)²`. Accumulators are kept per side and updated
/// incrementally from the pieces that changed between two positions (any move kind:
/// captures, castling, en passant, promotion), so a search updates them in `O(changed)`.
public struct QuantizedNNUE: Sendable {
  public static let qa: Int32 = 255
  public static let qb: Int32 = 64
  public let hidden: Int
  public let scale: Int32
  public var w0: [Int16]
  public var b0: [Int16]
  public var w1: [Int16]
  public var b1: Int32

  /// Quantises a float network (weights are clipped to ±1.98 so accumulators fit in int16).
  public init(_ f: FloatNNUE) {
    hidden = f.hidden
    scale = Int32(f.scale)
    func q(_ x: Float, _ s: Float) -> Int16 { Int16((min(max(x, -1.98), 1.98) * s).rounded()) }
    w0 = f.w0.map { q($0, 255) }
    b0 = f.b0.map { q($0, 255) }
    w1 = f.w1.map { q($0, 64) }
    b1 = Int32((f.b1 * 255 * 64).rounded())
  }

  /// Both sides' accumulators.
  public struct Accumulator: Sendable, Equatable {
    public var white: [Int16]
    public var black: [Int16]
    public subscript(side: Side) -> [Int16] { side == .white ? white : black }
  }

  /// Accumulators computed from scratch.
  public func refresh(_ p: ChessPosition) -> Accumulator {
    var acc = Accumulator(white: b0, black: b0)
    for side in Side.allCases {
      for f in Chess768.active(p, perspective: side) { add(f, to: &acc, side: side, sign: 1) }
    }
    return acc
  }

  @inlinable func add(_ feature: Int, to acc: inout Accumulator, side: Side, sign: Int16) {
    let base = feature * hidden
    if side == .white {
      for i in 0..<hidden { acc.white[i] &+= sign &* w0[base + i] }
    } else {
      for i in 0..<hidden { acc.black[i] &+= sign &* w0[base + i] }
    }
  }

  /// Updates `acc` (valid for `before`) to be valid for `after`, touching only the features
  /// of pieces that changed.
  public func update(_ acc: inout Accumulator, from before: ChessPosition, to after: ChessPosition) {
    acc.white.withUnsafeMutableBufferPointer { w in
      acc.black.withUnsafeMutableBufferPointer { b in
        update(white: w.baseAddress!, black: b.baseAddress!, from: before, to: after)
      }
    }
  }

  /// The same on raw accumulator storage (`hidden` values per side).
  public func update(
    white: UnsafeMutablePointer<Int16>, black: UnsafeMutablePointer<Int16>, from before: ChessPosition,
    to after: ChessPosition
  ) {
    w0.withUnsafeBufferPointer { wp in
      for color in Side.allCases {
        for kind in PieceKind.allCases {
          let a = before.pieces(color, kind), b = after.pieces(color, kind)
          let changed = a ^ b
          if changed.isEmpty { continue }
          for sq in changed {
            let sign: Int16 = b.contains(sq) ? 1 : -1
            let fw = Chess768.index(perspective: .white, color: color, kind: kind, square: sq.index) * hidden
            let fb = Chess768.index(perspective: .black, color: color, kind: kind, square: sq.index) * hidden
            for i in 0..<hidden {
              white[i] &+= sign &* wp[fw + i]
              black[i] &+= sign &* wp[fb + i]
            }
          }
        }
      }
    }
  }

  /// Centipawns for `stm` from raw accumulator storage.
  public func evaluate(white: UnsafePointer<Int16>, black: UnsafePointer<Int16>, sideToMove stm: Side) -> Int32 {
    let (us, them) = stm == .white ? (white, black) : (black, white)
    var sum: Int64 = 0
    for i in 0..<hidden {
      let u = Int64(min(max(Int32(us[i]), 0), QuantizedNNUE.qa))
      let t = Int64(min(max(Int32(them[i]), 0), QuantizedNNUE.qa))
      sum += u * u * Int64(w1[i]) + t * t * Int64(w1[hidden + i])
    }
    return Int32(
      (sum / Int64(QuantizedNNUE.qa) + Int64(b1)) * Int64(scale) / Int64(QuantizedNNUE.qa * QuantizedNNUE.qb))
  }

  /// Centipawns for `stm` from the accumulators.
  public func evaluate(_ acc: Accumulator, sideToMove stm: Side) -> Int32 {
    acc.white.withUnsafeBufferPointer { w in
      acc.black.withUnsafeBufferPointer { b in evaluate(white: w.baseAddress!, black: b.baseAddress!, sideToMove: stm) }
    }
  }

}
