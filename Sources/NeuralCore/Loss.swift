import RealModule

/// Losses: each returns the mean loss over the batch and the gradient with respect to the
/// network output (already divided by the batch size).
public enum Loss {
  /// Softmax cross-entropy with soft targets and an optional legal-move mask:
  ///
  ///     p = softmax(z over legal entries),  L = −(1/N) Σ_n Σ_i t_i · log p_i,  ∂L/∂z_i = (p_i·Σt − t_i)/N
  ///
  /// Illegal entries (mask 0) get probability 0 and gradient 0; targets on them must be 0.
  /// `logits`, `targets` and `mask` are `[N, K]`.
  public static func softmaxCrossEntropy(
    logits: Tensor, targets: Tensor, mask: Tensor? = nil
  ) -> (loss: Float, grad: Tensor) {
    var grad = Tensor(shape: [0])
    let loss = softmaxCrossEntropy(logits: logits, targets: targets, mask: mask, gradient: &grad)
    return (loss, grad)
  }

  /// The same, writing the gradient into `grad` (reusing its buffer).
  public static func softmaxCrossEntropy(
    logits: Tensor, targets: Tensor, mask: Tensor? = nil, gradient grad: inout Tensor
  ) -> Float {
    Tensor.checkSameShape(logits, targets, "softmax cross-entropy")
    if let mask { Tensor.checkSameShape(logits, mask, "softmax cross-entropy mask") }
    grad.resize(to: logits.shape)
    let n = logits.batch, k = logits.count / max(n, 1)
    return logits.data.withUnsafeBufferPointer { z in
      targets.data.withUnsafeBufferPointer { t in
        grad.data.withUnsafeMutableBufferPointer { g in
          if let mask {
            return mask.data.withUnsafeBufferPointer { m in
              softmaxCrossEntropy(z.baseAddress!, t.baseAddress!, m.baseAddress!, g.baseAddress!, rows: n, width: k)
            }
          }
          return softmaxCrossEntropy(z.baseAddress!, t.baseAddress!, nil, g.baseAddress!, rows: n, width: k)
        }
      }
    }
  }

  /// The same on buffers, writing the gradient into `grad` (no allocation once it is sized).
  public static func softmaxCrossEntropy(
    logits: TensorBuffer, targets: TensorBuffer, mask: TensorBuffer? = nil, gradient grad: TensorBuffer
  ) -> Float {
    TensorBuffer.checkSameShape(logits, targets, "softmax cross-entropy")
    if let mask { TensorBuffer.checkSameShape(logits, mask, "softmax cross-entropy mask") }
    grad.resize(logits.shape)
    let n = logits.batch, k = logits.count / max(n, 1)
    return softmaxCrossEntropy(logits.pointer, targets.pointer, mask?.pointer, grad.pointer, rows: n, width: k)
  }

  static func softmaxCrossEntropy(
    _ logits: UnsafePointer<Float>, _ targets: UnsafePointer<Float>, _ mask: UnsafePointer<Float>?,
    _ grad: UnsafeMutablePointer<Float>, rows n: Int, width k: Int
  ) -> Float {
    var total = 0.0
    for b in 0..<n {
      let row = b * k
      var m = -Float.infinity
      for i in 0..<k where mask?[row + i] ?? 1 != 0 { m = max(m, logits[row + i]) }
      precondition(m > -Float.infinity, "softmax cross-entropy: row \(b) has no legal entry")
      var z: Float = 0
      for i in 0..<k where mask?[row + i] ?? 1 != 0 { z += Float.exp(logits[row + i] - m) }
      let logZ = m + Float.log(z)
      var tsum: Float = 0
      for i in 0..<k { tsum += targets[row + i] }
      for i in 0..<k {
        let legal = mask?[row + i] ?? 1 != 0
        let t = targets[row + i]
        if legal {
          let logp = logits[row + i] - logZ
          if t != 0 { total -= Double(t * logp) }
          grad[row + i] = (Float.exp(logp) * tsum - t) / Float(n)
        } else {
          precondition(t == 0, "softmax cross-entropy: target mass on a masked entry in row \(b)")
          grad[row + i] = 0
        }
      }
    }
    return Float(total / Double(n))
  }

  /// Mean squared error: `L = (1/N) Σ (y − t)²` over all elements of each item, summed
  /// per item and averaged over the batch; `∂L/∂y = 2(y − t)/N`.
  public static func meanSquaredError(_ y: Tensor, targets: Tensor) -> (loss: Float, grad: Tensor) {
    var grad = Tensor(shape: [0])
    let loss = meanSquaredError(y, targets: targets, gradient: &grad)
    return (loss, grad)
  }

  /// The same, writing the gradient into `grad` (reusing its buffer).
  public static func meanSquaredError(_ y: Tensor, targets: Tensor, gradient grad: inout Tensor) -> Float {
    Tensor.checkSameShape(y, targets, "mean squared error")
    grad.resize(to: y.shape)
    return y.data.withUnsafeBufferPointer { yp in
      targets.data.withUnsafeBufferPointer { tp in
        grad.data.withUnsafeMutableBufferPointer { g in
          meanSquaredError(yp.baseAddress!, tp.baseAddress!, g.baseAddress!, count: y.count, batch: y.batch)
        }
      }
    }
  }

  /// The same on buffers, writing the gradient into `grad` (no allocation once it is sized).
  public static func meanSquaredError(_ y: TensorBuffer, targets: TensorBuffer, gradient grad: TensorBuffer) -> Float {
    TensorBuffer.checkSameShape(y, targets, "mean squared error")
    grad.resize(y.shape)
    return meanSquaredError(y.pointer, targets.pointer, grad.pointer, count: y.count, batch: y.batch)
  }

  static func meanSquaredError(
    _ y: UnsafePointer<Float>, _ targets: UnsafePointer<Float>, _ grad: UnsafeMutablePointer<Float>, count: Int,
    batch: Int
  ) -> Float {
    let n = Float(batch)
    var total = 0.0
    for i in 0..<count {
      let d = y[i] - targets[i]
      total += Double(d * d)
      grad[i] = 2 * d / n
    }
    return Float(total / Double(n))
  }

  /// Win/draw/loss cross-entropy: softmax cross-entropy over 3 logits `[N, 3]` against
  /// win/draw/loss probabilities.
  public static func winDrawLoss(logits: Tensor, targets: Tensor) -> (loss: Float, grad: Tensor) {
    if !(logits.channels == 3) { shapeFailure("win/draw/loss logits must be [N, 3], got \(logits.shape)") }
    return softmaxCrossEntropy(logits: logits, targets: targets)
  }

  /// L2 penalty `(λ/2) Σ w²` over the weights (role `.weight`) and its gradient `λ·w`,
  /// added into each parameter's gradient. Returns the penalty.
  public static func addL2<L: Layer>(_ lambda: Float, to model: inout L) -> Float {
    var total: Float = 0
    model.visitParameters { p in
      guard p.role == .weight else { return }
      total += 0.5 * lambda * p.value.squaredNorm
      p.grad.add(p.value, scale: lambda)
    }
    return total
  }

  /// Binary cross-entropy on logits for 0/1 targets (used for XOR-style tests):
  /// `L = (1/N) Σ softplus(z) − t·z`, `∂L/∂z = (σ(z) − t)/N`.
  public static func sigmoidCrossEntropy(logits: Tensor, targets: Tensor) -> (loss: Float, grad: Tensor) {
    Tensor.checkSameShape(logits, targets, "sigmoid cross-entropy")
    let n = Float(logits.batch)
    var grad = Tensor(shape: logits.shape)
    var total = 0.0
    for i in 0..<logits.count {
      let z = logits.data[i], t = targets.data[i]
      total += Double(max(z, 0) + Float.log(onePlus: Float.exp(-abs(z))) - t * z)
      let s = z >= 0 ? 1 / (1 + Float.exp(-z)) : Float.exp(z) / (1 + Float.exp(z))
      grad.data[i] = (s - t) / n
    }
    return (Float(total / Double(n)), grad)
  }
}
