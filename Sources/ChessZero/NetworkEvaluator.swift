import Chess
import GameCore
import NeuralCore

/// A policy-value network as PUCT's evaluator for chess: one batched inference per batch of
/// leaves (`ChessEncoding.batch`), priors the softmax over each position's legal moves alone,
/// the value head's output for the side to move.
public struct ChessNetworkEvaluator: PolicyValueEvaluator {
  public var network: PolicyValueNetwork

  /// `network` must take `[N, 8, 8, 19]` and give 1858 policy logits and one value.
  public init(network: PolicyValueNetwork) {
    precondition(
      network.spec.inputShape == ChessEncoding.inputShape && network.spec.policySize == ChessEncoding.policySize,
      "a chess network takes \(ChessEncoding.inputShape) and gives \(ChessEncoding.policySize) policy logits")
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
    return batch.enumerated().map { b, s in
      (ChessEncoding.priors(logits: out.policy.data, at: b * k, for: s), out.value.data[b])
    }
  }
}
