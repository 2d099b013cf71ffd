import ArgumentParser
import NeuralCore

/// The initialisation and activation study's knobs beyond the initializer and activation
/// (`NetworkRecipe`), the same in every training command.
struct RecipeOptions: ParsableArguments {
  @Option(help: "GradInit iterations on the first training batches before the first step (0: off).")
  var gradinitSteps: Int = 0
  @Option(help: "Learning rate of GradInit's scales.") var gradinitLr: Float = 1e-2
  @Option(help: "BatchNorm init: standard, revisited (γ 0.1 learning at lr/100, input BatchNorm) or revisited:G.")
  var bnInit: String = "standard"
  @Option(help: "Residual blocks: none (no skip), plain, rescale, rezero, skipinit or fixup.")
  var residual: String = "plain"
  @Option(help: "Normalisation after the convolutions: batch or none (rescale and fixup need none).")
  var norm: String = "batch"
  @Flag(help: "Rewire every weight by preferential attachment after the initializer.") var paRewire = false
  @Option(help: "Weight β of the layerwise batch-entropy regulariser (0: off).") var lbeWeight: Float = 0
  @Option(help: "Batch-entropy target α each tap starts at.") var lbeAlpha: Float = 0.5

  /// The recipe, checked.
  func recipe() throws -> NetworkRecipe {
    var r = NetworkRecipe()
    r.gradInitSteps = gradinitSteps
    r.gradInitLearningRate = gradinitLr
    r.bnInit = bnInit
    r.residual = residual
    r.normalization = norm
    r.paRewire = paRewire
    r.batchEntropyWeight = lbeWeight
    r.batchEntropyAlpha = lbeAlpha
    do { try r.validate() } catch { throw ValidationError(error.message) }
    return r
  }
}
