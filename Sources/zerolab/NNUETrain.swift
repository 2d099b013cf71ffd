import ArgumentParser
import Foundation
import NNUE
import NNUETraining

struct NNUETrain: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train an NNUE on data files (float, on the neural core), then quantise it.",
    discussion: """
      Loss: q = sigmoid(eval/K), t = lambda*sigmoid(score/K) + (1-lambda)*result, mean (q - t)^2. \
      Adam with cosine decay; 5% of the positions (at most 50,000) are held out for validation. \
      Each epoch appends to OUT/metrics.jsonl and saves OUT/checkpoint.safetensors atomically; kill \
      it at any moment and continue with --resume. The best net (lowest validation loss) is \
      OUT/best.safetensors, quantised as OUT/quantized.safetensors; --engine NAME also writes \
      engines/NAME.json and engines/NAME.nnue for the arena, UCI and the terminal.

      Examples:
        zerolab nnue train --data data/gen0 --out runs/nnue0 --epochs 10
        zerolab nnue train --data data/gen0 data/gen1 --out runs/nnue1 \\
          --layout kings4 --hidden 16 --init he_normal
        zerolab nnue train --data data/gen0 --out runs/nnue0 --epochs 20 --resume
        zerolab nnue train --data data/gen0 --out runs/nnue-gi --epochs 2 \\
          --hidden 16 --gradinit-steps 20 --lbe-weight 0.05 --pa-rewire
      """)

  @Option(parsing: .upToNextOption, help: "Data files or folders.") var data: [String]
  @Option(help: "Run folder.") var out: String
  @OptionGroup var arch: ArchitectureOptions
  @OptionGroup var training: TrainingOptions
  @Option(help: "Also export the best net as engines/NAME.json + engines/NAME.nnue.") var engine: String?
  @Flag(help: "Continue the run in --out.") var resume = false

  func run() throws {
    let settings = try training.settings(spec: try arch.spec())
    let records: [TrainingRecord]
    do { records = try TrainingData.load(data) } catch { throw RuntimeError(error.message) }
    print("\(grouped(records.count)) positions from \(data.joined(separator: " ")); net \(settings.spec)")
    let trainer: NNUETrainer
    do {
      trainer = try NNUETrainer(settings: settings, records: records, out: out, resume: resume)
    } catch let e as NNUEError {
      throw RuntimeError(e.message)
    }
    let start = ContinuousClock.now
    let total = Double(settings.epochs * trainer.trainCount)
    let startEpoch = trainer.epoch
    trainer.progress = { epoch, done, count, loss in
      let t = toSeconds(ContinuousClock.now - start)
      let finished = Double((epoch - 1 - startEpoch) * count + done)
      Terminal.progress(
        "train: epoch \(epoch)/\(settings.epochs) \(done)/\(count) loss "
          + String(format: "%.5f, %.0f positions/s", loss, finished / t)
          + ", ETA \(etaText(done: finished, total: total - Double(startEpoch * count), elapsed: t))")
    }
    trainer.log = { s in
      Terminal.endProgress()
      print(s)
    }
    do { try trainer.run() } catch { throw RuntimeError("\(error)") }
    Terminal.endProgress()
    print("best: \(trainer.bestPath), quantised: \(trainer.quantizedPath), metrics: \(trainer.metricsPath)")
    if let engine {
      do {
        let paths = try EngineExport.export(
          quantized: try QuantizedNNUE.load(trainer.quantizedPath), name: engine, directory: "engines")
        print("engine: \(paths.json) (weights \(paths.weights))")
      } catch let e as NNUEError {
        throw RuntimeError(e.message)
      }
    }
  }
}
