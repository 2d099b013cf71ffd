import AlphaZero
import ArgumentParser
import Foundation
import GameCore
import LabKit
import NeuralCore

struct Signal: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show what an initializer does to a network's signal before any training.",
    discussion: """
      Builds the network, initializes it with a seed, feeds a batch of seeded N(0,1) inputs \
      forward (BatchNorm in training mode) and a seeded N(0,1) gradient backward, and prints \
      the mean and variance of every dense/convolution output and the variance of the gradient \
      reaching it. A healthy initialization keeps both near 1 from the first layer to the last. \
      With --pa-rewire it also prints, for every weight of the same draw without rewiring, the \
      variance of the unit strengths (each output unit's and each input unit's weight sum) \
      before and after preferential-attachment rewiring.

      Activations: \(ActivationKind.names.joined(separator: ", "))

      Initializers: \(Initializer.names.joined(separator: ", "))

      Examples:
        zerolab signal --arch mlp --layers 50 --width 256 --activation tanh \\
          --init autoinit --seed 7
        zerolab signal --arch mlp --layers 50 --width 256 --activation tanh \\
          --init he_normal --json
        zerolab signal --arch resnet --blocks 20 --batch 64 --activation mish \\
          --init autoinit --plot signal.svg
        zerolab signal --arch mlp --layers 4 --width 128 --init he_normal \\
          --pa-rewire
      """)

  enum Arch: String, ExpressibleByArgument, CaseIterable {
    case mlp, resnet
  }

  @Option(help: "mlp (dense layers) or resnet (the residual policy-value network on 8x8 inputs).") var arch: Arch = .mlp
  @Option(help: "MLP hidden layers. (default: 50)") var layers: Int?
  @Option(name: .customLong("depth"), help: .hidden) var depthAlias: Int?
  var depth: Int { layers ?? depthAlias ?? 50 }
  @Option(help: "MLP width (also its input width).") var width: Int = 256
  @Option(help: "Residual blocks.") var blocks: Int = 20
  @Option(help: "Residual channels.") var channels: Int = 32
  @Option(help: "Input planes of the 8x8 resnet input.") var planes: Int = 8
  @Option(help: "Activation name.") var activation: String = "relu"
  @Option(name: .customLong("init"), help: "Initializer name.") var initializer: String = "autoinit"
  @Flag(help: "Rewire weights by preferential attachment after the initializer.") var paRewire = false
  @Option(help: "Probe batch size.") var batch: Int = 256
  @Option(help: "Seed for weights, inputs and gradients.") var seed: UInt64 = 7
  @Flag(help: "Print JSON instead of a table.") var json = false
  @Option(help: "Also write an SVG plot of the variances to this file.") var plot: String?

  func validate() throws {
    guard (1...1000).contains(depth), (1...8192).contains(width), (0...200).contains(blocks),
      (1...1024).contains(channels),
      (1...4096).contains(batch), (1...256).contains(planes)
    else {
      throw ValidationError(
        "sizes out of range (layers 1-1000, width 1-8192, blocks 0-200, channels 1-1024, batch 1-4096)")
    }
  }

  func run() throws {
    let act: Activation
    let initKind: Initializer
    do {
      act = try Activation(parsing: activation)
      initKind = try Initializer(parsing: initializer)
    } catch { throw ValidationError(error.message) }
    let options = InitOptions(initKind, paRewire: paRewire)
    var rng = Xoshiro256(seed: seed)
    let signal: [LayerSignal]
    // With --pa-rewire: what rewiring does to the unit strengths of the same draw without it.
    var strengths: [PARewiring.StrengthChange]?
    func drawn<L: Layer>(_ build: () -> L, inputShape: [Int]) -> L {
      var model = build()
      var r = Xoshiro256(seed: seed)
      model.initialize(InitOptions(initKind), inputShape: inputShape, rng: &r)
      return model
    }
    switch arch {
    case .mlp:
      let build = {
        NetworkSpec.mlp(inputs: width, depth: depth, width: width, outputs: width, activation: act).buildMLP()
      }
      var model = build()
      model.initialize(options, inputShape: [width], rng: &rng)
      signal = SignalProbe.measure(&model, inputShape: [width], batch: batch, seed: seed)
      if paRewire {
        var plain = drawn(build, inputShape: [width])
        strengths = PARewiring.strengthChanges(&plain, seed: seed)
      }
    case .resnet:
      let spec = NetworkSpec.policyValue(
        height: 8, width: 8, planes: planes, blocks: blocks, channels: channels, policySize: 64, activation: act)
      var net = PolicyValueNetwork(spec)
      net.initialize(options, inputShape: spec.inputShape, rng: &rng)
      signal = SignalProbe.measure(&net, inputShape: spec.inputShape, batch: batch, seed: seed)
      if paRewire {
        var plain = drawn({ PolicyValueNetwork(spec) }, inputShape: spec.inputShape)
        strengths = PARewiring.strengthChanges(&plain, seed: seed)
      }
    }
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      struct Report: Encodable {
        let layers: [LayerSignal]
        let strengths: [PARewiring.StrengthChange]?
      }
      print(String(decoding: try encoder.encode(Report(layers: signal, strengths: strengths)), as: UTF8.self))
    } else {
      print(
        "\(arch) \(arch == .mlp ? "\(depth)x\(width)" : "\(blocks)x\(channels)"), \(act), init \(initKind)\(paRewire ? " + pa_rewire" : ""), seed \(seed)"
      )
      print(pad("#", 4) + pad("layer", 22) + pad("mean", 12) + pad("variance", 12) + "grad variance")
      for s in signal {
        print(
          pad("\(s.index)", 4) + pad(s.name, 22) + pad(fmt(s.mean), 12) + pad(fmt(s.variance), 12) + fmt(s.gradVariance)
        )
      }
      let bad = signal.filter { $0.variance < 0.5 || $0.variance > 2 }.count
      print("\(signal.count - bad) of \(signal.count) layers have output variance in [0.5, 2]")
      if let strengths {
        print("variance of the unit strengths (weight sums) of the same draw, before -> after rewiring:")
        print(pad("weight", 22) + pad("output units", 26) + "input units")
        for c in strengths {
          print(
            pad(c.name, 22) + pad("\(fmt(c.outputsBefore)) -> \(fmt(c.outputsAfter))", 26)
              + "\(fmt(c.inputsBefore)) -> \(fmt(c.inputsAfter))")
        }
        func median(_ pairs: [(Double, Double)]) -> Double {
          let r = pairs.map { $0.0 > 0 ? $0.1 / $0.0 : 1 }.sorted()
          return r.count % 2 == 1 ? r[r.count / 2] : (r[r.count / 2 - 1] + r[r.count / 2]) / 2
        }
        let out = median(strengths.map { ($0.outputsBefore, $0.outputsAfter) })
        let inp = median(strengths.map { ($0.inputsBefore, $0.inputsAfter) })
        print("median after/before: output units \(fmt(out)), input units \(fmt(inp))")
      }
    }
    if let plot {
      try SVGPlot.lines(
        title: "\(arch) \(act) \(initKind): per-layer variance (log scale)", xLabel: "layer", yLabel: "variance",
        series: [
          ("output variance", signal.map { Double($0.index) }, signal.map(\.variance)),
          ("gradient variance", signal.map { Double($0.index) }, signal.map(\.gradVariance)),
        ],
        logY: true
      ).write(toFile: plot, atomically: true, encoding: .utf8)
      if !json { print("plot written to \(plot)") }
    }
  }
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }

func fmt(_ x: Double) -> String {
  if x == 0 { return "0" }
  if abs(x) >= 1e4 || abs(x) < 1e-3 { return String(format: "%.3e", x) }
  return String(format: "%.4f", x)
}
