import AlphaZero
import Chess
import GameCore
import NeuralCore

/// A policy-value network as PUCT's evaluator for chess (`NetworkEvaluator` on
/// `ChessEncoding`): priors the softmax over each position's legal moves alone, the value for
/// the side to move (the tanh head's output, or P(win) − P(loss) of a win/draw/loss head).
public typealias ChessNetworkEvaluator = NetworkEvaluator<ChessEncoding>

extension NetworkEvaluator where Encoding == ChessEncoding {
  /// `network` must take `[N, 8, 8, 19]` and give 1858 policy logits (a network of another
  /// shape is refused in one line); its value head may be tanh or win/draw/loss.
  public init(network: PolicyValueNetwork) throws(NeuralError) {
    let spec = network.spec
    guard spec.inputShape == ChessEncoding.inputShape, spec.policySize == ChessEncoding.policySize else {
      throw NeuralError(
        "not a chess network: it takes \(spec.inputShape) and gives \(spec.policySize) policy logits "
          + "(a chess network takes \(ChessEncoding.inputShape) and gives \(ChessEncoding.policySize))")
    }
    self.init(network: network, encoding: ChessEncoding())
  }

  /// The network spec of a chess network with `blocks` residual blocks of `channels` channels,
  /// a win/draw/loss value head unless told otherwise, squeeze-excitation when given its ratio.
  public static func spec(
    blocks: Int, channels: Int, activation: Activation = Activation(.relu), valueHead: ValueHead = .wdl,
    squeezeExcitation: Int? = nil
  ) -> NetworkSpec {
    NetworkSpec.policyValue(
      height: 8, width: 8, planes: ChessEncoding.planes, blocks: blocks, channels: channels,
      policySize: ChessEncoding.policySize, activation: activation, valueHead: valueHead,
      squeezeExcitation: squeezeExcitation)
  }
}
