import GameCore

/// One game read from or written to PGN: its tags in file order, its moves (replayed and
/// checked while reading), the comments and NAGs attached to moves, and the result token.
public struct PGNGame: Sendable {
  /// Tag pairs in file order (`Event`, `White`, `FEN`, …).
  public var tags: [(name: String, value: String)]
  /// The game: start position (from the `FEN` tag if any), moves, repetition history.
  public var record: GameRecord<ChessPosition>
  /// `1-0`, `0-1`, `1/2-1/2` or `*`.
  public var result: String
  /// Comment before the first move, if any.
  public var leadingComment: String?
  /// Per move: the comment after it (or `nil`).
  public var comments: [String?]
  /// Per move: its numeric annotation glyphs (`$1` = 1).
  public var nags: [[Int]]

  public init(
    tags: [(name: String, value: String)] = [], record: GameRecord<ChessPosition> = GameRecord(), result: String = "*"
  ) {
    self.tags = tags
    self.record = record
    self.result = result
    comments = Array(repeating: nil, count: record.moves.count)
    nags = Array(repeating: [], count: record.moves.count)
  }

  /// The value of tag `name`, if present.
  public subscript(tag name: String) -> String? { tags.first { $0.name == name }?.value }

  /// The result the moves prove, if the final position settles it (checkmate, stalemate,
  /// a draw by rule); `nil` when the game simply stopped (resignation, agreement, time).
  public var provenResult: String? { record.status?.outcome.resultToken }
}

/// PGN reading and writing.
///
/// Reading accepts: several games per file, a UTF-8 byte-order mark, tag pairs with escaped
/// quotes, `{…}` and `;` comments, `%` escape lines, NAGs (`$14`) and suffix annotations
/// (`!?`), variations `(…)` (nested; skipped), move numbers with or without a space (`1.e4`,
/// `12...Nf6`), SAN in its common variants and UCI moves, null moves (`--`, `Z0`, `0000`),
/// and the result tokens. Every move is checked against the position; an error names the
/// game, the move number and the move in one line.
public enum PGN {
  /// Every game in `text`.
  public static func parse(_ text: String) throws(NotationError) -> [PGNGame] {
    var parser = PGNParser(text)
    return try parser.parseAll()
  }

  /// The game as PGN text: the seven-tag roster first (with `?` for missing ones), the other
  /// tags, then the movetext wrapped at 80 columns, ending with the result.
  public static func write(_ game: PGNGame) -> String {
    let roster = ["Event", "Site", "Date", "Round", "White", "Black", "Result"]
    var out = ""
    for name in roster {
      let value = name == "Result" ? game.result : (game[tag: name] ?? "?")
      out += "[\(name) \"\(escape(value))\"]\n"
    }
    for (name, value) in game.tags where !roster.contains(name) { out += "[\(name) \"\(escape(value))\"]\n" }
    out += "\n"
    var tokens: [String] = []
    if let c = game.leadingComment { tokens.append("{\(c)}") }
    var position = game.record.start
    for (i, m) in game.record.moves.enumerated() {
      if position.sideToMove == .white {
        tokens.append("\(position.fullmoveNumber).")
      } else if i == 0 || (i > 0 && game.comments[i - 1] != nil) {
        tokens.append("\(position.fullmoveNumber)...")
      }
      tokens.append(position.san(m))
      for n in game.nags[i] { tokens.append("$\(n)") }
      if let c = game.comments[i] { tokens.append("{\(c)}") }
      position.play(m)
    }
    tokens.append(game.result)
    var line = ""
    for t in tokens {
      if !line.isEmpty && line.count + 1 + t.count > 80 {
        out += line + "\n"
        line = ""
      }
      line += line.isEmpty ? t : " " + t
    }
    out += line + "\n"
    return out
  }

  static func escape(_ s: String) -> String {
    s.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
  }
}

struct PGNParser {
  let s: [Unicode.Scalar]
  var i = 0
  var games: [PGNGame] = []
  var game = PGNGame()
  var started = false  // the current game has a tag or movetext
  var inMovetext = false
  var record: GameRecord<ChessPosition>?

  init(_ text: String) { s = Array(text.unicodeScalars) }

  func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\n" || c == "\r" || c == "\t" || c == "\u{FEFF}" }

  mutating func finish() {
    if started {
      if let r = record { game.record = r }
      games.append(game)
    }
    game = PGNGame()
    started = false
    inMovetext = false
    record = nil
  }

  func fail(_ message: String) -> NotationError {
    NotationError("PGN game \(games.count + 1): \(NotationError.oneLine(message))")
  }

  mutating func startRecord() throws(NotationError) {
    guard record == nil else { return }
    var start = ChessPosition()
    if let fen = game[tag: "FEN"] {
      do { start = try ChessPosition(fen: fen) } catch { throw fail("bad FEN tag: \(error.message)") }
    }
    record = GameRecord(start: start)
  }

  mutating func parseAll() throws(NotationError) -> [PGNGame] {
    while i < s.count {
      let c = s[i]
      if isSpace(c) {
        i += 1
      } else if c == "%" && (i == 0 || s[i - 1] == "\n") {
        skipLine()
      } else if c == ";" {
        skipLine()
      } else if c == "[" {
        if inMovetext { finish() }
        try readTag()
      } else if c == "{" {
        let text = try readComment()
        started = true
        inMovetext = true
        if let r = record, !r.moves.isEmpty {
          let k = r.moves.count - 1
          game.comments[k] = game.comments[k].map { $0 + " " + text } ?? text
        } else {
          game.leadingComment = game.leadingComment.map { $0 + " " + text } ?? text
        }
      } else if c == "(" {
        try skipVariation()
      } else if c == ")" {
        throw fail("unbalanced ')'")
      } else if c == "$" {
        i += 1
        var n = 0
        var digits = 0
        while i < s.count, let d = Int(String(s[i])), s[i].isASCII {
          n = min(n * 10 + d, 1000)
          digits += 1
          i += 1
        }
        // A NAG is 0 to 255; a longer run of digits is refused, never overflows.
        guard digits > 0, n <= 255 else { throw fail("bad NAG") }
        if let r = record, !r.moves.isEmpty { game.nags[r.moves.count - 1].append(n) }
      } else {
        try readToken()
      }
    }
    finish()
    return games
  }

  mutating func skipLine() {
    while i < s.count && s[i] != "\n" { i += 1 }
  }

  mutating func readTag() throws(NotationError) {
    started = true
    i += 1
    while i < s.count && isSpace(s[i]) { i += 1 }
    var name = ""
    while i < s.count && !isSpace(s[i]) && s[i] != "\"" && s[i] != "]" {
      name.unicodeScalars.append(s[i])
      i += 1
    }
    while i < s.count && isSpace(s[i]) { i += 1 }
    guard i < s.count, s[i] == "\"", !name.isEmpty else { throw fail("bad tag pair") }
    i += 1
    var value = ""
    while i < s.count && s[i] != "\"" {
      if s[i] == "\\" && i + 1 < s.count { i += 1 }
      value.unicodeScalars.append(s[i])
      i += 1
    }
    guard i < s.count else { throw fail("unterminated tag value") }
    i += 1
    while i < s.count && s[i] != "]" && s[i] != "\n" { i += 1 }
    guard i < s.count, s[i] == "]" else { throw fail("tag \(name) is missing ']'") }
    i += 1
    game.tags.append((name, value))
  }

  mutating func readComment() throws(NotationError) -> String {
    i += 1
    var text = ""
    while i < s.count && s[i] != "}" {
      text.unicodeScalars.append(s[i])
      i += 1
    }
    guard i < s.count else { throw fail("unterminated comment") }
    i += 1
    return text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }

  mutating func skipVariation() throws(NotationError) {
    var depth = 0
    while i < s.count {
      let c = s[i]
      if c == "{" {
        _ = try readComment()
        continue
      }
      if c == ";" {
        skipLine()
        continue
      }
      if c == "(" { depth += 1 }
      if c == ")" {
        depth -= 1
        if depth == 0 {
          i += 1
          return
        }
      }
      i += 1
    }
    throw fail("unterminated variation")
  }

  mutating func readToken() throws(NotationError) {
    var token = ""
    while i < s.count && !isSpace(s[i]) && !"{}()[];$".unicodeScalars.contains(s[i]) {
      token.unicodeScalars.append(s[i])
      i += 1
    }
    // A character no token starts with (a stray `]` or `}`) would otherwise be read forever.
    guard !token.isEmpty else { throw fail("unexpected '\(s[i])'") }
    started = true
    inMovetext = true
    // Move number prefix: `12.`, `12...`, `1.e4`.
    var body = Substring(token)
    if let first = body.first, first.isNumber, body.contains(".") {
      let digits = body.prefix { $0.isNumber }
      let rest = body.dropFirst(digits.count)
      if rest.first == "." {
        body = rest.drop { $0 == "." }
      }
    }
    if body.isEmpty { return }
    switch body {
    case "1-0", "0-1", "1/2-1/2", "*":
      try startRecord()
      game.result = String(body)
      finish()
      return
    default: break
    }
    try startRecord()
    if ["--", "Z0", "0000", "@@@@"].contains(body) {
      guard !record!.position.isInCheck else { throw fail("null move \(body) while in check") }
      record!.play(.null)
    } else if body.allSatisfy({ "!?".contains($0) }) {
      return  // a free-standing annotation
    } else {
      let position = record!.position
      let number = "\(position.fullmoveNumber)\(position.sideToMove == .white ? "." : "...")"
      do {
        try record!.play(String(body))
      } catch {
        throw fail("move \(number) \(body): \(error.message)")
      }
    }
    game.comments.append(nil)
    game.nags.append([])
  }
}
