import Chess
import ChessArena
import ChessEngine
import Foundation
import GameCore

/// Who plays one colour in a terminal chess game.
public enum ChessSeat {
  case human
  case engine(any ChessEngineHandle)

  public var label: String {
    switch self {
    case .human: return "human"
    case .engine(let e): return e.name
    }
  }
}

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

/// Terminal chess between any two seats: a Unicode board, moves in SAN or UCI, the commands
/// `moves`, `undo`, `flip`, `fen`, `pgn FILE`, `hint`, `help`, `quit`; a one-line error for a
/// bad line; the result and the PGN at the end. Input and output are closures, so tests drive
/// it without a terminal; end of input abandons the game cleanly.
public final class ChessTerminalGame {
  public let white: ChessSeat
  public let black: ChessSeat
  public var view: ChessBoardView
  /// Thinking time per engine move (and for `hint`), in milliseconds.
  public var moveTime: Int
  let readLine: () -> String?
  let write: (String) -> Void
  /// Hints come from the default evaluation (the shipped NNUE), or from the handcrafted one if
  /// that cannot be loaded (a handcrafted engine has nothing to load, so it cannot fail).
  lazy var hintEngine: BuiltinEngine = {
    if let e = try? BuiltinEngine(spec: EngineSpec(name: "hint", type: "builtin", options: ["Hash": "16"])) { return e }
    return try! BuiltinEngine(
      spec: EngineSpec(name: "hint", type: "builtin", options: ["Hash": "16", "EvalFile": "handcrafted"]))
  }()

  public init(
    white: ChessSeat, black: ChessSeat, moveTime: Int, view: ChessBoardView, readLine: @escaping () -> String?,
    write: @escaping (String) -> Void
  ) {
    self.white = white
    self.black = black
    self.moveTime = moveTime
    self.view = view
    self.readLine = readLine
    self.write = write
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
    """

  func seat(_ side: Side) -> ChessSeat { side == .white ? white : black }
  func isHuman(_ side: Side) -> Bool {
    if case .human = seat(side) { return true }
    return false
  }

  /// The game as PGN with `result`.
  public func pgn(_ record: Chess.GameRecord, result: String) -> String {
    var tags: [(name: String, value: String)] = [
      ("Event", "ZeroLab terminal game"), ("Site", "ZeroLab"), ("Date", "????.??.??"), ("Round", "-"),
      ("White", white.label), ("Black", black.label), ("Result", result),
    ]
    if record.start.fen != ChessPosition.startFEN {
      tags.append(("SetUp", "1"))
      tags.append(("FEN", record.start.fen))
    }
    return PGN.write(PGNGame(tags: tags, record: record, result: result))
  }

  /// Plays from `start` until the game ends or is abandoned; returns the record and the
  /// result token (`*` when abandoned).
  @discardableResult
  public func run(from start: ChessPosition) -> (record: Chess.GameRecord, result: String) {
    var record = Chess.GameRecord(start: start)
    for s in [white, black] { if case .engine(let e) = s { try? e.newGame() } }
    write("White: \(white.label)   Black: \(black.label)")
    show(record)
    while true {
      if let end = record.status {
        let result = end.outcome.resultToken
        write("\(result) (\(end))")
        write(pgn(record, result: result))
        return (record, result)
      }
      let side = record.position.sideToMove
      switch seat(side) {
      case .engine(let engine):
        guard let m = engine.bestMove(record, limits: SearchLimits(moveTime: moveTime)) else {
          let result = Outcome.win(side.opponent).resultToken
          write("\(engine.name) failed: \(engine.lastError ?? "no move"); \(result)")
          write(pgn(record, result: result))
          return (record, result)
        }
        let report = engine.lastInfo.map { "  (\($0))" } ?? ""
        write("\(side) plays \(record.position.san(m))\(report)")
        record.play(m)
        show(record)
      case .human:
        write("\(side) to move> ")
        guard let raw = readLine() else {
          write("")
          write("End of input: game abandoned after \(record.moves.count) plies.")
          write(pgn(record, result: "*"))
          return (record, "*")
        }
        let line = raw.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let words = line.split(separator: " ").map(String.init)
        switch words.first?.lowercased() ?? "" {
        case "":
          continue
        case "help", "?":
          write(ChessTerminalGame.helpText)
        case "quit", "exit", "resign":
          write("Game stopped after \(record.moves.count) plies.")
          write(pgn(record, result: "*"))
          return (record, "*")
        case "moves":
          var list = MoveList<Move>(filler: .none)
          record.position.generateMoves(into: &list)
          write("Legal moves: " + list.map { record.position.san($0) }.joined(separator: " "))
        case "fen":
          write(record.position.fen)
        case "flip":
          view.flipped.toggle()
          show(record)
        case "hint":
          if let m = hintEngine.bestMove(record, limits: SearchLimits(moveTime: moveTime)) {
            write("Hint: \(record.position.san(m))" + (hintEngine.lastInfo.map { "  (\($0))" } ?? ""))
          }
        case "pgn":
          guard words.count == 2 else {
            write("usage: pgn FILE")
            continue
          }
          do {
            try pgn(record, result: "*").write(toFile: words[1], atomically: true, encoding: .utf8)
            write("Saved \(record.moves.count) plies to \(words[1])")
          } catch {
            write("cannot write \(words[1])")
          }
        case "undo":
          guard !record.moves.isEmpty else {
            write("nothing to undo")
            continue
          }
          repeat { record.undo() } while !record.moves.isEmpty && !isHuman(record.position.sideToMove)
          if !isHuman(record.position.sideToMove) {
            // Back at the start with an engine to move: it moves again.
          }
          show(record)
        default:
          guard words.count == 1 else {
            write("unknown command or move: \(line.prefix(40)) (type help)")
            continue
          }
          do throws(NotationError) {
            let m = try record.position.parseMove(line)
            record.play(m)
            show(record)
          } catch {
            write(error.message)
          }
        }
      }
    }
  }

  func show(_ record: Chess.GameRecord) {
    write(view.render(record.position, lastMove: record.moves.last))
    var status = "\(record.position.sideToMove) to move"
    if record.position.isInCheck { status += " (check)" }
    if let m = record.moves.last {
      var p = record.start
      for x in record.moves.dropLast() { p.play(x) }
      status += "   last move: \(p.san(m))"
    }
    write(status)
  }
}
