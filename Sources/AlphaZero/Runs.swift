import Foundation
import GameCore
import Hexapawn
import LabKit
import NeuralCore

/// Driving learning runs: self-play with checkpoints and resume, supervised training, and the
/// supervised-vs-self-play comparison with its report.
public enum Runs {
  /// A progress line (iteration, games, loss, rate) for the caller to show.
  public typealias Progress = (String) -> Void

  /// Self-play training into `dir`: `checkpoint/` (resumable), `metrics.jsonl` (one line per
  /// iteration) and the final `network.safetensors`. Stops after `iterations` iterations or
  /// `budget` seconds of training time, whichever comes first, or, with `hold`, once the
  /// optimal-move accuracy has held 100 % for `hold` seconds. With `resume`, a run continues
  /// from its checkpoint (saying where through `announce`) or starts when it has none yet;
  /// under an iteration budget a resumed run ends exactly as an uninterrupted one (the
  /// checkpoint keeps the network, Adam's state, the replay window and the generator). The
  /// measurements returned are all of the run's, the earlier ones read from its metrics.
  @discardableResult
  public static func selfPlay(
    config: ZeroConfig, dir: String, iterations: Int?, budget: Double?, resume: Bool, board: SolvedBoard? = nil,
    method: String = "selfplay", hold: Double? = nil, progress: Progress? = nil, announce: Progress? = nil,
    delegate: ((SelfPlayWork) throws -> Void)? = nil
  ) throws -> (learner: HexapawnLearner, measurements: [MetricsRecord]) {
    let start = ContinuousClock.now
    let (learner, prior, log, measured, board) = try open(
      config: config, dir: dir, method: method, resume: resume, board: board, progress: progress, announce: announce
    ) { learner, prior in
      "after iteration \(learner.iteration) (\(learner.gamesPlayed) games, \(String(format: "%.0f", prior)) s of training)"
    }
    let out = try selfPlayLoop(
      learner, prior: prior, start: start, log: log, measurements: measured, dir: dir, method: method,
      iterations: iterations, budget: budget, stop: { ms in hold.map { heldPerfect(ms, for: $0) } ?? false },
      measure: { learner, wall in learner.measure(board: board, method: method, wallSeconds: wall) },
      describe: { m in "optimal moves \(String(format: "%.1f", 100 * m.optimalMoveAccuracy))%" }, progress: progress,
      delegate: delegate)
    return (learner, out)
  }

  /// The self-play loop of a run of any game, opened by `openRun`: iterations until
  /// `iterations` are done, `budget` seconds of training time (counted from `start`, after the
  /// `prior` seconds trained before a resume) are spent, or `stop` says so; after each
  /// iteration a measurement appended to `log`, a checkpoint (`dir/checkpoint`) and a progress line
  /// (`describe` says what the measurement shows); at the end the network in
  /// `dir/network.safetensors`. Returns every measurement of the run.
  /// With `delegate`, the loop plays no games: each iteration's games are played in parts of
  /// `SelfPlayJob.partGames` elsewhere (`SelfPlayJob`, `dir/selfplay/iteration-<n>/`); while
  /// parts are missing the loop hands the job to `delegate` and returns, and once they are all
  /// there it records them in order and goes on as if it had played them.
  public static func selfPlayLoop<E: GameEncoding, R: RunRecord>(
    _ learner: Learner<E>, prior: Double, start: ContinuousClock.Instant, log: RunLog<R>, measurements: [R],
    dir: String, method: String, iterations: Int?, budget: Double?, stop: ([R]) -> Bool = { _ in false },
    measure: (Learner<E>, Double) throws -> R, describe: (R) -> String, progress: Progress?,
    delegate: ((SelfPlayWork) throws -> Void)? = nil
  ) throws -> [R] {
    let clock = ContinuousClock()
    var out = measurements
    func elapsed() -> Double { prior + seconds(clock.now - start) }
    while true {
      if let iterations, learner.iteration >= iterations { break }
      if let budget, elapsed() >= budget { break }
      if stop(out) { break }
      let t0 = clock.now
      let games = learner.config.gamesPerIteration, next = learner.iteration + 1
      progress?("iteration \(next): playing \(games) games")
      learner.gameFinished = { done, _ in
        let rate = Double(done) / max(seconds(clock.now - t0), 1e-9)
        progress?(
          "iteration \(next): \(done) of \(games) games, \(String(format: "%.1f", rate)) games/s, "
            + "about \(String(format: "%.0f", Double(games - done) / max(rate, 1e-9))) s to go")
      }
      defer { learner.gameFinished = nil }
      var played: String?
      if let delegate {
        let seeds = learner.selfPlaySeeds(games)
        let job = SelfPlayJob(
          game: learner.encoding.game, config: learner.config, iteration: next, seeds: seeds,
          resignThreshold: learner.resignThreshold)
        let (games, work) = try job.collect(dir: dir)
        guard let games else {
          try job.write(dir: dir, network: learner.best ?? learner.network)
          try delegate(work)
          return out
        }
        learner.finishIteration(learner.record(games))
        played = dir + "/" + job.folder
      } else {
        learner.selfPlayIteration()
      }
      let wall = elapsed()
      let m = try measure(learner, wall)
      try log.append(m)
      out.append(m)
      try learner.save(to: dir + "/checkpoint", wallSeconds: wall)
      if let played {
        try? FileManager.default.removeItem(atPath: played)
        rmdir(dir + "/selfplay")  // once empty
      }
      let rate = Double(learner.config.gamesPerIteration) / max(seconds(clock.now - t0), 1e-9)
      progress?(
        "iteration \(learner.iteration), \(learner.gamesPlayed) games, loss \(String(format: "%.3f", learner.lastLoss)), "
          + "\(describe(m)), \(String(format: "%.1f", rate)) games/s, \(String(format: "%.0f", wall)) s")
    }
    let spec = learner.network.spec
    try Checkpoint.save(
      &learner.network, spec: spec, metadata: ["zerolab.run": method], to: dir + "/network.safetensors")
    return out
  }

  /// Opens the run of `method` in `dir` for any game: from its checkpoint with `resume` (the
  /// measurements so far read back from `metrics.jsonl`, cut at the checkpoint's iteration,
  /// and `announce` told "resuming DIR " and `resumed`'s words), else `create`'s new learner
  /// (refused when `dir` already holds a checkpoint) and a new log. Then `prepare` (what must
  /// be refused before the folder is made), the folder, and `measure`'s measurement of
  /// iteration 0 for a new run. Returns the learner, the training seconds before the resume,
  /// the log and the measurements.
  public static func openRun<E: GameEncoding, R: RunRecord>(
    dir: String, method: String, resume: Bool, create: () throws -> Learner<E>,
    load: (String) throws -> (Learner<E>, wallSeconds: Double), prepare: (Learner<E>) throws -> Void = { _ in },
    measure: (Learner<E>, Double) throws -> R, announce: Progress?, resumed: (Learner<E>, Double) -> String
  ) throws -> (learner: Learner<E>, prior: Double, log: RunLog<R>, measurements: [R]) {
    let fm = FileManager.default
    let checkpoint = dir + "/checkpoint"
    let log = RunLog<R>(path: dir + "/metrics.jsonl")
    let learner: Learner<E>
    var prior = 0.0
    var out: [R] = []
    if resume && Learner<E>.hasCheckpoint(checkpoint) {
      (learner, prior) = try load(checkpoint)
      out = try log.truncate(method: method, after: learner.iteration)
      announce?("resuming \(dir) " + resumed(learner, prior))
    } else {
      if Learner<E>.hasCheckpoint(checkpoint) {
        throw NeuralError("\(dir) already holds a run: resume it, or use another run folder")
      }
      learner = try create()
      try? fm.removeItem(atPath: log.path)
    }
    try prepare(learner)
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    if learner.iteration == 0 {
      let m = try measure(learner, 0)
      try log.append(m)
      out.append(m)
    }
    return (learner, prior, log, out)
  }

  /// Opens a Hexapawn run (`openRun`) with its board, labelled here when not given: the
  /// labelling counts toward the budget, and a board too large for it is refused before the
  /// folder is made. Returns the learner, the training seconds before the resume, the log,
  /// the measurements and the board.
  static func open(
    config: ZeroConfig, dir: String, method: String, resume: Bool, board: SolvedBoard?, progress: Progress?,
    announce: Progress?, resumed: (HexapawnLearner, Double) -> String
  ) throws -> (HexapawnLearner, Double, MetricsLog, [MetricsRecord], SolvedBoard) {
    var solved = board
    let (learner, prior, log, out) = try openRun(
      dir: dir, method: method, resume: resume, create: { try HexapawnLearner(config: config) },
      load: { try HexapawnLearner.load(from: $0) },
      prepare: { learner in solved = try solved ?? SolvedBoard(size: learner.size, progress: progress) },
      measure: { learner, wall in learner.measure(board: solved!, method: method, wallSeconds: wall) },
      announce: announce, resumed: resumed)
    return (learner, prior, log, out, solved!)
  }

  /// Whether the optimal-move accuracy has been 100 % at every measurement of the last `hold`
  /// seconds (measured from the first of them to the last).
  public static func heldPerfect(_ ms: [MetricsRecord], for hold: Double) -> Bool {
    guard let last = ms.last, last.optimalMoveAccuracy >= 1 else { return false }
    let streak = ms.reversed().prefix { $0.optimalMoveAccuracy >= 1 }
    return last.wallSeconds - streak.last!.wallSeconds >= hold
  }

  /// Supervised training on every solver-labelled position, measured every `trainSteps`
  /// steps, until `budget` seconds (or `steps` gradient steps) are spent, or, with `hold`,
  /// once the optimal-move accuracy has held 100 % for `hold` seconds. Each measurement is
  /// followed by a checkpoint (`dir/checkpoint`, as self-play's); with `resume` the run
  /// continues from it, or starts when there is none, and under a step budget ends exactly as
  /// an uninterrupted run.
  @discardableResult
  public static func supervised(
    config: ZeroConfig, dir: String, steps: Int?, budget: Double?, board: SolvedBoard? = nil, hold: Double? = nil,
    resume: Bool = false, progress: Progress? = nil, announce: Progress? = nil
  ) throws -> (learner: HexapawnLearner, measurements: [MetricsRecord]) {
    let start = ContinuousClock.now
    let (learner, prior, log, measured, board) = try open(
      config: config, dir: dir, method: "supervised", resume: resume, board: board, progress: progress,
      announce: announce
    ) { learner, prior in
      "after measurement \(learner.iteration) (\(String(format: "%.0f", prior)) s of training)"
    }
    let out = try supervisedLoop(
      learner, prior: prior, start: start, log: log, measurements: measured, dir: dir, method: "supervised",
      data: learner.supervisedDataset(board), steps: steps, budget: budget,
      stop: { ms in hold.map { heldPerfect(ms, for: $0) } ?? false },
      measure: { learner, wall in learner.measure(board: board, method: "supervised", wallSeconds: wall) },
      describe: { m in "optimal moves \(String(format: "%.1f", 100 * m.optimalMoveAccuracy))%" }, progress: progress)
    return (learner, out)
  }

  /// The supervised loop of a run of any game, opened by `openRun`: `trainSteps` gradient
  /// steps on `data` at a time, each followed by a measurement appended to `log`, a checkpoint
  /// (`dir/checkpoint`) and a progress line (steps, loss, `describe`'s words, positions per
  /// second and the time to go), until `steps` steps are done, `budget` seconds of training
  /// time (counted from `start`, after the `prior` seconds trained before a resume) are spent,
  /// or `stop` says so; at the end the network in `dir/network.safetensors`. Under a step
  /// budget a resumed run ends exactly as an uninterrupted one. Returns every measurement.
  public static func supervisedLoop<E: GameEncoding, R: RunRecord, Examples: TrainingSet>(
    _ learner: Learner<E>, prior: Double, start: ContinuousClock.Instant, log: RunLog<R>, measurements: [R],
    dir: String, method: String, data: Examples, steps: Int?, budget: Double?, stop: ([R]) -> Bool = { _ in false },
    measure: (Learner<E>, Double) throws -> R, describe: (R) -> String, progress: Progress?
  ) throws -> [R] {
    let clock = ContinuousClock()
    var out = measurements
    func elapsed() -> Double { prior + seconds(clock.now - start) }
    let chunk = learner.config.trainSteps
    var done = learner.iteration * chunk
    while true {
      if let steps, done >= steps { break }
      if let budget, elapsed() >= budget { break }
      if stop(out) { break }
      let t0 = clock.now
      learner.train(steps: chunk, from: data)
      done += chunk
      learner.iteration += 1
      let wall = elapsed()
      let m = try measure(learner, wall)
      try log.append(m)
      out.append(m)
      try learner.save(to: dir + "/checkpoint", wallSeconds: wall)
      let rate = Double(chunk * min(learner.config.batchSize, data.count)) / max(seconds(clock.now - t0), 1e-9)
      var line =
        "step \(done), loss \(String(format: "%.3f", learner.lastLoss)), \(describe(m)), "
        + "\(String(format: "%.0f", rate)) positions/s, \(String(format: "%.0f", wall)) s"
      let togo = [
        steps.map { Double($0 - done) * Double(min(learner.config.batchSize, data.count)) / max(rate, 1e-9) },
        budget.map { $0 - wall },
      ].compactMap { $0 }.min()
      if let togo, togo > 0 { line += ", about \(String(format: "%.0f", togo)) s to go" }
      progress?(line)
    }
    let spec = learner.network.spec
    try Checkpoint.save(
      &learner.network, spec: spec, metadata: ["zerolab.run": method], to: dir + "/network.safetensors")
    return out
  }

  /// How long a comparison run keeps going once its optimal-move accuracy reaches 100 %: it
  /// stops after holding 100 % at every measurement for this many seconds (or at the budget).
  public static let defaultHold = 10.0

  /// The comparison: for every (initializer, activation) pair, a supervised run and a
  /// self-play run of at most `budget` seconds each (less once a run has held 100 % optimal
  /// moves for `hold` seconds), measured throughout from the untrained network on; writes
  /// `metrics.jsonl`, `best_possible.json`, `report.md` and SVG plots into `dir`; returns the
  /// report.
  ///
  /// With `iterations`, every run stops after that many measurements instead (supervised:
  /// `iterations · trainSteps` gradient steps; self-play: iterations), with no time budget
  /// and no hold, so the whole comparison depends on the seed alone. With `resume`, the
  /// runs already finished are read back and the others continue from their checkpoints.
  public static func compare(
    base: ZeroConfig, dir: String, budget: Double, inits: [String], activations: [String],
    hold: Double? = defaultHold, iterations: Int? = nil, resume: Bool = false, progress: Progress? = nil
  ) throws -> String {
    let fm = FileManager.default
    if !resume && fm.fileExists(atPath: dir + "/runs") {
      throw NeuralError("\(dir) already holds a comparison: resume it, or use another run folder")
    }
    let board = try SolvedBoard(size: try base.boardSize, progress: progress)
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let log = MetricsLog(path: dir + "/metrics.jsonl")
    if !resume { try? fm.removeItem(atPath: log.path) }
    let budget: Double? = iterations == nil ? budget : nil, hold = iterations == nil ? hold : nil
    let best = BestPossible(board: board, games: base.evalGames)
    try RunFiles.writeJSON(best, to: dir + "/best_possible.json")
    var all: [MetricsRecord] = []
    for i in inits {
      for a in activations {
        var config = base
        config.initializer = i
        config.activation = a
        let tag = "\(i)-\(a)"
        progress?("supervised, \(i), \(a)")
        let sup = try supervised(
          config: config, dir: dir + "/runs/supervised-\(tag)", steps: iterations.map { $0 * config.trainSteps },
          budget: budget, board: board, hold: hold, resume: resume, progress: progress)
        progress?("self-play, \(i), \(a)")
        let sp = try selfPlay(
          config: config, dir: dir + "/runs/selfplay-\(tag)", iterations: iterations, budget: budget, resume: resume,
          board: board, hold: hold, progress: progress)
        all += sup.measurements + sp.measurements
        // Rewritten whole (atomically) after each pair, so a resumed comparison never repeats a line.
        try log.rewrite(all)
      }
    }
    let chance = board.keepsValue.reduce(0.0) { $0 + Double($1.filter { $0 }.count) / Double($1.count) }
    var setting = Report.Setting(
      config: base, budget: budget ?? 0, hold: hold, positions: board.positions.count, best: best,
      chanceAccuracy: chance / Double(board.positions.count))
    setting.iterations = iterations
    let report = Report.markdown(all, setting)
    try RunFiles.write(Data(report.utf8), to: dir + "/report.md")
    try Report.plots(all, setting, dir: dir)
    return report
  }

  static func seconds(_ d: Duration) -> Double { d.inSeconds }
}
