import GameCore

/// A learnable scalar added to every element (Fixup's biases, Zhang et al. 2019):
///
///     y = x + b,   ∂L/∂b = Σ dy,   dx = dy
public struct ScalarBias: Layer {
  public var bias: Parameter
  /// Output.
  var buffers = LayerBuffers(1)

  public init(name: String = "bias") {
    bias = Parameter(name: name + ".bias", shape: [1], role: .bias)
  }

  public var label: String { "scalar_bias" }
  public func outputShape(for input: [Int]) -> [Int] { input }

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    LayerBuffers.claim(&buffers)
    let output = buffers[0]
    output.resize(x.shape)
    let b = bias.value.data[0], xp = x.pointer, yp = output.pointer
    for i in 0..<x.count { yp[i] = xp[i] + b }
    return output
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    var s: Float = 0
    let gp = dy.pointer
    for i in 0..<dy.count { s += gp[i] }
    bias.grad.data[0] += s
    return dy
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) { body(&bias) }

  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    SignalStats(mean: input.mean + Double(bias.value.data[0]), variance: input.variance, shape: input.shape)
  }
}

/// A learnable scalar multiplier and a learnable scalar bias (the end of Fixup's residual
/// branch; the multiplier starts at 1, the bias at 0):
///
///     y = s·x + b,   ∂L/∂s = Σ dy·x,   ∂L/∂b = Σ dy,   dx = s·dy
public struct ScalarAffine: Layer {
  public var scale: Parameter
  public var bias: Parameter
  /// The input of the last training forward (the previous layer's buffer).
  var input: TensorBuffer?
  /// Output, input gradient.
  var buffers = LayerBuffers(2)

  public init(name: String = "affine") {
    scale = Parameter(name: name + ".scale", shape: [1], role: .scalar, value: 1)
    bias = Parameter(name: name + ".bias", shape: [1], role: .bias)
  }

  public var label: String { "scalar_affine" }
  public func outputShape(for input: [Int]) -> [Int] { input }

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    LayerBuffers.claim(&buffers)
    let output = buffers[0]
    output.resize(x.shape)
    let s = scale.value.data[0], b = bias.value.data[0], xp = x.pointer, yp = output.pointer
    for i in 0..<x.count { yp[i] = s * xp[i] + b }
    input = training ? x : nil
    return output
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    guard let input else { shapeFailure("\(label) backward before a training forward pass") }
    let inputGrad = buffers[1]
    inputGrad.resize(dy.shape)
    let s = scale.value.data[0], gp = dy.pointer, xp = input.pointer, dxp = inputGrad.pointer
    var ds: Float = 0, db: Float = 0
    for i in 0..<dy.count {
      ds += gp[i] * xp[i]
      db += gp[i]
      dxp[i] = s * gp[i]
    }
    scale.grad.data[0] += ds
    bias.grad.data[0] += db
    return inputGrad
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) {
    body(&scale)
    body(&bias)
  }

  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    let s = Double(scale.value.data[0]), b = Double(bias.value.data[0])
    return SignalStats(mean: s * input.mean + b, variance: s * s * input.variance, shape: input.shape)
  }
}

/// RescaleNet's `Bias2D` (Shao et al. 2020; reference `hukkai/rescaling`, `models/layers.py`):
/// a learnable per-channel bias `b` (init 0) with a data-dependent centring `μ`, the mean of
/// each channel over the first `warmup` training batches (a running average of the batch means,
/// then frozen; not learned):
///
///     y = x + 0.01·b − μ   during the first `warmup` training passes
///     y = x + b − μ        after them,      ∂L/∂b = (0.01 or 1)·Σ dy,   dx = dy
///
/// The reference also counts passes in evaluation mode; here only training passes do, so
/// evaluating a fresh network does not fix its centring. `μ` and the pass count are saved with
/// the weights.
public struct CenteringBias: Layer {
  public var bias: Parameter
  /// The centring μ per channel.
  public var centre: [Float]
  /// Training passes that have updated `centre` so far (a Float to be saved with the weights).
  public var passes: [Float] = [0]
  public let channels: Int
  /// Training passes that set the centring (8 in the reference).
  public static let warmup = 8
  /// The factor of `b` in the last training forward.
  var factor: Float = 1
  /// Output.
  var buffers = LayerBuffers(1)

  public init(_ channels: Int, name: String = "centre") {
    self.channels = channels
    bias = Parameter(name: name + ".bias", shape: [channels], role: .bias)
    centre = [Float](repeating: 0, count: channels)
  }

  public var label: String { "centering_bias(\(channels))" }
  public func outputShape(for input: [Int]) -> [Int] { input }

  var warm: Bool { Int(passes[0]) >= CenteringBias.warmup }

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    if !(x.channels == channels) { shapeFailure("\(label) expects \(channels) channels, got input \(x.shape)") }
    LayerBuffers.claim(&buffers)
    let c = channels, rows = x.count / c, xp = x.pointer
    if training && !warm {
      let sums = buffers.doubles(c)
      sums.update(repeating: 0, count: c)
      for r in 0..<rows { for j in 0..<c { sums[j] += Double(xp[r * c + j]) } }
      let n = passes[0] + 1
      for j in 0..<c { centre[j] += (Float(sums[j] / Double(max(rows, 1))) - centre[j]) / n }
      passes[0] = n
      factor = 0.01
    } else {
      factor = warm ? 1 : 0.01
    }
    let output = buffers[0]
    output.resize(x.shape)
    let yp = output.pointer, f = factor
    bias.value.data.withUnsafeBufferPointer { bp in
      for r in 0..<rows { for j in 0..<c { yp[r * c + j] = xp[r * c + j] + f * bp[j] - centre[j] } }
    }
    return output
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    let c = channels, rows = dy.count / c, gp = dy.pointer, f = factor
    bias.grad.data.withUnsafeMutableBufferPointer { dbp in
      for r in 0..<rows { for j in 0..<c { dbp[j] += f * gp[r * c + j] } }
    }
    return dy
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) { body(&bias) }

  public mutating func visitBuffers(_ body: (String, inout [Float]) -> Void) {
    let base = String(bias.name.dropLast(".bias".count))
    body(base + ".centre", &centre)
    body(base + ".passes", &passes)
  }

  /// Centred: mean 0, the variance unchanged.
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    SignalStats(mean: 0, variance: input.variance, shape: input.shape)
  }
}
