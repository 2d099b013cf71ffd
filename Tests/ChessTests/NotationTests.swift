import Chess
import Foundation
import GameCore
import Testing

@Suite struct FENTests {
  @Test(arguments: PerftData.suite.map(\.fen) + [ChessPosition.startFEN])
  func roundTrips(fen: String) throws {
    let p = try ChessPosition(fen: fen)
    #expect(p.fen == fen)
    #expect(try ChessPosition(fen: p.fen) == p)
    #expect(p.hash == p.computeHash())
  }

  @Test(arguments: PerftData.tricky.map(\.fen))
  func fourFieldFENsGetDefaultClocks(fen: String) throws {
    let p = try ChessPosition(fen: fen)
    #expect(p.halfmoveClock == 0 && p.fullmoveNumber == 1)
    #expect(try ChessPosition(fen: p.fen) == p)
  }

  @Test func startPosition() {
    let p = ChessPosition()
    #expect(p.fen == ChessPosition.startFEN)
    #expect(p.castlingRights == .all)
    #expect(p.sideToMove == .white && p.enPassantSquare == nil && !p.isInCheck)
    #expect(p[Square("e1")!] == Piece(.white, .king))
    #expect(p.pieces(.black, .pawn).count == 8)
  }

  @Test func enPassantSquareOnlyWhenACaptureIsLegal() throws {
    var p = ChessPosition()
    p.play(try p.parseMove("e2e4"))
    #expect(p.fen == "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1")
    let q = try ChessPosition(fen: "rnbqkbnr/ppp1pppp/8/8/3pP3/8/PPPP1PPP/RNBQKBNR b KQkq e3 0 3")
    #expect(q.enPassantSquare == Square("e3"))
    #expect(q.legalMoves.contains { $0.isEnPassant })
    // Written with a square nobody can capture on: dropped, as python-chess writes it.
    let r = try ChessPosition(fen: "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq e3 0 1")
    let e4 = ChessPosition.start.playing(try ChessPosition().parseMove("e4"))
    #expect(r.enPassantSquare == nil && r == e4)
  }

  @Test func chess960CastlingLettersRoundTrip() throws {
    let p = try ChessPosition(fen: "r1k1r2q/p1ppp1pp/8/8/8/8/P1PPP1PP/R1K1R2Q w KQkq - 0 1")
    #expect(p.fen.contains(" w KQkq "))
    let q = try ChessPosition(fen: "rr2k2r/8/8/8/8/8/8/R3K2R w KQbh - 0 1")
    #expect(q.castlingRights == .all)
    #expect(q.fen.contains(" KQkb "))
  }

  @Test(arguments: [
    ("", "expected 6 fields"),
    ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0", "expected 6 fields (or 4), found 5"),
    ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP w KQkq - 0 1", "expected 8 ranks"),
    ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR/8 w KQkq - 0 1", "expected 8 ranks"),
    ("rnbqkbnr/pppppppp/9/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "bad empty-square count"),
    ("rnbqkbnr/ppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "rank 7 'ppppppp' has 7 squares"),
    ("rnbqkbnr/ppppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "more than 8 squares"),
    ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNX w KQkq - 0 1", "bad piece letter 'X'"),
    ("rnbq1bnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQ - 0 1", "Black has no king"),
    ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBKKBNR w kq - 0 1", "White has 2 kings"),
    ("rnbqkbnP/pppppppp/8/8/8/8/PPPPPPP1/RNBQKBNR w KQq - 0 1", "pawn on rank 8"),
    ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR x KQkq - 0 1", "side to move must be 'w' or 'b'"),
    ("4k3/8/8/8/8/8/8/4K2R w Kk - 0 1", "impossible castling right 'k'"),
    ("4k3/8/8/8/8/8/8/R3K3 w K - 0 1", "impossible castling right 'K': no White rook"),
    ("4k3/8/8/8/8/8/4K3/7R w K - 0 1", "king is not on its back rank"),
    ("4k3/8/8/8/8/8/8/4K2R w KK - 0 1", "repeated castling right"),
    ("4k3/8/8/8/8/8/8/4K2R w X - 0 1", "bad castling letter 'X'"),
    ("4k3/8/8/8/8/8/8/4K2R w K+ - 0 1", "bad castling field"),
    ("4k3/8/8/8/8/8/8/4K2R w - e9 0 1", "bad en-passant square 'e9'"),
    ("4k3/8/8/8/8/8/8/4K2R w - e3 0 1", "impossible en-passant square e3: must be on rank 6"),
    ("4k3/8/8/8/8/8/8/4K2R w - e6 0 1", "impossible en-passant square e6: no Black pawn"),
    ("4k3/8/8/8/8/8/8/4K2R w - - x 1", "bad halfmove clock 'x'"),
    ("4k3/8/8/8/8/8/8/4K2R w - - 0 0", "bad fullmove number '0'"),
    ("4k2R/8/8/8/8/8/8/4K3 w - - 0 1", "Black is in check but it is White's turn"),
    ("4k3/8/8/8/8/8/PPPPPPPP/PPPPK3 w - - 0 1", "pawn on rank 1"),
  ])
  func malformedFENsGetOneLineErrors(fen: String, message: String) {
    #expect {
      try ChessPosition(fen: fen)
    } throws: { error in
      let m = (error as? NotationError)?.message ?? ""
      return m.contains(message) && !m.contains("\n")
    }
  }
}

@Suite struct MoveTextTests {
  @Test func moveLayoutIsSixteenBits() {
    let m = Move.promotion(from: 52, to: 60, to: .queen)
    #expect(MemoryLayout<Move>.size == 2)
    #expect(m.from == 52 && m.to == 60 && m.promotion == .queen && m.isPromotion)
    #expect(m.historyIndex == 52 | 60 << 6)
    #expect(!Move.none.isPromotion && Move.none != Move.null)
    #expect(MemoryLayout<ChessPosition>.size <= 128)
  }

  @Test func uciAndSANOfTheStart() throws {
    let p = ChessPosition()
    let texts = Set(p.legalMoves.map { p.moveText($0) })
    #expect(texts.count == 20 && texts.contains("g1f3") && texts.contains("e2e4"))
    let m = try p.parseMove("Nf3")
    #expect(p.moveText(m) == "g1f3" && p.san(m) == "Nf3")
    #expect(try p.parseMove("g1f3") == m)
    #expect(try p.parseMove("Ng1-f3") == m)
  }

  @Test(arguments: [
    // position, input, expected SAN
    ("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "0-0", "O-O"),
    ("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "O-O-O", "O-O-O"),
    ("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "e1g1", "O-O"),
    ("r3k2r/8/8/8/8/8/8/R3K2R b KQkq - 0 1", "e8c8", "O-O-O"),
    ("8/4P3/8/8/8/8/k7/4K3 w - - 0 1", "e8Q", "e8=Q"),
    ("8/4P3/8/8/8/8/k7/4K3 w - - 0 1", "e8=N", "e8=N"),
    ("8/4P3/8/8/8/8/k7/4K3 w - - 0 1", "e7e8r", "e8=R"),
    ("3r4/4P3/8/k7/8/8/8/4K3 w - - 0 1", "exd8=Q+", "exd8=Q+"),
    ("3r4/4P3/8/k7/8/8/8/4K3 w - - 0 1", "ed8q", "exd8=Q+"),
    ("2k5/8/8/8/8/8/4K3/R6R w - - 0 1", "Rad1", "Rad1"),
    ("2k5/8/8/8/8/8/4K3/R6R w - - 0 1", "Rhf1", "Rhf1"),
    ("7k/8/8/8/R7/8/8/R3K3 w - - 0 1", "R1a2", "R1a2"),
    ("7k/8/8/8/R7/8/8/R3K3 w - - 0 1", "R4a2", "R4a2"),
    ("6k1/8/8/8/8/8/8/Q1Q1K3 w - - 0 1", "Qab2", "Qab2"),
    ("8/8/8/7k/8/8/Q7/Q1Q1K3 w - - 0 1", "Qa1b2", "Qa1b2"),
    ("8/8/8/7k/8/8/Q7/Q1Q1K3 w - - 0 1", "Qa1xb2", "Qa1b2"),
    ("6k1/5ppp/8/8/8/8/8/R3K3 w Q - 0 1", "Ra8#", "Ra8#"),
    ("6k1/5ppp/8/8/8/8/8/R3K3 w Q - 0 1", "Ra8", "Ra8#"),
    ("rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3", "exf6", "exf6"),
    ("rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3", "exf6e.p.", "exf6"),
    ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "Nf3!?", "Nf3"),
  ])
  func sanReadsVariantsAndWritesStandard(fen: String, input: String, san: String) throws {
    let p = try ChessPosition(fen: fen)
    let m = try p.parseMove(input)
    #expect(p.san(m) == san)
    #expect(try p.parseMove(san) == m)
  }

  @Test(arguments: [
    ("e2e5", "illegal move: e2e5"), ("Nf6", "illegal move: Nf6"), ("O-O", "illegal move: O-O"),
    ("e9", "bad move 'e9'"), ("Zf3", "bad move 'Zf3'"), ("", "empty move"), ("e8=K", "bad move 'e8=K'"),
    ("x", "bad move 'x'"), ("a1a1", "illegal move: a1a1"),
    ("nf3", "bad move 'nf3': pieces are capital letters in SAN (Nf3)"), ("nf4", "bad move 'nf4'"),
  ])
  func badMovesGetOneLineErrors(text: String, message: String) {
    #expect {
      try ChessPosition().parseMove(text)
    } throws: { error in
      (error as? NotationError)?.message == message
    }
  }

  @Test func ambiguousSANIsRejected() throws {
    let p = try ChessPosition(fen: "2k5/8/8/8/8/8/4K3/R6R w - - 0 1")
    #expect(throws: NotationError("ambiguous move: Rd1")) { try p.parseMove("Rd1") }
  }

  @Test func chess960CastlingUsesKingTakesRook() throws {
    let p = try ChessPosition(fen: "1r2k1r1/1p4p1/8/8/8/8/1P4P1/1R2K1R1 w KQkq - 0 1")
    let castles = p.legalMoves.filter(\.isCastling)
    #expect(Set(castles.map { p.moveText($0) }) == ["e1g1", "e1b1"])
    #expect(Set(castles.map { p.san($0) }) == ["O-O", "O-O-O"])
    let m = try p.parseMove("O-O-O")
    #expect(p.playing(m).fen.hasPrefix("1r2k1r1/1p4p1/8/8/8/8/1P4P1/2KR2R1 b kq"))
  }
}

/// Garbage and near-miss input never crashes: it is rejected with a one-line error or, when
/// accepted, gives a position whose moves can be generated and played.
@Suite struct RobustnessTests {
  static let alphabet = Array("pnbrqkPNBRQK12345678/ wb-KQkqabcdefgh0x=+#O.e")

  @Test func mutatedFENsNeverCrash() {
    var rng = Xoshiro256(seed: 99)
    let seeds = PerftData.all.map(\.fen) + [ChessPosition.startFEN]
    var accepted = 0
    for i in 0..<20_000 {
      var chars = Array(seeds[i % seeds.count])
      for _ in 0..<(1 + rng.below(3)) {
        let k = rng.below(chars.count)
        switch rng.below(3) {
        case 0: chars[k] = Self.alphabet[rng.below(Self.alphabet.count)]
        case 1: chars.remove(at: k)
        default: chars.insert(Self.alphabet[rng.below(Self.alphabet.count)], at: k)
        }
      }
      do {
        let p = try ChessPosition(fen: String(chars))
        accepted += 1
        #expect(p.perft(2) >= 0 && p.isConsistent)
        #expect(try ChessPosition(fen: p.fen) == p)
      } catch {
        #expect(!error.message.isEmpty && !error.message.contains("\n"))
      }
    }
    #expect(accepted > 100)
  }

  @Test func garbageMovesAndPGNNeverCrash() {
    var rng = Xoshiro256(seed: 5)
    let p = ChessPosition()
    for _ in 0..<20_000 {
      let text = String((0..<(1 + rng.below(7))).map { _ in Self.alphabet[rng.below(Self.alphabet.count)] })
      _ = try? p.parseMove(text)
      _ = try? PGN.parse("1. " + text + " *")
    }
    #expect(throws: NotationError.self) { try PGN.parse("1. e4 e5 2. Qh5 Nc6 3. Qxf7+ -- *") }
  }

  @Test func tooManyPromotedPiecesAreRejected() {
    #expect(throws: NotationError("bad FEN: White has more promoted pieces than missing pawns")) {
      try ChessPosition(fen: "QQQQQQQk/QQQQQQQQ/8/8/8/8/8/K7 w - - 0 1")
    }
  }
}

/// Inputs libFuzzer found (`make fuzz`), kept as regression tests: each was a crash, a hang
/// or an error message of more than one line.
@Suite struct FuzzRegressionTests {
  static func oneLine(_ message: String) -> Bool {
    !message.isEmpty && !message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
  }

  static func refusal(_ body: () throws -> Void) -> String {
    do {
      try body()
      return "accepted"
    } catch {
      return (error as? NotationError)?.message ?? "\(error)"
    }
  }

  /// A control character in a FEN's rank was quoted as it is, breaking the one-line message.
  @Test func fenErrorsShowControlCharactersAsQuestionMarks() {
    let m = Self.refusal {
      _ = try ChessPosition(fen: "rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PP\u{1}\u{7F}P1PPP/RNBQKBNR w - - 0 3")
    }
    #expect(m == "bad FEN: bad piece letter '?' in rank 2")
    for fen in [
      "8/8/8/8/8/8/8/8 \u{1B} - - 0 1", "4k3/8/8/8/8/8/8/4K3 w \u{7}K - 0 1", "4k3/8/8/8/8/8/8/4K3 w - - \n 1",
    ] {
      #expect(Self.oneLine(Self.refusal { _ = try ChessPosition(fen: fen) }), "\(fen.debugDescription)")
    }
  }

  /// SAN and UCI errors quoted the move text as it is.
  @Test func moveErrorsAreOneLine() {
    let p = ChessPosition()
    #expect(Self.refusal { _ = try p.parseSAN("\u{1}O-O") } == "bad move '?O-O'")
    #expect(Self.oneLine(Self.refusal { _ = try p.parseMove("e2\u{1B}e4") }))
    #expect(Self.oneLine(Self.refusal { _ = try p.parseUCI("e7e8\n") }))
  }

  /// A `]` or `}` in the movetext, where no token starts, was read forever.
  @Test func aStrayBracketInMovetextIsRefused() {
    #expect(Self.refusal { _ = try PGN.parse("1. e4 ] e5 *") } == "PGN game 1: unexpected ']'")
    #expect(Self.refusal { _ = try PGN.parse("[Event \"x\"]]\n1. e4 *") } == "PGN game 1: unexpected ']'")
    #expect(Self.refusal { _ = try PGN.parse("1. e4 } e5 *") } == "PGN game 1: unexpected '}'")
  }

  /// A NAG of many digits overflowed an integer (a crash); a NAG is 0 to 255.
  @Test func aHugeNAGIsRefused() throws {
    #expect(
      Self.refusal { _ = try PGN.parse("1. e4 $" + String(repeating: "5", count: 80) + " e5 *") }
        == "PGN game 1: bad NAG")
    #expect(Self.refusal { _ = try PGN.parse("1. e4 $256 *") } == "PGN game 1: bad NAG")
    let games = try PGN.parse("1. e4 $255 e5 *")
    #expect(games.first?.nags.first == [255])
  }
}
