import GameCore

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

/// How a residual block adds its branch to the skip path.
public enum ResidualSum: Sendable, Codable, Equatable {
  /// `x + F(x)` (He et al.).
  case plain
  /// `c_skip·x + c_branch·F(x)` with fixed coefficients (RescaleNet-style weighted sums,
  /// e.g. `sqrt((k−1)/k)` and `sqrt(1/k)` for the k-th block keep the variance constant).
  case weighted(skip: Float, branch: Float)
  /// `x + α·F(x)` with a learnable scalar α initialised to 0 (ReZero / SkipInit): every
  /// branch starts switched off, so the network starts as the identity.
  case rezero
}

/// The AlphaZero residual block: `y = act(c_s·x + c_r·α·BN(conv(act(BN(conv(x))))))` with
/// 3x3 convolutions, optional squeeze-excitation on the branch, and the skip sum chosen by
/// `ResidualSum`. With a pair activation (`maxout`, the logit-space Booleans) the first
/// convolution doubles its channels so the activation hands back `C`, and the final
/// activation after the sum is omitted (it would halve the trunk).
public struct ResidualBlock: Layer {
  public var branch: Sequential
  public var output: ActivationLayer?
  public var sum: ResidualSum
  public var alpha: Parameter
  let channels: Int
  /// The branch's output of the last training forward (the branch's own buffer).
  var branchOut: TensorBuffer?
  /// The sum, the branch's gradient (when scaled), input gradient.
  var buffers = LayerBuffers(3)

  public init(
    channels: Int, activation: Activation, squeezeExcitation: Int? = nil, sum: ResidualSum = .plain,
    name: String = "block"
  ) {
    self.channels = channels
    self.sum = sum
    let arity = activation.kind.arity
    var layers: [any Layer] = [
      Conv2D(channels, channels * arity, kernel: 3, bias: false, name: name + ".conv1"),
      BatchNorm(channels * arity, name: name + ".bn1"),
      ActivationLayer(activation, channels: channels * arity, name: name + ".act1"),
      Conv2D(channels, channels, kernel: 3, bias: false, name: name + ".conv2"),
      BatchNorm(channels, name: name + ".bn2"),
    ]
    if let ratio = squeezeExcitation {
      layers.append(SqueezeExcitation(channels: channels, ratio: ratio, name: name + ".se"))
    }
    branch = Sequential(layers)
    output = arity == 1 ? ActivationLayer(activation, channels: channels, name: name + ".act2") : nil
    alpha = Parameter(name: name + ".alpha", shape: [sum == .rezero ? 1 : 0], role: .scalar)
  }

  public var label: String { "residual(\(channels), \(branch.layers.count) layers)" }
  public func outputShape(for input: [Int]) -> [Int] { input }

  var coefficients: (skip: Float, branch: Float) {
    switch sum {
    case .plain: return (1, 1)
    case .weighted(let s, let b): return (s, b)
    case .rezero: return (1, alpha.value.data[0])
    }
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
    if sum == .rezero {
      var da: Float = 0
      for i in 0..<g.count { da += gp[i] * branchOut.pointer[i] }
      alpha.grad.data[0] += da
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
    if sum == .rezero { body(&alpha) }
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
}
