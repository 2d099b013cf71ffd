import AlphaZero
import ArgumentParser
import ChessZero
import Foundation
import LabKit
import NeuralCore

struct SelfPlayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "selfplay",
    abstract: "Play games K..L of a learning run's iteration from its job file; write their samples.",
    discussion: """
      JOB is the job.json that 'zerolab train ... --delegate' leaves in \
      OUT/selfplay/iteration-<n>/ (the run's configuration, every game's seeds, the \
      resignation threshold), next to the network.safetensors that plays. The games are played \
      at once, as the learner plays an iteration's games, each from its own seeds, so a game is \
      the same played here, with any other games, or in the learner. Their samples and \
      outcomes go to OUT as JSON, written whole: a part of the iteration, which the learner \
      reads back when it is rerun (zerolab-cluster train plays the parts on a Ray cluster).

      Examples:
        zerolab train hexapawn --out runs/h --iterations 1 --games 8 --delegate
        zerolab selfplay runs/h/selfplay/iteration-1/job.json --games 0..3 \\
          --out runs/h/selfplay/iteration-1/part-0-3.json
      """)

  @Argument(help: "The job file (OUT/selfplay/iteration-<n>/job.json of a run).") var job: String
  @Option(help: "The games of the job to play: K or K..L, 0 the first.") var games: String
  @Option(help: "Write the games here (JSON).") var out: String

  func validate() throws {
    guard NNUEGen.shardRange(games) != nil else {
      throw ValidationError("--games must be K or K..L with 0 <= K <= L, not '\(games)'")
    }
  }

  func run() throws {
    let r = NNUEGen.shardRange(games)!
    let range = r.lowerBound..<(r.upperBound + 1)
    do {
      guard let job = try RunFiles.readJSON(SelfPlayJob.self, from: job) else {
        throw RuntimeError("no such job file: \(self.job)")
      }
      let network = (self.job as NSString).deletingLastPathComponent + "/network.safetensors"
      let part: SelfPlayPart
      switch job.game {
      case "hexapawn": part = try play(job, range, learner: try HexapawnLearner(config: job.config), network: network)
      case "chess":
        part = try play(job, range, learner: try ChessRuns.newLearner(job.config, from: nil), network: network)
      default: throw RuntimeError("\(self.job): a job of an unknown game, \(job.game)")
      }
      try RunFiles.writeJSON(part, to: out)
      let samples = part.games.reduce(0) { $0 + $1.samples.count }
      print("games \(r.lowerBound)..\(r.upperBound) of iteration \(job.iteration): \(samples) samples")
      print("games: \(out)")
    } catch let e as RuntimeError {
      throw e
    } catch {
      Terminal.endProgress()
      throw RuntimeError("\(error)")
    }
  }

  func play<E: GameEncoding>(
    _ job: SelfPlayJob, _ range: Range<Int>, learner: Learner<E>, network: String
  ) throws
    -> SelfPlayPart
  {
    let start = ContinuousClock.now
    learner.gameFinished = { done, count in
      let t = toSeconds(ContinuousClock.now - start)
      Terminal.progress(
        "selfplay: \(done)/\(count) games, ETA \(etaText(done: Double(done), total: Double(count), elapsed: t))")
    }
    defer { Terminal.endProgress() }
    return try job.play(range, learner: learner, network: network)
  }
}
