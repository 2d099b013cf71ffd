import GameCore

/// Who sits on one side of a terminal game.
public enum Seat<G: GameState> {
  /// Moves typed at the terminal.
  case human
  /// An engine (a chess engine through `ChessEnginePlayer`).
  case engine(any Player<G>)

  /// `human`, or the engine's name.
  public var label: String {
    switch self {
    case .human: return "human"
    case .engine(let p): return p.name
    }
  }
}

/// What one game brings to the terminal loop `TerminalGame`: how the board looks, how moves and
/// engine reports read, the hint, the game's own commands (chess: `pgn FILE`), and what is kept
/// after every change (chess: the PGN so far). `HexapawnTerminal` and `ChessTerminal` are the two.
public protocol TerminalRules<Game>: AnyObject {
  associatedtype Game: TextualPosition
  /// The `help` command's text.
  var helpText: String { get }
  /// What the game calls its plies in `Game stopped after 3 moves.` (`moves`, `plies`).
  var pliesWord: String { get }
  /// The game starts between these seats (called once, before the first board).
  func gameStarts(white: Seat<Game>, black: Seat<Game>)
  /// The lines that show the game after a change: the board (from Black's side when `flipped`)
  /// and what goes with it (the last move, a check).
  func show(_ record: GameRecord<Game>, flipped: Bool) -> [String]
  /// `move`, legal in `position`, in the game's notation for people.
  func moveText(_ move: Game.Move, in position: Game) -> String
  /// An engine's report on its decision (`Player.lastReport`) in words, naming `side`, the side
  /// it moved for.
  func describe(report: String, side: Side) -> String
  /// Why `player` chose no legal move (a chess engine that crashed or timed out).
  func failure(of player: any Player<Game>) -> String
  /// How the game has ended, with the line that announces it; `nil` while it goes on.
  func end(of record: GameRecord<Game>) -> (outcome: Outcome, line: String)?
  /// The `hint` command's lines.
  func hint(for record: GameRecord<Game>) -> [String]
  /// The lines answering one of the game's own commands (`words` is the line in words, the
  /// first the command), or `nil` if the first word is no command of the game.
  func command(_ words: [String], record: GameRecord<Game>) -> [String]?
  /// Called after every change of the game (and at its end, with its result token; `*` while it
  /// goes on or when it is abandoned). Returns a problem to report, if any.
  func recorded(_ record: GameRecord<Game>, result: String) -> String?
  /// The lines that close a game: after the result line of a game that ended (`finished`), or
  /// after the line saying it stopped.
  func closing(_ record: GameRecord<Game>, result: String, finished: Bool) -> [String]
}

/// A game at the terminal between any two seats, for any game whose `TerminalRules` it is given:
/// shows the board after every move, reads a human's moves and commands (`moves`, `undo`,
/// `hint`, `flip`, `fen`, `help`, `quit`, and the game's own), answers a bad line with a one-line
/// reason and asks again, and ends cleanly at end of input, so it can be scripted through a
/// pipe. Input and output are closures, so tests drive it directly.
public final class TerminalGame<G: TextualPosition> {
  public let white: Seat<G>
  public let black: Seat<G>
  /// What differs between games.
  public let rules: any TerminalRules<G>
  /// `true`: the board is drawn from Black's side (`flip` toggles it).
  public private(set) var flipped = false
  let readLine: () -> String?
  let write: (String) -> Void

  /// - Parameters:
  ///   - rules: the game's board, notation, hint and commands.
  ///   - readLine: the next input line, `nil` at end of input.
  ///   - write: prints text (each call is a whole line unless it is a prompt ending in a space).
  public init(
    white: Seat<G>, black: Seat<G>, rules: any TerminalRules<G>, readLine: @escaping () -> String?,
    write: @escaping (String) -> Void
  ) {
    self.white = white
    self.black = black
    self.rules = rules
    self.readLine = readLine
    self.write = write
  }

  func seat(_ side: Side) -> Seat<G> { side == .white ? white : black }

  func isHuman(_ side: Side) -> Bool {
    if case .human = seat(side) { return true }
    return false
  }

  var engines: [any Player<G>] {
    var players: [any Player<G>] = []
    for s in [white, black] { if case .engine(let p) = s { players.append(p) } }
    return players
  }

  /// Plays from `start` until the game ends or is abandoned; returns the game and its result
  /// (`nil` when abandoned: `quit` or end of input).
  @discardableResult
  public func run(from start: G) -> (record: GameRecord<G>, result: Outcome?) {
    var record = GameRecord(start: start)
    var reportedProblem = false
    /// Tells the rules about the game; the first problem they report is shown.
    func recorded(_ result: String) {
      if let problem = rules.recorded(record, result: result), !reportedProblem {
        reportedProblem = true
        write(problem)
      }
    }
    func show() { for line in rules.show(record, flipped: flipped) { write(line) } }
    /// Ends the game with `line` and the rules' closing lines.
    func finish(_ line: String, result: Outcome?, finished: Bool) -> (record: GameRecord<G>, result: Outcome?) {
      let token = result?.resultToken ?? "*"
      write(line)
      for l in rules.closing(record, result: token, finished: finished) { write(l) }
      recorded(token)
      return (record, result)
    }

    for p in engines { p.reset() }
    rules.gameStarts(white: white, black: black)
    write("White: \(white.label)   Black: \(black.label)")
    recorded("*")
    show()
    while true {
      if let end = rules.end(of: record) {
        return finish(end.line, result: end.outcome, finished: true)
      }
      let position = record.position
      let side = position.sideToMove
      let move: G.Move
      switch seat(side) {
      case .engine(let player):
        move = player.chooseMove(in: position)
        guard position.isLegal(move) else {
          let result = Outcome.win(side.opponent)
          let reason = rules.failure(of: player)
          return finish("\(player.name) failed: \(reason); \(result.resultToken)", result: result, finished: true)
        }
        let report = player.lastReport.map { "  (\(rules.describe(report: $0, side: side)))" } ?? ""
        write("\(side) plays \(rules.moveText(move, in: position))\(report)")
      case .human:
        write("\(side) to move> ")
        guard let raw = readLine() else {
          write("")
          return finish(
            "End of input: game abandoned after \(record.moves.count) \(rules.pliesWord).", result: nil,
            finished: false)
        }
        let line = raw.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let words = line.split(separator: " ").map(String.init)
        switch words.first?.lowercased() ?? "" {
        case "":
          continue
        case "help", "?":
          write(rules.helpText)
        case "quit", "exit", "resign":
          return finish(
            "Game stopped after \(record.moves.count) \(rules.pliesWord).", result: nil, finished: false)
        case "moves":
          write("Legal moves: " + position.legalMoves.map { rules.moveText($0, in: position) }.joined(separator: " "))
        case "hint":
          for l in rules.hint(for: record) { write(l) }
        case "flip":
          flipped.toggle()
          show()
        case "fen":
          write(position.fen)
        case "undo":
          // Take back moves until a human is to move again (at least one move); the engines
          // start the game again and are shown the moves that stay.
          guard !record.moves.isEmpty else {
            write("nothing to undo")
            continue
          }
          repeat { record.undo() } while !record.moves.isEmpty && !isHuman(record.position.sideToMove)
          for p in engines {
            p.reset()
            var replay = GameRecord(start: record.start)
            for m in record.moves {
              p.observe(m, from: replay.position)
              replay.play(m)
            }
          }
          recorded("*")
          show()
        default:
          if let lines = rules.command(words, record: record) {
            for l in lines { write(l) }
            continue
          }
          do throws(NotationError) {
            let m = try position.parseMove(line)
            for p in engines { p.observe(m, from: position) }
            record.play(m)
            recorded("*")
            show()
          } catch {
            write(error.message)
          }
        }
        continue
      }
      for p in engines { p.observe(move, from: position) }
      record.play(move)
      recorded("*")
      show()
    }
  }
}
