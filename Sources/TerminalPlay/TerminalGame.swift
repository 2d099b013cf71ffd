import GameCore

/// Who sits on one side of a terminal game.
public enum Seat<G: GameState> {
  /// Moves typed at the terminal.
  case human
  /// An engine.
  case engine(any Player<G>)

  public var label: String {
    switch self {
    case .human: return "human"
    case .engine(let p): return p.name
    }
  }
}

/// How a terminal game ended.
public struct GameRecord<G: GameState> {
  /// The starting position.
  public var start: G
  /// Moves played, in order.
  public var moves: [G.Move]
  /// The result, or `nil` if the game was abandoned (`quit` or end of input).
  public var outcome: Outcome?

  public init(start: G, moves: [G.Move], outcome: Outcome?) {
    self.start = start
    self.moves = moves
    self.outcome = outcome
  }

  /// `1. b1b2 a3b2 2. c1b2` (numbered from the start position's side to move).
  public var moveText: String {
    var out: [String] = []
    var p = start
    var number = 1
    for (i, m) in moves.enumerated() {
      if p.sideToMove == .white {
        out.append("\(number).")
      } else if i == 0 {
        out.append("\(number)...")
      }
      out.append(p.moveText(m))
      if p.sideToMove == .black { number += 1 }
      p.play(m)
    }
    return out.joined(separator: " ")
  }
}

/// A game at the terminal between any two seats: shows the board after every move, reads
/// a human's moves and commands (`moves`, `undo`, `hint`, `flip`, `fen`, `help`, `quit`),
/// answers a bad line with a one-line reason and asks again, and ends cleanly at end of input,
/// so it can be scripted through a pipe. Input and output are closures, so tests drive it
/// directly.
public final class TerminalGame<G: TextualPosition> {
  public let white: Seat<G>
  public let black: Seat<G>
  /// `true`: the board is drawn from Black's side (`flip` toggles it).
  public private(set) var flipped = false
  let readLine: () -> String?
  let write: (String) -> Void
  let render: (G, G.Move?, Bool) -> String
  let hint: ((G) -> String)?

  /// - Parameters:
  ///   - readLine: the next input line, `nil` at end of input.
  ///   - write: prints text (each call is a whole line unless it is a prompt ending in a space).
  ///   - render: draws a position, given the move that led to it and whether the board is
  ///     flipped (Black at the bottom).
  ///   - hint: the `hint` command's line for a position (the suggested move and what the engine
  ///     giving it thinks); `nil`: no hints.
  public init(
    white: Seat<G>, black: Seat<G>, readLine: @escaping () -> String?,
    write: @escaping (String) -> Void, render: @escaping (G, G.Move?, Bool) -> String,
    hint: ((G) -> String)? = nil
  ) {
    self.white = white
    self.black = black
    self.readLine = readLine
    self.write = write
    self.render = render
    self.hint = hint
  }

  func seat(_ side: Side) -> Seat<G> { side == .white ? white : black }

  public static var helpText: String {
    """
    Type a move in from-to notation (e.g. b1b2), or a command:
      moves   list the legal moves
      undo    take back your last move (and the engine's reply)
      hint    suggest a move (exact solver; alpha-beta for 1 s above 16 squares)
      flip    turn the board around
      fen     show the position as FEN-like text (what --fen accepts)
      help    show this help
      quit    stop the game
    \(TerminalInput.typeAheadNote)
    """
  }

  /// Plays from `start` until the game ends or is abandoned.
  public func run(from start: G) -> GameRecord<G> {
    var record = GameRecord(start: start, moves: [], outcome: nil)
    var history: [G] = [start]
    var position = start
    for s in [white, black] { if case .engine(let p) = s { p.reset() } }
    write("White: \(white.label)   Black: \(black.label)")
    write(render(position, nil, flipped))
    while true {
      if let o = position.outcome {
        record.outcome = o
        write("\(o)")
        write("Moves: \(record.moveText)")
        return record
      }
      let side = position.sideToMove
      let move: G.Move
      switch seat(side) {
      case .engine(let player):
        move = player.chooseMove(in: position)
        // Players report from the point of view of the side to move: the line says so.
        let report = player.lastReport.map { "  (\(side)'s view: \($0))" } ?? ""
        write("\(side) plays \(position.moveText(move))\(report)")
      case .human:
        var chosen: G.Move?
        while chosen == nil {
          write("\(side) to move> ")
          guard let raw = readLine() else {
            write("")
            write("End of input: game abandoned after \(record.moves.count) moves.")
            if !record.moves.isEmpty { write("Moves: \(record.moveText)") }
            return record
          }
          let line = raw.split(whereSeparator: \.isWhitespace).joined(separator: " ")
          switch line.lowercased() {
          case "":
            continue
          case "help", "?":
            write(TerminalGame.helpText)
          case "quit", "exit", "resign":
            write("Game stopped after \(record.moves.count) moves.")
            if !record.moves.isEmpty { write("Moves: \(record.moveText)") }
            return record
          case "moves":
            write("Legal moves: " + position.legalMoves.map { position.moveText($0) }.joined(separator: " "))
          case "hint":
            write(hint?(position) ?? "no hints in this game")
          case "flip":
            flipped.toggle()
            write(render(position, record.moves.last, flipped))
          case "fen":
            write(position.fen)
          case "undo":
            // Take back moves until a human is to move again (at least one move).
            guard !record.moves.isEmpty else {
              write("nothing to undo")
              continue
            }
            repeat {
              record.moves.removeLast()
              history.removeLast()
            } while !record.moves.isEmpty && !isHuman(history.last!.sideToMove)
            position = history.last!
            for s in [white, black] { if case .engine(let p) = s { p.reset() } }
            write(render(position, record.moves.last, flipped))
          default:
            do {
              chosen = try position.parseMove(line)
            } catch {
              write(error.message)
            }
          }
        }
        move = chosen!
      }
      for s in [white, black] { if case .engine(let p) = s { p.observe(move, from: position) } }
      position.play(move)
      history.append(position)
      record.moves.append(move)
      write(render(position, move, flipped))
    }
  }

  func isHuman(_ side: Side) -> Bool {
    if case .human = seat(side) { return true }
    return false
  }
}
