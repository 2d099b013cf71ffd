import Foundation
import GameCore
import Hexapawn
import NeuralCore

/// How a game's positions and moves meet a policy-value network: the input planes of a
/// position (from its side to move's point of view, so one network plays both sides) and the
/// policy index of each move. The learner, its self-play and `NetworkEvaluator` see a game
/// only through it; `HexapawnEncoding` and `ChessZero`'s `ChessEncoding` conform.
public protocol GameEncoding<Game>: Sendable {
  associatedtype Game: GameState
  /// One position's input, `[H, W, planes]`.
  var inputShape: [Int] { get }
  /// Policy logits.
  var policySize: Int { get }
  /// Writes the `inputShape` floats of `position` at `out`.
  func encode(_ position: Game, into out: UnsafeMutablePointer<Float>)
  /// The policy index of a legal move of `position`.
  func index(of move: Game.Move, in position: Game) -> Int
  /// What the learner needs of the game besides: its name (in checkpoints), the position a
  /// self-play game starts from, and the twins the game's symmetry makes equivalent to a
  /// position (training data augmentation), their moves mapped in the same order.
  var game: String { get }
  var start: Game { get }
  func twins(of position: Game, moves: [Game.Move]) -> [(Game, [Game.Move])]
}

extension GameEncoding {
  /// No twins unless the game says so.
  public func twins(of position: Game, moves: [Game.Move]) -> [(Game, [Game.Move])] { [] }

  /// Floats per position.
  public var inputCount: Int { inputShape.reduce(1, *) }

  /// The mean and variance of the input floats over `positions` positions of seeded random
  /// games from the start (every plane and square pooled): what AutoInit takes the inputs to
  /// be, instead of N(0, 1). Board planes hold 0s and 1s: their mean is the share of ones.
  public func inputMoments(positions: Int = 2000, seed: UInt64 = 0x1A17) -> (mean: Double, variance: Double) {
    let states = randomGameStates(from: start, count: positions, seed: seed)
    var planes = [Float](repeating: 0, count: inputCount)
    var sum = 0.0, squares = 0.0
    for state in states {
      encode(state, into: &planes, at: 0)
      for v in planes {
        sum += Double(v)
        squares += Double(v) * Double(v)
      }
    }
    let n = Double(max(1, states.count * inputCount))
    let mean = sum / n
    return (mean, max(squares / n - mean * mean, 1e-6))
  }

  /// Writes the planes of `position` into `out` from `offset`.
  public func encode(_ position: Game, into out: inout [Float], at offset: Int) {
    precondition(offset >= 0 && offset + inputCount <= out.count, "encoding outside the buffer")
    out.withUnsafeMutableBufferPointer { encode(position, into: $0.baseAddress! + offset) }
  }

  /// The planes of `positions` into `buffer`, resized to `[N] + inputShape`.
  public func encode(_ positions: [Game], into buffer: TensorBuffer) {
    buffer.resize(Shape([positions.count] + inputShape))
    let n = inputCount
    for (i, p) in positions.enumerated() { encode(p, into: buffer.pointer + i * n) }
  }

  /// A batch tensor `[N] + inputShape`.
  public func batch(_ positions: [Game]) -> Tensor {
    var data = [Float](repeating: 0, count: positions.count * inputCount)
    for (i, p) in positions.enumerated() { encode(p, into: &data, at: i * inputCount) }
    return Tensor(shape: [positions.count] + inputShape, data: data)
  }

  /// A training example: the planes of `position`, the policy target `probabilities` over
  /// `moves` (legal moves of `position`), and the value target for its side to move.
  public func sample(_ position: Game, moves: [Game.Move], probabilities: [Float], value: Float) -> Sample {
    precondition(moves.count == probabilities.count, "one probability per move")
    var planes = [Float](repeating: 0, count: inputCount)
    encode(position, into: &planes, at: 0)
    return Sample(
      planes: planes, indices: moves.map { Int32(index(of: $0, in: position)) }, probabilities: probabilities,
      value: value)
  }

  /// The softmax of the policy logits at `logits` over the legal moves of `position` alone, in
  /// the order `generateMoves` gives them; empty for a finished position.
  public func priors(logits: UnsafePointer<Float>, for position: Game) -> [Float] {
    PolicyValue.legalSoftmax(logits, indices: position.legalMoves.lazy.map { index(of: $0, in: position) })
  }
}

/// How a Hexapawn position and its moves meet the network, always from the side to move's
/// point of view (so one network plays both colours):
///
/// - input planes `[R, F, 3]` (ranks, files, planes): own pawns, the opponent's pawns, all
///   ones (so convolutions see the board edge). For Black the ranks are flipped, so "own pawns
///   move up the board" for both sides;
/// - policy: one logit per geometric move, `(rank·F + file)·3 + d` over the (oriented)
///   from-square and direction `d` = 0 capture toward file − 1, 1 straight, 2 capture toward
///   file + 1: every from-to move of the board, `3·F·R` in all. Illegal moves are masked.
public struct HexapawnEncoding: GameEncoding, Equatable {
  public let size: BoardSize
  public init(size: BoardSize) { self.size = size }

  public var game: String { "hexapawn" }
  public var start: HexapawnPosition { HexapawnPosition(size: size) }

  /// The mirror image (files reversed), when it differs.
  public func twins(of p: HexapawnPosition, moves: [HexapawnMove]) -> [(HexapawnPosition, [HexapawnMove])] {
    let m = p.mirrored
    return m == p ? [] : [(m, moves.map { p.mirror($0) })]
  }

  /// Planes per square.
  public static let planes = 3
  /// `[R, F, 3]`.
  public var inputShape: [Int] { [size.ranks, size.files, HexapawnEncoding.planes] }
  /// `3·F·R`.
  public var policySize: Int { 3 * size.files * size.ranks }

  /// The rank as seen by the side to move.
  @inlinable func orient(_ rank: Int, _ side: Side, ranks: Int) -> Int { side == .white ? rank : ranks - 1 - rank }

  /// Writes the planes of `p` at `out` (`R·F·3` floats).
  public func encode(_ p: HexapawnPosition, into out: UnsafeMutablePointer<Float>) {
    let (f, r) = (size.files, size.ranks)
    let own = p.pawns(of: p.sideToMove), other = p.pawns(of: p.sideToMove.opponent)
    for rank in 0..<r {
      let o = orient(rank, p.sideToMove, ranks: r)
      for file in 0..<f {
        let bit = UInt64(1) << UInt64(Squares.make(file: file, rank: rank))
        let base = (o * f + file) * 3
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

}

/// A policy-value network as PUCT's evaluator for any game with an encoding: one batched
/// inference per batch of leaves, encoded into a buffer kept between calls; priors the softmax
/// over each position's legal moves alone; the value for the side to move (the tanh head's
/// output, or P(win) − P(loss) of a win/draw/loss head).
public struct NetworkEvaluator<Encoding: GameEncoding>: PolicyValueEvaluator {
  public var network: PolicyValueNetwork
  public let encoding: Encoding
  /// The encoded batch.
  let input = TensorBuffer()

  public init(network: PolicyValueNetwork, encoding: Encoding) {
    precondition(
      network.spec.inputShape == encoding.inputShape && network.spec.policySize == encoding.policySize,
      "the network takes \(network.spec.inputShape) and gives \(network.spec.policySize) logits; the encoding "
        + "makes \(encoding.inputShape) and \(encoding.policySize)")
    self.network = network
    self.encoding = encoding
  }

  public mutating func evaluate(_ batch: [Encoding.Game]) -> [(priors: [Float], value: Float)] {
    if batch.isEmpty { return [] }
    encoding.encode(batch, into: input)
    let out = network.evaluate(input, training: false)
    let k = encoding.policySize
    let logits = out.policy.pointer, values = out.value.pointer
    let wdl = network.spec.valueHead == .wdl
    return batch.enumerated().map { b, p in
      (encoding.priors(logits: logits + b * k, for: p), wdl ? PolicyValue.winMinusLoss(values + b * 3) : values[b])
    }
  }

  /// The legal move with the highest policy logit (the network playing by its policy alone).
  public mutating func bestMove(_ p: Encoding.Game) -> Encoding.Game.Move {
    p.legalMoves[Evaluation.policyMove(evaluate([p])[0].priors)]
  }
}
