import GameCore

/// Move notation: UCI long algebraic and SAN.
///
/// - UCI: `e2e4`, `e7e8q`; castling as the king's two-square step `e1g1` when the king starts
///   on the e-file and the rook on the a- or h-file, else king-takes-rook (`b1a1`, Chess960
///   style). Reading accepts both castling forms.
/// - SAN (written): `Nf3`, `exd5`, `e8=Q`, `Nbd7`, `R1e2`, `Qh4e1`, `O-O`, `O-O-O`, with `+`
///   or `#`.
/// - SAN (read): also accepts `0-0`/`0-0-0`, promotions without `=` (`e8Q`, `e8q`), a missing
///   or superfluous `x`, over-disambiguation, `-` between squares (`Ng1-f3`), and trailing
///   `+ # ! ?` annotations.
extension ChessPosition {
  /// `true` if castling move `m` is standard castling (king on the e-file, rook in a corner).
  func isStandardCastling(_ m: Move) -> Bool {
    m.from & 7 == 4 && (m.to & 7 == 0 || m.to & 7 == 7)
  }

  /// The move in UCI long algebraic notation (`e2e4`, `e7e8q`, `e1g1`).
  public func moveText(_ m: Move) -> String {
    if m == .null { return "0000" }
    var to = m.to
    if m.isCastling && isStandardCastling(m) { to = (m.from & 56) + (m.to > m.from ? 6 : 2) }
    var s = Square(m.from).description + Square(to).description
    if let p = m.promotion { s += p.letter.lowercased() }
    return s
  }

  /// Reads a move in UCI (`e2e4`, `e7e8q`) or SAN (`Nf3`, `O-O`, `e8=Q+`) and checks that it
  /// is legal here. Throws a one-line `NotationError` (`illegal move: e2e5`).
  public func parseMove(_ text: String) throws(NotationError) -> Move {
    let trimmed = text.trimmingCharacters(in: " \t\r\n")
    guard !trimmed.isEmpty else { throw NotationError("empty move") }
    if let m = try parseUCI(trimmed) { return m }
    return try parseSAN(trimmed)
  }

  /// Reads UCI text; `nil` if the text does not have UCI shape, throws if it has the shape but
  /// is not a legal move.
  public func parseUCI(_ text: String) throws(NotationError) -> Move? {
    let chars = Array(text)
    guard chars.count == 4 || chars.count == 5,
      let from = Square(String(chars[0...1])), let to = Square(String(chars[2...3]))
    else { return nil }
    var promo: PieceKind?
    if chars.count == 5 {
      guard let k = PieceKind(letter: chars[4]), k != .pawn, k != .king else { return nil }
      promo = k
    }
    var list = MoveList<Move>(filler: .none)
    generateMoves(into: &list)
    for i in 0..<list.count {
      let m = list[i]
      guard m.from == from.index, m.promotion == promo else { continue }
      if moveText(m) == text.lowercased() || (m.isCastling && m.to == to.index) { return m }
    }
    throw NotationError("illegal move: \(NotationError.oneLine(text))")
  }

  /// The move in Standard Algebraic Notation, with `+` or `#`.
  public func san(_ m: Move) -> String {
    if m == .null { return "--" }
    var s: String
    if m.isCastling {
      s = m.to > m.from ? "O-O" : "O-O-O"
    } else {
      let piece = Piece(raw: pieceRaw(m.from))
      let kind = piece.kind!
      let isCapture = pieceRaw(m.to) != 0 || m.isEnPassant
      if kind == .pawn {
        s = isCapture ? Square(m.from).file.description + "x" : ""
        s += Square(m.to).description
        if let p = m.promotion { s += "=" + String(p.letter) }
      } else {
        s = String(kind.letter)
        // Disambiguation: other pieces of this kind that may go to the same square.
        var list = MoveList<Move>(filler: .none)
        generateMoves(into: &list)
        var sameFile = false, sameRank = false, others = false
        for i in 0..<list.count {
          let o = list[i]
          guard o.to == m.to, o.from != m.from, !o.isCastling, pieceRaw(o.from) == piece.raw else { continue }
          others = true
          if o.from & 7 == m.from & 7 { sameFile = true }
          if o.from >> 3 == m.from >> 3 { sameRank = true }
        }
        if others {
          if !sameFile {
            s += Square(m.from).file.description
          } else if !sameRank {
            s += Square(m.from).rank.description
          } else {
            s += Square(m.from).description
          }
        }
        if isCapture { s += "x" }
        s += Square(m.to).description
      }
    }
    let next = playing(m)
    if next.isInCheck { s += next.legalMoveCount == 0 ? "#" : "+" }
    return s
  }

  /// Reads SAN (tolerant of common variants; see the type's notes). A move that parses only
  /// with its first letter capitalised (`nf3`) is refused with that hint.
  public func parseSAN(_ text: String) throws(NotationError) -> Move {
    do {
      return try parseSANAsWritten(text)
    } catch {
      if let first = text.first, "nbrqk".contains(first) {
        let capital = first.uppercased() + text.dropFirst()
        if (try? parseSANAsWritten(capital)) != nil {
          throw NotationError(
            "bad move '\(NotationError.oneLine(text))': pieces are capital letters in SAN (\(capital))")
        }
      }
      throw error
    }
  }

  func parseSANAsWritten(_ text: String) throws(NotationError) -> Move {
    var body = Substring(text)
    while let last = body.last, "+#!?".contains(last) { body.removeLast() }
    if body.hasSuffix("e.p.") { body.removeLast(4) }
    let castle = body.replacingOccurrences0()
    var list = MoveList<Move>(filler: .none)
    generateMoves(into: &list)
    if castle == "O-O" || castle == "O-O-O" {
      let kingside = castle == "O-O"
      for i in 0..<list.count where list[i].isCastling && (list[i].to > list[i].from) == kingside {
        return list[i]
      }
      throw NotationError("illegal move: \(NotationError.oneLine(text))")
    }
    var chars = Array(body.filter { $0 != "x" && $0 != "-" && $0 != ":" })
    guard chars.count >= 2 else { throw NotationError("bad move '\(NotationError.oneLine(text))'") }
    var kind = PieceKind.pawn
    if let k = PieceKind(letter: chars[0]), chars[0].isUppercase {
      kind = k
      chars.removeFirst()
    }
    var promo: PieceKind?
    if kind == .pawn, let last = chars.last, last.isLetter {
      guard let k = PieceKind(letter: last), k != .pawn, k != .king else {
        throw NotationError("bad move '\(NotationError.oneLine(text))'")
      }
      promo = k
      chars.removeLast()
      if chars.last == "=" { chars.removeLast() }
    }
    if chars.last == "=" { throw NotationError("bad move '\(NotationError.oneLine(text))'") }
    guard chars.count >= 2, let to = Square(String(chars[(chars.count - 2)...])) else {
      throw NotationError("bad move '\(NotationError.oneLine(text))'")
    }
    let hint = chars.dropLast(2)
    var fromFile: Int?, fromRank: Int?
    for c in hint {
      if let f = File(letter: c) {
        fromFile = f.index
      } else if let r = Rank(digit: c) {
        fromRank = r.index
      } else {
        throw NotationError("bad move '\(NotationError.oneLine(text))'")
      }
    }
    if hint.count > 2 { throw NotationError("bad move '\(NotationError.oneLine(text))'") }
    var found: Move?
    var matches = 0
    for i in 0..<list.count {
      let m = list[i]
      guard !m.isCastling, m.to == to.index, Piece(raw: pieceRaw(m.from)).kind == kind, m.promotion == promo else {
        continue
      }
      if let f = fromFile, m.from & 7 != f { continue }
      if let r = fromRank, m.from >> 3 != r { continue }
      matches += 1
      found = m
    }
    if kind == .king && matches == 0 {
      // `Kg1` style castling (king's two-square step) in some files.
      for i in 0..<list.count where list[i].isCastling && moveText(list[i]).hasSuffix(to.description) {
        return list[i]
      }
    }
    guard let m = found else { throw NotationError("illegal move: \(NotationError.oneLine(text))") }
    guard matches == 1 else { throw NotationError("ambiguous move: \(NotationError.oneLine(text))") }
    return m
  }
}

extension Substring {
  /// Castling text with zeros read as letters (`0-0` → `O-O`).
  fileprivate func replacingOccurrences0() -> String {
    String(self.map { $0 == "0" ? "O" : $0 })
  }
}

extension String {
  func trimmingCharacters(in set: String) -> String {
    var s = Substring(self)
    while let f = s.first, set.contains(f) { s.removeFirst() }
    while let l = s.last, set.contains(l) { s.removeLast() }
    return String(s)
  }
}
