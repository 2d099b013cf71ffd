import AlphaZero
import Chess
import GameCore
import NeuralCore

/// How a chess position meets a policy-value network, always from the side to move's point of
/// view (for Black the ranks are mirrored and the colours swapped), so one network plays both
/// colours: a position and its colour-flipped twin encode the same.
///
/// Input: `[8, 8, 19]` per position (NHWC, row 0 the side to move's first rank, column 0 the
/// a-file), after lc0's classical planes without the earlier positions:
///
/// | planes | meaning |
/// |---|---|
/// | 0–5 | the side to move's pawns, knights, bishops, rooks, queens, king |
/// | 6–11 | the opponent's, in the same order |
/// | 12 | all ones if the position has occurred before (since the last capture or pawn move) |
/// | 13 | all ones if it has occurred twice before (a draw that may be claimed) |
/// | 14 | the side to move's rooks that may still castle (either side; Chess960 too) |
/// | 15 | the opponent's rooks that may still castle |
/// | 16 | the en-passant target square, when an en-passant capture is legal |
/// | 17 | the halfmove clock / 100 (the fifty-move rule's count), everywhere |
/// | 18 | all ones (the board's edge for the convolutions) |
///
/// There is no side-to-move plane: chess's rules are the same for both colours once the board
/// is mirrored (lc0's newer formats drop it too), and leaving it out keeps twins identical.
/// Earlier positions are not encoded: `ChessGameState` keeps their keys, not their boards; the
/// repetition planes carry what the draws need.
///
/// Policy: `PolicyMap`'s 1858 moves; `priors(logits:for:)` is the softmax over the legal ones
/// only (the illegal ones masked out).
public struct ChessEncoding: GameEncoding {
  public typealias Game = ChessGameState

  public init() {}

  public var game: String { "chess" }
  public var start: ChessGameState { ChessGameState(ChessPosition.start) }
  public var inputShape: [Int] { Self.inputShape }
  public var policySize: Int { Self.policySize }

  public func encode(_ state: ChessGameState, into out: UnsafeMutablePointer<Float>) { Self.encode(state, into: out) }

  public func index(of move: Move, in state: ChessGameState) -> Int {
    PolicyMap.index(of: move, sideToMove: state.sideToMove)
  }

  /// 19.
  public static let planes = 19
  /// `[8, 8, 19]`.
  public static let inputShape = [8, 8, planes]
  /// 1858.
  public static var policySize: Int { PolicyMap.size }

  /// Writes the `8·8·19` floats of `state` into `out` from `offset`.
  public static func encode(_ state: ChessGameState, into out: inout [Float], at offset: Int) {
    precondition(offset >= 0 && offset + 64 * planes <= out.count, "encoding outside the buffer")
    out.withUnsafeMutableBufferPointer { encode(state, into: $0.baseAddress! + offset) }
  }

  /// Writes the `8·8·19` floats of `state` at `o`.
  public static func encode(_ state: ChessGameState, into o: UnsafeMutablePointer<Float>) {
    encode(state.position, repetitions: state.repetitions, into: o)
  }

  /// Writes the `8·8·19` floats of `p` at `o`, the position having occurred `repetitions`
  /// times (this time included: 1 the first time), as a game state's `repetitions` counts.
  public static func encode(_ p: ChessPosition, repetitions r: Int, into o: UnsafeMutablePointer<Float>) {
    let us = p.sideToMove, them = us.opponent
    o.update(repeating: 0, count: 64 * planes)
    func set(_ bits: Bitboard, _ plane: Int, _ value: Float = 1) {
      for s in bits { o[PolicyMap.orient(s.index, us) * planes + plane] = value }
    }
    func fill(_ plane: Int, _ value: Float) {
      for s in 0..<64 { o[s * planes + plane] = value }
    }
    for (k, kind) in PieceKind.allCases.enumerated() {
      set(p.pieces(us, kind), k)
      set(p.pieces(them, kind), 6 + k)
    }
    if r >= 2 { fill(12, 1) }
    if r >= 3 { fill(13, 1) }
    set(p.castlingRookSquares & p.pieces(us), 14)
    set(p.castlingRookSquares & p.pieces(them), 15)
    if let ep = p.enPassantSquare { set(ep.bitboard, 16) }
    fill(17, Float(p.halfmoveClock) / 100)
    fill(18, 1)
  }

  /// The planes of `states` into `buffer`, resized to `[N, 8, 8, 19]`.
  public static func encode(_ states: [ChessGameState], into buffer: TensorBuffer) {
    ChessEncoding().encode(states, into: buffer)
  }

  /// The planes of `states` as one tensor `[N, 8, 8, 19]`.
  public static func batch(_ states: [ChessGameState]) -> Tensor { ChessEncoding().batch(states) }

  /// `[N, 1858]`: 1 at each state's legal moves, 0 elsewhere (the policy mask).
  public static func legalMask(_ states: [ChessGameState]) -> Tensor {
    var data = [Float](repeating: 0, count: states.count * policySize)
    for (i, s) in states.enumerated() {
      for k in PolicyMap.indices(of: s) { data[i * policySize + k] = 1 }
    }
    return Tensor(shape: [states.count, policySize], data: data)
  }

  /// The softmax of `logits` (1858 of them, from `offset`) over the legal moves of `state`
  /// alone, in the order `generateMoves` gives them; empty for a finished state.
  public static func priors(logits: [Float], at offset: Int = 0, for state: ChessGameState) -> [Float] {
    precondition(offset >= 0 && offset + policySize <= logits.count, "logits outside the buffer")
    return logits.withUnsafeBufferPointer { priors(logits: $0.baseAddress! + offset, for: state) }
  }

  /// The softmax of the 1858 logits at `logits` over the legal moves of `state` alone.
  public static func priors(logits: UnsafePointer<Float>, for state: ChessGameState) -> [Float] {
    ChessEncoding().priors(logits: logits, for: state)
  }

}
