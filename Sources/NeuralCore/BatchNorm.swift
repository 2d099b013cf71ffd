import GameCore

/// Batch normalisation over the last axis (channels of NHWC, features of `[N, F]`):
///
///     x̂ = (x − μ_B) / sqrt(σ²_B + ε),   y = γ · x̂ + β
///
/// with μ_B, σ²_B the per-channel mean and (biased) variance over the other `M` positions of
/// the batch in training, and the running averages in inference. Running statistics update
/// as `r ← (1 − m)·r + m·batch` (momentum `m` = 0.1; the running variance uses the unbiased
/// batch variance, as PyTorch does).
///
/// Backward (training mode): `dβ = Σ dy`, `dγ = Σ dy·x̂`,
/// `dx = γ / (M·sqrt(σ²+ε)) · (M·dy − Σ dy − x̂·Σ(dy·x̂))`.
public struct BatchNorm: Layer {
  public var scale: Parameter
  public var shift: Parameter
  public let channels: Int
  public var epsilon: Float = 1e-5
  public var momentum: Float = 0.1
  public var runningMean: [Float]
  public var runningVariance: [Float]
  var normalized = Tensor(shape: [0])
  var output = Tensor(shape: [0])
  var inputGrad = Tensor(shape: [0])
  var inverseStd: [Float]
  // Per-channel scratch, reused every pass.
  var mean: [Double]
  var sq: [Double]
  var meanF: [Float]
  var sumDy: [Float]
  var sumDyX: [Float]

  public init(_ channels: Int, name: String = "bn") {
    precondition(channels > 0, "batch norm needs a positive channel count")
    self.channels = channels
    scale = Parameter(name: name + ".scale", shape: [channels], role: .normScale, value: 1)
    shift = Parameter(name: name + ".shift", shape: [channels], role: .normShift)
    runningMean = [Float](repeating: 0, count: channels)
    runningVariance = [Float](repeating: 1, count: channels)
    inverseStd = [Float](repeating: 1, count: channels)
    mean = [Double](repeating: 0, count: channels)
    sq = [Double](repeating: 0, count: channels)
    meanF = [Float](repeating: 0, count: channels)
    sumDy = [Float](repeating: 0, count: channels)
    sumDyX = [Float](repeating: 0, count: channels)
  }

  public var label: String { "batchnorm(\(channels))" }
  public func outputShape(for input: [Int]) -> [Int] { input }

  public mutating func forward(_ x: Tensor, training: Bool) -> Tensor {
    if !(x.channels == channels) { shapeFailure("\(label) got input of shape \(x.shape)") }
    let c = channels, m = x.count / c
    output.resize(to: x.shape)
    if training {
      if !(m > 1) { shapeFailure("\(label) needs more than one value per channel in training, got \(x.shape)") }
      for j in 0..<c {
        mean[j] = 0
        sq[j] = 0
      }
      x.data.withUnsafeBufferPointer { xp in
        for i in 0..<m {
          let row = i * c
          for j in 0..<c {
            let v = Double(xp[row + j])
            mean[j] += v
            sq[j] += v * v
          }
        }
      }
      for j in 0..<c {
        mean[j] /= Double(m)
        let variance = max(0, sq[j] / Double(m) - mean[j] * mean[j])
        inverseStd[j] = Float(1 / (variance + Double(epsilon)).squareRoot())
        runningMean[j] = (1 - momentum) * runningMean[j] + momentum * Float(mean[j])
        let unbiased = variance * Double(m) / Double(m - 1)
        runningVariance[j] = (1 - momentum) * runningVariance[j] + momentum * Float(unbiased)
      }
      normalized.resize(to: x.shape)
      for j in 0..<c { meanF[j] = Float(mean[j]) }
      x.data.withUnsafeBufferPointer { xp in
        normalized.data.withUnsafeMutableBufferPointer { np in
          output.data.withUnsafeMutableBufferPointer { yp in
            scale.value.data.withUnsafeBufferPointer { gp in
              shift.value.data.withUnsafeBufferPointer { bp in
                for i in 0..<m {
                  let row = i * c
                  for j in 0..<c {
                    let xh = (xp[row + j] - meanF[j]) * inverseStd[j]
                    np[row + j] = xh
                    yp[row + j] = gp[j] * xh + bp[j]
                  }
                }
              }
            }
          }
        }
      }
    } else {
      for j in 0..<c { meanF[j] = 1 / (runningVariance[j] + epsilon).squareRoot() }
      let inv = meanF
      x.data.withUnsafeBufferPointer { xp in
        output.data.withUnsafeMutableBufferPointer { yp in
          scale.value.data.withUnsafeBufferPointer { gp in
            shift.value.data.withUnsafeBufferPointer { bp in
              for i in 0..<m {
                let row = i * c
                for j in 0..<c { yp[row + j] = gp[j] * (xp[row + j] - runningMean[j]) * inv[j] + bp[j] }
              }
            }
          }
        }
      }
    }
    return output
  }

  public mutating func backward(_ dy: Tensor) -> Tensor {
    Tensor.checkSameShape(dy, normalized, "\(label) backward")
    let c = channels, m = dy.count / c
    for j in 0..<c {
      sumDy[j] = 0
      sumDyX[j] = 0
    }
    dy.data.withUnsafeBufferPointer { gp in
      normalized.data.withUnsafeBufferPointer { np in
        for i in 0..<m {
          let row = i * c
          for j in 0..<c {
            sumDy[j] += gp[row + j]
            sumDyX[j] += gp[row + j] * np[row + j]
          }
        }
      }
    }
    for j in 0..<c {
      shift.grad.data[j] += sumDy[j]
      scale.grad.data[j] += sumDyX[j]
    }
    inputGrad.resize(to: dy.shape)
    let fm = Float(m)
    dy.data.withUnsafeBufferPointer { gp in
      normalized.data.withUnsafeBufferPointer { np in
        inputGrad.data.withUnsafeMutableBufferPointer { dxp in
          scale.value.data.withUnsafeBufferPointer { sp in
            for i in 0..<m {
              let row = i * c
              for j in 0..<c {
                let k = sp[j] * inverseStd[j] / fm
                dxp[row + j] = k * (fm * gp[row + j] - sumDy[j] - np[row + j] * sumDyX[j])
              }
            }
          }
        }
      }
    }
    return inputGrad
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) {
    body(&scale)
    body(&shift)
  }

  /// The output is `γ·x̂ + β`: mean β, variance γ² (the reference assumes γ = 1, β = 0; using
  /// the actual values keeps revisited-BN and zero-γ initialisations honest).
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    let g = Double(scale.value.data[0]), b = Double(shift.value.data[0])
    return SignalStats(mean: b, variance: g * g, shape: input.shape)
  }

  public mutating func visitBuffers(_ body: (String, inout [Float]) -> Void) {
    let base = String(scale.name.dropLast(".scale".count))
    body(base + ".running_mean", &runningMean)
    body(base + ".running_var", &runningVariance)
  }
}
