import ArgumentParser
import Chess
import ChessArena
import Engines
import Foundation
import GameCore

struct ArenaCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "arena",
    abstract: "Play a chess match between two engines and measure the Elo difference.",
    discussion: """
      An ENGINE is a built-in name (zerolab: the alpha-beta engine on the shipped NNUE; \
      zerolab-hce: on the handcrafted evaluation), a name in engines/ (stockfish-1350 for \
      engines/stockfish-1350.json), a path to such a JSON file, or a game-generic player: \
      random[:seed=N] or mcts[:sims=N,time=S,c=X,seed=N] (UCT with random rollouts, weak; \
      its simulations also stop at its share of the clock). Colours alternate and each \
      opening of the set is played twice, once with each colour. Games end by the rules, on \
      time, on an engine failure, or as a draw after 600 plies.

      Examples:
        zerolab arena zerolab stockfish-1350 --games 40 --tc 10+0.1 --pgn out.pgn
        zerolab arena zerolab zerolab-hce --games 200 --tc 2+0.05 --sprt 0,50
        zerolab arena mcts:sims=400 random --games 2 --tc 20+0.2
      """)

  @Argument(help: "Engine A (the one the score is for).") var engineA: String
  @Argument(help: "Engine B.") var engineB: String
  @Option(help: "Number of games.") var games: Int = 2
  @Option(help: "Time control BASE+INC in seconds.") var tc: String = "10+0.1"
  @Option(help: "EPD/FEN file of openings (default: engines/openings.epd, here or in the clone).") var openings: String?
  @Option(help: "Write the games to this PGN file.") var pgn: String?
  @Option(help: "Stop when the SPRT for elo0,elo1 decides (alpha = beta = 0.05).") var sprt: String?

  func validate() throws {
    guard (1...100_000).contains(games) else { throw ValidationError("--games must be 1...100000") }
  }

  func run() throws {
    let control: TimeControl
    let specA: EngineSpec, specB: EngineSpec
    var positions = [ChessPosition()]
    var sprtPair: (Double, Double)?
    do throws(NotationError) {
      control = try TimeControl(parsing: tc)
    } catch {
      throw ValidationError(error.message)
    }
    do throws(EngineError) {
      specA = try EngineSpec.resolve(engineA)
      specB = try EngineSpec.resolve(engineB)
    } catch {
      throw ValidationError(error.message)
    }
    if let path = openings ?? EngineMatches.defaultOpenings {
      guard let data = FileManager.default.contents(atPath: path) else { throw RuntimeError("cannot read \(path)") }
      do throws(NotationError) {
        positions = try readOpenings(String(decoding: data, as: UTF8.self), source: path)
      } catch {
        throw ValidationError(error.message)
      }
    }
    if let sprt {
      let parts = sprt.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
      guard parts.count == 2, let e0 = parts[0], let e1 = parts[1], e0 < e1 else {
        throw ValidationError("--sprt expects elo0,elo1 with elo0 < elo1, e.g. 0,10")
      }
      sprtPair = (e0, e1)
    }
    let a: any ChessEngineHandle, b: any ChessEngineHandle
    do throws(EngineError) {
      a = try specA.makeEngine(seed: 1)
      b = try specB.makeEngine(seed: 2)
    } catch {
      throw ValidationError(error.message)
    }
    defer {
      a.close()
      b.close()
    }
    print("Arena: \(a.name) vs \(b.name), \(games) games at \(control), \(positions.count) openings")
    let arena = Arena(a: a, b: b, timeControl: control, openings: positions)
    let verdict = arena.run(games: games, sprt: sprtPair) { game, score, played in
      let result = game.outcome.resultToken
      let white = game.whiteIsA ? a.name : b.name, black = game.whiteIsA ? b.name : a.name
      print("game \(played): \(white) - \(black) \(result) (\(game.termination), \(game.record.moves.count) plies)")
      print(
        String(
          format: "progress %d/%d  +%d =%d -%d  score %.1f%%", played, games, score.wins, score.draws,
          score.losses, score.score * 100))
      fflush(nil)
    }
    if let pgn {
      do {
        try arena.pgn().write(toFile: pgn, atomically: true, encoding: .utf8)
      } catch {
        throw ValidationError("cannot write \(pgn)")
      }
    }
    let s = arena.score
    print("Result \(a.name) vs \(b.name): \(s.summary)")
    print("Elo 95% interval \(s.eloIntervalText) over \(s.games) games" + (s.intervalCaveat.map { " (\($0))" } ?? ""))
    if let verdict { print(verdict) }
  }
}
