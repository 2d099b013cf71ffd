import RealModule

/// The mean and variance of a signal (every element treated as an iid draw), with the shape
/// it flows in — what AutoInit propagates through a network.
public struct SignalStats: Sendable, Equatable, CustomStringConvertible {
  public var mean: Double
  public var variance: Double
  /// Per-item shape (no batch axis).
  public var shape: [Int]

  public init(mean: Double, variance: Double, shape: [Int]) {
    self.mean = mean
    self.variance = variance
    self.shape = shape
  }

  /// E[x²].
  public var secondMoment: Double { variance + mean * mean }

  public var description: String { "(mean \(mean), var \(variance), \(shape))" }

  /// Moments of a sum of independent signals `Σ cᵢ·xᵢ`.
  public static func weightedSum(_ terms: [(coefficient: Double, stats: SignalStats)]) -> SignalStats {
    SignalStats(
      mean: terms.reduce(0) { $0 + $1.coefficient * $1.stats.mean },
      variance: terms.reduce(0) { $0 + $1.coefficient * $1.coefficient * $1.stats.variance },
      shape: terms[0].stats.shape)
  }

  /// Moments of an elementwise product of independent signals:
  /// `μ = Πμᵢ`, `σ² = Π(σᵢ² + μᵢ²) − Πμᵢ²`.
  public static func product(_ a: SignalStats, _ b: SignalStats) -> SignalStats {
    let mean = a.mean * b.mean
    return SignalStats(mean: mean, variance: a.secondMoment * b.secondMoment - mean * mean, shape: a.shape)
  }

  /// Moments of a concatenation along the last axis, weighted by element counts:
  /// `μ = Σcᵢμᵢ/Σcᵢ`, `E[x²] = Σcᵢ(σᵢ² + μᵢ²)/Σcᵢ`.
  public static func concatenate(_ parts: [SignalStats]) -> SignalStats {
    let counts = parts.map { Double($0.shape.reduce(1, *)) }
    let total = counts.reduce(0, +)
    let mean = zip(counts, parts).reduce(0) { $0 + $1.0 * $1.1.mean } / total
    let m2 = zip(counts, parts).reduce(0) { $0 + $1.0 * $1.1.secondMoment } / total
    var shape = parts[0].shape
    shape[shape.count - 1] = parts.reduce(0) { $0 + ($1.shape.last ?? 0) }
    return SignalStats(mean: mean, variance: max(0, m2 - mean * mean), shape: shape)
  }
}

/// Expectations under Gaussian inputs by numerical integration (the law of the unconscious
/// statistician): composite 16-point Gauss–Legendre over `μ ± 12σ`, cut at every kink of the
/// integrand so each piece is smooth (Gauss–Hermite would be inaccurate at kinks).
public enum GaussianIntegral {
  static let nodes: [Double] = [
    -0.989_400_934_991_649_9, -0.944_575_023_073_232_6, -0.865_631_202_387_831_7, -0.755_404_408_355_003,
    -0.617_876_244_402_643_7, -0.458_016_777_657_227_4, -0.281_603_550_779_258_9, -0.095_012_509_837_637_44,
    0.095_012_509_837_637_44, 0.281_603_550_779_258_9, 0.458_016_777_657_227_4, 0.617_876_244_402_643_7,
    0.755_404_408_355_003, 0.865_631_202_387_831_7, 0.944_575_023_073_232_6, 0.989_400_934_991_649_9,
  ]
  static let weights: [Double] = [
    0.027_152_459_411_754_1, 0.062_253_523_938_647_89, 0.095_158_511_682_492_78, 0.124_628_971_255_533_9,
    0.149_595_988_816_576_7, 0.169_156_519_395_002_5, 0.182_603_415_044_923_6, 0.189_450_610_455_068_5,
    0.189_450_610_455_068_5, 0.182_603_415_044_923_6, 0.169_156_519_395_002_5, 0.149_595_988_816_576_7,
    0.124_628_971_255_533_9, 0.095_158_511_682_492_78, 0.062_253_523_938_647_89, 0.027_152_459_411_754_1,
  ]

  /// ∫ f(x) dx over [a, b], split at `cuts` and into pieces no wider than `width`.
  public static func integrate(
    _ f: (Double) -> Double, from a: Double, to b: Double, cuts: [Double] = [], width: Double
  ) -> Double {
    var points = [a] + cuts.filter { $0 > a && $0 < b }.sorted() + [b]
    points = points.reduce(into: [Double]()) { acc, p in if acc.last.map({ p - $0 > 1e-15 }) ?? true { acc.append(p) } }
    var total = 0.0
    for i in 0..<(points.count - 1) {
      let (lo, hi) = (points[i], points[i + 1])
      let pieces = max(1, Int(((hi - lo) / width).rounded(.up)))
      let step = (hi - lo) / Double(pieces)
      for p in 0..<pieces {
        let l = lo + Double(p) * step, mid = l + step / 2, half = step / 2
        var s = 0.0
        for k in 0..<16 { s += weights[k] * f(mid + half * nodes[k]) }
        total += s * half
      }
    }
    return total
  }

  static func density(_ x: Double, mean: Double, sd: Double) -> Double {
    let z = (x - mean) / sd
    return Double.exp(-z * z / 2) / (sd * (2 * Double.pi).squareRoot())
  }

  /// `(E[f(X)], Var[f(X)])` for `X ~ N(mean, variance)`; `kinks` are where f is not smooth.
  public static func moments(
    of f: (Double) -> Double, mean: Double, variance: Double, kinks: [Double] = []
  ) -> (mean: Double, variance: Double) {
    let sd = max(variance, 1e-300).squareRoot()
    let (a, b) = (mean - 12 * sd, mean + 12 * sd)
    let m1 = integrate({ x in f(x) * density(x, mean: mean, sd: sd) }, from: a, to: b, cuts: kinks, width: sd / 2)
    let m2 = integrate(
      { x in
        let y = f(x)
        return y * y * density(x, mean: mean, sd: sd)
      }, from: a, to: b, cuts: kinks, width: sd / 2)
    return (m1, max(0, m2 - m1 * m1))
  }

  /// `(E[f(X, Y)], Var[f(X, Y)])` for independent `X, Y ~ N(mean, variance)`: nested
  /// integration, the inner one cut at 0 and ±x (the kinks of the pair operators).
  public static func moments2(
    of f: (Double, Double) -> Double, mean: Double, variance: Double
  ) -> (mean: Double, variance: Double) {
    let sd = max(variance, 1e-300).squareRoot()
    let (a, b) = (mean - 10 * sd, mean + 10 * sd)
    func inner(_ x: Double, power: Int) -> Double {
      integrate(
        { y in
          let v = f(x, y)
          return (power == 1 ? v : v * v) * density(y, mean: mean, sd: sd)
        }, from: a, to: b, cuts: [0, x, -x], width: sd)
    }
    let m1 = integrate(
      { x in inner(x, power: 1) * density(x, mean: mean, sd: sd) }, from: a, to: b, cuts: [0], width: sd)
    let m2 = integrate(
      { x in inner(x, power: 2) * density(x, mean: mean, sd: sd) }, from: a, to: b, cuts: [0], width: sd)
    return (m1, max(0, m2 - m1 * m1))
  }
}

extension Activation {
  /// Where the activation is not smooth.
  public var kinks: [Double] {
    switch kind {
    case .relu, .leakyRelu, .elu, .selu, .fplus, .pfplus: return [0]
    case .crelu, .screlu: return [0, 1]
    default: return []
    }
  }

  /// The slope of the layer-to-layer second-moment map at AutoInit's fixed point:
  /// `d log E[f(X)²] / d log σ²` at `X ~ N(0, σ² = 1)`, by central differences.
  ///
  /// A dense layer initialised for `E[x²]` hands the next activation variance
  /// `σ²_{l+1} = E[f(X_l)²] / E[f(N(0,1))²]`; a deviation from 1 is multiplied by this slope at
  /// every layer. Below 1 (tanh 0.46) deviations die out; at 1 (ReLU) they random-walk; above 1
  /// (SiLU 1.17, GELU 1.14) they grow geometrically, so no data-free per-layer scale can keep a
  /// deep plain MLP near variance 1 — BatchNorm or residual structure must.
  public var varianceSlope: Double {
    let h = 0.01
    let m2 = { (v: Double) -> Double in
      let m = outputMoments(mean: 0, variance: v)
      return m.variance + m.mean * m.mean
    }
    return (Double.log(m2(1 + h)) - Double.log(m2(1 - h))) / (Double.log(1 + h) - Double.log(1 - h))
  }

  /// Output moments for inputs `~ N(mean, variance)` (pairs: two independent such inputs).
  /// PFPLUS uses `a`, `b`: `a·fplus(b·x)`.
  public func outputMoments(
    mean: Double, variance: Double, pfA: Double = 1, pfB: Double = 1
  ) -> (mean: Double, variance: Double) {
    if kind.arity == 2 {
      return GaussianIntegral.moments2(of: { value($0, $1) }, mean: mean, variance: variance)
    }
    if kind == .pfplus {
      let r = GaussianIntegral.moments(of: { value(pfB * $0) }, mean: mean, variance: variance, kinks: [0])
      return (pfA * r.mean, pfA * pfA * r.variance)
    }
    return GaussianIntegral.moments(of: { value($0) }, mean: mean, variance: variance, kinks: kinks)
  }
}
