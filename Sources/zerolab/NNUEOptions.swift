import ArgumentParser
import NNUE
import NNUETraining

/// Architecture options shared by train, loop and compare.
struct ArchitectureOptions: ParsableArguments {
  @Option(help: "Input features: chess768, kings4, kings16 (king buckets).") var layout: String = "chess768"
  @Option(help: "Accumulator units per perspective.") var accumulator: Int = 256
  @Option(help: "Transformer activation: crelu or screlu.") var activation: String = "screlu"
  @Option(help: "Hidden layer sizes after the transformer, comma separated (empty: none).") var hidden: String = ""

  func spec() throws -> NNUESpec {
    do {
      return try NNUESpec.parse(layout: layout, accumulator: accumulator, activation: activation, hidden: hidden)
    } catch {
      throw ValidationError(error.message)
    }
  }
}

/// Training options shared by train, loop and compare.
struct TrainingOptions: ParsableArguments {
  @Option(help: "Epochs over the data.") var epochs: Int = 10
  @Option(help: "Batch size.") var batch: Int = 4096
  @Option(help: "Adam learning rate (cosine decay to 5% of it).") var lr: Float = 1e-3
  @Option(help: "Weight of the search score in the target (1 - lambda on the game result).") var lambda: Float = 1
  @Option(help: "Sigmoid scale K in centipawns.") var sigmoidScale: Float = 400
  @Option(
    name: .customLong("init"),
    help: "Initializer (default: autoinit; the names are listed by 'zerolab signal --help').")
  var initName: String?
  @Option(name: .customLong("initializer"), help: .hidden) var initializerAlias: String?
  var initializer: String { initName ?? initializerAlias ?? "autoinit" }
  @Option(help: "Training threads.") var threads: Int = 2
  @Option(help: "Random seed.") var seed: UInt64 = 1
  @OptionGroup var recipe: RecipeOptions

  func settings(spec: NNUESpec) throws -> TrainSettings {
    var s = TrainSettings(spec: spec, epochs: epochs, seed: seed)
    s.batchSize = batch
    s.learningRate = lr
    s.lambda = lambda
    s.sigmoidScale = sigmoidScale
    s.initializer = initializer
    s.threads = threads
    let r = try recipe.recipe()
    s.recipe = r.isDefault ? nil : r
    do { try s.validate() } catch { throw ValidationError(error.message) }
    return s
  }
}

/// Self-play generation options shared by loop and compare.
struct SelfPlayOptions: ParsableArguments {
  @Option(help: "Self-play games (per generation for loop).") var games: Int = 400
  @Option(help: "Nodes per move in self-play.") var nodes: Int = 5000
  @Option(help: "Random plies at the start of each game.") var randomPlies: Int = 8

  func settings(seed: UInt64) throws -> GenSettings {
    guard games >= 1, nodes >= 1, (0...40).contains(randomPlies) else {
      throw ValidationError("--games and --nodes must be positive, --random-plies 0...40")
    }
    var s = GenSettings(games: games, nodes: nodes, seed: seed)
    s.randomPlies = randomPlies
    return s
  }
}
