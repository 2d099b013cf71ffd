import GameCore

/// One line of an EPD test suite: a position (the four FEN fields without the clocks) and its
/// operations, `opcode operand …;` each (e.g. `bm Qxf7+; id "WAC.001";`).
///
///     r1b1k2r/ppppnppp/2n2q2/2b5/3NP3/2P1B3/PP3PPP/RN1QKB1R w KQkq - bm Nxc6; id "BK.16";
///
/// Operands are separated by spaces; a double-quoted operand may hold spaces and semicolons.
/// `bm` (best moves) and `am` (avoid moves) are read as moves of the position, in SAN or UCI,
/// and each must be legal there.
public struct EPDRecord: Sendable {
  public var position: ChessPosition
  /// The operations in file order: opcode and operands (quotes removed).
  public var operations: [(opcode: String, operands: [String])]
  /// The `bm` and `am` moves.
  public var bestMoves: [Move]
  public var avoidMoves: [Move]

  /// The operands of the first operation `opcode`, or `nil` when there is none.
  public func operands(_ opcode: String) -> [String]? {
    operations.first { $0.opcode == opcode }?.operands
  }

  /// `id`'s operand, or `nil`.
  public var id: String? { operands("id")?.joined(separator: " ") }

  /// Reads one EPD line (not blank, not a comment); the error names the problem in one line.
  public init(line: String) throws(NotationError) {
    var rest = Self.trimmed(Substring(line))
    var fields: [Substring] = []
    while fields.count < 4 {
      rest = rest.drop { $0 == " " || $0 == "\t" }
      guard !rest.isEmpty else { throw NotationError("an EPD line needs four FEN fields, got \(fields.count)") }
      let field = rest.prefix { $0 != " " && $0 != "\t" }
      fields.append(field)
      rest = rest.dropFirst(field.count)
    }
    position = try ChessPosition(fen: fields.joined(separator: " "))
    operations = try Self.parseOperations(rest)
    bestMoves = []
    avoidMoves = []
    for (opcode, operands) in operations where opcode == "bm" || opcode == "am" {
      guard !operands.isEmpty else { throw NotationError("\(opcode) without a move") }
      for text in operands {
        let move: Move
        do throws(NotationError) {
          move = try position.parseMove(text)
        } catch {
          throw NotationError("\(opcode) \(text): \(NotationError.oneLine(error.message))")
        }
        if opcode == "bm" { bestMoves.append(move) } else { avoidMoves.append(move) }
      }
    }
  }

  /// The operations after the FEN fields: `opcode operand…` up to each unquoted `;`.
  static func parseOperations(_ text: Substring) throws(NotationError) -> [(opcode: String, operands: [String])] {
    var out: [(opcode: String, operands: [String])] = []
    var words: [String] = []
    var word = ""
    var quoted = false, inWord = false
    func endWord() {
      if inWord { words.append(word) }
      word = ""
      inWord = false
    }
    func endOperation() throws(NotationError) {
      endWord()
      guard let opcode = words.first else { return }
      guard opcode.first?.isLetter == true, opcode.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
        throw NotationError("bad EPD opcode '\(opcode.prefix(20))'")
      }
      out.append((opcode, Array(words.dropFirst())))
      words = []
    }
    for ch in text {
      if quoted {
        if ch == "\"" { quoted = false } else { word.append(ch) }
      } else if ch == "\"" {
        quoted = true
        inWord = true
      } else if ch == ";" {
        try endOperation()
      } else if ch == " " || ch == "\t" || ch == "\r" {
        endWord()
      } else {
        word.append(ch)
        inWord = true
      }
    }
    guard !quoted else { throw NotationError("an EPD operand's quote is not closed") }
    try endOperation()
    return out
  }

  /// Every record of an EPD file's text, blank lines and `#` comments skipped; an error names
  /// `source` and the line.
  public static func read(_ text: String, source: String) throws(NotationError) -> [EPDRecord] {
    try readPositionLines(text, source: source) { line throws(NotationError) in try EPDRecord(line: String(line)) }
  }

  /// `text` without leading and trailing spaces, tabs and carriage returns.
  static func trimmed(_ text: Substring) -> Substring {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
    var t = text.drop(while: blank)
    while let last = t.last, blank(last) { t = t.dropLast() }
    return t
  }
}

/// The records of a text of one position a line (an EPD or FEN file): `parse` reads each line
/// but blank ones and `#` comments, trimmed of spaces, tabs and carriage returns. An error of
/// `parse` is refused as `source:N: message` (N the line, from 1), and a text without a record
/// as `source: no positions`.
public func readPositionLines<T>(
  _ text: String, source: String, _ parse: (Substring) throws(NotationError) -> T
) throws(NotationError) -> [T] {
  var out: [T] = []
  for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
    let line = EPDRecord.trimmed(raw)
    if line.isEmpty || line.hasPrefix("#") { continue }
    do throws(NotationError) {
      out.append(try parse(line))
    } catch {
      throw NotationError("\(source):\(n + 1): \(NotationError.oneLine(error.message))")
    }
  }
  guard !out.isEmpty else { throw NotationError("\(source): no positions") }
  return out
}
