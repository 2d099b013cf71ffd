import GameCore
import Hexapawn

/// Draws a Hexapawn position for the terminal: Unicode pawns (♙ White, ♟ Black), file
/// letters and rank numbers, and the last move (the side to move is the prompt's, or the
/// engine's announcement of its move). With `color` the squares are shaded with ANSI colours;
/// without it the output is plain text (pipes, `NO_COLOR`). `flipped` draws Black's side at the
/// bottom.
public struct HexapawnBoardView: Sendable {
  public var color: Bool
  public init(color: Bool) { self.color = color }

  public func render(_ p: HexapawnPosition, lastMove: HexapawnMove?, flipped: Bool = false) -> String {
    var lines: [String] = []
    let highlight: Set<Int> = lastMove.map { [$0.from, $0.to] } ?? []
    let ranks = flipped ? Array(0..<p.ranks) : Array((0..<p.ranks).reversed())
    let files = flipped ? Array((0..<p.files).reversed()) : Array(0..<p.files)
    for r in ranks {
      var line = "\(r + 1) "
      for f in files {
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
    lines.append("  " + files.map { " \(Character(UnicodeScalar(UInt8(97 + $0)))) " }.joined())
    if let m = lastMove { lines.append("last move: \(m)") }
    return lines.joined(separator: "\n")
  }
}
