import GameCore
import RealModule

/// Weight initialisers, selectable by name. `fan_in`/`fan_out` come from the parameter
/// (dense: inputs/outputs; conv: k·k·Cin / k·k·Cout). Normal variants are untruncated.
///
/// | name | draw |
/// |---|---|
/// | zeros / constant:v | 0 / v |
/// | glorot_uniform (glorot) | U(±sqrt(6/(fan_in+fan_out))) |
/// | glorot_normal | N(0, 2/(fan_in+fan_out)) |
/// | he_normal (he) | N(0, 2/fan_in) |
/// | he_uniform | U(±sqrt(6/fan_in)) |
/// | lecun_normal (lecun) | N(0, 1/fan_in) |
/// | lecun_uniform | U(±sqrt(3/fan_in)) |
/// | orthogonal | a random orthogonal matrix (QR of a Gaussian one), gain 1 |
/// | autoinit | per layer, from the propagated signal moments (see `AutoInit`) |
///
/// Biases start at 0, BatchNorm at γ = 1, β = 0 (γ = 0.1 with the revisited BatchNorm
/// option), learnable scalars keep their own defaults.
public enum Initializer: Sendable, Codable, Equatable, CustomStringConvertible {
  case zeros
  case constant(Float)
  case glorotUniform, glorotNormal, heNormal, heUniform, lecunNormal, lecunUniform, orthogonal, autoinit

  /// Parses a name (see the table).
  public init(parsing text: String) throws(NeuralError) {
    let t = text.lowercased()
    if t.hasPrefix("constant:"), let v = Float(t.dropFirst(9)) {
      self = .constant(v)
      return
    }
    switch t {
    case "zeros", "zero": self = .zeros
    case "glorot", "glorot_uniform", "xavier", "xavier_uniform": self = .glorotUniform
    case "glorot_normal", "xavier_normal": self = .glorotNormal
    case "he", "he_normal", "kaiming", "kaiming_normal": self = .heNormal
    case "he_uniform", "kaiming_uniform": self = .heUniform
    case "lecun", "lecun_normal": self = .lecunNormal
    case "lecun_uniform": self = .lecunUniform
    case "orthogonal": self = .orthogonal
    case "autoinit": self = .autoinit
    default:
      throw NeuralError(
        "unknown initializer '\(text)' (choose zeros, constant:V, glorot_uniform, glorot_normal, he_normal, he_uniform, lecun_normal, lecun_uniform, orthogonal, autoinit)"
      )
    }
  }

  public static let names = [
    "zeros", "constant:V", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal",
    "lecun_uniform", "orthogonal", "autoinit",
  ]

  public var description: String {
    switch self {
    case .zeros: return "zeros"
    case .constant(let v): return "constant:\(v)"
    case .glorotUniform: return "glorot_uniform"
    case .glorotNormal: return "glorot_normal"
    case .heNormal: return "he_normal"
    case .heUniform: return "he_uniform"
    case .lecunNormal: return "lecun_normal"
    case .lecunUniform: return "lecun_uniform"
    case .orthogonal: return "orthogonal"
    case .autoinit: return "autoinit"
    }
  }

  /// Fills a weight parameter.
  public func fill(_ p: inout Parameter, rng: inout Xoshiro256) {
    let fi = Double(max(p.fanIn, 1)), fo = Double(max(p.fanOut, 1))
    switch self {
    case .zeros: p.value.fill(0)
    case .constant(let v): p.value.fill(v)
    case .glorotUniform: Initializer.uniform(&p.value, limit: (6 / (fi + fo)).squareRoot(), rng: &rng)
    case .glorotNormal: Initializer.normal(&p.value, std: (2 / (fi + fo)).squareRoot(), rng: &rng)
    case .heNormal: Initializer.normal(&p.value, std: (2 / fi).squareRoot(), rng: &rng)
    case .heUniform: Initializer.uniform(&p.value, limit: (6 / fi).squareRoot(), rng: &rng)
    case .lecunNormal, .autoinit: Initializer.normal(&p.value, std: (1 / fi).squareRoot(), rng: &rng)
    case .lecunUniform: Initializer.uniform(&p.value, limit: (3 / fi).squareRoot(), rng: &rng)
    case .orthogonal: Initializer.orthogonal(&p.value, rng: &rng)
    }
  }

  public static func uniform(_ t: inout Tensor, limit: Double, rng: inout Xoshiro256) {
    for i in 0..<t.count { t.data[i] = Float((2 * rng.unit() - 1) * limit) }
  }

  public static func normal(_ t: inout Tensor, std: Double, rng: inout Xoshiro256) {
    for i in 0..<t.count { t.data[i] = Float(rng.normal() * std) }
  }

  /// A `rows x cols` matrix (the tensor viewed as `[count/last, last]`) with orthonormal
  /// columns (or rows, if wider than tall): classical Gram–Schmidt applied twice (CGS2, as
  /// accurate as modified Gram–Schmidt) on Gaussian vectors, with the projections as BLAS
  /// matrix–vector products.
  public static func orthogonal(_ t: inout Tensor, rng: inout Xoshiro256) {
    let cols = t.channels, rows = t.count / max(cols, 1)
    let (n, m) = rows >= cols ? (cols, rows) : (rows, cols)  // n orthonormal vectors of length m
    var q = [Double](repeating: 0, count: n * m)  // vector i at q[i*m ..< (i+1)*m]
    var h = [Double](repeating: 0, count: n)
    q.withUnsafeMutableBufferPointer { qp in
      h.withUnsafeMutableBufferPointer { hp in
        let base = qp.baseAddress!
        for i in 0..<n {
          let x = base + i * m
          for k in 0..<m { x[k] = rng.normal() }
          if i > 0 {
            for _ in 0..<2 {
              // h = Q_iᵀ x ; x -= Q_i h   (Q_i: the first i vectors, row-major i x m)
              BLAS.dgemv(base, rows: i, cols: m, transpose: false, x, hp.baseAddress!, alpha: 1, beta: 0)
              BLAS.dgemv(base, rows: i, cols: m, transpose: true, hp.baseAddress!, x, alpha: -1, beta: 1)
            }
          }
          var norm = 0.0
          for k in 0..<m { norm += x[k] * x[k] }
          let inv = 1 / max(norm.squareRoot(), 1e-12)
          for k in 0..<m { x[k] *= inv }
        }
      }
    }
    for r in 0..<rows {
      for c in 0..<cols {
        t.data[r * cols + c] = Float(rows >= cols ? q[c * m + r] : q[r * m + c])
      }
    }
  }
}

/// Initialisation options beyond the weight draw.
public struct InitOptions: Sendable, Codable, Equatable {
  /// The weight initialiser.
  public var initializer: Initializer
  /// Revisited BatchNorm init (Davis & Frank 2022): γ starts at this value (0.1 in the
  /// paper) and learns at `learningRate / bnLearningRateRatio`; `nil` keeps γ = 1.
  public var revisitedBatchNorm: Float?
  /// The divisor of γ's learning rate under revisited BN init (100 in the paper).
  public var bnLearningRateRatio: Float
  /// Zero-initialise each residual branch's last BatchNorm γ (Fixup/"zero γ" style), so
  /// every block starts as the identity.
  public var zeroResidualBranches: Bool
  /// Preferential-attachment rewiring of every weight after the draw (Scabini et al. 2022).
  public var paRewire: Bool

  public init(
    _ initializer: Initializer = .heNormal, revisitedBatchNorm: Float? = nil, bnLearningRateRatio: Float = 100,
    zeroResidualBranches: Bool = false, paRewire: Bool = false
  ) {
    self.initializer = initializer
    self.revisitedBatchNorm = revisitedBatchNorm
    self.bnLearningRateRatio = bnLearningRateRatio
    self.zeroResidualBranches = zeroResidualBranches
    self.paRewire = paRewire
  }
}

extension Layer {
  /// Initialises every parameter: weights by the initialiser (AutoInit through
  /// `AutoInit.apply` instead), biases to 0, BatchNorm to γ = 1 and β = 0; then the residual
  /// kinds' own scaling (`ResidualBlock.applyKindScaling`; Fixup also zeroes the last dense
  /// layer of each head), then the options. Deterministic for a given generator state.
  ///
  /// The revisited BatchNorm γ is set after AutoInit: AutoInit sizes every weight as if γ were
  /// 1 (its reference maps BatchNorm to unit variance whatever γ is), so the small γ really
  /// shrinks the signal instead of being cancelled by the next layer without normalisation. An
  /// input BatchNorm (`input.bn`) starts at 0.58 times the γ of the others (the reference's
  /// σ of a ReLU's output) and its β is frozen at 0.
  ///
  /// AutoInit needs the per-item `inputShape`; it propagates input statistics of
  /// `inputMean` and `inputVariance` (N(0, 1) unless given).
  public mutating func initialize(
    _ options: InitOptions, inputShape: [Int]? = nil, inputMean: Double = 0, inputVariance: Double = 1,
    rng: inout Xoshiro256
  ) {
    visitParameters { p in
      switch p.role {
      case .weight:
        // AutoInit draws every weight itself below.
        if options.initializer != .autoinit { options.initializer.fill(&p, rng: &rng) }
      case .bias, .normShift:
        p.value.fill(0)
        p.learningRateScale = p.name == "input.bn.shift" ? 0 : 1
      case .normScale:
        p.value.fill(1)
        p.learningRateScale = 1
        p.decays = false
      case .scalar: break
      }
    }
    visitResidualBlocks { $0.applyKindScaling() }
    if var net = self as? PolicyValueNetwork, net.spec.residualKind == .fixup {
      net.visitParameters { p in
        if p.name.hasPrefix("policy.dense.") || p.name.hasPrefix("value.dense2.") { p.value.fill(0) }
      }
      self = net as! Self
    }
    if options.zeroResidualBranches {
      visitResidualBlocks { block in
        block.branch.visitParameters { p in
          if p.role == .normScale && p.name.hasSuffix(".bn2.scale") { p.value.fill(0) }
        }
      }
    }
    if options.initializer == .autoinit {
      guard let inputShape else { preconditionFailure("AutoInit needs the network's input shape") }
      AutoInit.apply(to: &self, inputShape: inputShape, mean: inputMean, variance: inputVariance, rng: &rng)
      visitResidualBlocks { $0.applyKindScaling() }
    }
    let gamma = options.revisitedBatchNorm ?? 1
    visitParameters { p in
      guard p.role == .normScale else { return }
      if p.name == "input.bn.scale" {
        p.value.fill(gamma * 0.58)
      } else if !(options.zeroResidualBranches && p.name.hasSuffix(".bn2.scale")) {
        p.value.fill(gamma)
      }
      if options.revisitedBatchNorm != nil { p.learningRateScale = 1 / options.bnLearningRateRatio }
    }
    if options.paRewire {
      visitParameters { p in if p.role == .weight { PARewiring.rewire(&p.value, rng: &rng) } }
    }
  }

  /// Visits every residual block inside this layer.
  public mutating func visitResidualBlocks(_ body: (inout ResidualBlock) -> Void) {
    if var me = self as? ResidualBlock {
      body(&me)
      self = me as! Self
    } else if var seq = self as? Sequential {
      for i in seq.layers.indices { seq.layers[i].visitResidualBlocks(body) }
      self = seq as! Self
    } else if var net = self as? PolicyValueNetwork {
      net.trunk.visitResidualBlocks(body)
      self = net as! Self
    }
  }
}

/// Preferential-attachment rewiring (Scabini, De Baets, Bruno 2022; reference code
/// `PA_rewiring_np`): rearranges each row, then each column, of the weight matrix so that
/// units with a high running strength (sum of weights) receive the most negative weights.
/// The multiset of every row (and of the whole matrix) is kept; the variance of neuron
/// strengths drops.
///
///     rewire(A):  st = 0; for r in 1..<R: st += A[r−1]; P = (st + |min st| + 1)/Σ
///                 targets = weighted sample of all C columns without replacement, probs P
///                 A[r, targets] = sort(A[r]) ascending
///
/// Weighted sampling without replacement uses the equivalent keys `u^(1/P)` sorted
/// descending (Efraimidis–Spirakis).
public enum PARewiring {
  public static func rewire(_ w: inout Tensor, rng: inout Xoshiro256) {
    let cols = w.channels, rows = w.count / max(cols, 1)
    guard rows > 1 && cols > 1 else { return }
    // Pass 1 on M = Wᵀ (a row per output unit, as the reference's [out, in] weights),
    // pass 2 on W itself (a row per input unit).
    var m = (0..<cols).map { c in (0..<rows).map { w.data[$0 * cols + c] } }
    rewireRows(&m, rng: &rng)
    var t = (0..<rows).map { r in (0..<cols).map { m[$0][r] } }
    rewireRows(&t, rng: &rng)
    for r in 0..<rows { for c in 0..<cols { w.data[r * cols + c] = t[r][c] } }
  }

  /// One pass: rows 1... of `a` permuted in place (package access: the tests replay the passes).
  package static func rewireRows(_ a: inout [[Float]], rng: inout Xoshiro256) {
    let rows = a.count, cols = a[0].count
    var st = [Double](repeating: 0, count: cols)
    for r in 1..<rows {
      for c in 0..<cols { st[c] += Double(a[r - 1][c]) }
      let lo = st.min()!
      var p = st.map { $0 + abs(lo) + 1 }
      let total = p.reduce(0, +)
      p = p.map { $0 / total }
      let keys = p.map { pj -> Double in
        var u = rng.unit()
        while u <= 0 { u = rng.unit() }
        return Double.pow(u, 1 / pj)
      }
      let targets = (0..<cols).sorted { keys[$0] > keys[$1] }
      let sorted = a[r].sorted()
      var row = a[r]
      for k in 0..<cols { row[targets[k]] = sorted[k] }
      a[r] = row
    }
  }

  /// What rewiring does to one weight tensor: the variances of its unit strengths
  /// (`strengthVariances`) before and after.
  public struct StrengthChange: Sendable, Codable, Equatable {
    public var name: String
    public var outputsBefore: Double
    public var outputsAfter: Double
    public var inputsBefore: Double
    public var inputsAfter: Double
  }

  /// Rewires a copy of every weight tensor of `model` with more than one row and column
  /// (a generator seeded by `seed`, as `initialize` would), leaving the model as it was;
  /// returns each tensor's strength variances before and after.
  public static func strengthChanges<L: Layer>(_ model: inout L, seed: UInt64) -> [StrengthChange] {
    var rng = Xoshiro256(seed: seed)
    var changes: [StrengthChange] = []
    model.visitParameters { p in
      guard p.role == .weight, p.value.channels > 1, p.value.count / max(p.value.channels, 1) > 1 else { return }
      var w = p.value
      let before = strengthVariances(w)
      rewire(&w, rng: &rng)
      let after = strengthVariances(w)
      changes.append(
        StrengthChange(
          name: p.name, outputsBefore: before.outputs, outputsAfter: after.outputs, inputsBefore: before.inputs,
          inputsAfter: after.inputs))
    }
    return changes
  }

  /// Variances of the unit strengths of a `[inputs, outputs]` weight matrix: of the column
  /// sums (each output unit's in-strength) and of the row sums (each input unit's
  /// out-strength).
  public static func strengthVariances(_ w: Tensor) -> (outputs: Double, inputs: Double) {
    let cols = w.channels, rows = w.count / max(cols, 1)
    var colSums = [Double](repeating: 0, count: cols), rowSums = [Double](repeating: 0, count: rows)
    for r in 0..<rows {
      for c in 0..<cols {
        colSums[c] += Double(w.data[r * cols + c])
        rowSums[r] += Double(w.data[r * cols + c])
      }
    }
    func variance(_ x: [Double]) -> Double {
      let mean = x.reduce(0, +) / Double(x.count)
      return x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
    }
    return (variance(colSums), variance(rowSums))
  }
}
