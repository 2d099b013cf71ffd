import Chess
import Foundation
import GameCore
import Testing

@Suite struct GameStatusTests {
  @Test func foolsMateIsCheckmate() throws {
    var g = GameRecord<ChessPosition>()
    for m in ["f3", "e5", "g4", "Qh4#"] { try g.play(m) }
    #expect(g.status == .checkmate(winner: .black))
    #expect(g.position.outcome == .win(.black))
    #expect(g.position.legalMoves.isEmpty)
  }

  @Test func stalemate() throws {
    let p = try ChessPosition(fen: "7k/5Q2/6K1/8/8/8/8/8 b - - 0 1")
    #expect(p.end() == .stalemate && p.outcome == .draw)
  }

  @Test func threefoldRepetitionIsCountedOutsideThePosition() throws {
    var g = GameRecord<ChessPosition>()
    for m in ["Nf3", "Nf6", "Ng1", "Ng8", "Nf3", "Nf6", "Ng1"] { try g.play(m) }
    #expect(g.status == nil && g.repetitions == 2)
    try g.play("Ng8")
    #expect(g.repetitions == 3 && g.status == .threefoldRepetition)
    #expect(g.position.outcome == nil)  // the position alone does not know
    g.undo()
    #expect(g.status == nil && g.moves.count == 7)
  }

  @Test func fiftyMoveRule() throws {
    let p = try ChessPosition(fen: "4k3/8/8/8/8/8/8/R3K3 w - - 99 80")
    #expect(p.end() == nil)
    let q = p.playing(try p.parseMove("Ra2"))
    #expect(q.halfmoveClock == 100 && q.end() == .fiftyMoveRule)
    // Mate on the hundredth ply is still mate.
    let before = try ChessPosition(fen: "4k3/R7/4K3/8/8/8/8/8 w - - 99 80")
    let r = before.playing(try before.parseMove("Ra8"))
    #expect(r.end() == .checkmate(winner: .white))
  }

  @Test(arguments: [
    ("4k3/8/8/8/8/8/8/4K3 w - - 0 1", true),
    ("4k3/8/8/8/8/8/8/4KN2 w - - 0 1", true),
    ("4k3/8/8/8/8/8/8/4KB2 w - - 0 1", true),
    ("4kb2/8/8/8/8/8/8/2B1K3 w - - 0 1", true),  // bishops on the same colour
    ("4k1b1/8/8/8/8/8/8/2B1K3 w - - 0 1", false),  // opposite colours
    ("4k3/8/8/8/8/8/8/3NKN2 w - - 0 1", false),
    ("4kn2/8/8/8/8/8/8/4KN2 w - - 0 1", false),
    ("4k3/8/8/8/8/8/8/4K2R w - - 0 1", false),
    ("4k3/p7/8/8/8/8/8/4KB2 w - - 0 1", false),
  ])
  func insufficientMaterial(fen: String, insufficient: Bool) throws {
    let p = try ChessPosition(fen: fen)
    #expect(p.isInsufficientMaterial == insufficient)
    #expect((p.end() == .insufficientMaterial) == insufficient)
  }

  @Test func conformsToTheGameProtocol() throws {
    func randomPlayout<G: TextualPosition>(_ start: G, plies: Int, seed: UInt64) throws -> G {
      var rng = Xoshiro256(seed: seed)
      var p = start
      for _ in 0..<plies {
        let list = p.legalMoves
        if list.isEmpty { break }
        let m = list[rng.below(list.count)]
        #expect(try p.parseMove(p.moveText(m)) == m)
        p.play(m)
        #expect(try G(fen: p.fen) == p)
      }
      return p
    }
    let end = try randomPlayout(ChessPosition(), plies: 200, seed: 7)
    #expect(end.hash == end.computeHash())
  }

  @Test func randomGamesKeepKeysAndBoardsConsistent() {
    var rng = Xoshiro256(seed: 42)
    for _ in 0..<20 {
      var g = GameRecord<ChessPosition>()
      while g.status == nil && g.moves.count < 300 {
        let list = g.position.legalMoves
        g.play(list[rng.below(list.count)])
        #expect(g.position.isConsistent)
      }
    }
  }
}

@Suite struct PGNTests {
  static let files = [
    "anastasian-lewis", "chessbase-empty-line", "kasparov-deep-blue-1997", "molinari-bordais-1979",
    "nepomniachtchi-liren-game1", "stockfish-learning", "uci-moves", "utf8-bom",
  ]

  @Test(arguments: files)
  func everyFileParsesAndReplaysToItsResult(name: String) throws {
    let games = try PGN.parse(PerftData.resource("pgn/\(name).pgn"))
    #expect(!games.isEmpty)
    for g in games {
      #expect(g.result == g[tag: "Result"])
      if let proven = g.provenResult { #expect(proven == g.result) }
      if let plies = g[tag: "PlyCount"].flatMap(Int.init) { #expect(g.record.moves.count == plies) }
      // Written and read back: same moves, tags and result.
      let again = try PGN.parse(PGN.write(g))
      #expect(again.count == 1)
      #expect(again[0].record.moves == g.record.moves)
      #expect(again[0].result == g.result)
      #expect(again[0][tag: "White"] == g[tag: "White"])
    }
  }

  @Test func gameCountsAndEnds() throws {
    #expect(try PGN.parse(PerftData.resource("pgn/kasparov-deep-blue-1997.pgn")).count == 6)
    #expect(try PGN.parse(PerftData.resource("pgn/utf8-bom.pgn")).map { $0[tag: "Event"] } == ["A", "B"])
    let mate = try PGN.parse(PerftData.resource("pgn/molinari-bordais-1979.pgn"))[0]
    #expect(mate.record.status == .checkmate(winner: .black) && mate.provenResult == "0-1")
    let nullMove = try PGN.parse(PerftData.resource("pgn/anastasian-lewis.pgn"))[0]
    #expect(nullMove.record.moves.contains(.null))
  }

  @Test func commentsNAGsAndVariations() throws {
    let text = """
      [Event "t"]
      [White "A \\"quoted\\" name"]
      [FEN "4k3/8/8/8/8/8/4P3/4K3 w - - 0 1"]

      {start} 1. e4 $1 {good} (1. e3 {also} (1. Kd2) Kd7) 1... Kd7 ; rest of line
      2. Kd2 !? Ke6 1/2-1/2
      """
    let games = try PGN.parse(text)
    #expect(games.count == 1)
    let g = games[0]
    #expect(g[tag: "White"] == "A \"quoted\" name")
    #expect(g.record.moves.count == 4 && g.leadingComment == "start")
    #expect(g.comments[0] == "good" && g.nags[0] == [1])
    let written = PGN.write(g)
    #expect(written.contains("[White \"A \\\"quoted\\\" name\"]"))
    #expect(written.contains("1. e4 $1 {good} 1... Kd7 2. Kd2 Ke6 1/2-1/2"))
  }

  @Test(arguments: [
    ("1. e4 e5 2. Ke3 *", "PGN game 1: move 2. Ke3: illegal move: Ke3"),
    ("[Event \"x\"]\n1. e4 (1. d4 *", "PGN game 1: unterminated variation"),
    ("[Event \"x\"\n1. e4 *", "PGN game 1: tag Event is missing ']'"),
    ("1. e4 {open *", "PGN game 1: unterminated comment"),
    ("[FEN \"8/8/8 w - - 0 1\"]\n1. e4 *", "PGN game 1: bad FEN tag: bad FEN: expected 8 ranks"),
  ])
  func badPGNGetsOneLineErrors(text: String, message: String) {
    #expect {
      try PGN.parse(text)
    } throws: { error in
      (error as? NotationError)?.message.hasPrefix(message) == true
    }
  }
}

@Suite struct RandomGameTests {
  @Test func theSameSeedGivesTheSameLegalGame() {
    let a = randomGamePositions(plies: 120, seed: 7)
    #expect(a == randomGamePositions(plies: 120, seed: 7))
    #expect(a != randomGamePositions(plies: 120, seed: 8))
    #expect(a.first == ChessPosition())
    #expect(a.count <= 121)
    // Each position follows from the one before by one legal move.
    for (p, q) in zip(a, a.dropFirst()) { #expect(p.legalMoves.contains { p.playing($0) == q }) }
    // A game cut short ended in a position without legal moves.
    if a.count < 121 { #expect(a.last!.legalMoves.isEmpty) }
  }

  @Test func aFinishedStartGivesOnlyTheStart() throws {
    let mated = try ChessPosition(fen: "7k/6Q1/6K1/8/8/8/8/8 b - - 0 1")
    let stalemate = try ChessPosition(fen: "7k/5Q2/6K1/8/8/8/8/8 b - - 0 1")
    #expect(mated.isInCheck && !stalemate.isInCheck)
    #expect(randomGamePositions(from: mated, plies: 10, seed: 1) == [mated])
    #expect(randomGamePositions(from: stalemate, plies: 10, seed: 1) == [stalemate])
  }
}
