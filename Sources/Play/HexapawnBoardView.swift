import GameCore
import Hexapawn

/// Draws a Hexapawn position for the terminal: Unicode pawns (♙ White, ♟ Black), file
/// letters and rank numbers, the side to move and the last move. With `color` the squares
/// are shaded with ANSI colours; without it the output is plain text (pipes, `NO_COLOR`).
public struct HexapawnBoardView: Sendable {
  public var color: Bool
  public init(color: Bool) { self.color = color }

  public func render(_ p: HexapawnPosition, lastMove: HexapawnMove?) -> String {
    var lines: [String] = []
    let highlight: Set<Int> = lastMove.map { [$0.from, $0.to] } ?? []
    for r in stride(from: p.ranks - 1, through: 0, by: -1) {
      var line = "\(r + 1) "
      for f in 0..<p.files {
        let sq = Squares.make(file: f, rank: r)
        let glyph: String
        switch p.occupant(of: sq) {
        case .white: glyph = "♙"
        case .black: glyph = "♟"
        case .none: glyph = color ? " " : "·"
        }
        if color {
          let light = (f + r) % 2 == 1
          let bg = highlight.contains(sq) ? "48;5;180" : light ? "48;5;252" : "48;5;145"
          let fg = p.occupant(of: sq) == .black ? "38;5;16" : "38;5;231;1"
          line += "\u{1B}[\(bg);\(fg)m \(glyph) \u{1B}[0m"
        } else {
          line += " \(glyph) "
        }
      }
      lines.append(line)
    }
    lines.append("  " + (0..<p.files).map { " \(Character(UnicodeScalar(UInt8(97 + $0)))) " }.joined())
    var status = p.outcome.map { "\($0)" } ?? "\(p.sideToMove) to move"
    if let m = lastMove { status += "   last move: \(m)" }
    lines.append(status)
    return lines.joined(separator: "\n")
  }
}
