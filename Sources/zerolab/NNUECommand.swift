import ArgumentParser
import NNUE

struct NNUECommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "nnue",
    abstract: "NNUE for chess: generate self-play data, train, loop generations, compare with Stockfish labels.",
    discussion: """
      Examples:
        zerolab nnue gen --games 200 --nodes 5000 --out data/gen0
        zerolab nnue train --data data/gen0 --out runs/nnue0 --epochs 10
        zerolab nnue eval runs/nnue0/quantized.safetensors \\
          --fen 'rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1'
        zerolab nnue loop --generations 3 --games 400 --out runs/loop
        zerolab nnue compare --positions 100000 --out runs/compare
        zerolab nnue bench
      """,
    subcommands: [
      NNUEGen.self, NNUETrain.self, NNUEEval.self, NNUEExport.self, NNUELabel.self, NNUELoop.self, NNUEMatch.self,
      NNUECompare.self,
      NNUEBench.self,
    ])
}

/// `handcrafted` or an NNUE file.
func evaluatorChoice(_ text: String) throws -> QuantizedNNUE? {
  if text == "handcrafted" { return nil }
  do { return try QuantizedNNUE.load(text) } catch { throw RuntimeError(error.message) }
}
