import GameCore

/// FEN reading and writing.
///
/// Read: 6 fields (placement, side, castling, en passant, halfmove clock, fullmove number), or
/// the first 4 (EPD style; the clocks are then 0 and 1). Validation, each with a one-line
/// error naming the problem: the field count; 8 ranks of exactly 8 squares; piece letters;
/// exactly one king per side; no pawn on rank 1 or 8; at most 16 pieces and 8 pawns per side,
/// and no more pieces beyond the starting set than missing pawns;
/// the side not to move must not be in check; castling letters `KQkq` (outermost rook on
/// that side, X-FEN) or Shredder files `A`–`H`/`a`–`h`, each needing its king on the back
/// rank and a rook on the named side; the en-passant square on the right rank with a pawn
/// that could just have double-stepped; clocks that are numbers in range.
///
/// Written: standard FEN; castling as `KQkq` when the castling rook is the outermost one on
/// its side, else as a Shredder file letter; the en-passant square only when an en-passant
/// capture is legal (as python-chess writes it).
extension ChessPosition {
  public init(fen text: String) throws(NotationError) {
    let fields = text.split(separator: " ", omittingEmptySubsequences: true)
    guard fields.count == 6 || fields.count == 4 else {
      throw NotationError("bad FEN: expected 6 fields (or 4), found \(fields.count)")
    }
    self.init(empty: ())
    let z = ZobristKeys.shared
    // Placement.
    let ranks = fields[0].split(separator: "/", omittingEmptySubsequences: false)
    guard ranks.count == 8 else {
      throw NotationError("bad FEN: expected 8 ranks separated by '/', found \(ranks.count)")
    }
    for (i, row) in ranks.enumerated() {
      let rank = 7 - i
      var file = 0
      var lastWasDigit = false
      for c in row {
        if let d = c.wholeNumberValue, c.isASCII {
          guard (1...8).contains(d), !lastWasDigit else {
            throw NotationError("bad FEN: bad empty-square count in rank \(rank + 1) '\(NotationError.oneLine(row))'")
          }
          file += d
          lastWasDigit = true
        } else if let piece = Piece(fenLetter: c), c.isASCII {
          guard file < 8 else {
            throw NotationError("bad FEN: rank \(rank + 1) '\(NotationError.oneLine(row))' has more than 8 squares")
          }
          if piece.kind == .pawn && (rank == 0 || rank == 7) {
            throw NotationError("bad FEN: pawn on rank \(rank + 1)")
          }
          put(piece.raw, rank * 8 + file, z)
          file += 1
          lastWasDigit = false
        } else {
          throw NotationError("bad FEN: bad piece letter '\(NotationError.oneLine(String(c)))' in rank \(rank + 1)")
        }
      }
      guard file == 8 else {
        throw NotationError("bad FEN: rank \(rank + 1) '\(NotationError.oneLine(row))' has \(file) squares, expected 8")
      }
    }
    for color in Side.allCases {
      let kings = pieces(color, .king).count
      guard kings == 1 else {
        throw NotationError("bad FEN: \(color) has \(kings == 0 ? "no king" : "\(kings) kings")")
      }
      guard pieces(color).count <= 16 else { throw NotationError("bad FEN: \(color) has more than 16 pieces") }
      guard pieces(color, .pawn).count <= 8 else { throw NotationError("bad FEN: \(color) has more than 8 pawns") }
      // Pieces beyond the starting set must have come from promotions (this also keeps every
      // position within the 256-move capacity of `MoveList`).
      let extra =
        max(0, pieces(color, .queen).count - 1) + max(0, pieces(color, .rook).count - 2)
        + max(0, pieces(color, .bishop).count - 2) + max(0, pieces(color, .knight).count - 2)
      guard extra <= 8 - pieces(color, .pawn).count else {
        throw NotationError("bad FEN: \(color) has more promoted pieces than missing pawns")
      }
    }
    // Side to move.
    switch fields[1] {
    case "w": side = .white
    case "b":
      side = .black
      key ^= z.blackToMove
    default:
      throw NotationError("bad FEN: side to move must be 'w' or 'b', found '\(NotationError.oneLine(fields[1]))'")
    }
    let t = AttackTables.shared
    let opp = side.opponent
    let occ = bb[0] | bb[1]
    guard attackers(kingSquare(opp).index, occ, t) & bb[Int(side.rawValue)] == 0 else {
      throw NotationError("bad FEN: \(opp) is in check but it is \(side)'s turn")
    }
    // Castling.
    if fields[2] != "-" {
      for c in fields[2] {
        guard c.isASCII, c.isLetter else {
          throw NotationError("bad FEN: bad castling field '\(NotationError.oneLine(fields[2]))'")
        }
        let color: Color = c.isUppercase ? .white : .black
        let backRank = color == .white ? 0 : 7
        let king = kingSquare(color)
        guard king.rank.index == backRank else {
          throw NotationError("bad FEN: impossible castling right '\(c)': \(color)'s king is not on its back rank")
        }
        let rooks = pieces(color, .rook).rawValue & (UInt64(0xFF) << UInt64(backRank * 8))
        var rook: Int?
        switch c.uppercased() {
        case "K":
          let side = rooks & ~((UInt64(2) << UInt64(king.index)) &- 1)
          if side != 0 { rook = 63 - side.leadingZeroBitCount }
        case "Q":
          let side = rooks & ((UInt64(1) << UInt64(king.index)) &- 1)
          if side != 0 { rook = side.trailingZeroBitCount }
        default:
          guard let f = File(letter: Character(c.lowercased())) else {
            throw NotationError("bad FEN: bad castling letter '\(c)'")
          }
          let s = backRank * 8 + f.index
          if rooks & (UInt64(1) << UInt64(s)) != 0 && s != king.index { rook = s }
        }
        guard let r = rook else {
          throw NotationError("bad FEN: impossible castling right '\(c)': no \(color) rook to castle with")
        }
        guard castlingRooks & (UInt64(1) << UInt64(r)) == 0 else {
          throw NotationError("bad FEN: repeated castling right '\(c)'")
        }
        castlingRooks |= UInt64(1) << UInt64(r)
        key ^= z.castling[r]
      }
      for color in Side.allCases {
        let mine = castlingRooks & (color == .white ? 0xFF : UInt64(0xFF) << 56)
        if mine.nonzeroBitCount > 2 { throw NotationError("bad FEN: \(color) has more than two castling rights") }
        let k = kingSquare(color).index
        if mine.nonzeroBitCount == 2 && ((mine.trailingZeroBitCount < k) == (63 - mine.leadingZeroBitCount < k)) {
          throw NotationError("bad FEN: \(color) has two castling rights on the same side")
        }
      }
    }
    // En passant.
    if fields[3] != "-" {
      guard let s = Square(fields[3]) else {
        throw NotationError("bad FEN: bad en-passant square '\(NotationError.oneLine(fields[3]))'")
      }
      let (rank, up) = side == .white ? (5, 8) : (2, -8)
      guard s.rank.index == rank else {
        throw NotationError(
          "bad FEN: impossible en-passant square \(s): must be on rank \(rank + 1) with \(side) to move")
      }
      let pawnSquare = s.index - up, origin = s.index + up
      guard pieceRaw(pawnSquare) == Piece(opp, .pawn).raw, pieceRaw(s.index) == 0, pieceRaw(origin) == 0 else {
        throw NotationError("bad FEN: impossible en-passant square \(s): no \(opp) pawn just moved two squares there")
      }
      var candidates = t.pawn(opp, s.index) & pieces(side, .pawn).rawValue
      while candidates != 0 {
        if enPassantIsLegal(from: candidates.trailingZeroBitCount, to: s.index, t) {
          ep = UInt8(s.index)
          key ^= z.enPassant[s.index & 7]
          break
        }
        candidates &= candidates &- 1
      }
    }
    // Clocks.
    if fields.count == 6 {
      guard let h = Int(fields[4]), (0...9999).contains(h) else {
        throw NotationError("bad FEN: bad halfmove clock '\(NotationError.oneLine(fields[4]))'")
      }
      guard let f = Int(fields[5]), (1...9999).contains(f) else {
        throw NotationError("bad FEN: bad fullmove number '\(NotationError.oneLine(fields[5]))'")
      }
      halfmoves = UInt16(h)
      fullmoves = UInt16(f)
    }
  }

  /// The position as FEN (6 fields).
  public var fen: String {
    var s = ""
    for rank in stride(from: 7, through: 0, by: -1) {
      var empty = 0
      for file in 0..<8 {
        let p = Piece(raw: pieceRaw(rank * 8 + file))
        if p.isNone {
          empty += 1
        } else {
          if empty > 0 { s += String(empty) }
          empty = 0
          s += p.description
        }
      }
      if empty > 0 { s += String(empty) }
      if rank > 0 { s += "/" }
    }
    s += side == .white ? " w " : " b "
    s += castlingText
    s += " " + (ep == 0 ? "-" : Square(Int(ep)).description)
    s += " \(halfmoves) \(fullmoves)"
    return s
  }

  /// The castling field: `KQkq` letters for outermost rooks, Shredder file letters otherwise.
  var castlingText: String {
    var s = ""
    for color in Side.allCases {
      let backRank = color == .white ? 0 : 7
      let rooks = pieces(color, .rook).rawValue & (UInt64(0xFF) << UInt64(backRank * 8))
      let mine = castlingRooks & rooks
      let k = kingSquare(color).index
      var letters = ""
      for r in Bitboard(mine).reversed() {
        let kingside = r.index > k
        let outer =
          kingside
          ? (63 - rooks.leadingZeroBitCount == r.index)
          : (rooks.trailingZeroBitCount == r.index)
        var c = outer ? (kingside ? "K" : "Q") : r.file.description.uppercased()
        if color == .black { c = c.lowercased() }
        letters += c
      }
      s += letters
    }
    return s.isEmpty ? "-" : s
  }
}
