import GameCore
import NeuralCore
import Testing

/// Central finite differences against the hand-written backward pass.
///
/// The scalar probed is `L = Σ r ⊙ f(x)` for a fixed random `r`, so `∂L/∂y = r`. Layers
/// compute in Float32; with step `h = 1e-2` (in Double around each Float input) the central
/// difference has truncation error `O(h²·f''')` ≈ 1e-5 relative for smooth functions and
/// rounding error about `ε_f32·|L|/h` ≈ 6e-8·10/1e-2 ≈ 6e-5, so each derivative must match
/// within `2e-3 + 2e-2·|analytic|`. Inputs are kept away from kinks (0 for ReLU-like
/// functions, x = ±y for the pair operators) by more than `h`, where one-sided slopes differ.
struct GradientChecker {
  var rng = Xoshiro256(seed: 1234)
  let h: Double = 1e-2

  mutating func randomTensor(_ shape: [Int], scale: Double = 1, awayFromKinks: Bool = false) -> Tensor {
    var t = Tensor(shape: shape)
    for i in 0..<t.count {
      var v = rng.normal() * scale
      if awayFromKinks {
        while abs(v) < 0.05 || abs(abs(v) - 1) < 0.05 { v = rng.normal() * scale }
      }
      t.data[i] = Float(v)
    }
    return t
  }

  static func close(_ numeric: Double, _ analytic: Double) -> Bool {
    abs(numeric - analytic) <= 2e-3 + 2e-2 * abs(analytic)
  }

  /// Checks input and parameter gradients of `layer` at `x` (training mode).
  mutating func check<L: Layer>(
    _ layer: L, input x: Tensor, maxProbes: Int = 40, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    var model = layer
    let y = model.forward(x, training: true)
    let r = randomTensor(y.shape)
    model.zeroGradients()
    _ = model.forward(x, training: true)
    let dx = model.backward(r)
    #expect(dx.shape == x.shape, sourceLocation: sourceLocation)

    func loss(_ m: inout L, _ input: Tensor) -> Double {
      let out = m.forward(input, training: true)
      var s = 0.0
      for i in 0..<out.count { s += Double(out.data[i]) * Double(r.data[i]) }
      return s
    }
    // Input gradient.
    let stride = max(1, x.count / maxProbes)
    for i in Swift.stride(from: 0, to: x.count, by: stride) {
      var xp = x, xm = x
      xp.data[i] = Float(Double(x.data[i]) + h)
      xm.data[i] = Float(Double(x.data[i]) - h)
      let step = Double(xp.data[i]) - Double(xm.data[i])
      var m1 = model, m2 = model
      let num = (loss(&m1, xp) - loss(&m2, xm)) / step
      #expect(
        GradientChecker.close(num, Double(dx.data[i])),
        "\(layer.label) dx[\(i)]: numeric \(num) vs analytic \(dx.data[i])", sourceLocation: sourceLocation)
    }
    // Parameter gradients.
    var names: [String] = []
    var grads: [Tensor] = []
    model.visitParameters { p in
      names.append(p.name)
      grads.append(p.grad)
    }
    for (k, name) in names.enumerated() {
      let count = grads[k].count
      let pstride = max(1, count / maxProbes)
      for i in Swift.stride(from: 0, to: count, by: pstride) {
        var plus = model, minus = model
        var original: Float = 0
        var idx = 0
        plus.visitParameters { p in
          if idx == k {
            original = p.value.data[i]
            p.value.data[i] = Float(Double(original) + h)
          }
          idx += 1
        }
        idx = 0
        minus.visitParameters { p in
          if idx == k { p.value.data[i] = Float(Double(original) - h) }
          idx += 1
        }
        let step = Double(Float(Double(original) + h)) - Double(Float(Double(original) - h))
        let num = (loss(&plus, x) - loss(&minus, x)) / step
        #expect(
          GradientChecker.close(num, Double(grads[k].data[i])),
          "\(layer.label) \(name)[\(i)]: numeric \(num) vs analytic \(grads[k].data[i])", sourceLocation: sourceLocation
        )
      }
    }
  }
}
