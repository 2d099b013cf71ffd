import Chess
import GameCore
import NeuralCore

#if canImport(Glibc)
  import Glibc
#endif

/// A policy-value network as PUCT's evaluator for chess: one batched inference per batch of
/// leaves (`ChessEncoding.batch`), priors the softmax over each position's legal moves alone,
/// the value for the side to move (the tanh head's output, or P(win) − P(loss) of a
/// win/draw/loss head).
public struct ChessNetworkEvaluator: PolicyValueEvaluator {
  public var network: PolicyValueNetwork

  /// `network` must take `[N, 8, 8, 19]` and give 1858 policy logits (a network of another
  /// shape is refused in one line); its value head may be tanh or win/draw/loss.
  public init(network: PolicyValueNetwork) throws(NeuralError) {
    let spec = network.spec
    guard spec.inputShape == ChessEncoding.inputShape, spec.policySize == ChessEncoding.policySize else {
      throw NeuralError(
        "not a chess network: it takes \(spec.inputShape) and gives \(spec.policySize) policy logits "
          + "(a chess network takes \(ChessEncoding.inputShape) and gives \(ChessEncoding.policySize))")
    }
    self.network = network
  }

  /// The network spec of a chess network with `blocks` residual blocks of `channels` channels.
  public static func spec(blocks: Int, channels: Int, activation: Activation = Activation(.relu)) -> NetworkSpec {
    NetworkSpec.policyValue(
      height: 8, width: 8, planes: ChessEncoding.planes, blocks: blocks, channels: channels,
      policySize: ChessEncoding.policySize, activation: activation)
  }

  public mutating func evaluate(_ batch: [ChessGameState]) -> [(priors: [Float], value: Float)] {
    if batch.isEmpty { return [] }
    let out = network.evaluate(ChessEncoding.batch(batch), training: false)
    let k = ChessEncoding.policySize
    let wdl = network.spec.valueHead == .wdl
    return batch.enumerated().map { b, s in
      (
        ChessEncoding.priors(logits: out.policy.data, at: b * k, for: s),
        wdl ? expected(out.value.data, at: b * 3) : out.value.data[b]
      )
    }
  }

  /// P(win) − P(loss) from three win/draw/loss logits.
  func expected(_ logits: [Float], at i: Int) -> Float {
    let top = max(logits[i], logits[i + 1], logits[i + 2])
    let w = expf(logits[i] - top), d = expf(logits[i + 1] - top), l = expf(logits[i + 2] - top)
    return (w - l) / (w + d + l)
  }
}
