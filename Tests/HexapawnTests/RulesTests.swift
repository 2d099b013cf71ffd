import GameCore
import Hexapawn
import Testing

func position(_ fen: String) throws -> HexapawnPosition { try HexapawnPosition(fen: fen) }

func moveTexts(_ p: HexapawnPosition) -> Set<String> { Set(p.legalMoves.map { p.moveText($0) }) }

@Suite struct BoardSizeTests {
  @Test(arguments: [("3x3", 3, 3), ("5x4", 5, 4), ("4X5", 4, 5), ("8x8", 8, 8), ("3x8", 3, 8)])
  func parsesFilesByRanks(text: String, files: Int, ranks: Int) throws {
    let s = try BoardSize(parsing: text)
    #expect(s.files == files && s.ranks == ranks)
    #expect(s.description == "\(files)x\(ranks)")
  }

  @Test(arguments: [
    ("2x3", "2 files"), ("3x9", "9 ranks"), ("3", "expected FILESxRANKS"), ("axb", "expected FILESxRANKS"),
    ("3x3x3", "expected FILESxRANKS"), ("", "expected FILESxRANKS"),
  ])
  func rejectsBadSizes(text: String, message: String) {
    #expect {
      try BoardSize(parsing: text)
    } throws: { error in
      (error as? NotationError)?.message.contains(message) == true
    }
  }
}

@Suite struct RulesTests {
  @Test(arguments: BoardSize.range)
  func startPositionFillsTheHomeRanks(files: Int) throws {
    for ranks in BoardSize.range {
      let p = HexapawnPosition(size: try BoardSize(files: files, ranks: ranks))
      #expect(p.white.nonzeroBitCount == files && p.black.nonzeroBitCount == files)
      #expect(p.sideToMove == .white)
      #expect(p.outcome == nil)
      // Only straight pushes at the start (3 ranks or more: the rank ahead is empty).
      #expect(p.legalMoves.count == files)
      #expect(p.legalMoves.allSatisfy { !$0.isCapture })
    }
  }

  @Test func classicStart() {
    let p = HexapawnPosition()
    #expect(p.fen == "ppp/3/PPP w")
    #expect(moveTexts(p) == ["a1a2", "b1b2", "c1c2"])
  }

  @Test func capturesAreDiagonalOntoEnemyPawnsOnly() throws {
    // White pawn on b2, Black pawns on a3 and c3, Black to move.
    let p = try position("p1p/1P1/3 b")
    #expect(moveTexts(p) == ["a3a2", "a3b2", "c3c2", "c3b2"])
    // White to move in the mirror situation: b2 captures a3 or c3, cannot push (b3 empty: may push).
    let q = try position("p1p/1P1/3 w")
    #expect(moveTexts(q) == ["b2a3", "b2c3", "b2b3"])
  }

  @Test func noStraightCaptureAndNoDiagonalMoveToEmpty() throws {
    // b2 faces b3: blocked; a3 and c3 are empty, so no diagonal move either.
    let p = try position("1p1/1P1/3 w")
    #expect(p.legalMoves.isEmpty)
    #expect(p.outcome == .win(.black))
  }

  @Test func noDoubleStep() throws {
    let p = HexapawnPosition(size: try BoardSize(files: 3, ranks: 6))
    #expect(!moveTexts(p).contains("a1a3"))
    #expect(throws: NotationError.self) { try p.parseMove("a1a3") }
  }

  @Test func capturesDoNotWrapAroundTheBoardEdge() throws {
    // White on h2 and a Black pawn on a4 (8x4): h2 may not "capture" across the edge.
    let p = try position("p7/8/7P/8 w")
    #expect(moveTexts(p) == ["h2h3"])
    // Black on a3 and White on h1 (8x3): a3 may not capture h1.
    let q = try position("p7/8/7P b")
    #expect(moveTexts(q) == ["a3a2"])
    // Narrow board: a White pawn on the last file of a 4-file board.
    let r = try position("4/p3/3P/4 w")
    #expect(moveTexts(r) == ["d2d3"])
  }

  @Test func reachingTheFarRankWins() throws {
    var p = try position("3/P1p/3 w")
    let m = try p.parseMove("a2a3")
    p.play(m)
    #expect(p.outcome == .win(.white))
    #expect(p.legalMoves.isEmpty)
    var q = try position("3/P1p/3 b")
    q.play(try q.parseMove("c2c1"))
    #expect(q.outcome == .win(.black))
  }

  @Test func sideWithoutPawnsLoses() throws {
    // Black captured the last White pawn.
    var p = try position("3/1p1/P2 b")
    p.play(try p.parseMove("b2a1"))
    #expect(p.white == 0)
    // Black reached rank 1 with the capture, which also wins; check a pure "no pawns" case.
    let q = try position("3/1p1/3 w")
    #expect(q.outcome == .win(.black))
  }

  @Test func blockedSideToMoveLosesEvenWithPawns() throws {
    // 3x4: White a2 faces Black a3; Black's c3 pawn could still move, but White is to move.
    let p = try position("3/p1p/P2/3 w")
    #expect(p.legalMoves.isEmpty)
    #expect(p.outcome == .win(.black))
    #expect(try position("3/p1p/P2/3 b").outcome == nil)
  }

  @Test func moveNotation() throws {
    let p = HexapawnPosition()
    let m = try p.parseMove("b1b2")
    #expect(m.description == "b1b2" && m.from == Squares.make(file: 1, rank: 0))
    #expect(try p.parseMove("  c1c2 ") == HexapawnMove(from: 2, to: 10))
  }

  @Test(arguments: [
    ("b1c3", "illegal move: b1c3"), ("b1c2", "illegal move: b1c2"), ("a2a3", "illegal move: a2a3"),
    ("zz", "not a move: 'zz'"), ("b1b2b3", "not a move"), ("d1d2", "no square d1 on a 3x3 board"),
    ("a1a9", "no square a9"), ("", "not a move"), ("é1a2", "not a move"),
  ])
  func badMovesGetOneLineReasons(text: String, message: String) {
    let p = HexapawnPosition()
    #expect {
      try p.parseMove(text)
    } throws: { error in
      guard let e = error as? NotationError else { return false }
      return e.message.contains(message) && !e.message.contains("\n")
    }
  }

  @Test func noMoveAfterTheGameEnds() throws {
    let p = try position("1P1/p2/3 b")
    #expect(p.outcome == .win(.white))
    #expect(throws: NotationError.self) { try p.parseMove("a2a1") }
  }
}

@Suite struct FENTests {
  @Test(arguments: ["ppp/3/PPP w", "p1p/1P1/3 b", "pppp/4/4/PPPP w", "p7/8/7P/8 w", "3/1p1/3 w"])
  func roundTrips(fen: String) throws {
    #expect(try position(fen).fen == fen)
  }

  @Test(arguments: [
    ("ppp/3/PPP", "expected 2 fields"), ("ppp/3/PPP w x", "expected 2 fields"),
    ("ppp/3/PPP x", "side to move is 'x'"), ("ppp/3 w", "2 ranks"),
    ("ppp/4/PPP w", "rank 2 has 4 squares, rank 3 has 3"), ("ppq/3/PPP w", "unknown piece 'q'"),
    ("pp/2/PP w", "rank 3 has 2 squares"), ("p/p/p/p/p/p/p/p/p w", "9 ranks"),
    ("ppppppppp/3/PPP w", "longer than 8"), ("1P1/3/p2 b", "both sides"),
    ("1P1/3/3 w", "Black must be the side to move"), ("3/3/p2 b", "White must be the side to move"),
    ("PP1/3/3 b", "more than one pawn on the far rank"), ("pppp/3/PPP w", "rank 2 has 3 squares, rank 3 has 4"),
    ("", "expected 2 fields"), ("ppp//PPP w", "rank 2 has 0 squares"), ("9/3/PPP w", "unknown piece '9'"),
  ])
  func malformedTextGetsOneLineErrors(fen: String, message: String) {
    #expect {
      try HexapawnPosition(fen: fen)
    } throws: { error in
      guard let e = error as? NotationError else { return false }
      return e.message.contains(message) && !e.message.contains("\n")
    }
  }
}

/// Properties checked on every position of seeded random games on all 36 board sizes.
@Suite struct RandomGameInvariantTests {
  static let sizes: [BoardSize] = BoardSize.range.flatMap { f in
    BoardSize.range.map { r in try! BoardSize(files: f, ranks: r) }
  }

  @Test(arguments: sizes)
  func invariantsHoldThroughout(size: BoardSize) throws {
    var rng = Xoshiro256(seed: UInt64(size.files * 10 + size.ranks))
    for _ in 0..<25 {
      var p = HexapawnPosition(size: size)
      var plies = 0
      while true {
        // Incremental Zobrist key equals the from-scratch key.
        #expect(p.hash == p.computeHash())
        // FEN round trip.
        #expect(try HexapawnPosition(fen: p.fen) == p)
        // Mirror symmetry: an involution that maps legal moves to legal moves.
        let m = p.mirrored
        #expect(m.mirrored == p)
        #expect(Set(p.legalMoves.map { p.mirror($0) }) == Set(m.legalMoves))
        #expect(m.outcome == p.outcome)
        let moves = p.legalMoves
        #expect(moves.count == p.moveCount)
        if p.outcome != nil {
          #expect(moves.isEmpty)
          break
        }
        #expect(!moves.isEmpty)
        for mv in moves { #expect(try p.parseMove(p.moveText(mv)) == mv) }
        p.play(moves[rng.below(moves.count)])
        plies += 1
        // Every move advances a pawn one rank, so a game ends within 2·F·(R−2)+1 plies.
        #expect(plies <= 2 * size.files * (size.ranks - 2) + 1)
      }
    }
  }

  @Test func distinctPositionsHaveDistinctHashes() {
    var seen: [UInt64: HexapawnPosition] = [:]
    var stack = [HexapawnPosition(size: try! BoardSize(files: 4, ranks: 4))]
    var collisions = 0
    while let p = stack.popLast() {
      if let q = seen[p.hash] {
        if q != p { collisions += 1 }
        continue
      }
      seen[p.hash] = p
      for m in p.legalMoves { stack.append(p.playing(m)) }
    }
    #expect(seen.count == 20_286)
    #expect(collisions == 0)
  }
}

@Suite struct LayoutTests {
  /// Positions and moves are small plain values: copying one is the undo, and move lists
  /// live inline, so generating moves and playing them touch no heap.
  @Test func valueTypesStaySmallAndPlain() {
    #expect(MemoryLayout<HexapawnPosition>.size <= 32)
    #expect(MemoryLayout<HexapawnMove>.size == 2)
    #expect(_isPOD(HexapawnPosition.self))
    #expect(_isPOD(MoveList<HexapawnMove>.self))
    #expect(MemoryLayout<MoveList<HexapawnMove>>.size == 256 * 2 + MemoryLayout<Int>.size)
  }
}
