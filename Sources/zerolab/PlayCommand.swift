import ArgumentParser
import Chess
import ChessArena
import GameCore
import Hexapawn
import Play
import Search
import Zero

struct Play: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Play a game in the terminal: any player on either side, engine against engine to watch.",
    discussion: """
      Players:
      \(PlayerSpec.help)

      At a human's turn type a move in from-to notation (b1b2; a capture is a diagonal move
      such as a2b3) or a command: moves, undo, help, quit. End of input (Ctrl-D, or the end
      of a piped script) stops the game cleanly.

      Colour is used on a terminal; plain text when piped or when NO_COLOR is set.

      Examples:
        zerolab play hexapawn --size 3x3 --white human --black minimax
        zerolab play hexapawn --size 4x4 --white mcts:sims=3000 --black alphabeta:depth=12
        printf 'b1b2\\nmoves\\nquit\\n' | zerolab play hexapawn --black random
        zerolab play hexapawn --white human --black engines/hexapawn-3x3-zero.json

      Chess: moves in SAN (Nf3, O-O) or UCI (g1f3); commands moves, undo, flip, fen, pgn FILE,
      hint, help, quit. An ENGINE is a built-in name (zerolab: the shipped NNUE; zerolab-hce:
      the handcrafted evaluation) or a JSON file in engines/.
        zerolab play chess --white human --black zerolab --time 2
        zerolab play chess --white zerolab --black stockfish-1350 --time 0.5
      """)

  @Argument(help: "The game (hexapawn, chess).") var game: GameName
  @OptionGroup var board: BoardOptions
  @Option(help: "White's player (see above; chess: human or an ENGINE).") var white: String = "human"
  @Option(help: "Black's player (see above; chess default: zerolab).") var black: String?
  @Option(help: "Chess: engine thinking time per move, in seconds (default 1).") var time: Double?
  @Option(help: "Seed for every random choice of the engines.") var seed: UInt64 = 1
  @Flag(help: "Force plain output (no colour) even on a terminal.") var plain = false

  func makeSeat(_ text: String, seed: UInt64, size: BoardSize) throws -> Seat<HexapawnPosition> {
    if text.hasSuffix(".json") {
      do { return .engine(try EngineFile.player(text, size: size, seed: seed)) } catch {
        throw ValidationError(error.message)
      }
    }
    do {
      let spec = try PlayerSpec(parsing: text)
      if spec.name == "human" {
        try spec.check(known: [])
        return .human
      }
      return .engine(try PlayerFactory.make(spec, evaluator: HexapawnHeuristic(), seed: seed))
    } catch {
      throw ValidationError(error.message)
    }
  }

  func chessSeat(_ text: String) throws -> ChessSeat {
    if text == "human" { return .human }
    do throws(NotationError) {
      return .engine(try EngineSpec.resolve(text).makeEngine())
    } catch {
      throw ValidationError(error.message)
    }
  }

  func runChess() throws {
    let time = self.time ?? 1
    guard time > 0, time <= 3600 else { throw ValidationError("--time must be in (0, 3600] seconds") }
    var start = ChessPosition()
    if let fen = board.fen {
      do throws(NotationError) {
        start = try ChessPosition(fen: fen)
      } catch {
        throw ValidationError(error.message)
      }
    }
    let game = ChessTerminalGame(
      white: try chessSeat(white), black: try chessSeat(black ?? "zerolab"), moveTime: Int(time * 1000),
      view: ChessBoardView(color: Terminal.colorOutput && !plain),
      readLine: {
        let line = Swift.readLine(strippingNewline: true)
        if let line, !Terminal.inputIsTerminal { print(line) }
        return line
      },
      write: { s in s.hasSuffix("> ") ? Terminal.prompt(s) : print(s) })
    game.run(from: start)
    for seat in [game.white, game.black] { if case .engine(let e) = seat { e.close() } }
  }

  func validate() throws {
    if game == .chess && board.size != nil {
      throw ValidationError("--size is for Hexapawn boards; chess is played on 8x8 (start elsewhere with --fen)")
    }
    if game == .hexapawn && time != nil {
      throw ValidationError(
        "--time is for chess engines; Hexapawn players take settings in their name (mcts:sims=3000)")
    }
  }

  func run() throws {
    if game == .chess { return try runChess() }
    let start = try board.startPosition()
    let whiteSeat = try makeSeat(white, seed: seed, size: start.size)
    let blackSeat = try makeSeat(black ?? "minimax", seed: seed &+ 1, size: start.size)
    let view = HexapawnBoardView(color: Terminal.colorOutput && !plain)
    let game = TerminalGame<HexapawnPosition>(
      white: whiteSeat, black: blackSeat,
      readLine: {
        let line = Swift.readLine(strippingNewline: true)
        // Echo scripted input so a piped transcript reads like a session.
        if let line, !Terminal.inputIsTerminal { print(line) }
        return line
      },
      write: { s in s.hasSuffix("> ") ? Terminal.prompt(s) : print(s) },
      render: { view.render($0, lastMove: $1) })
    print("Hexapawn \(start.size)")
    _ = game.run(from: start)
  }
}
