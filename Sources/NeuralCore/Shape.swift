import GameCore

/// Global average pooling: `[N, H, W, C] → [N, C]`, `y[n,c] = (1/HW) Σ_hw x[n,h,w,c]`.
/// Backward spreads `dy/HW` over every pixel.
public struct GlobalAveragePool: Layer {
  var inputShape = Shape(0)
  /// Output, input gradient.
  var buffers = LayerBuffers(2)
  public init() {}
  public var label: String { "global_avg_pool" }
  public func outputShape(for input: [Int]) -> [Int] { [input[0], input[input.count - 1]] }

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    if !(x.rank == 4) { shapeFailure("global_avg_pool needs [N, H, W, C], got \(x.shape)") }
    LayerBuffers.claim(&buffers)
    let (n, hw, c) = (x.shape[0], x.shape[1] * x.shape[2], x.shape[3])
    let output = buffers[0]
    output.resize(Shape(n, c))
    output.fill(0)
    let inv = 1 / Float(hw)
    let xp = x.pointer, yp = output.pointer
    for b in 0..<n {
      for p in 0..<hw {
        let src = (b * hw + p) * c
        for j in 0..<c { yp[b * c + j] += xp[src + j] * inv }
      }
    }
    if training { inputShape = x.shape }
    return output
  }

  /// An average of `H·W` independent values: `(μ, σ²/(H·W))`.
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    let k = Double(input.shape.dropLast().reduce(1, *))
    return SignalStats(mean: input.mean, variance: input.variance / k, shape: [input.shape.last!])
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    if inputShape.rank != 4 { shapeFailure("global_avg_pool backward before a training forward pass") }
    let (n, hw, c) = (inputShape[0], inputShape[1] * inputShape[2], inputShape[3])
    if !dy.hasShape(n, c) { shapeFailure("global_avg_pool backward: gradient \(dy.shape) vs [\(n), \(c)]") }
    let inputGrad = buffers[1]
    inputGrad.resize(inputShape)
    let inv = 1 / Float(hw)
    let gp = dy.pointer, dxp = inputGrad.pointer
    for b in 0..<n {
      for p in 0..<hw {
        let dst = (b * hw + p) * c
        for j in 0..<c { dxp[dst + j] = gp[b * c + j] * inv }
      }
    }
    return inputGrad
  }
}

/// `[N, d1, d2, …] → [N, d1·d2·…]` (a view; no data moves).
public struct Flatten: Layer {
  var inputShape = Shape(0)
  /// Views of the input and of the output gradient.
  var buffers = LayerBuffers(2)
  public init() {}
  public var label: String { "flatten" }
  public func outputShape(for input: [Int]) -> [Int] { [input[0], input.dropFirst().reduce(1, *)] }
  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    LayerBuffers.claim(&buffers)
    inputShape = x.shape
    buffers[0].view(of: x, as: Shape(x.batch, x.itemCount))
    return buffers[0]
  }
  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    buffers[1].view(of: dy, as: inputShape)
    return buffers[1]
  }
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    SignalStats(mean: input.mean, variance: input.variance, shape: [input.shape.reduce(1, *)])
  }
}

/// Inverted dropout: in training each element is zeroed with probability `rate` and the
/// survivors are scaled by `1/(1 − rate)`; in inference it is the identity. Seeded.
public struct Dropout: Layer {
  public let rate: Float
  var rng: Xoshiro256
  /// Output, input gradient, the mask of the last training forward.
  var buffers = LayerBuffers(3)

  public init(rate: Float, seed: UInt64) {
    if !(rate >= 0 && rate < 1) { shapeFailure("dropout rate must be in [0, 1), got \(rate)") }
    self.rate = rate
    rng = Xoshiro256(seed: seed)
  }

  public var label: String { "dropout(\(rate))" }
  public func outputShape(for input: [Int]) -> [Int] { input }

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    guard training, rate > 0 else { return x }
    LayerBuffers.claim(&buffers)
    let output = buffers[0], mask = buffers[2]
    mask.resize(x.shape)
    let keep = 1 / (1 - rate)
    for i in 0..<mask.count { mask.pointer[i] = rng.unit() < Double(rate) ? 0 : keep }
    output.resize(x.shape)
    for i in 0..<x.count { output.pointer[i] = x.pointer[i] * mask.pointer[i] }
    return output
  }

  /// Exact inverted-dropout moments: `(μ, (σ² + μ²)/(1 − p) − μ²)`.
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    let p = Double(rate)
    return SignalStats(
      mean: input.mean, variance: input.secondMoment / (1 - p) - input.mean * input.mean, shape: input.shape)
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    guard rate > 0 else { return dy }
    let inputGrad = buffers[1], mask = buffers[2]
    TensorBuffer.checkSameShape(dy, mask, "dropout backward")
    inputGrad.resize(dy.shape)
    for i in 0..<dy.count { inputGrad.pointer[i] = dy.pointer[i] * mask.pointer[i] }
    return inputGrad
  }
}
