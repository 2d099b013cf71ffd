import Chess
import ChessArena
import ChessEngine
import Foundation
import GameCore
import LabKit
import Synchronization

/// Draws a chess position: Unicode pieces, file letters and rank numbers, optionally flipped
/// (Black at the bottom), with ANSI colours or plain text.
public struct ChessBoardView: Sendable {
  public var color: Bool
  public var flipped = false
  public init(color: Bool, flipped: Bool = false) {
    self.color = color
    self.flipped = flipped
  }

  static let glyphs: [Character] = Array(" ♙♘♗♖♕♔  ♟♞♝♜♛♚")

  public func render(_ p: ChessPosition, lastMove: Move?) -> String {
    var lines: [String] = []
    var highlight: Set<Int> = []
    if let m = lastMove, m != .null { highlight = [m.from, m.to] }
    let ranks = flipped ? Array(0..<8) : Array((0..<8).reversed())
    let files = flipped ? Array((0..<8).reversed()) : Array(0..<8)
    for r in ranks {
      var line = "\(r + 1) "
      for f in files {
        let piece = p[Square(file: File(f), rank: Rank(r))]
        let glyph = piece.isNone ? (color ? " " : "·") : ChessBoardView.glyphs[Int(piece.raw)]
        if color {
          let light = (f + r) % 2 == 1
          let bg = highlight.contains(r * 8 + f) ? "48;5;180" : light ? "48;5;252" : "48;5;145"
          line += "\u{1B}[\(bg);38;5;16m \(glyph) \u{1B}[0m"
        } else {
          line += " \(glyph) "
        }
      }
      lines.append(line)
    }
    lines.append("  " + files.map { " \(File($0)) " }.joined())
    return lines.joined(separator: "\n")
  }
}

/// The PGN of a terminal game so far, readable from any thread: what an interrupted game
/// leaves behind (`zerolab play` writes it on Ctrl-C).
public final class GameSnapshot: Sendable {
  let text = Mutex<String>("")
  /// The file the game is saved to after every move, if any.
  public let file: String?

  public init(file: String?) { self.file = file }

  /// The latest PGN (result `*` while the game goes on).
  public var pgn: String { text.withLock { $0 } }

  /// Stores `pgn` and, with a file, writes it there atomically (a temporary file renamed over
  /// it, so a kill never leaves half a game). Returns the problem, in words, if the file cannot
  /// be written.
  @discardableResult
  public func update(_ pgn: String) -> String? {
    text.withLock { latest in
      latest = pgn
      return save(pgn)
    }
  }

  /// Runs `body` on the latest PGN (saved to the file again first, if there is one; `body` gets
  /// the problem if that fails) while no update can run: an interruption's last word.
  public func finish<R>(_ body: (_ pgn: String, _ problem: String?) -> R) -> R {
    text.withLock { latest in body(latest, save(latest)) }
  }

  func save(_ pgn: String) -> String? {
    guard let file else { return nil }
    do {
      try RunFiles.write(Data(pgn.utf8), to: file)
      return nil
    } catch {
      return "cannot write \(file): \(error.localizedDescription)"
    }
  }
}

/// Chess at the terminal (`TerminalRules` for `TerminalGame`): a Unicode board with the last
/// move in SAN and check, moves in SAN or UCI, scores that name their side, the draws by rule,
/// `pgn FILE`, a hint from the engine the front end passes, and the PGN at the end. The PGN so
/// far is kept in `snapshot` after every move (and written to its file, if it has one). Seats
/// are `human` or a chess engine through `ChessEnginePlayer`.
public final class ChessTerminal: TerminalRules {
  public typealias Game = ChessPosition
  /// Draws the board (`flip` turns it around).
  public var view: ChessBoardView
  /// Thinking time for `hint`, in milliseconds (the engines' is in their `ChessEnginePlayer`).
  public var moveTime: Int
  /// When the game started (the PGN's `Date`).
  public let startDate: Date
  /// The game so far as PGN, for an interruption; written to `snapshot.file` after every move.
  public let snapshot: GameSnapshot
  /// The engine `hint` asks (the front end's choice: ZeroLab's on its default evaluation);
  /// without one, `hint` says there is none.
  let hintEngine: (any ChessEngineHandle)?
  /// The PGN's player names (`Human` for moves typed at the terminal).
  var players = (white: "Human", black: "Human")

  /// - Parameters:
  ///   - moveTime: the `hint` engine's thinking time, in milliseconds.
  ///   - pgnFile: where the game is saved (atomically) after every move and at its end.
  ///   - startDate: the PGN's `Date` (now by default).
  ///   - hint: the engine that answers `hint`.
  public init(
    view: ChessBoardView, moveTime: Int, pgnFile: String? = nil, startDate: Date = Date(),
    hint: (any ChessEngineHandle)? = nil
  ) {
    self.view = view
    self.moveTime = moveTime
    self.startDate = startDate
    self.snapshot = GameSnapshot(file: pgnFile)
    self.hintEngine = hint
  }

  public static let helpText = """
    Type a move in SAN (Nf3, exd5, O-O, e8=Q) or UCI (g1f3), or a command:
      moves      list the legal moves
      undo       take back your last move (and the engine's reply)
      flip       turn the board around
      fen        show the position as FEN
      pgn FILE   save the game so far as PGN
      hint       suggest a move
      help       show this help
      quit       stop the game
    Scores are in pawns for the side named (+0.35 for White: White is better).
    \(TerminalInput.typeAheadNote)
    """

  public var helpText: String { ChessTerminal.helpText }
  public var pliesWord: String { "plies" }

  /// `yyyy.mm.dd` of `date` in the local time zone (the PGN `Date` tag).
  public static func pgnDate(_ date: Date, timeZone: TimeZone = .current) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let c = calendar.dateComponents([.year, .month, .day], from: date)
    func two(_ n: Int?) -> String { (n ?? 0) < 10 ? "0\(n ?? 0)" : "\(n ?? 0)" }
    return "\(c.year ?? 0).\(two(c.month)).\(two(c.day))"
  }

  /// A seat's PGN name: the engine's name, `Human` for moves typed at the terminal.
  static func playerName(_ seat: Seat<ChessPosition>) -> String {
    if case .engine(let e) = seat { return e.name }
    return "Human"
  }

  public func gameStarts(white: Seat<ChessPosition>, black: Seat<ChessPosition>) {
    players = (ChessTerminal.playerName(white), ChessTerminal.playerName(black))
  }

  /// The game as PGN with `result`.
  public func pgn(_ record: GameRecord<ChessPosition>, result: String) -> String {
    var tags: [(name: String, value: String)] = [
      ("Event", "ZeroLab terminal game"), ("Site", "zerolab play chess"),
      ("Date", ChessTerminal.pgnDate(startDate)), ("Round", "-"),
      ("White", players.white), ("Black", players.black),
      ("Result", result),
    ]
    if record.start.fen != ChessPosition.startFEN {
      tags.append(("SetUp", "1"))
      tags.append(("FEN", record.start.fen))
    }
    return PGN.write(PGNGame(tags: tags, record: record, result: result))
  }

  /// The board and a status line: the last move, and check while the game goes on (a mate or
  /// another end is announced by the result line instead). The side to move is named once, by
  /// the prompt or by the engine's move.
  public func show(_ record: GameRecord<ChessPosition>, flipped: Bool) -> [String] {
    var board = view
    if flipped { board.flipped.toggle() }
    var lines = [board.render(record.position, lastMove: record.moves.last)]
    var status: [String] = []
    if let m = record.moves.last {
      var p = record.start
      for x in record.moves.dropLast() { p.play(x) }
      status.append("last move: \(p.san(m))")
    }
    if record.status == nil && record.position.isInCheck { status.append("\(record.position.sideToMove) is in check") }
    if !status.isEmpty { lines.append(status.joined(separator: "   ")) }
    return lines
  }

  public func moveText(_ move: Move, in position: ChessPosition) -> String { position.san(move) }

  public func describe(report: String, side: Side) -> String { ChessTerminal.describe(info: report, side: side) }

  public func failure(of player: any Player<ChessPosition>) -> String {
    (player as? ChessEnginePlayer)?.lastError ?? "no move"
  }

  /// Checkmate, stalemate or a draw by rule: `1-0 (checkmate)`.
  public func end(of record: GameRecord<ChessPosition>) -> (outcome: Outcome, line: String)? {
    record.status.map { ($0.outcome, "\($0.outcome.resultToken) (\($0))") }
  }

  public func hint(for record: GameRecord<ChessPosition>) -> [String] {
    guard let hintEngine else { return ["no hint engine in this game"] }
    guard let m = hintEngine.bestMove(record, limits: SearchLimits(moveTime: moveTime)) else { return [] }
    let side = record.position.sideToMove
    let info = hintEngine.lastInfo.map { "  (\(ChessTerminal.describe(info: $0, side: side)))" } ?? ""
    return ["Hint: \(record.position.san(m))\(info)"]
  }

  /// `pgn FILE`: the game so far as PGN, written atomically.
  public func command(_ words: [String], record: GameRecord<ChessPosition>) -> [String]? {
    guard words.first?.lowercased() == "pgn" else { return nil }
    guard words.count == 2 else { return ["usage: pgn FILE"] }
    do {
      try RunFiles.write(Data(pgn(record, result: "*").utf8), to: words[1])
      return ["Saved \(record.moves.count) plies to \(words[1])"]
    } catch {
      return ["cannot write \(words[1])"]
    }
  }

  /// Keeps the PGN so far in `snapshot` (and its file).
  public func recorded(_ record: GameRecord<ChessPosition>, result: String) -> String? {
    snapshot.update(pgn(record, result: result))
  }

  /// The PGN.
  public func closing(_ record: GameRecord<ChessPosition>, result: String, finished: Bool) -> [String] {
    [pgn(record, result: result)]
  }

  /// An engine's search summary (`depth 9 score cp 31 nodes 120000`, the score for `side`, the
  /// side that searched) with the score's point of view named: `depth 9, +0.31 for White,
  /// 120000 nodes`; mates read `White mates in 3`.
  public static func describe(info: String, side: Side) -> String {
    let t = info.split(separator: " ").map(String.init)
    var parts: [String] = []
    var i = 0
    while i < t.count {
      switch t[i] {
      case "depth" where i + 1 < t.count:
        parts.append("depth \(t[i + 1])")
        i += 2
      case "nodes" where i + 1 < t.count:
        parts.append("\(t[i + 1]) nodes")
        i += 2
      case "score" where i + 2 < t.count:
        if t[i + 1] == "cp", let cp = Int(t[i + 2]) {
          let whole = abs(cp) / 100, hundredths = abs(cp) % 100
          parts.append("\(cp < 0 ? "-" : "+")\(whole).\(hundredths < 10 ? "0" : "")\(hundredths) for \(side)")
        } else if t[i + 1] == "mate", let n = Int(t[i + 2]) {
          parts.append(n > 0 ? "\(side) mates in \(n)" : n < 0 ? "\(side.opponent) mates in \(-n)" : "\(side) is mated")
        } else {
          parts.append("score \(t[i + 1]) \(t[i + 2]) for \(side)")
        }
        i += 3
      default:
        parts.append(t[i])
        i += 1
      }
    }
    return parts.joined(separator: ", ")
  }
}
