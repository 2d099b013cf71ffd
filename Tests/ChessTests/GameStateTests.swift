import Chess
import GameCore
import Testing

@Suite struct ChessGameStateTests {
  /// Along seeded random games the state ends exactly where `GameRecord.status` does, for the
  /// same reason, and has no legal moves once it has.
  @Test func endsWhereTheGameRecordDoes() {
    var rng = Xoshiro256(seed: 11)
    var ends: [String: Int] = [:]
    for _ in 0..<60 {
      var record = GameRecord<ChessPosition>()
      var state = ChessGameState(ChessPosition())
      while true {
        #expect(state.end == record.status, "\(record.position.fen)")
        #expect(state.repetitions == record.repetitions)
        #expect(state == ChessGameState(record))
        if let end = record.status {
          #expect(state.outcome == end.outcome && state.legalMoves.isEmpty)
          ends[end.description, default: 0] += 1
          break
        }
        #expect(state.outcome == nil)
        let moves = state.legalMoves
        #expect(moves.count == record.position.legalMoves.count)
        let m = moves[rng.below(moves.count)]
        record.play(m)
        state.play(m)
      }
    }
    // Random games end in every way but mate-free positions mostly: the draws by rule are met.
    #expect((ends["insufficient material"] ?? 0) > 0 && (ends["fifty-move rule"] ?? 0) > 0)
  }

  @Test func threefoldRepetitionEndsTheGame() throws {
    var state = ChessGameState(ChessPosition())
    for (i, text) in ["Nf3", "Nf6", "Ng1", "Ng8", "Nf3", "Nf6", "Ng1", "Ng8"].enumerated() {
      #expect(state.outcome == nil)
      state.play(try state.parseMove(text))
      #expect(state.repetitions == (i == 3 ? 2 : i == 7 ? 3 : i >= 4 ? 2 : 1), "after \(text)")
    }
    #expect(state.end == .threefoldRepetition && state.outcome == .draw)
    #expect(state.legalMoves.isEmpty)
    #expect(throws: NotationError.self) { try state.parseMove("e4") }
  }

  /// A state made from a game keeps the positions before it that can still repeat, and none
  /// from before a pawn move or capture.
  @Test func keepsTheHistoryOfAGame() throws {
    var record = GameRecord<ChessPosition>()
    for m in ["Nf3", "Nf6", "Ng1", "Ng8", "Nf3", "Nf6", "Ng1"] { try record.play(m) }
    let state = ChessGameState(record)
    #expect(state.history == Array(record.keys.dropLast()))
    let ng8 = try state.parseMove("Ng8")
    #expect(state.repetitions == 2 && state.playing(ng8).repetitions == 3)
    #expect(ChessGameState(record.position).playing(ng8).repetitions == 1)
    try record.play("e5")
    #expect(ChessGameState(record).history.isEmpty)
    #expect(state != ChessGameState(record.position))
  }

  @Test func fiftyMoveRuleAndInsufficientMaterial() throws {
    let p = try ChessPosition(fen: "4k3/8/8/8/8/8/8/R3K3 w - - 99 80")
    let s = ChessGameState(p).playing(try p.parseMove("Ra2"))
    #expect(s.end == .fiftyMoveRule && s.outcome == .draw && s.legalMoves.isEmpty)
    let bare = ChessGameState(try ChessPosition(fen: "4k3/8/8/8/8/8/8/4KB2 w - - 0 1"))
    #expect(bare.end == .insufficientMaterial && bare.legalMoves.isEmpty)
  }

  @Test func isACompactValue() {
    #expect(MemoryLayout<ChessGameState>.size < 1024)
    #expect(_isPOD(ChessGameState.self))
  }
}
