import Foundation
import GameCore
import GameSearch
import Hexapawn
import LabKit
import NeuralCore

/// Settings of a Hexapawn learning run (self-play or supervised), saved with its checkpoints.
public struct ZeroConfig: Codable, Sendable, Equatable {
  public var size: String = "3x3"
  public var blocks: Int = 2
  public var channels: Int = 32
  public var activation: String = "relu"
  public var initializer: String = "he_normal"
  public var learningRate: Float = 2e-3
  public var weightDecay: Float = 1e-4
  public var batchSize: Int = 64
  /// Self-play: games per iteration, simulations per move, search kind (`puct`, `gumbel`).
  public var gamesPerIteration: Int = 12
  public var simulations: Int = 32
  public var search: String = "gumbel"
  public var cPuct: Float = 1.5
  public var dirichletAlpha: Float = 0.6
  public var dirichletFraction: Float = 0.25
  /// Plies played at temperature 1 (sampled by visits); greedy afterwards.
  public var temperaturePlies: Int = 4
  /// A self-play game stopped after this many plies counts as a draw (none: played out).
  public var maxPlies: Int?
  /// Playout cap randomization (KataGo): the fraction of self-play moves searched with the
  /// full `simulations`, with root noise, which alone become training targets; the others get
  /// `fastSimulations` (default a quarter) without noise. None: every move is a full search.
  public var fullSearchFraction: Float?
  public var fastSimulations: Int?
  /// Resignation: the false-positive rate aimed at (AlphaGo Zero: 5 %), none: off. A side
  /// resigns when its search's value falls below a threshold chosen from games played out:
  /// the value below which only that fraction of the sides that went on to win or draw had
  /// fallen. A fraction `resignCheckFraction` of the games never resign, to measure it.
  public var resignFalsePositives: Float?
  public var resignCheckFraction: Float = 0.1
  /// Gating (AlphaGo Zero's evaluator): every `gateEvery` iterations the trained network plays
  /// `gateGames` games against the best so far and replaces it, for self-play, when it scores
  /// at least `gateThreshold`. None: self-play always uses the trained network.
  public var gateEvery: Int?
  public var gateGames: Int = 20
  public var gateThreshold: Float = 0.55
  /// Play an iteration's games this many at a time (each part a batch of its own), as a
  /// cluster plays them (`SelfPlayJob`), so that a run is the same on one machine and on a
  /// cluster. None: all at once, in the biggest batches (the network's evaluations of a
  /// position differ in their last bits with the batch, and so do the games).
  public var partGames: Int?
  /// Replay buffer window, in positions.
  public var window: Int = 20_000
  /// Gradient steps per iteration (self-play) or between measurements (supervised).
  public var trainSteps: Int = 40
  /// Add each position's mirror image to the data.
  public var mirror: Bool = true
  /// Games per colour in the score measurements, and the simulations of the "small search".
  public var evalGames: Int = 10
  public var evalSimulations: Int = 16
  public var seed: UInt64 = 1
  /// The initialisation and activation study's knobs beyond the initializer and activation
  /// (`NetworkRecipe`); none: every knob at its default.
  public var recipe: NetworkRecipe?
  /// The trunk in stages, each block's activation (`blocks` names; none: every block takes
  /// `activation`), squeeze-excitation's ratio, the value head's hidden units (none: the game's
  /// default) and the policy head's channels (none: 2).
  public var blockActivations: [String]?
  public var squeezeExcitation: Int?
  public var valueHidden: Int?
  public var policyChannels: Int?

  public init() {}

  /// Sets the architecture beyond blocks, channels and activation on `spec`.
  public func shape(_ spec: inout NetworkSpec) throws {
    if let names = blockActivations { spec.blockActivations = try names.map { try Activation(parsing: $0) } }
    spec.squeezeExcitation = squeezeExcitation
    if let n = valueHidden { spec.valueHidden = n }
    spec.policyChannels = policyChannels
  }

  public var boardSize: BoardSize { get throws { try BoardSize(parsing: size) } }

  /// The network spec for this configuration.
  public func networkSpec() throws -> NetworkSpec {
    let b = try boardSize
    let enc = HexapawnEncoding(size: b)
    var spec = NetworkSpec.policyValue(
      height: b.ranks, width: b.files, planes: HexapawnEncoding.planes, blocks: blocks, channels: channels,
      policySize: enc.policySize, activation: try Activation(parsing: activation), valueHidden: 32)
    spec.initialization = initializer
    try shape(&spec)
    return spec
  }
}

/// One training example: encoded planes, a policy target over the legal moves (as policy
/// indices and probabilities), and the value target for the side to move.
public struct Sample: Codable, Sendable, Equatable {
  public var planes: [Float]
  public var indices: [Int32]
  public var probabilities: [Float]
  public var value: Float

  public init(planes: [Float], indices: [Int32], probabilities: [Float], value: Float) {
    self.planes = planes
    self.indices = indices
    self.probabilities = probabilities
    self.value = value
  }
}

/// Training examples the learner draws minibatches from (`Learner.train(steps:from:)`): a
/// count, and example `i` written out on request. `[Sample]` is one (the replay buffer, the
/// Hexapawn solver's labels); a compact set keeps its positions small and encodes each one
/// when it is drawn, so a large data set needs no planes in memory.
public protocol TrainingSet {
  /// The examples.
  var count: Int { get }
  /// Writes example `i`'s input planes at `planes` (the encoding's `inputCount` floats), calls
  /// `policy(index, probability)` once for each of its legal moves (the policy mask; the
  /// probabilities are the policy target), and returns its value target in [−1, 1] for the
  /// side to move.
  func example(_ i: Int, planes: UnsafeMutablePointer<Float>, policy: (Int, Float) -> Void) -> Float
}

extension Array: TrainingSet where Element == Sample {
  @inlinable public func example(
    _ i: Int, planes: UnsafeMutablePointer<Float>, policy: (Int, Float) -> Void
  ) -> Float {
    let s = self[i]
    s.planes.withUnsafeBufferPointer { planes.update(from: $0.baseAddress!, count: $0.count) }
    for j in s.indices.indices { policy(Int(s.indices[j]), s.probabilities[j]) }
    return s.value
  }
}

/// An AlphaZero learner for any game with a `GameEncoding`: the network, its optimizer, the
/// replay buffer and the run's counters. `selfPlayIteration()` and `train(steps:from:)` advance
/// it; `save(to:)`/`load(from:)` make it resumable at any iteration boundary. The value target
/// trains a tanh head by squared error and a win/draw/loss head by cross-entropy against
/// (max(v, 0), 1 − |v|, max(−v, 0)).
public final class Learner<Encoding: GameEncoding> {
  public let config: ZeroConfig
  public let encoding: Encoding
  public var network: PolicyValueNetwork
  public var optimizer: Optimizer
  public var buffer: [Sample] = []
  public var rng: Xoshiro256
  public var iteration = 0
  public var positionsSeen = 0
  public var gamesPlayed = 0
  /// Training time accumulated before this process (a resumed run keeps its clock).
  public var priorWallSeconds = 0.0
  public var lastLoss: Float = 0
  /// Told `(finished, games)` each time a self-play game of `selfPlayGames` ends.
  public var gameFinished: ((Int, Int) -> Void)?
  /// With gating, the best network so far, which self-play uses (a detached copy), the
  /// iteration it comes from, and the last gate's match (the trained network's score).
  public var best: PolicyValueNetwork?
  public var bestIteration = 0
  public var lastGate: MatchScore?
  /// Resignation's bookkeeping (`ResignationStatistics`).
  public var resignation = ResignationStatistics()
  /// Whether GradInit (when the recipe asks for it) has run: it runs on the first training
  /// batches, before the first gradient step.
  public var gradInitDone: Bool
  /// What GradInit did, when it ran in this process.
  public var gradInitReport: GradInit.Report?
  /// The batch-entropy regulariser of the recipe, or nil.
  let batchEntropy: LayerwiseBatchEntropy?
  /// The minibatch (planes, policy targets, legal-move mask, values) and the heads' loss
  /// gradients: sized by the first step and reused, so a step allocates nothing.
  let batchPlanes = TensorBuffer(), batchTargets = TensorBuffer(), batchMask = TensorBuffer()
  let batchValues = TensorBuffer(), policyGrad = TensorBuffer(), valueGrad = TensorBuffer()
  /// The examples of the minibatch being written (their indices in the training set).
  var picks: [Int] = []

  /// A fresh learner: `spec`'s network initialised from the configuration's seed.
  public init(config: ZeroConfig, encoding: Encoding, spec: NetworkSpec) throws {
    precondition(
      spec.inputShape == encoding.inputShape && spec.policySize == encoding.policySize,
      "the network spec does not fit the encoding")
    self.config = config
    self.encoding = encoding
    let recipe = config.recipe ?? NetworkRecipe()
    var spec = spec
    try recipe.apply(to: &spec)
    try spec.validate()
    network = PolicyValueNetwork(spec)
    rng = Xoshiro256(seed: config.seed)
    let initializer: Initializer
    do { initializer = try Initializer(parsing: config.initializer) } catch { throw error }
    var initRng = Xoshiro256(seed: config.seed ^ 0x1A17)
    // AutoInit takes the inputs as they are (binary planes), not N(0, 1).
    let moments = initializer == .autoinit ? encoding.inputMoments() : (mean: 0, variance: 1)
    network.initialize(
      try recipe.initOptions(initializer), inputShape: spec.inputShape, inputMean: moments.mean,
      inputVariance: moments.variance, rng: &initRng)
    recipe.prepare(&network)
    gradInitDone = recipe.gradInit == nil
    batchEntropy = recipe.batchEntropy
    optimizer = .adam(config.learningRate, weightDecay: config.weightDecay)
    if config.gateEvery != nil { best = network.detachedCopy() }
  }

  // MARK: Samples

  /// The sample and, with mirroring on, its symmetric twins (`GameEncoding.twins`).
  func samples(_ p: Encoding.Game, moves: [Encoding.Game.Move], probabilities: [Float], value: Float) -> [Sample] {
    var out = [encoding.sample(p, moves: moves, probabilities: probabilities, value: value)]
    if config.mirror {
      for (twin, twinMoves) in encoding.twins(of: p, moves: moves) {
        out.append(encoding.sample(twin, moves: twinMoves, probabilities: probabilities, value: value))
      }
    }
    return out
  }

  // MARK: Self-play

  /// Plays `count` games against itself, all in flight at once, or `partGames` at a time
  /// (`playGames` with the next `selfPlaySeeds(count)` and the resignation threshold), and
  /// returns their samples, game by game, its resignation statistics updated (`record`).
  public func selfPlayGames(_ count: Int) -> [Sample] {
    guard count > 0 else { return [] }
    let seeds = selfPlaySeeds(count)
    guard let part = config.partGames else { return record(playGames(seeds, resignThreshold: resignThreshold)) }
    // Part by part (`partGames`), the progress told in games of the whole iteration.
    let told = gameFinished
    defer { gameFinished = told }
    var games: [PlayedGame] = []
    for first in stride(from: 0, to: count, by: part) {
      gameFinished = { done, _ in told?(first + done, count) }
      games += playGames(Array(seeds[first..<min(first + part, count)]), resignThreshold: resignThreshold)
    }
    return record(games)
  }

  /// The seeds of the next `count` self-play games, drawn from the learner's generator: each
  /// game's search seed, then each game's move-sampling seed.
  public func selfPlaySeeds(_ count: Int) -> [SelfPlaySeeds] {
    let search = (0..<count).map { _ in rng.next() }
    return (0..<count).map { SelfPlaySeeds(search: search[$0], moves: rng.next()) }
  }

  /// The value below which self-play resigns now (`nil`: no resignation).
  public var resignThreshold: Float? { config.resignFalsePositives == nil ? nil : resignation.threshold }

  /// Adds played games to the resignation statistics, in order, and returns their samples.
  public func record(_ games: [PlayedGame]) -> [Sample] {
    var out: [Sample] = []
    for game in games {
      if config.resignFalsePositives != nil && !game.resigned {
        resignation.playedOut(lowest: game.lowest, outcome: game.outcome, threshold: game.threshold)
      } else if game.resigned {
        resignation.resigned += 1
      }
      out += game.samples
    }
    return out
  }

  /// Plays a game for each of `seeds` against itself (the best network with gating, else the
  /// current one), all in flight at once: their searches' leaves go to the network together
  /// (`PUCTBatch`), so it sees batches of up to `count · 8` positions. Returns the games in
  /// order with their samples (value targets from each position's side to move: +1 if that
  /// side went on to win, 0 for a draw or a game stopped at `maxPlies`). Each game's search and
  /// move sampling use its own seeds, so a game depends on its seeds alone, however the
  /// searches interleave and whichever games share its batches; games can be played apart
  /// (`zerolab-cluster`) and `record`ed together. Resigning under `threshold` (`nil`: never).
  /// With `fullSearchFraction`, only the full searches' positions become samples. The
  /// learner's state is not changed.
  public func playGames(_ seeds: [SelfPlaySeeds], resignThreshold threshold: Float?) -> [PlayedGame] {
    let count = seeds.count
    guard count > 0 else { return [] }
    precondition(
      (config.fullSearchFraction.map { $0 > 0 && $0 <= 1 } ?? true) && (config.fastSimulations.map { $0 > 0 } ?? true),
      "the full-search fraction must be in (0, 1] and the fast simulations positive")
    let root: PUCTConfig.Root = config.search == "gumbel" ? .gumbel : .puct
    var evaluator = NetworkEvaluator(network: best ?? network, encoding: encoding)
    let searches = (0..<count).map {
      PUCTSearch(
        evaluator: evaluator,
        config: PUCTConfig(
          root: root, simulations: config.simulations, cPuct: config.cPuct, dirichletAlpha: config.dirichletAlpha,
          dirichletFraction: config.dirichletFraction, batchSize: 8, seed: seeds[$0].search))
    }
    var moveRngs = seeds.map { Xoshiro256(seed: $0.moves) }
    // Resignation: which games may resign (the others are played out to check the threshold),
    // the lowest value each side's searches saw, and the side that resigned.
    let mayResign = moveRngs.indices.map { g in
      threshold != nil && moveRngs[g].unit() >= Double(config.resignCheckFraction)
    }
    var lowest = [[Float]](repeating: [1, 1], count: count)
    var resigned = [Side?](repeating: nil, count: count)
    var positions = [Encoding.Game](repeating: encoding.start, count: count)
    var records = [[(Encoding.Game, [Encoding.Game.Move], [Float])]](repeating: [], count: count)
    var plies = [Int](repeating: 0, count: count)
    let cap = config.maxPlies ?? Int.max
    // Playout cap randomization: a full search (with noise, a training target) on a fraction
    // of the moves, a fast one without noise on the others.
    let fast = config.fastSimulations ?? max(1, config.simulations / 4)
    var full = [Bool](repeating: true, count: count)
    func choose(_ g: Int) -> Bool {
      guard let fraction = config.fullSearchFraction else { return true }
      full[g] = moveRngs[g].unit() < Double(fraction)
      searches[g].config.simulations = full[g] ? config.simulations : fast
      return full[g]
    }
    let starts = (0..<count).map { g in (positions[g], choose(g)) }
    var finished = 0
    PUCTBatch.run(searches, evaluator: &evaluator, start: starts) { g, r in
      let p = positions[g]
      if full[g] { records[g].append((p, r.moves, r.policy)) }
      let side = p.sideToMove == .white ? 0 : 1
      lowest[g][side] = min(lowest[g][side], r.value)
      if let threshold, mayResign[g], r.value < threshold {
        resigned[g] = p.sideToMove
        finished += 1
        gameFinished?(finished, count)
        return nil
      }
      plies[g] += 1
      let move = plies[g] <= config.temperaturePlies ? r.sample(temperature: 1, rng: &moveRngs[g]) : r.bestMove
      searches[g].advance(move, from: p)
      positions[g].play(move)
      if positions[g].isFinished || plies[g] >= cap {
        finished += 1
        gameFinished?(finished, count)
        return nil
      }
      return (positions[g], choose(g))
    }
    return (0..<count).map { g in
      let outcome = resigned[g].map { Outcome.win($0.opponent) } ?? positions[g].outcome
      var samples: [Sample] = []
      for (pos, moves, policy) in records[g] {
        let value = outcome.map { Float($0.score(for: pos.sideToMove)) } ?? 0
        samples += self.samples(pos, moves: moves, probabilities: policy, value: value)
      }
      return PlayedGame(
        samples: samples, lowest: lowest[g], outcome: outcome, resigned: resigned[g] != nil, threshold: threshold)
    }
  }

  /// Plays one game against itself (`selfPlayGames(1)`).
  public func selfPlayGame() -> [Sample] { selfPlayGames(1) }

  /// One iteration: `gamesPerIteration` self-play games into the replay window, then
  /// `trainSteps` gradient steps on minibatches drawn from it.
  public func selfPlayIteration() {
    finishIteration(selfPlayGames(config.gamesPerIteration))
  }

  /// The rest of an iteration once its `gamesPerIteration` games' samples are in (played here
  /// or elsewhere, then `record`ed): the replay window, the gradient steps, the resignation
  /// threshold, the gate.
  public func finishIteration(_ samples: [Sample]) {
    buffer.append(contentsOf: samples)
    gamesPlayed += config.gamesPerIteration
    if buffer.count > config.window { buffer.removeFirst(buffer.count - config.window) }
    train(steps: config.trainSteps, from: buffer)
    iteration += 1
    if let target = config.resignFalsePositives { resignation.update(target: target) }
    if let every = config.gateEvery, iteration % every == 0 { gate() }
  }

  /// Plays the trained network against the best so far (`NetworkMatch`, with the self-play
  /// simulations, 4 random opening plies) and makes it the best when it scores at least
  /// `gateThreshold`.
  public func gate() {
    guard var incumbent = best else { return }
    let result = NetworkMatch.play(
      network, against: incumbent, encoding: encoding, games: config.gateGames, simulations: config.simulations,
      openingPlies: 4, maxPlies: config.maxPlies, seed: rng.next())
    lastGate = result
    if result.score >= Double(config.gateThreshold) {
      incumbent = network.detachedCopy()
      best = incumbent
      bestIteration = iteration
    }
  }

  // MARK: Supervised

  /// `steps` gradient steps on minibatches drawn (uniformly, from the learner's generator)
  /// from `data`, each example written straight into the minibatch: a compact set that encodes
  /// its positions on the fly trains exactly as the same examples as `[Sample]`. The step loop
  /// is specialised for the set's type and allocates nothing once the buffers are sized (the
  /// batch-entropy regulariser, when on, visits the taps each step). GradInit, when the recipe
  /// asks for it and it has not run, runs first on batches of `data`.
  public func train<Examples: TrainingSet>(steps: Int, from data: Examples) {
    guard data.count > 0 else { return }
    if !gradInitDone, let g = config.recipe?.gradInit {
      gradInit(g, from: data)
      gradInitDone = true
    }
    let n = min(config.batchSize, data.count), wdl = network.spec.valueHead == .wdl
    sizeBatch(n, wdl: wdl)
    for _ in 0..<steps {
      picks.removeAll(keepingCapacity: true)
      for _ in 0..<n { picks.append(rng.below(data.count)) }
      fillBatch(from: data, wdl: wdl)
      network.zeroGradients()
      let (pl, vl) = lossAndGradients(&network, regularizer: batchEntropy)
      optimizer.update(&network)
      lastLoss = pl + vl
      positionsSeen += n
    }
  }

  /// Writes the examples of `data` that `picks` names into the minibatch buffers (`wdl`: the
  /// value targets as win/draw/loss).
  /// (The buffers must have been sized for `picks.count` examples by `sizeBatch`.)
  func fillBatch<Examples: TrainingSet>(from data: Examples, wdl: Bool) {
    let k = batchTargets.channels, stride = batchPlanes.count / max(batchPlanes.batch, 1), n = picks.count
    let x = batchPlanes, targets = batchTargets, mask = batchMask, values = batchValues
    targets.fill(0)
    mask.fill(0)
    for b in 0..<n {
      let row = b * k
      let v = data.example(picks[b], planes: x.pointer + b * stride) { idx, p in
        mask[row + idx] = 1
        targets[row + idx] = p
      }
      if wdl {
        values[b * 3] = max(v, 0)
        values[b * 3 + 1] = 1 - abs(v)
        values[b * 3 + 2] = max(-v, 0)
      } else {
        values[b] = v
      }
    }
  }

  /// Sizes the minibatch buffers for `n` examples.
  func sizeBatch(_ n: Int, wdl: Bool) {
    let k = encoding.policySize
    batchPlanes.resize(Shape([n] + encoding.inputShape))
    batchTargets.resize(Shape(n, k))
    batchMask.resize(Shape(n, k))
    batchValues.resize(Shape(n, wdl ? 3 : 1))
  }

  /// Forward and backward of `net` on the minibatch buffers, accumulating into its (zeroed)
  /// gradients; returns the policy and value losses. With a batch-entropy regulariser the
  /// heads' gradients are scaled by `1 + L_lbe` and the taps add theirs (`LayerwiseBatchEntropy`).
  func lossAndGradients(_ net: inout PolicyValueNetwork, regularizer: LayerwiseBatchEntropy?) -> (Float, Float) {
    let out = net.evaluate(batchPlanes, training: true)
    let pl = Loss.softmaxCrossEntropy(logits: out.policy, targets: batchTargets, mask: batchMask, gradient: policyGrad)
    let vl =
      net.spec.valueHead == .wdl
      ? Loss.softmaxCrossEntropy(logits: out.value, targets: batchValues, mask: nil, gradient: valueGrad)
      : Loss.meanSquaredError(out.value, targets: batchValues, gradient: valueGrad)
    if let regularizer {
      let scale = regularizer.prepareBackward(&net, taskLoss: pl + vl).taskScale
      for g in [policyGrad, valueGrad] {
        let p = g.pointer
        for i in 0..<g.count { p[i] *= scale }
      }
    }
    net.backward(policy: policyGrad, value: valueGrad)
    return (pl, vl)
  }

  /// GradInit on batches of `data`: iteration i draws three half-batches A, B, C from a
  /// generator of its own (the seed's, so a run repeats), S = A + B and S̃ = A + C.
  func gradInit<Examples: TrainingSet>(_ config: GradInit.Config, from data: Examples) {
    let n = max(2, min(self.config.batchSize, data.count)), half = n / 2
    let seed = self.config.seed ^ 0x6A_D1_17, wdl = network.spec.valueHead == .wdl
    sizeBatch(n, wdl: wdl)
    let report = GradInit.run(&network, config: config) { net, iteration, tilde in
      var r = Xoshiro256(seed: seed &+ UInt64(iteration) &* 0x9E37_79B9_7F4A_7C15)
      let drawn = (0..<(2 * n - half)).map { _ in r.below(data.count) }
      picks = (0..<n).map { b in b < half ? drawn[b] : drawn[b + (tilde ? n - half : 0)] }
      fillBatch(from: data, wdl: wdl)
      let (pl, vl) = lossAndGradients(&net, regularizer: nil)
      return pl + vl
    }
    gradInitReport = report
  }

  // MARK: Checkpoints

  struct State: Codable {
    var config: ZeroConfig
    var iteration: Int
    var positionsSeen: Int
    var gamesPlayed: Int
    var wallSeconds: Double
    var rng: [UInt64]
    var lastLoss: Float
    var bestIteration: Int?
    var lastGate: MatchScore?
    var resignation: ResignationStatistics?
    var gradInitDone: Bool?
  }

  /// Saves everything a resumed run needs into the folder `dir` atomically: the files are
  /// written into `dir.new`, then `dir` is replaced by a rename, so a kill at any moment
  /// leaves either the old checkpoint or the new one, never a mixture.
  public func save(to dir: String, wallSeconds: Double) throws {
    let fm = FileManager.default
    let tmp = dir + ".new", old = dir + ".old"
    try? fm.removeItem(atPath: tmp)
    try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    let state = State(
      config: config, iteration: iteration, positionsSeen: positionsSeen, gamesPlayed: gamesPlayed,
      wallSeconds: wallSeconds, rng: [rng.s0, rng.s1, rng.s2, rng.s3], lastLoss: lastLoss,
      bestIteration: best == nil ? nil : bestIteration, lastGate: lastGate,
      resignation: config.resignFalsePositives == nil ? nil : resignation, gradInitDone: gradInitDone)
    let encoder = RunFiles.encoder()
    let stateData = try encoder.encode(state), replayData = try encoder.encode(buffer)
    // The JSON files' checksums ride in the network file's checksummed header.
    let spec = network.spec
    try Checkpoint.save(
      &network, spec: spec,
      metadata: [
        "zerolab.run": encoding.game, "state.json": RunFiles.checksum(stateData),
        "replay.json": RunFiles.checksum(replayData),
      ], to: tmp + "/network.safetensors")
    try Checkpoint.save(optimizer, metadata: ["zerolab.run": encoding.game], to: tmp + "/optimizer.safetensors")
    if var b = best {
      let bestSpec = b.spec
      try Checkpoint.save(&b, spec: bestSpec, metadata: ["zerolab.run": encoding.game], to: tmp + "/best.safetensors")
    }
    try RunFiles.write(stateData, to: tmp + "/state.json")
    try RunFiles.write(replayData, to: tmp + "/replay.json")
    if fm.fileExists(atPath: dir) {
      try? fm.removeItem(atPath: old)
      try fm.moveItem(atPath: dir, toPath: old)
    }
    try fm.moveItem(atPath: tmp, toPath: dir)
    try? fm.removeItem(atPath: old)
  }

  /// Whether `dir` (or the previous checkpoint a kill left while replacing it) holds a checkpoint.
  public static func hasCheckpoint(_ dir: String) -> Bool {
    FileManager.default.fileExists(atPath: dir) || FileManager.default.fileExists(atPath: dir + ".old")
  }

  /// Restores a learner saved by `save(to:)` (or the previous checkpoint if a kill came in
  /// the middle of replacing it).
  /// `make` gives the encoding and network spec of a saved configuration.
  public static func load(
    from dir: String, making make: (ZeroConfig) throws -> (Encoding, NetworkSpec)
  ) throws -> (Learner, wallSeconds: Double) {
    let fm = FileManager.default
    var path = dir
    if !fm.fileExists(atPath: dir + "/state.json") && fm.fileExists(atPath: dir + ".old/state.json") {
      path = dir + ".old"
    }
    guard let data = fm.contents(atPath: path + "/state.json") else {
      throw NeuralError("no checkpoint in \(dir) (state.json missing)")
    }
    // The checksums of state.json and replay.json, kept by the network file (none in a
    // checkpoint written before them).
    let sums = try Checkpoint.read(path + "/network.safetensors").metadata
    func verify(_ data: Data, _ name: String) throws(NeuralError) {
      if let sum = sums[name], sum != RunFiles.checksum(data) {
        throw NeuralError("\(path)/\(name): corrupted (checksum mismatch)")
      }
    }
    try verify(data, "state.json")
    guard let state = try? RunFiles.decoder().decode(State.self, from: data) else {
      throw NeuralError("\(path)/state.json: corrupted (not a checkpoint state)")
    }
    let (encoding, spec) = try make(state.config)
    let learner = try Learner(config: state.config, encoding: encoding, spec: spec)
    try Checkpoint.load(into: &learner.network, from: path + "/network.safetensors")
    try Checkpoint.load(&learner.optimizer, for: &learner.network, from: path + "/optimizer.safetensors")
    guard let replay = fm.contents(atPath: path + "/replay.json") else {
      throw NeuralError("\(path)/replay.json: missing")
    }
    try verify(replay, "replay.json")
    guard let buffer = try? RunFiles.decoder().decode([Sample].self, from: replay)
    else { throw NeuralError("\(path)/replay.json: corrupted (not a replay buffer)") }
    learner.buffer = buffer
    learner.iteration = state.iteration
    learner.positionsSeen = state.positionsSeen
    learner.gamesPlayed = state.gamesPlayed
    learner.lastLoss = state.lastLoss
    if let b = state.bestIteration {
      var network = PolicyValueNetwork(learner.network.spec)
      try Checkpoint.load(into: &network, from: path + "/best.safetensors")
      learner.best = network
      learner.bestIteration = b
    }
    learner.lastGate = state.lastGate
    learner.resignation = state.resignation ?? ResignationStatistics()
    learner.gradInitDone = state.gradInitDone ?? true
    guard state.rng.count == 4 else { throw NeuralError("\(path)/state.json: bad generator state") }
    learner.rng.s0 = state.rng[0]
    learner.rng.s1 = state.rng[1]
    learner.rng.s2 = state.rng[2]
    learner.rng.s3 = state.rng[3]
    return (learner, state.wallSeconds)
  }
}

/// The Hexapawn learner: its encoding and network from the configuration's board, supervised
/// data and measurements from the exact solver.
public typealias HexapawnLearner = Learner<HexapawnEncoding>

extension Learner where Encoding == HexapawnEncoding {
  /// A fresh learner for the configuration's board.
  public convenience init(config: ZeroConfig) throws {
    try self.init(
      config: config, encoding: HexapawnEncoding(size: try config.boardSize), spec: try config.networkSpec())
  }

  /// The board.
  public var size: BoardSize { encoding.size }

  /// Restores a Hexapawn learner saved by `save(to:)`.
  public static func load(from dir: String) throws -> (Learner, wallSeconds: Double) {
    try load(from: dir) { config in (HexapawnEncoding(size: try config.boardSize), try config.networkSpec()) }
  }

  /// Every reachable unfinished position labelled by the solver: value = the game-theoretic
  /// value (±1 for the side to move), policy = uniform over all optimal moves.
  public func supervisedDataset(_ board: SolvedBoard) -> [Sample] {
    var out: [Sample] = []
    for (i, p) in board.positions.enumerated() {
      let moves = Array(p.legalMoves)
      let best = board.optimal[i]
      let k = Float(best.filter { $0 }.count)
      out.append(encoding.sample(p, moves: moves, probabilities: best.map { $0 ? 1 / k : 0 }, value: board.signs[i]))
    }
    return out
  }

  /// A measurement of the current network.
  public func measure(board: SolvedBoard, method: String, wallSeconds: Double) -> MetricsRecord {
    let s = Evaluation.measure(
      network, board: board, games: config.evalGames, searchSimulations: config.evalSimulations, seed: config.seed)
    return MetricsRecord(
      method: method, init: config.initializer, activation: config.activation, size: config.size, seed: config.seed,
      iteration: iteration, wallSeconds: wallSeconds, positionsSeen: positionsSeen,
      optimalMoveAccuracy: s.optimalMoveAccuracy, valueSignAccuracy: s.valueSignAccuracy, valueMse: s.valueMSE,
      scoreVsPerfectAsWhite: s.vsPerfectAsWhite, scoreVsPerfectAsBlack: s.vsPerfectAsBlack,
      scoreVsRandom: s.vsRandom, searchScoreVsPerfectAsWhite: s.searchVsPerfectAsWhite,
      searchScoreVsPerfectAsBlack: s.searchVsPerfectAsBlack, searchScoreVsRandom: s.searchVsRandom,
      loss: Double(lastLoss))
  }
}

/// Resignation's bookkeeping over a self-play run: the lowest value seen by each side that went
/// on to win or draw a game played out (the most recent 2000), from which the threshold comes,
/// and the counts behind the false-positive rate.
///
/// The false-positive rate is AlphaGo Zero's, the quantity the threshold aims at: of the sides
/// of played-out games that did not lose, the fraction whose value fell below the threshold in
/// force (they would have resigned a game they went on to win or draw). Each game is counted
/// under the threshold its searches ran with, so the rate measures the threshold on games that
/// did not set it. Its complement from the other side, the precision of a resignation, is
/// `falsePositives / wouldResign`.
public struct ResignationStatistics: Codable, Sendable, Equatable {
  /// The lowest values of the sides that did not lose, in games played out.
  public var survivorLows: [Float] = []
  /// The threshold in force (nil until 20 games have been played out).
  public var threshold: Float?
  /// Games resigned; sides of games played out under a threshold that fell below it, those of
  /// them that did not lose (false positives), and all the sides that did not lose.
  public var resigned = 0
  public var wouldResign = 0
  public var falsePositives = 0
  public var survivors = 0

  public init() {}

  enum CodingKeys: String, CodingKey { case survivorLows, threshold, resigned, wouldResign, falsePositives, survivors }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    survivorLows = try c.decode([Float].self, forKey: .survivorLows)
    threshold = try c.decodeIfPresent(Float.self, forKey: .threshold)
    resigned = try c.decode(Int.self, forKey: .resigned)
    wouldResign = try c.decode(Int.self, forKey: .wouldResign)
    falsePositives = try c.decode(Int.self, forKey: .falsePositives)
    // Checkpoints written before the count existed: the sides that did not lose are unknown.
    survivors = try c.decodeIfPresent(Int.self, forKey: .survivors) ?? 0
  }

  /// The measured false-positive rate (nil before a played-out game under a threshold).
  public var falsePositiveRate: Double? { survivors == 0 ? nil : Double(falsePositives) / Double(survivors) }

  /// Records a game played out: each side's lowest value, its outcome, and the threshold its
  /// searches ran under.
  public mutating func playedOut(lowest: [Float], outcome: Outcome?, threshold: Float?) {
    for (k, side) in [Side.white, .black].enumerated() {
      let lost = (outcome?.score(for: side) ?? 0) < 0
      if let threshold {
        if lowest[k] < threshold {
          wouldResign += 1
          if !lost { falsePositives += 1 }
        }
        if !lost { survivors += 1 }
      }
      if !lost { survivorLows.append(lowest[k]) }
    }
    if survivorLows.count > 2000 { survivorLows.removeFirst(survivorLows.count - 2000) }
  }

  /// The value below which a `target` fraction of the survivors' lows lie, capped at −0.7 so
  /// that no side resigns a position its searches still think playable.
  public mutating func update(target: Float) {
    guard survivorLows.count >= 20 else { return }
    let sorted = survivorLows.sorted()
    let k = min(sorted.count - 1, Int(Float(sorted.count) * target))
    threshold = min(-0.7, sorted[k])
  }
}

/// A line of a run's `metrics.jsonl`: which run it measures and after how many iterations.
public protocol RunRecord: Codable, Sendable {
  var method: String { get }
  var iteration: Int { get }
}

extension MetricsRecord: RunRecord {}

/// A run's `metrics.jsonl`: one record a line (snake_case keys), each line flushed.
public struct RunLog<Record: RunRecord> {
  let lines: JSONLines<Record>
  public var path: String { lines.path }
  public init(path: String) { lines = JSONLines(path: path) }

  public func append(_ m: Record) throws { try lines.append(m) }

  /// Reads every measurement.
  public func read() throws -> [Record] { try lines.read() }

  /// Drops measurements past `iteration` for `method` (a run resumed from an earlier
  /// checkpoint than its last log line), rewriting the file atomically; returns the ones of
  /// `method` kept.
  /// A file missing a measurement up to `iteration` is refused (and left as it is).
  @discardableResult
  public func truncate(method: String, after iteration: Int) throws -> [Record] {
    let kept = try read().filter { $0.method != method || $0.iteration <= iteration }
    let mine = kept.filter { $0.method == method }
    guard mine.map(\.iteration) == Array(0...iteration) else {
      throw RunFileError(
        "\(path): damaged (\(mine.count) measurements of \(method) up to iteration \(iteration), the checkpoint's)")
    }
    try lines.rewrite(kept)
    return mine
  }

  /// Replaces the file with `records`, atomically.
  public func rewrite(_ records: [Record]) throws { try lines.rewrite(records) }
}

/// The Hexapawn runs' `metrics.jsonl`, one `MetricsRecord` a line.
public typealias MetricsLog = RunLog<MetricsRecord>

/// The seeds of one self-play game (`Learner.selfPlaySeeds`).
public struct SelfPlaySeeds: Codable, Sendable, Equatable {
  public var search: UInt64
  public var moves: UInt64
  public init(search: UInt64, moves: UInt64) {
    self.search = search
    self.moves = moves
  }
}

/// One self-play game (`Learner.playGames`): its samples, each side's lowest search value,
/// how it ended, whether a side resigned, and the resignation threshold it was played under.
public struct PlayedGame: Codable, Sendable, Equatable {
  public var samples: [Sample]
  public var lowest: [Float]
  /// `white`, `black` (the winner) or `draw`; absent for a game stopped unfinished.
  public var result: String?
  public var resigned: Bool
  public var threshold: Float?

  public init(samples: [Sample], lowest: [Float], outcome: Outcome?, resigned: Bool, threshold: Float?) {
    self.samples = samples
    self.lowest = lowest
    result = outcome.map { $0.winner.map { $0 == .white ? "white" : "black" } ?? "draw" }
    self.resigned = resigned
    self.threshold = threshold
  }

  public var outcome: Outcome? {
    switch result {
    case "white": return .win(.white)
    case "black": return .win(.black)
    case "draw": return .draw
    default: return nil
    }
  }
}
