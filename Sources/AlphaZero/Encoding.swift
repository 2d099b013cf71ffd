import Foundation
import GameCore
import Hexapawn
import NeuralCore

/// How a Hexapawn position and its moves meet the network, always from the side to move's
/// point of view (so one network plays both colours):
///
/// - input planes `[R, F, 3]` (ranks, files, planes): own pawns, the opponent's pawns, all
///   ones (so convolutions see the board edge). For Black the ranks are flipped, so "own pawns
///   move up the board" for both sides;
/// - policy: one logit per geometric move, `(rank·F + file)·3 + d` over the (oriented)
///   from-square and direction `d` = 0 capture toward file − 1, 1 straight, 2 capture toward
///   file + 1: every from-to move of the board, `3·F·R` in all. Illegal moves are masked.
public struct HexapawnEncoding: Sendable, Equatable {
  public let size: BoardSize
  public init(size: BoardSize) { self.size = size }

  /// Planes per square.
  public static let planes = 3
  /// `[R, F, 3]`.
  public var inputShape: [Int] { [size.ranks, size.files, HexapawnEncoding.planes] }
  /// `3·F·R`.
  public var policySize: Int { 3 * size.files * size.ranks }

  /// The rank as seen by the side to move.
  @inlinable func orient(_ rank: Int, _ side: Side, ranks: Int) -> Int { side == .white ? rank : ranks - 1 - rank }

  /// Writes the planes of `p` into `out` starting at `offset` (`R·F·3` floats).
  public func encode(_ p: HexapawnPosition, into out: inout [Float], at offset: Int) {
    let (f, r) = (size.files, size.ranks)
    let own = p.pawns(of: p.sideToMove), other = p.pawns(of: p.sideToMove.opponent)
    for rank in 0..<r {
      let o = orient(rank, p.sideToMove, ranks: r)
      for file in 0..<f {
        let bit = UInt64(1) << UInt64(Squares.make(file: file, rank: rank))
        let base = offset + (o * f + file) * 3
        out[base] = own & bit != 0 ? 1 : 0
        out[base + 1] = other & bit != 0 ? 1 : 0
        out[base + 2] = 1
      }
    }
  }

  /// The policy index of a legal move of `p`.
  public func index(of move: HexapawnMove, in p: HexapawnPosition) -> Int {
    let f = size.files
    let fromRank = orient(Squares.rank(move.from), p.sideToMove, ranks: size.ranks)
    let fromFile = Squares.file(move.from)
    let d = Squares.file(move.to) - fromFile + 1
    return (fromRank * f + fromFile) * 3 + d
  }

  /// A batch tensor `[N, R, F, 3]`.
  public func batch(_ positions: [HexapawnPosition]) -> Tensor {
    var data = [Float](repeating: 0, count: positions.count * size.ranks * size.files * 3)
    let stride = size.ranks * size.files * 3
    for (i, p) in positions.enumerated() { encode(p, into: &data, at: i * stride) }
    return Tensor(shape: [positions.count] + inputShape, data: data)
  }
}

/// The network as a search evaluator: batched inference, softmax over the legal moves only.
public struct NetworkEvaluator: PolicyValueEvaluator {
  public var network: PolicyValueNetwork
  public let encoding: HexapawnEncoding

  public init(network: PolicyValueNetwork, encoding: HexapawnEncoding) {
    self.network = network
    self.encoding = encoding
  }

  public mutating func evaluate(_ batch: [HexapawnPosition]) -> [(priors: [Float], value: Float)] {
    let out = network.evaluate(encoding.batch(batch), training: false)
    let k = encoding.policySize
    let encoding = encoding
    return out.policy.data.withUnsafeBufferPointer { logits in
      batch.enumerated().map { b, p in
        let indices = p.legalMoves.lazy.map { encoding.index(of: $0, in: p) }
        return (PolicyValue.legalSoftmax(logits.baseAddress! + b * k, indices: indices), out.value.data[b])
      }
    }
  }

  /// The legal move with the highest policy logit (the network playing by its policy alone).
  public mutating func bestMove(_ p: HexapawnPosition) -> HexapawnMove {
    p.legalMoves[Evaluation.policyMove(evaluate([p])[0].priors)]
  }
}
