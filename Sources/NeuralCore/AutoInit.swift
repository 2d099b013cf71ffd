import GameCore

/// AutoInit (Bingham & Miikkulainen 2022; reference `cognizant-ai-labs/autoinit`): propagate
/// the mean and variance of the signal analytically through the actual network, from the
/// input statistics (`μ₀ = 0`, `σ₀² = 1` by default), and give every dense or convolution
/// layer the weight variance
///
///     Var(W) = s / (fan_in · E[x²]),   E[x²] = σ²_in + μ²_in,   s = 1
///
/// so its output has mean 0 and variance `s` whatever came before. Activations map moments
/// by numerical integration over a Gaussian input (`GaussianIntegral`; the pair operators
/// over two independent inputs), BatchNorm to `(β, γ²)`, residual sums and concatenations
/// by the rules for independent signals, dropout and pooling exactly (`SignalStats`).
///
/// Weights are scaled random orthogonal matrices (the reference offers this as its
/// `orthogonal` distribution; its default truncated normal drifts in deep narrow nets, see
/// `fill`); biases are 0. Everything is data-free and deterministic
/// for a seed.
public enum AutoInit {
  /// Guards `E[x²] → 0` (a dead layer) as the reference advises.
  static let epsilon = 1e-8

  /// Draws `weight` with variance `1 / (fan_in · E[x²])`: a random orthogonal matrix (entry
  /// variance `1/fan_in` when fan_in ≥ outputs) scaled by `1/sqrt(E[x²])` — the reference's
  /// `distribution="orthogonal"` option. Orthogonal weights keep each sample's squared norm
  /// exactly instead of multiplying it by a random chi-square factor per layer, so deep
  /// narrow networks do not drift away from variance 1 (with Gaussian weights a 50-layer,
  /// 256-wide MLP random-walks out of [0.5, 2] for some seeds).
  public static func fill(_ weight: inout Parameter, inputSecondMoment m2: Double, rng: inout Xoshiro256) {
    let fanIn = Double(max(weight.fanIn, 1))
    let rows = Double(weight.value.count / max(weight.value.channels, 1))
    Initializer.orthogonal(&weight.value, rng: &rng)
    // An orthogonal [rows, cols] matrix has entry variance 1/max(rows, cols); rescale to 1/fan_in.
    let entryVariance = 1 / max(rows, Double(weight.value.channels))
    let scale = (1 / (fanIn * max(m2, epsilon) * entryVariance)).squareRoot()
    weight.value.scale(by: Float(scale))
  }

  /// Runs AutoInit over `model` for inputs of per-item `shape` with the given moments;
  /// returns the statistics of the output.
  @discardableResult
  public static func apply<L: Layer>(
    to model: inout L, inputShape: [Int], mean: Double = 0, variance: Double = 1, rng: inout Xoshiro256
  ) -> SignalStats {
    model.autoInit(SignalStats(mean: mean, variance: variance, shape: inputShape), rng: &rng)
  }
}
