import ArgumentParser
import Chess
import ChessArena
import Engines
import Foundation
import GameCore
import LabKit
import NNUE
import NNUELab

struct NNUEMatch: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "match",
    abstract: "Play games K..L of an arena match between two evaluations; write their score.",
    discussion: """
      A and B are each handcrafted or an NNUE file. Game i of the match starts from opening i/2 \
      of --openings (the start position without it), A white when i is even; the engines start \
      every game afresh, so with --nodes and a clock that never runs short a game depends on i \
      alone, and a match played in parts scores what it scores played whole. The score goes to \
      OUT as JSON, written whole: a part of the arena of 'zerolab nnue loop', which plays its \
      matches this way and hands them to zerolab-cluster nnue-loop with --delegate.

      Examples:
        zerolab nnue match engines/zerolab-nnue.nnue handcrafted --games 0..1 \\
          --nodes 500 --tc 60+1 --out part.json
        zerolab nnue match engines/zerolab-nnue.nnue handcrafted --games 4..5 \\
          --nodes 500 --tc 60+1 --openings engines/openings.epd --out p2.json
      """)

  @Argument(help: "Evaluation A (the one the score is for): handcrafted or an NNUE file.") var a: String
  @Argument(help: "Evaluation B: handcrafted or an NNUE file.") var b: String
  @Option(help: "The games of the match to play: K or K..L, 0 the first.") var games: String
  @Option(help: "Nodes per move. (default: the clock alone decides)") var nodes: Int?
  @Option(help: "Time control BASE+INC in seconds.") var tc: String = "2+0.02"
  @Option(help: "EPD/FEN file of openings. (default: the start position)") var openings: String?
  @Option(help: "Write the score here (JSON).") var out: String

  func validate() throws {
    guard let r = NNUEGen.shardRange(games), r.upperBound < 100_000 else {
      throw ValidationError("--games must be K or K..L with 0 <= K <= L < 100000, not '\(games)'")
    }
    if let nodes, nodes < 1 { throw ValidationError("--nodes must be at least 1") }
  }

  func run() throws {
    let range = NNUEGen.shardRange(games)!
    let control: TimeControl
    do throws(NotationError) { control = try TimeControl(parsing: tc) } catch {
      throw ValidationError(error.message)
    }
    for e in [a, b] where e != "handcrafted" {
      guard FileManager.default.isReadableFile(atPath: e) else { throw RuntimeError("no such net: \(e)") }
    }
    let part: ArenaPart
    let positions: [ChessPosition]
    do throws(EngineError) { positions = try EngineMatches.openings(openings) } catch {
      throw RuntimeError(error.message)
    }
    do {
      let count = range.count
      let start = ContinuousClock.now
      part = try ArenaPart.play(
        a, b, games: range.lowerBound..<(range.upperBound + 1), nodes: nodes, timeControl: control,
        openings: positions
      ) { s, n in
        let t = toSeconds(ContinuousClock.now - start)
        Terminal.progress(
          "match: \(n)/\(count) games, \(s.summary), ETA \(etaText(done: Double(n), total: Double(count), elapsed: t))")
      }
      try RunFiles.writeJSON(part, to: out)
    } catch {
      Terminal.endProgress()
      throw RuntimeError("\(error)")
    }
    Terminal.endProgress()
    print("games \(range.lowerBound)..\(range.upperBound) of \(a) vs \(b): \(part.score.summary)")
    print("score: \(out)")
  }
}
