import AlphaZero
import Chess
import GameCore
import NNUETraining

/// Supervised chess samples from games already played: PGN files, and the alpha-beta engine's
/// own games (`zerolab nnue gen` data). Every sample is a position from its side to move's
/// point of view (`ChessEncoding`), a policy target over its legal moves and a value target in
/// [−1, 1] for its side to move.
public enum ChessSupervision {
  /// The samples of PGN games: every position before a move, the move played as the policy
  /// target (all of it on that move) and the game's result for the side to move as the value
  /// target. Games without a result (`*`) give none. The positions carry the game's history,
  /// so the repetition planes are those of the game.
  public static func samples(pgn games: [PGNGame]) -> [Sample] {
    let encoding = ChessEncoding()
    var out: [Sample] = []
    for game in games {
      let white: Float
      switch game.result {
      case "1-0": white = 1
      case "0-1": white = -1
      case "1/2-1/2": white = 0
      default: continue
      }
      var state = ChessGameState(game.record.start)
      for move in game.record.moves {
        guard !state.isFinished else { break }
        let legal = Array(state.legalMoves)
        guard let k = legal.firstIndex(of: move) else { break }
        var target = [Float](repeating: 0, count: legal.count)
        target[k] = 1
        let value = state.sideToMove == .white ? white : -white
        out.append(encoding.sample(state, moves: legal, probabilities: target, value: value))
        state.play(move)
      }
    }
    return out
  }

  /// The samples of the alpha-beta engine's positions: the move it played (its best move) as
  /// the policy target, and as the value target `2t − 1` with `t = λ·σ(score / K) + (1 − λ)·result`,
  /// the NNUE trainer's target (`NNUELoss.target`: the search score and the game's result
  /// weighed by `lambda`, `K` in centipawns). The records keep neither castling rights nor the
  /// en-passant square, so the position is rebuilt with them inferred
  /// (`TrainingRecord.inferredPosition`: castling moves and en-passant captures map too); a
  /// record whose move is still not legal there is skipped and counted.
  public static func samples(
    records: [TrainingRecord], lambda: Float = 0.5, k: Float = 400
  ) -> (samples: [Sample], skipped: Int) {
    let encoding = ChessEncoding()
    var out: [Sample] = []
    var skipped = 0
    for r in records {
      guard let position = r.inferredPosition else {
        skipped += 1
        continue
      }
      let state = ChessGameState(position)
      let legal = Array(state.legalMoves)
      guard let i = legal.firstIndex(of: Move(raw: r.move)) else {
        skipped += 1
        continue
      }
      var target = [Float](repeating: 0, count: legal.count)
      target[i] = 1
      let t = NNUELoss.target(score: Float(r.score), result: r.resultValue, lambda: lambda, k: k)
      out.append(encoding.sample(state, moves: legal, probabilities: target, value: 2 * t - 1))
    }
    return (out, skipped)
  }
}
