import AlphaZero
import Foundation
import GameCore
import Hexapawn
import NeuralCore
import Testing

/// The study's knobs in the learner: the network follows the recipe, GradInit runs once on the
/// first batches, the batch-entropy regulariser trains its targets, and a checkpoint keeps it all.
@Suite struct RecipeTests {
  func config(_ edit: (inout NetworkRecipe) -> Void) -> ZeroConfig {
    var c = ZeroConfig()
    c.blocks = 2
    c.channels = 8
    c.batchSize = 16
    var r = NetworkRecipe()
    edit(&r)
    c.recipe = r
    return c
  }

  @Test func theNetworkFollowsTheRecipe() throws {
    let learner = try HexapawnLearner(
      config: config {
        $0.residual = "fixup"
        $0.normalization = "none"
        $0.batchEntropyWeight = 0.1
        $0.batchEntropyAlpha = 0.7
      })
    #expect(learner.network.spec.residual == "fixup" && learner.network.spec.normalization == .none)
    var taps: [Float] = []
    learner.network.visitLayers { if let t = $0 as? BatchEntropyTap { taps.append(t.target.value.data[0]) } }
    #expect(taps == [0.7, 0.7])
    var revisited = NetworkRecipe()
    revisited.bnInit = "revisited"
    let r = try HexapawnLearner(config: config { $0 = revisited })
    #expect(r.network.spec.inputBatchNorm)
  }

  /// GradInit runs on the first call to train, once, changes the scales, and a seed repeats it.
  @Test func gradInitRunsOnceAndRepeats() throws {
    let c = config { $0.gradInitSteps = 6 }
    let data = try HexapawnLearner(config: c).supervisedDataset(classic)
    func run() throws -> (HexapawnLearner, [Float]) {
      let learner = try HexapawnLearner(config: c)
      #expect(!learner.gradInitDone)
      learner.train(steps: 3, from: data)
      var w: [Float] = []
      learner.network.visitParameters { w += $0.value.data }
      return (learner, w)
    }
    let (a, wa) = try run()
    let (_, wb) = try run()
    #expect(a.gradInitDone)
    let report = try #require(a.gradInitReport)
    #expect(report.constraintSteps + report.objectiveSteps == 6)
    #expect(report.scales.contains { abs($0 - 1) > 1e-4 })
    #expect(wa == wb)
    a.gradInitReport = nil
    a.train(steps: 1, from: data)
    #expect(a.gradInitReport == nil, "GradInit ran a second time")
  }

  /// With the regulariser on, the taps' targets learn and the loss stays finite; the recipe
  /// and GradInit's state come back from a checkpoint.
  @Test func batchEntropyTrainsAndCheckpointsKeepTheRecipe() throws {
    let c = config {
      $0.batchEntropyWeight = 0.5
      $0.gradInitSteps = 2
      $0.residual = "rezero"
    }
    let learner = try HexapawnLearner(config: c)
    let data = learner.supervisedDataset(classic)
    learner.train(steps: 20, from: data)
    #expect(learner.lastLoss.isFinite)
    var targets: [Float] = []
    learner.network.visitLayers { if let t = $0 as? BatchEntropyTap { targets.append(t.target.value.data[0]) } }
    #expect(targets.count == 2 && targets.contains { $0 != 0.5 }, "targets \(targets)")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zerolab-recipe-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try learner.save(to: dir, wallSeconds: 1)
    let (back, _) = try HexapawnLearner.load(from: dir)
    #expect(back.config.recipe == c.recipe && back.gradInitDone)
    #expect(back.network.spec == learner.network.spec)
  }

  @Test func badRecipesAreRefused() {
    #expect(throws: NeuralError.self) { try HexapawnLearner(config: config { $0.residual = "fixup" }) }
    #expect(throws: NeuralError.self) { try HexapawnLearner(config: config { $0.bnInit = "revisited:3" }) }
    #expect(throws: NeuralError.self) {
      try HexapawnLearner(
        config: config {
          $0.normalization = "none"
          $0.bnInit = "revisited"
        })
    }
  }
}

/// AutoInit in the learner takes the board planes as they are: binary, mostly 0.
@Suite struct InputMomentTests {
  @Test func boardPlanesAreBinaryAndSparse() throws {
    let encoding = HexapawnEncoding(size: try BoardSize(parsing: "4x4"))
    let m = encoding.inputMoments()
    #expect(m.mean > 0.01 && m.mean < 0.5, "mean \(m.mean)")
    // Binary values: the variance is mean·(1 − mean).
    #expect(abs(m.variance - m.mean * (1 - m.mean)) < 1e-9)
    #expect(encoding.inputMoments() == m, "seeded")
  }

  /// The stem's weights are sized for E[x²] = mean of the planes instead of 1: larger by
  /// 1/sqrt(E[x²]) than with N(0, 1) inputs.
  @Test func autoInitUsesTheMeasuredMoments() throws {
    var config = ZeroConfig()
    config.initializer = "autoinit"
    config.blocks = 1
    config.channels = 8
    let learner = try HexapawnLearner(config: config)
    var plain = PolicyValueNetwork(learner.network.spec)
    var rng = Xoshiro256(seed: config.seed ^ 0x1A17)
    plain.initialize(InitOptions(.autoinit), inputShape: learner.network.spec.inputShape, rng: &rng)
    func stem(_ n: inout PolicyValueNetwork) -> Float {
      var v: Float = 0
      n.visitParameters { if $0.name == "stem.conv.weight" { v = $0.value.squaredNorm } }
      return v
    }
    let m = learner.encoding.inputMoments()
    let ratio = (stem(&learner.network) / stem(&plain)).squareRoot()
    #expect(abs(Double(ratio) - 1 / (m.variance + m.mean * m.mean).squareRoot()) < 1e-3, "ratio \(ratio)")
  }
}
