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
  /// x̂, output, input gradient, and per channel: 1/sqrt(σ²+ε), the mean (or the inference
  /// scale), Σ dy, Σ dy·x̂.
  var buffers = LayerBuffers(7)

  public init(_ channels: Int, name: String = "bn") {
    precondition(channels > 0, "batch norm needs a positive channel count")
    self.channels = channels
    scale = Parameter(name: name + ".scale", shape: [channels], role: .normScale, value: 1)
    shift = Parameter(name: name + ".shift", shape: [channels], role: .normShift)
    runningMean = [Float](repeating: 0, count: channels)
    runningVariance = [Float](repeating: 1, count: channels)
  }

  public var label: String { "batchnorm(\(channels))" }
  public func outputShape(for input: [Int]) -> [Int] { input }

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    if !(x.channels == channels) { shapeFailure("\(label) got input of shape \(x.shape)") }
    LayerBuffers.claim(&buffers)
    let c = channels, m = x.count / c
    let output = buffers[0], normalized = buffers[1], inverseStdBuffer = buffers[3], meanBuffer = buffers[4]
    output.resize(x.shape)
    inverseStdBuffer.resize(Shape(c))
    meanBuffer.resize(Shape(c))
    let xp = x.pointer, yp = output.pointer, inverseStd = inverseStdBuffer.pointer, meanF = meanBuffer.pointer
    if training {
      if !(m > 1) { shapeFailure("\(label) needs more than one value per channel in training, got \(x.shape)") }
      // Per-part sums of x and x² (Double), added in part order.
      let parts = min(m, Parallel.parts(forWork: x.count))
      let sums = buffers.doubles(2 * c * (parts + 1)), mean = sums + 2 * c * parts, sq = mean + c
      BatchNormJob(op: .sums, c: c, m: m, x: xp, sums: sums).run(parts: parts)
      mean.update(repeating: 0, count: 2 * c)
      for part in 0..<parts {
        let partial = sums + 2 * c * part
        for j in 0..<2 * c { mean[j] += partial[j] }
      }
      for j in 0..<c {
        mean[j] /= Double(m)
        let variance = max(0, sq[j] / Double(m) - mean[j] * mean[j])
        inverseStd[j] = Float(1 / (variance + Double(epsilon)).squareRoot())
        runningMean[j] = (1 - momentum) * runningMean[j] + momentum * Float(mean[j])
        let unbiased = variance * Double(m) / Double(m - 1)
        runningVariance[j] = (1 - momentum) * runningVariance[j] + momentum * Float(unbiased)
        meanF[j] = Float(mean[j])
      }
      normalized.resize(x.shape)
      let np = normalized.pointer
      scale.value.data.withUnsafeBufferPointer { gp in
        shift.value.data.withUnsafeBufferPointer { bp in
          var job = BatchNormJob(op: .normalize, c: c, m: m, x: xp, sums: nil)
          (job.y, job.normalized, job.mean, job.inverseStd) = (yp, np, meanF, inverseStd)
          (job.scale, job.shift) = (gp.baseAddress!, bp.baseAddress!)
          job.run(parts: parts)
        }
      }
    } else {
      // meanF holds the inference scale 1/sqrt(running variance + ε) here.
      for j in 0..<c { meanF[j] = 1 / (runningVariance[j] + epsilon).squareRoot() }
      let inv = meanF
      scale.value.data.withUnsafeBufferPointer { gp in
        shift.value.data.withUnsafeBufferPointer { bp in
          runningMean.withUnsafeBufferPointer { rm in
            var job = BatchNormJob(op: .infer, c: c, m: m, x: xp, sums: nil)
            (job.y, job.mean, job.inverseStd) = (yp, UnsafeMutablePointer(mutating: rm.baseAddress!), inv)
            (job.scale, job.shift) = (gp.baseAddress!, bp.baseAddress!)
            job.run(parts: min(m, Parallel.parts(forWork: x.count)))
          }
        }
      }
    }
    return output
  }

  /// The inference map as `y = scale ⊙ x + shift` per channel, `scale = γ/√(σ²_run + ε)`,
  /// `shift = β − μ_run·scale`.
  func inferenceAffine(scale s: UnsafeMutablePointer<Float>, shift t: UnsafeMutablePointer<Float>) {
    for j in 0..<channels {
      let k = scale.value.data[j] / (runningVariance[j] + epsilon).squareRoot()
      s[j] = k
      t[j] = shift.value.data[j] - runningMean[j] * k
    }
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    let normalized = buffers[1], inputGrad = buffers[2]
    TensorBuffer.checkSameShape(dy, normalized, "\(label) backward")
    let c = channels, m = dy.count / c
    let sumDyBuffer = buffers[5], sumDyXBuffer = buffers[6]
    sumDyBuffer.resize(Shape(c))
    sumDyXBuffer.resize(Shape(c))
    let sumDy = sumDyBuffer.pointer, sumDyX = sumDyXBuffer.pointer, inverseStd = buffers[3].pointer
    sumDy.update(repeating: 0, count: c)
    sumDyX.update(repeating: 0, count: c)
    let gp = dy.pointer, np = normalized.pointer
    // Per-part sums of dy and dy·x̂ (Double), added in part order.
    let parts = min(m, Parallel.parts(forWork: dy.count))
    let sums = buffers.doubles(2 * c * parts)
    var sumJob = BatchNormJob(op: .gradientSums, c: c, m: m, x: gp, sums: sums)
    sumJob.normalized = np
    sumJob.run(parts: parts)
    for part in 0..<parts {
      let partial = sums + 2 * c * part
      for j in 0..<c {
        sumDy[j] += Float(partial[j])
        sumDyX[j] += Float(partial[c + j])
      }
    }
    shift.grad.data.withUnsafeMutableBufferPointer { db in
      for j in 0..<c { db[j] += sumDy[j] }
    }
    scale.grad.data.withUnsafeMutableBufferPointer { dg in
      for j in 0..<c { dg[j] += sumDyX[j] }
    }
    inputGrad.resize(dy.shape)
    let dxp = inputGrad.pointer
    scale.value.data.withUnsafeBufferPointer { sp in
      var job = BatchNormJob(op: .inputGradient, c: c, m: m, x: gp, sums: nil)
      (job.y, job.normalized, job.inverseStd, job.scale) = (dxp, np, inverseStd, sp.baseAddress!)
      (job.sumDy, job.sumDyX) = (sumDy, sumDyX)
      job.run(parts: parts)
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

/// BatchNorm's passes over the rows of a batch, split among `Parallel` parts by rows.
struct BatchNormJob {
  enum Op { case sums, normalize, infer, gradientSums, inputGradient }
  var op: Op
  var c: Int, m: Int
  /// The input (`sums`, `normalize`, `infer`) or the output gradient.
  var x: UnsafePointer<Float>
  /// Per part `2c` Doubles: Σx and Σx² (`sums`), or Σdy and Σdy·x̂ (`gradientSums`).
  var sums: UnsafeMutablePointer<Double>?
  var y: UnsafeMutablePointer<Float>? = nil
  var normalized: UnsafeMutablePointer<Float>? = nil
  var mean: UnsafeMutablePointer<Float>? = nil
  var inverseStd: UnsafeMutablePointer<Float>? = nil
  var scale: UnsafePointer<Float>? = nil
  var shift: UnsafePointer<Float>? = nil
  var sumDy: UnsafeMutablePointer<Float>? = nil
  var sumDyX: UnsafeMutablePointer<Float>? = nil

  init(op: Op, c: Int, m: Int, x: UnsafePointer<Float>, sums: UnsafeMutablePointer<Double>?) {
    (self.op, self.c, self.m, self.x, self.sums) = (op, c, m, x, sums)
  }

  func run(parts: Int) {
    var job = self
    Parallel.run(parts: parts, context: &job) { raw, part, parts in
      let job = raw.assumingMemoryBound(to: BatchNormJob.self).pointee
      job.run(rows: Parallel.range(part, of: parts, count: job.m), part: part)
    }
  }

  func run(rows: Range<Int>, part: Int) {
    let c = self.c, xp = x
    switch op {
    case .sums, .gradientSums:
      let s = sums! + 2 * c * part, s2 = s + c
      s.update(repeating: 0, count: 2 * c)
      if op == .sums {
        for i in rows {
          let row = xp + i * c
          for j in 0..<c {
            let v = Double(row[j])
            s[j] += v
            s2[j] += v * v
          }
        }
      } else {
        let np = normalized!
        for i in rows {
          let row = i * c
          for j in 0..<c {
            s[j] += Double(xp[row + j])
            s2[j] += Double(xp[row + j] * np[row + j])
          }
        }
      }
    case .normalize:
      let (yp, np, mean, inv, g, b) = (y!, normalized!, mean!, inverseStd!, scale!, shift!)
      for i in rows {
        let row = i * c
        for j in 0..<c {
          let xh = (xp[row + j] - mean[j]) * inv[j]
          np[row + j] = xh
          yp[row + j] = g[j] * xh + b[j]
        }
      }
    case .infer:
      let (yp, mean, inv, g, b) = (y!, mean!, inverseStd!, scale!, shift!)
      for i in rows {
        let row = i * c
        for j in 0..<c { yp[row + j] = g[j] * (xp[row + j] - mean[j]) * inv[j] + b[j] }
      }
    case .inputGradient:
      let (dxp, np, inv, sp, sumDy, sumDyX) = (y!, normalized!, inverseStd!, scale!, sumDy!, sumDyX!)
      let fm = Float(m)
      for i in rows {
        let row = i * c
        for j in 0..<c {
          let k = sp[j] * inv[j] / fm
          dxp[row + j] = k * (fm * xp[row + j] - sumDy[j] - np[row + j] * sumDyX[j])
        }
      }
    }
  }
}
