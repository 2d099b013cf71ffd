import ArgumentParser
import NNUE
import NNUETraining

struct NNUEExport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Quantise an NNUE file and write it as an engine (engines/NAME.json + engines/NAME.nnue).",
    discussion: """
      Example:
        zerolab nnue export runs/nnue0/best.safetensors --name zerolab-nnue
      """)
  @Argument(help: "A float or quantised NNUE file.") var net: String
  @Option(help: "Engine name.") var name: String
  @Option(help: "Engines folder.") var directory: String = "engines"

  func run() throws {
    do {
      let q = try QuantizedNNUE.load(net)
      let paths = try EngineExport.export(quantized: q, name: name, directory: directory)
      print("engine: \(paths.json) (weights \(paths.weights), \(q.spec))")
    } catch let e as NNUEError {
      throw RuntimeError(e.message)
    }
  }
}
