import Foundation
import GameCore
import NNUE
import NNUETraining
import NeuralCore
import Testing

/// The study's knobs that apply to an NNUE: GradInit before the first step, the batch-entropy
/// regulariser on taps after the activations, PA rewiring; the others are refused.
@Suite struct NNUERecipeTests {
  func settings(_ edit: (inout NetworkRecipe) -> Void) -> TrainSettings {
    var s = TrainSettings(spec: NNUESpec(accumulator: 16, hidden: [8]), epochs: 2, seed: 3)
    s.batchSize = 64
    s.threads = 1
    s.initializer = "he_normal"
    var r = NetworkRecipe()
    edit(&r)
    s.recipe = r
    return s
  }

  @Test func gradInitAndBatchEntropyTrain() throws {
    let s = settings {
      $0.gradInitSteps = 4
      $0.batchEntropyWeight = 0.2
      $0.paRewire = true
    }
    let records = TrainingTests().materialData(count: 600, seed: 2)
    let out = tempPath("recipe")
    let trainer = try NNUETrainer(settings: s, records: records, out: out, resume: false)
    let report = try #require(trainer.gradInitReport)
    #expect(report.constraintSteps + report.objectiveSteps == 4)
    var taps = 0
    trainer.model.visitLayers { if $0 is BatchEntropyTap { taps += 1 } }
    #expect(taps == 2)
    let metrics = try trainer.run()
    #expect(metrics.count == 2 && metrics.allSatisfy { $0.trainLoss.isFinite && $0.validationLoss.isFinite })
    // The run resumes with its taps and does not run GradInit again.
    var more = s
    more.epochs = 3
    let again = try NNUETrainer(settings: more, records: records, out: out, resume: true)
    #expect(again.gradInitReport == nil && again.epoch == 2)
    #expect(try again.run().count == 3)
  }

  @Test(arguments: ["bn", "residual", "norm"])
  func whatDoesNotApplyIsRefused(knob: String) {
    let s = settings {
      switch knob {
      case "bn": $0.bnInit = "revisited"
      case "residual": $0.residual = "rezero"
      default: $0.normalization = "none"
      }
    }
    #expect(throws: NNUEError.self) { try s.validate() }
  }
}
