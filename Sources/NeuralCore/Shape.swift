import GameCore

/// Global average pooling: `[N, H, W, C] → [N, C]`, `y[n,c] = (1/HW) Σ_hw x[n,h,w,c]`.
/// Backward spreads `dy/HW` over every pixel.
public struct GlobalAveragePool: Layer {
  var inputShape: [Int] = []
  var output = Tensor(shape: [0])
  var inputGrad = Tensor(shape: [0])
  public init() {}
  public var label: String { "global_avg_pool" }
  public func outputShape(for input: [Int]) -> [Int] { [input[0], input[input.count - 1]] }

  public mutating func forward(_ x: Tensor, training: Bool) -> Tensor {
    if !(x.rank == 4) { shapeFailure("global_avg_pool needs [N, H, W, C], got \(x.shape)") }
    let (n, hw, c) = (x.shape[0], x.shape[1] * x.shape[2], x.shape[3])
    output.resize(n, c)
    output.fill(0)
    let inv = 1 / Float(hw)
    x.data.withUnsafeBufferPointer { xp in
      output.data.withUnsafeMutableBufferPointer { yp in
        for b in 0..<n {
          for p in 0..<hw {
            let src = (b * hw + p) * c
            for j in 0..<c { yp[b * c + j] += xp[src + j] * inv }
          }
        }
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

  public mutating func backward(_ dy: Tensor) -> Tensor {
    let (n, hw, c) = (inputShape[0], inputShape[1] * inputShape[2], inputShape[3])
    if !dy.hasShape(n, c) { shapeFailure("global_avg_pool backward: gradient \(dy.shape) vs [\(n), \(c)]") }
    inputGrad.resize(to: inputShape)
    let inv = 1 / Float(hw)
    dy.data.withUnsafeBufferPointer { gp in
      inputGrad.data.withUnsafeMutableBufferPointer { dxp in
        for b in 0..<n {
          for p in 0..<hw {
            let dst = (b * hw + p) * c
            for j in 0..<c { dxp[dst + j] = gp[b * c + j] * inv }
          }
        }
      }
    }
    return inputGrad
  }
}

/// `[N, d1, d2, …] → [N, d1·d2·…]` (a view; no data moves).
public struct Flatten: Layer {
  var inputShape: [Int] = []
  var flatShape: [Int] = []
  public init() {}
  public var label: String { "flatten" }
  public func outputShape(for input: [Int]) -> [Int] { [input[0], input.dropFirst().reduce(1, *)] }
  public mutating func forward(_ x: Tensor, training: Bool) -> Tensor {
    if inputShape != x.shape {
      inputShape = x.shape
      flatShape = outputShape(for: x.shape)
    }
    return x.reshaped(flatShape)
  }
  public mutating func backward(_ dy: Tensor) -> Tensor { dy.reshaped(inputShape) }
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    SignalStats(mean: input.mean, variance: input.variance, shape: [input.shape.reduce(1, *)])
  }
}

/// Inverted dropout: in training each element is zeroed with probability `rate` and the
/// survivors are scaled by `1/(1 − rate)`; in inference it is the identity. Seeded.
public struct Dropout: Layer {
  public let rate: Float
  var rng: Xoshiro256
  var mask: [Float] = []
  var output = Tensor(shape: [0])
  var inputGrad = Tensor(shape: [0])

  public init(rate: Float, seed: UInt64) {
    if !(rate >= 0 && rate < 1) { shapeFailure("dropout rate must be in [0, 1), got \(rate)") }
    self.rate = rate
    rng = Xoshiro256(seed: seed)
  }

  public var label: String { "dropout(\(rate))" }
  public func outputShape(for input: [Int]) -> [Int] { input }

  public mutating func forward(_ x: Tensor, training: Bool) -> Tensor {
    guard training, rate > 0 else { return x }
    if mask.count != x.count { mask = [Float](repeating: 0, count: x.count) }
    let keep = 1 / (1 - rate)
    for i in 0..<mask.count { mask[i] = rng.unit() < Double(rate) ? 0 : keep }
    output.resize(to: x.shape)
    for i in 0..<x.count { output.data[i] = x.data[i] * mask[i] }
    return output
  }

  /// Exact inverted-dropout moments: `(μ, (σ² + μ²)/(1 − p) − μ²)`.
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    let p = Double(rate)
    return SignalStats(
      mean: input.mean, variance: input.secondMoment / (1 - p) - input.mean * input.mean, shape: input.shape)
  }

  public mutating func backward(_ dy: Tensor) -> Tensor {
    guard rate > 0 else { return dy }
    inputGrad.resize(to: dy.shape)
    for i in 0..<dy.count { inputGrad.data[i] = dy.data[i] * mask[i] }
    return inputGrad
  }
}
