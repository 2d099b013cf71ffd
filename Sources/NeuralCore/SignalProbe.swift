import GameCore

/// What one dense or convolution layer's signal looks like at initialisation.
public struct LayerSignal: Sendable, Codable, Equatable {
  public var index: Int
  public var name: String
  /// Mean and variance of the layer's output over the probe batch.
  public var mean: Double
  public var variance: Double
  /// Variance of the gradient reaching the layer's output.
  public var gradVariance: Double

  enum CodingKeys: String, CodingKey {
    case index, name, mean, variance
    case gradVariance = "grad_variance"
  }
}

/// Measures how a signal propagates through a freshly initialised network: a batch of seeded
/// N(0, 1) inputs forward (training mode, so BatchNorm uses batch statistics) and a seeded
/// N(0, 1) gradient at the output backward, recording every dense and convolution layer.
public enum SignalProbe {
  public static func measure<L: Layer>(_ model: inout L, inputShape: [Int], batch: Int, seed: UInt64) -> [LayerSignal] {
    // A stream of its own: the same seed also drew the weights, and inputs equal to the
    // Gaussian vectors the first weight matrix was built from would line up with it.
    var rng = Xoshiro256(seed: seed ^ 0x7072_6F62_655F_696E)  // "probe_in"
    model.visitLayers { layer in
      if var d = layer as? Dense {
        d.recordsSignal = true
        layer = d
      } else if var c = layer as? Conv2D {
        c.recordsSignal = true
        layer = c
      }
    }
    var x = Tensor(shape: [batch] + inputShape)
    for i in 0..<x.count { x.data[i] = Float(rng.normal()) }
    var y: Tensor
    if var net = model as? PolicyValueNetwork {
      let out = net.evaluate(x, training: true)
      var dp = Tensor(shape: out.policy.shape), dv = Tensor(shape: out.value.shape)
      for i in 0..<dp.count { dp.data[i] = Float(rng.normal()) }
      for i in 0..<dv.count { dv.data[i] = Float(rng.normal()) }
      net.backward(policy: dp, value: dv)
      model = net as! L
    } else {
      y = model.forward(x, training: true)
      var dy = Tensor(shape: y.shape)
      for i in 0..<dy.count { dy.data[i] = Float(rng.normal()) }
      _ = model.backward(dy)
    }
    var out: [LayerSignal] = []
    model.visitLayers { layer in
      let (name, value, grad): (String, TensorBuffer, Double)
      if let d = layer as? Dense {
        (name, value, grad) = (d.weight.name.replacingSuffix(".weight"), d.lastOutput, d.lastOutputGradientVariance)
      } else if let c = layer as? Conv2D {
        (name, value, grad) = (c.weight.name.replacingSuffix(".weight"), c.lastOutput, c.lastOutputGradientVariance)
      } else {
        return
      }
      let m = value.moments
      out.append(
        LayerSignal(
          index: out.count, name: name, mean: m.mean, variance: m.variance, gradVariance: grad))
    }
    return out
  }
}

extension String {
  func replacingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
