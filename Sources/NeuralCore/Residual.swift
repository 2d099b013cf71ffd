import GameCore
import RealModule

/// Squeeze-and-excitation (Hu et al. 2018) on NHWC: `s = σ(W₂·relu(W₁·gap(x)))`,
/// `y[n,h,w,c] = x[n,h,w,c] · s[n,c]`, with a bottleneck of `C/ratio` units.
///
/// Backward: `dx = dy·s + gap⁻¹(d_gap)`, where `ds[n,c] = Σ_hw dy·x` flows back through the
/// sigmoid and both dense layers.
public struct SqueezeExcitation: Layer {
  public var squeeze: Dense
  public var excite: Dense
  var pool = GlobalAveragePool()
  var relu: ActivationLayer
  var sigmoid: ActivationLayer
  let channels: Int
  /// The input of the last training forward, and the gate's output `s` (the sigmoid's buffer).
  var input: TensorBuffer?
  var scales: TensorBuffer?
  /// Output, input gradient, gradient of the gate.
  var buffers = LayerBuffers(3)

  public init(channels: Int, ratio: Int = 4, name: String = "se") {
    let hidden = max(1, channels / max(1, ratio))
    self.channels = channels
    squeeze = Dense(channels, hidden, name: name + ".squeeze")
    excite = Dense(hidden, channels, name: name + ".excite")
    relu = ActivationLayer(Activation(.relu), channels: hidden)
    sigmoid = ActivationLayer(Activation(.sigmoid), channels: channels)
  }

  public var label: String { "se(\(channels)→\(squeeze.outputs))" }
  public func outputShape(for input: [Int]) -> [Int] { input }

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    LayerBuffers.claim(&buffers)
    var s = pool.forward(x, training: training)
    s = squeeze.forward(s, training: training)
    s = relu.forward(s, training: training)
    s = excite.forward(s, training: training)
    let scales = sigmoid.forward(s, training: training)
    let (n, hw, c) = (x.shape[0], x.shape[1] * x.shape[2], x.shape[3])
    let output = buffers[0]
    output.resize(x.shape)
    let xp = x.pointer, sp = scales.pointer, yp = output.pointer
    for b in 0..<n {
      for p in 0..<hw {
        let o = (b * hw + p) * c
        for j in 0..<c { yp[o + j] = xp[o + j] * sp[b * c + j] }
      }
    }
    if training {
      input = x
      self.scales = scales
    }
    return output
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    guard let input, let scales else { shapeFailure("\(label) backward before a training forward pass") }
    let (n, hw, c) = (input.shape[0], input.shape[1] * input.shape[2], input.shape[3])
    let inputGrad = buffers[1], scaleGrad = buffers[2]
    scaleGrad.resize(Shape(n, c))
    scaleGrad.fill(0)
    inputGrad.resize(input.shape)
    let gp = dy.pointer, xp = input.pointer, sp = scales.pointer, dxp = inputGrad.pointer, dsp = scaleGrad.pointer
    for b in 0..<n {
      for p in 0..<hw {
        let o = (b * hw + p) * c
        for j in 0..<c {
          dxp[o + j] = gp[o + j] * sp[b * c + j]
          dsp[b * c + j] += gp[o + j] * xp[o + j]
        }
      }
    }
    var g = sigmoid.backward(scaleGrad)
    g = excite.backward(g)
    g = relu.backward(g)
    g = squeeze.backward(g)
    let dPool = pool.backward(g)
    for i in 0..<inputGrad.count { dxp[i] += dPool.pointer[i] }
    return inputGrad
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) {
    squeeze.visitParameters(body)
    excite.visitParameters(body)
  }

  /// Initialises the gate's dense layers from the pooled signal; the output is the product
  /// of the input and the (independent) gate.
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    var s = pool.autoInit(input, rng: &rng)
    s = squeeze.autoInit(s, rng: &rng)
    s = relu.autoInit(s, rng: &rng)
    s = excite.autoInit(s, rng: &rng)
    s = sigmoid.autoInit(s, rng: &rng)
    return SignalStats.product(input, SignalStats(mean: s.mean, variance: s.variance, shape: input.shape))
  }

  public mutating func visitLayers(_ body: (inout any Layer) -> Void) {
    var a: any Layer = squeeze
    body(&a)
    squeeze = a as! Dense
    var b: any Layer = excite
    body(&b)
    excite = b as! Dense
  }
}

/// How a residual block joins its branch `F` to the skip path, and what the branch holds.
/// Block `i` of `L` (0-based) is the network's `k = L + i`-th in RescaleNet's numbering.
///
/// | kind | block | branch `F` |
/// |---|---|---|
/// | none | `act(F(x))` (no skip: a plain deep network) | conv, [BN], act, conv, [BN] |
/// | plain | `act(x + F(x))` (He et al. 2016) | conv, [BN], act, conv, [BN] |
/// | rescale | `act(sqrt((k−1)/k)·x + s·L^(−1/2)·F(x))`, `s` learnable, 1 | Bias2D, conv, act, Bias2D, conv |
/// | rezero | `x + α·F(x)`, `α` learnable, 0 (Bachlechner et al. 2020) | conv, [BN], act, conv, [BN] |
/// | skipinit | `x + α·F(x)`, `α` learnable, 0 (De & Smith 2020) | [BN], act, conv, [BN], act, conv |
/// | fixup | `act(x + F(x))` (Zhang et al. 2019) | +b, conv, +b, act, +b, conv, ·s + b |
///
/// `[BN]` is there with batch normalisation only; without it the convolutions of `none`,
/// `plain`, `rezero` and `skipinit` get a bias. RescaleNet and Fixup replace normalisation
/// and never have it. SkipInit's branch is pre-activation (the layout of its paper's
/// networks). Squeeze-excitation, when on, ends the branch.
///
/// At initialisation (`Layer.initialize`), after the weight draw: RescaleNet multiplies each of
/// the branch's two convolutions by `(L/k)^(1/4)` (its reference multiplies each of three by
/// `(L/k)^(1/6)`: the branch as a whole by `(L/k)^(1/2)`, so `s·L^(−1/2)` makes the branch's
/// coefficient `sqrt(1/k)` and every block keeps the variance); Fixup multiplies the first
/// convolution by `L^(−1/(2m−2)) = L^(−1/2)` (m = 2 layers a branch) and zeroes the second
/// (the network's last dense layers are zeroed too).
public enum ResidualKind: String, Sendable, Codable, CaseIterable {
  case none, plain, rescale, rezero, skipinit, fixup

  /// Whether the kind replaces normalisation (it cannot be combined with BatchNorm).
  public var isNormalisationFree: Bool { self == .rescale || self == .fixup }
}

/// A residual block of a policy-value tower (see `ResidualKind` for the layouts). With a pair
/// activation (`maxout`, the logit-space Booleans) the first convolution doubles its channels
/// so the activation hands back `C` (SkipInit's pre-activation halves them before it), and the
/// final activation after the sum is omitted (it would halve the trunk).
public struct ResidualBlock: Layer {
  public var branch: Sequential
  public var output: ActivationLayer?
  public let kind: ResidualKind
  /// The learnable scalar of the sum: RescaleNet's `s`, ReZero's and SkipInit's `α` (shape
  /// `[0]` for the other kinds).
  public var alpha: Parameter
  /// The block's place: `index` of `count` blocks.
  public let index: Int
  public let count: Int
  let channels: Int
  /// The branch's output of the last training forward (the branch's own buffer).
  var branchOut: TensorBuffer?
  /// The sum, the branch's gradient (when scaled), input gradient.
  var buffers = LayerBuffers(3)

  public init(
    channels: Int, activation: Activation, squeezeExcitation: Int? = nil, kind: ResidualKind = .plain,
    batchNorm: Bool = true, index: Int = 0, count: Int = 1, name: String = "block"
  ) {
    precondition(!(batchNorm && kind.isNormalisationFree), "\(kind) blocks have no normalisation")
    precondition(count >= 1 && (0..<count).contains(index), "block \(index) of \(count)")
    self.channels = channels
    self.kind = kind
    self.index = index
    self.count = count
    let arity = activation.kind.arity
    let bias = !batchNorm
    func act(_ c: Int, _ suffix: String) -> ActivationLayer {
      ActivationLayer(activation, channels: c, name: name + "." + suffix)
    }
    var layers: [any Layer]
    switch kind {
    case .none, .plain, .rezero:
      layers = [Conv2D(channels, channels * arity, kernel: 3, bias: bias, name: name + ".conv1")]
      if batchNorm { layers.append(BatchNorm(channels * arity, name: name + ".bn1")) }
      layers.append(act(channels * arity, "act1"))
      layers.append(Conv2D(channels, channels, kernel: 3, bias: bias, name: name + ".conv2"))
      if batchNorm { layers.append(BatchNorm(channels, name: name + ".bn2")) }
    case .skipinit:
      layers = []
      if batchNorm { layers.append(BatchNorm(channels, name: name + ".bn0")) }
      layers.append(act(channels, "act0"))
      layers.append(Conv2D(channels / arity, channels * arity, kernel: 3, bias: bias, name: name + ".conv1"))
      if batchNorm { layers.append(BatchNorm(channels * arity, name: name + ".bn1")) }
      layers.append(act(channels * arity, "act1"))
      layers.append(Conv2D(channels, channels, kernel: 3, bias: bias, name: name + ".conv2"))
    case .rescale:
      layers = [
        CenteringBias(channels, name: name + ".centre1"),
        Conv2D(channels, channels * arity, kernel: 3, bias: false, name: name + ".conv1"),
        act(channels * arity, "act1"),
        CenteringBias(channels, name: name + ".centre2"),
        Conv2D(channels, channels, kernel: 3, bias: false, name: name + ".conv2"),
      ]
    case .fixup:
      layers = [
        ScalarBias(name: name + ".bias1a"),
        Conv2D(channels, channels * arity, kernel: 3, bias: false, name: name + ".conv1"),
        ScalarBias(name: name + ".bias1b"),
        act(channels * arity, "act1"),
        ScalarBias(name: name + ".bias2a"),
        Conv2D(channels, channels, kernel: 3, bias: false, name: name + ".conv2"),
        ScalarAffine(name: name + ".out"),
      ]
    }
    if let ratio = squeezeExcitation {
      layers.append(SqueezeExcitation(channels: channels, ratio: ratio, name: name + ".se"))
    }
    branch = Sequential(layers)
    let postActivation = [.none, .plain, .rescale, .fixup].contains(kind)
    output = arity == 1 && postActivation ? act(channels, "act2") : nil
    switch kind {
    case .rescale: alpha = Parameter(name: name + ".scale", shape: [1], role: .scalar, value: 1)
    case .rezero, .skipinit: alpha = Parameter(name: name + ".alpha", shape: [1], role: .scalar, value: 0)
    default: alpha = Parameter(name: name + ".alpha", shape: [0], role: .scalar)
    }
  }

  public var label: String { "residual(\(kind), \(channels), \(branch.layers.count) layers)" }
  public func outputShape(for input: [Int]) -> [Int] { input }

  /// The fixed part of the coefficients: `y = skip·x + branch·α·F(x)` (α = 1 without one).
  var fixedCoefficients: (skip: Float, branch: Float) {
    switch kind {
    case .none: return (0, 1)
    case .rescale:
      let k = Float(count + index), l = Float(count)
      return (((k - 1) / k).squareRoot(), 1 / l.squareRoot())
    default: return (1, 1)
    }
  }

  /// `(c_s, c_r)` of `y = c_s·x + c_r·F(x)`, the learnable scalar included.
  var coefficients: (skip: Float, branch: Float) {
    let (s, b) = fixedCoefficients
    return alpha.value.count == 1 ? (s, b * alpha.value.data[0]) : (s, b)
  }

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    LayerBuffers.claim(&buffers)
    let f = branch.forward(x, training: training)
    TensorBuffer.checkSameShape(x, f, "\(label): skip and branch")
    let (cs, cb) = coefficients
    let summed = buffers[0]
    summed.resize(x.shape)
    let xp = x.pointer, fp = f.pointer, yp = summed.pointer
    // Inference applies a final ReLU in the same pass as the sum.
    let foldsRelu = !training && output?.activation.kind == .relu
    Elementwise.combine(cs, xp, cb, fp, into: yp, count: x.count, relu: foldsRelu)
    if foldsRelu { return summed }
    if training { branchOut = f }
    if output != nil { return output!.forward(summed, training: training) }
    return summed
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    guard let branchOut else { shapeFailure("\(label) backward before a training forward pass") }
    let g = output != nil ? output!.backward(dy) : dy
    let (cs, cb) = coefficients
    let gp = g.pointer
    if alpha.value.count == 1 {
      var da: Float = 0
      for i in 0..<g.count { da += gp[i] * branchOut.pointer[i] }
      alpha.grad.data[0] += fixedCoefficients.branch * da
    }
    let dBranch: TensorBuffer
    if cb == 1 {
      dBranch = branch.backward(g)
    } else {
      let branchGrad = buffers[1]
      branchGrad.resize(g.shape)
      for i in 0..<g.count { branchGrad.pointer[i] = cb * gp[i] }
      dBranch = branch.backward(branchGrad)
    }
    let inputGrad = buffers[2]
    inputGrad.resize(g.shape)
    let dp = dBranch.pointer, dxp = inputGrad.pointer
    Elementwise.combine(cs, gp, 1, dp, into: dxp, count: g.count)
    return inputGrad
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) {
    branch.visitParameters(body)
    if alpha.value.count == 1 { body(&alpha) }
  }

  public mutating func visitLayers(_ body: (inout any Layer) -> Void) {
    branch.visitLayers(body)
  }

  public mutating func visitBuffers(_ body: (String, inout [Float]) -> Void) {
    branch.visitBuffers(body)
  }

  /// Branch first, then the skip sum of independent signals
  /// (`μ = c_s·μ_x + c_r·μ_F`, `σ² = c_s²·σ²_x + c_r²·σ²_F`), then the output activation.
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    let f = branch.autoInit(input, rng: &rng)
    let (cs, cb) = coefficients
    let s = SignalStats.weightedSum([(Double(cs), input), (Double(cb), f)])
    if output != nil { return output!.autoInit(s, rng: &rng) }
    return s
  }

  /// The kind's own scaling of the freshly drawn weights (see `ResidualKind`): RescaleNet's
  /// `(L/k)^(1/4)` on both convolutions, Fixup's `L^(−1/2)` on the first and 0 on the second.
  public mutating func applyKindScaling() {
    let l = Float(count), k = Float(count + index)
    switch kind {
    case .rescale:
      let m = Float.pow(l / k, 0.25)
      branch.visitParameters { p in if p.role == .weight && p.name.contains(".conv") { p.value.scale(by: m) } }
    case .fixup:
      let m = 1 / l.squareRoot()
      branch.visitParameters { p in
        guard p.role == .weight else { return }
        if p.name.hasSuffix(".conv1.weight") { p.value.scale(by: m) }
        if p.name.hasSuffix(".conv2.weight") { p.value.fill(0) }
      }
    default: break
    }
  }
}
