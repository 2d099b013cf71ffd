import ArgumentParser
import Chess
import ChessArena
import Dispatch
import Engines
import Foundation
import GameCore
import GameSearch
import Hexapawn
import TerminalPlay

struct Play: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Play a game in the terminal: any player on either side, engine against engine to watch.",
    discussion: """
      Hexapawn players:
      \(PlayerSpec.help)
      NAME                       an engine file of engines/ by name, e.g.
                                 hexapawn-4x4-zero (its board is the default size)
      NAME:int8                  the same engine on the int8 inference path

      At a human's turn in Hexapawn type a move in from-to notation (b1b2; a capture is a diagonal move such as a2b3) or a command: moves, undo, hint (the exact solver up to 16 squares, else one second of alpha-beta), flip, fen, help, quit. End of input (Ctrl-D, or the end of a piped script) stops the game cleanly.

      In chess, moves are in SAN (Nf3, O-O) or UCI (g1f3); the commands are moves, undo, flip, fen, pgn FILE, hint, help, quit. An ENGINE is a built-in name (zerolab: the shipped NNUE; zerolab-hce: the handcrafted evaluation), a name in engines/ (stockfish-1350), a path to an engine's JSON file, or a game-generic player: random[:seed=N] or mcts[:sims=N,time=S,c=X,reuse=true|false,seed=N] (UCT with random rollouts, weak; its simulations stop at --move-time too). Scores are in pawns and name the side they are for. With --pgn the game is saved after every move; Ctrl-C ends the game with exit status 130 and leaves the game so far in that file, or prints its PGN without --pgn.

      On a terminal, keys typed while an engine thinks are discarded at the prompt; piped input is read as it comes. Colour is used on a terminal; plain text when piped or when NO_COLOR is set.

      Examples:
        zerolab play hexapawn --size 3x3 --white human --black minimax
        zerolab play hexapawn --size 4x4 --white mcts:sims=3000 --black alphabeta
        printf 'b1b2\\nhint\\nflip\\nfen\\n' | zerolab play hexapawn --black random
        zerolab play hexapawn --white hexapawn-4x4-zero --black minimax
        zerolab play hexapawn --white hexapawn-4x4-zero:int8 --black minimax
        zerolab play hexapawn --white human --black hexapawn-3x3-zero
        zerolab play chess --white human --black zerolab --move-time 2
        zerolab play chess --black zerolab-hce --pgn game.pgn
        zerolab play chess --fen '6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1' --white zerolab
        zerolab play chess --fen 'k7/8/1K6/8/8/8/7Q/8 w - -' --white mcts:sims=2000
      """)

  @Argument(help: "The game (hexapawn, chess).") var game: GameName
  @OptionGroup var board: BoardOptions
  @Option(help: "White's player (see above; chess: human or an ENGINE).") var white: String = "human"
  @Option(help: "Black's player (see above; Hexapawn default: minimax, chess default: zerolab).") var black: String?
  @Option(help: "Chess: engine thinking time per move, in seconds (default 1).") var moveTime: Double?
  @Option(name: .customLong("time"), help: .hidden) var time: Double?
  @Option(help: "Chess: save the game as PGN to this file after every move, and on Ctrl-C.") var pgn: String?
  @Option(help: "Seed for every random choice of the engines.") var seed: UInt64 = 1
  @Flag(help: "Force plain output (no colour) even on a terminal.") var plain = false

  /// `--move-time`, or its older spelling `--time`.
  var thinkingTime: Double? { moveTime ?? time }
  /// The option the thinking time was given with, for errors.
  var thinkingOption: String { moveTime != nil || time == nil ? "--move-time" : "--time" }

  /// A chess seat: `human`, or an engine by name thinking `moveTime` milliseconds a move (a
  /// game-generic player's random choices seeded by `seed`).
  func chessSeat(_ text: String, moveTime: Int, seed: UInt64) throws -> Seat<ChessPosition> {
    if text == "human" { return .human }
    do throws(EngineError) {
      return .engine(
        ChessEnginePlayer(
          try EngineSpec.resolve(text).makeEngine(seed: seed), limits: SearchLimits(moveTime: moveTime)))
    } catch {
      throw ValidationError(error.message)
    }
  }

  func runChess() throws {
    let seconds = thinkingTime ?? 1
    guard seconds > 0, seconds <= 3600 else { throw ValidationError("\(thinkingOption) must be in (0, 3600] seconds") }
    var start = ChessPosition()
    if let fen = board.fen {
      do throws(NotationError) {
        start = try ChessPosition(fen: fen)
      } catch {
        throw ValidationError(error.message)
      }
    }
    let moveTime = Int(seconds * 1000)
    let rules = ChessTerminal(
      view: ChessBoardView(color: Terminal.colorOutput && !plain), moveTime: moveTime, pgnFile: pgn,
      hint: BuiltinEngine.adviser())
    let game = TerminalGame<ChessPosition>(
      white: try chessSeat(white, moveTime: moveTime, seed: seed),
      black: try chessSeat(black ?? "zerolab", moveTime: moveTime, seed: seed &+ 1),
      rules: rules, readLine: TerminalInput.nextLine,
      write: { s in s.hasSuffix("> ") ? TerminalInput.prompt(s) : print(s) })
    if let problem = rules.snapshot.update("") {
      throw RuntimeError(problem)
    }
    let interrupt = Play.onInterrupt(rules.snapshot)
    game.run(from: start)
    // The game is over and its PGN printed: Ctrl-C while the engines close just stops.
    interrupt.cancel()
    signal(SIGINT, SIG_DFL)
    for seat in [game.white, game.black] {
      if case .engine(let p) = seat, let e = p as? ChessEnginePlayer { e.engine.close() }
    }
  }

  /// On Ctrl-C (SIGINT) the game so far is not lost: it is written to the `--pgn` file, or its
  /// PGN is printed, and the program exits with status 130.
  static func onInterrupt(_ snapshot: GameSnapshot) -> any DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler {
      // Under the snapshot's lock, so no move's save runs alongside or after this one.
      snapshot.finish { pgn, problem in
        if let problem {
          Terminal.writeError("\nError: \(problem)\n")
        } else if let file = snapshot.file {
          print("\nInterrupted: the game so far is in \(file)")
        } else {
          print("\nInterrupted: the game so far:\n" + pgn)
        }
        fflush(nil)
        Foundation.exit(130)
      }
    }
    source.resume()
    return source
  }

  func validate() throws {
    if game == .chess && board.size != nil {
      throw ValidationError("--size is for Hexapawn boards; chess is played on 8x8 (start elsewhere with --fen)")
    }
    if game == .hexapawn && thinkingTime != nil {
      throw ValidationError(
        "\(thinkingOption) is for chess engines; Hexapawn players take settings in their name (mcts:sims=3000)")
    }
    if game == .hexapawn && pgn != nil {
      throw ValidationError("--pgn is for chess games; a Hexapawn game ends with its moves printed")
    }
  }

  func run() throws {
    if game == .chess { return try runChess() }
    let blackText = black ?? "minimax"
    let engineSize: BoardSize?
    do throws(EngineError) {
      let whiteSize = try HexapawnPlayers.boardSize(of: white)
      let blackSize = try HexapawnPlayers.boardSize(of: blackText)
      engineSize = whiteSize ?? blackSize
    } catch {
      throw ValidationError(error.message)
    }
    // Without --size or --fen, the board is the one an engine file was trained on.
    let start =
      board.size == nil && board.fen == nil && engineSize != nil
      ? HexapawnPosition(size: engineSize!) : try board.startPosition()
    let whiteSeat: Seat<HexapawnPosition>, blackSeat: Seat<HexapawnPosition>
    do throws(EngineError) {
      whiteSeat = try HexapawnPlayers.player(white, size: start.size, seed: seed).map { .engine($0) } ?? .human
      blackSeat = try HexapawnPlayers.player(blackText, size: start.size, seed: seed &+ 1).map { .engine($0) } ?? .human
    } catch {
      throw ValidationError(error.message)
    }
    let rules = HexapawnTerminal(
      view: HexapawnBoardView(color: Terminal.colorOutput && !plain), hint: HexapawnHint(size: start.size).suggest)
    let game = TerminalGame<HexapawnPosition>(
      white: whiteSeat, black: blackSeat, rules: rules, readLine: TerminalInput.nextLine,
      write: { s in s.hasSuffix("> ") ? TerminalInput.prompt(s) : print(s) })
    print("Hexapawn \(start.size)")
    game.run(from: start)
  }
}
