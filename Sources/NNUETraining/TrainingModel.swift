import Foundation
import GameCore
import NNUE
import NeuralCore

/// The float NNUE as a neural-core layer, for training.
///
/// The sparse feature transformer is run by `transform(_:)` / `transformBackward(_:)`: for a
/// batch it touches only the rows of the active features (about 30 of 768 per perspective),
/// forward `acc = b + Σ W[f]`, backward `dW[f] += dacc`, `db += dacc`. Its output `[B, 2N]`
/// (side to move's accumulator first) is the input of the dense head, which `forward` /
/// `backward` run like any neural-core layer:
///
///     act(2N) → [dense → crelu]* → dense(→1)
///
/// `visitParameters` visits the transformer's weight `[F, N]` and bias, then the head's, so
/// the core's optimizers and initialisers apply unchanged (AutoInit sees the transformer's
/// input as binary features with the measured density: `Var(W) = 1/(F·density)`).
public struct NNUETrainingModel: Layer {
  public let spec: NNUESpec
  public var ftWeight: Parameter
  public var ftBias: Parameter
  public var head: [any Layer]
  /// Mean fraction of the `F` features active in a perspective (for AutoInit; 30/768 by default).
  public var featureDensity: Double

  /// The transformer's output.
  var buffers = LayerBuffers(1)
  var batchFeatures: FeatureBatch?
  let scratch = Scratch()

  /// The model of `spec`; with `batchEntropyTaps`, a `BatchEntropyTap` after the
  /// transformer's activation and after every hidden layer's (for the LBE regulariser).
  public init(spec: NNUESpec, batchEntropyTaps: Bool = false) {
    self.spec = spec
    let f = spec.layout.featureCount, n = spec.accumulator
    ftWeight = Parameter(name: "ft.weight", shape: [f, n], role: .weight, fanIn: f, fanOut: n)
    ftBias = Parameter(name: "ft.bias", shape: [n], role: .bias, fanIn: f, fanOut: n)
    featureDensity = 30 / 768 / Double(spec.layout.buckets)
    let actKind: ActivationKind = spec.activation == .screlu ? .screlu : .crelu
    var layers: [any Layer] = [ActivationLayer(Activation(actKind), channels: 2 * n, name: "ft.act")]
    if batchEntropyTaps { layers.append(BatchEntropyTap(name: "ft.lbe")) }
    let sizes = [2 * n] + spec.hidden + [1]
    for k in 0..<(sizes.count - 1) {
      layers.append(Dense(sizes[k], sizes[k + 1], name: "l\(k)"))
      if k < sizes.count - 2 {
        layers.append(ActivationLayer(Activation(.crelu), channels: sizes[k + 1], name: "l\(k).act"))
        if batchEntropyTaps { layers.append(BatchEntropyTap(name: "l\(k).lbe")) }
      }
    }
    head = layers
  }

  /// Loads float weights into the model.
  public init(_ net: NNUENetwork, batchEntropyTaps: Bool = false) {
    self.init(spec: net.spec, batchEntropyTaps: batchEntropyTaps)
    ftWeight.value.data = net.ftWeight
    ftBias.value.data = net.ftBias
    var k = 0
    for i in head.indices {
      if var d = head[i] as? Dense {
        d.weight.value.data = net.layers[k].weight
        d.bias.value.data = net.layers[k].bias
        head[i] = d
        k += 1
      }
    }
  }

  /// The float network (for saving, evaluation and quantisation).
  public var network: NNUENetwork {
    var layers: [DenseWeights] = []
    for l in head {
      if let d = l as? Dense {
        layers.append(
          DenseWeights(inputs: d.inputs, outputs: d.outputs, weight: d.weight.value.data, bias: d.bias.value.data))
      }
    }
    return NNUENetwork(spec: spec, ftWeight: ftWeight.value.data, ftBias: ftBias.value.data, layers: layers)
  }

  public var label: String { "nnue(\(spec))" }
  public func outputShape(for input: [Int]) -> [Int] { [input[0], 1] }

  /// The active features of a batch: for sample `b`, `stm[offsets[b]..<offsets[b+1]]`
  /// (and the same range of `nstm`).
  public struct FeatureBatch: Sendable {
    public var stm: [Int32] = []
    public var nstm: [Int32] = []
    public var offsets: [Int] = [0]
    public init() {}
    public var count: Int { offsets.count - 1 }
    public mutating func removeAll() {
      stm.removeAll(keepingCapacity: true)
      nstm.removeAll(keepingCapacity: true)
      offsets.removeAll(keepingCapacity: true)
      offsets.append(0)
    }
    public mutating func append(stm s: [Int32], nstm t: [Int32]) {
      stm += s
      nstm += t
      offsets.append(stm.count)
    }
  }

  /// The transformer's output `[B, 2N]` for a batch (kept for the backward pass).
  public mutating func transform(_ batch: FeatureBatch, threads: Int = 1) -> TensorBuffer {
    let n = spec.accumulator, count = batch.count
    LayerBuffers.claim(&buffers)
    let transformed = buffers[0]
    transformed.resize(Shape(count, 2 * n))
    let w = ftWeight.value.data, b = ftBias.value.data
    let out = transformed.pointer
    w.withUnsafeBufferPointer { wp in
      b.withUnsafeBufferPointer { bp in
        batch.stm.withUnsafeBufferPointer { sp in
          batch.nstm.withUnsafeBufferPointer { np in
            batch.offsets.withUnsafeBufferPointer { op in
              let t = max(1, min(threads, count))
              let work = { (part: Int) in
                let lo = count * part / t, hi = count * (part + 1) / t
                for s in lo..<hi {
                  // Two halves without building an array per sample (this is the inner loop).
                  for half in 0..<2 {
                    let feats = half == 0 ? sp : np
                    let row = out + s * 2 * n + half * n
                    row.update(from: bp.baseAddress!, count: n)
                    for j in op[s]..<op[s + 1] {
                      let src = wp.baseAddress! + Int(feats[j]) * n
                      for i in 0..<n { row[i] += src[i] }
                    }
                  }
                }
              }
              parallelFor(t, work)
            }
          }
        }
      }
    }
    batchFeatures = batch
    return transformed
  }

  /// Adds the transformer's gradients for the last `transform` given `d` = dLoss/d output.
  /// With several threads each one sums its share of the batch into its own buffer; the
  /// buffers are added at the end (same result up to float summation order).
  public mutating func transformBackward(_ d: TensorBuffer, threads: Int = 1) {
    guard let batch = batchFeatures else { preconditionFailure("transformBackward before transform") }
    let n = spec.accumulator, count = batch.count
    let t = max(1, min(threads, count))
    let size = ftWeight.value.count
    scratch.reserve(threads: t, size: size, n: n)
    let scratch = self.scratch
    ftWeight.grad.data.withUnsafeMutableBufferPointer { g0 in
      let base = g0.baseAddress!
      let dp = d.elements
      batch.stm.withUnsafeBufferPointer { sp in
        batch.nstm.withUnsafeBufferPointer { np in
          batch.offsets.withUnsafeBufferPointer { op in
            let work = { (part: Int) in
              let g = part == 0 ? base : scratch.weights + (part - 1) * size
              let bg = scratch.biases + part * n
              let lo = count * part / t, hi = count * (part + 1) / t
              for s in lo..<hi {
                for half in 0..<2 {
                  let feats = half == 0 ? sp : np
                  let row = dp.baseAddress! + s * 2 * n + half * n
                  for i in 0..<n { bg[i] += row[i] }
                  for j in op[s]..<op[s + 1] {
                    let dst = g + Int(feats[j]) * n
                    for i in 0..<n { dst[i] += row[i] }
                  }
                }
              }
            }
            parallelFor(t, work)
          }
        }
      }
      for k in 0..<(t - 1) {
        let src = scratch.weights + k * size
        for i in 0..<size { base[i] += src[i] }
      }
    }
    for part in 0..<t {
      for i in 0..<n { ftBias.grad.data[i] += scratch.biases[part * n + i] }
    }
  }

  /// Scratch gradient buffers for the extra threads (zeroed by `reserve`).
  final class Scratch: @unchecked Sendable {
    var weights = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var biases = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var weightCapacity = 1, biasCapacity = 1
    func reserve(threads t: Int, size: Int, n: Int) {
      let w = max(1, (t - 1) * size), b = t * n
      if w > weightCapacity {
        weights.deallocate()
        weights = .allocate(capacity: w)
        weightCapacity = w
      }
      if b > biasCapacity {
        biases.deallocate()
        biases = .allocate(capacity: b)
        biasCapacity = b
      }
      weights.update(repeating: 0, count: w)
      biases.update(repeating: 0, count: b)
    }
    deinit {
      weights.deallocate()
      biases.deallocate()
    }
  }

  /// Runs the head on the transformer's output.
  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    var y = x
    for i in head.indices { y = head[i].forward(y, training: training) }
    return y
  }

  /// Backward through the head; returns dLoss/d(transformer output).
  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    var g = dy
    for i in head.indices.reversed() { g = head[i].backward(g) }
    return g
  }

  /// Output (network units; × `spec.scale` = centipawns) for a batch, training or not.
  public mutating func outputs(_ batch: FeatureBatch, training: Bool, threads: Int = 1) -> TensorBuffer {
    let x = transform(batch, threads: threads)
    return forward(x, training: training)
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) {
    body(&ftWeight)
    body(&ftBias)
    for i in head.indices { head[i].visitParameters(body) }
  }

  public mutating func visitLayers(_ body: (inout any Layer) -> Void) {
    for i in head.indices { head[i].visitLayers(body) }
  }

  /// AutoInit: the transformer's inputs are binary features with mean `density` (so
  /// `E[x²] = density`); its outputs then have variance 1, and the head follows the core's rules.
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    AutoInit.fill(&ftWeight, inputSecondMoment: featureDensity, rng: &rng)
    ftBias.value.fill(0)
    var stats = SignalStats(mean: 0, variance: 1, shape: [2 * spec.accumulator])
    for i in head.indices { stats = head[i].autoInit(stats, rng: &rng) }
    return stats
  }

  /// Clips the weights quantisation would clip (transformer and first head layer) to ±1.98.
  public mutating func clipForQuantization() {
    let c = QuantizedNNUE.clip
    ftWeight.value.data.withUnsafeMutableBufferPointer { p in
      for i in 0..<p.count { p[i] = min(max(p[i], -c), c) }
    }
    // In place through the existential (a cast-and-store would box a copy of the layer and
    // copy its weights at every step).
    guard let first = head.firstIndex(where: { $0 is Dense }) else { return }
    head[first].visitParameters { p in
      guard p.role == .weight else { return }
      p.value.data.withUnsafeMutableBufferPointer { w in
        for j in 0..<w.count { w[j] = min(max(w[j], -c), c) }
      }
    }
  }
}

/// The NNUE loss on sigmoid-scaled outputs (nnue-pytorch's convention: λ weighs the search score):
///
///     q = σ(out·scale / K),   t = λ·σ(score / K) + (1 − λ)·result,   loss = mean((q − t)²)
///
/// `out·scale` is the network's evaluation in centipawns, `score` the search score, `result`
/// 0 / ½ / 1 for the side to move, `K` the sigmoid scale in centipawns (≈ 400: a 400 cp
/// advantage is a 73 % expected score). Gradient: `dloss/dout = 2(q − t)·q(1 − q)·scale/(K·B)`.
public enum NNUELoss {
  /// The blended target.
  @inlinable public static func target(score: Float, result: Float, lambda: Float, k: Float) -> Float {
    lambda * sigmoid(score / k) + (1 - lambda) * result
  }

  @inlinable public static func sigmoid(_ x: Float) -> Float { 1 / (1 + (-x).exp) }

  /// Loss and gradient for network outputs `out` (`[B, 1]`) against targets `t` (`[B]`).
  public static func evaluate(
    _ out: TensorBuffer, targets t: [Float], scale: Float, k: Float, gradient g: TensorBuffer
  )
    -> Float
  {
    let b = out.count
    g.resize(Shape(b, 1))
    var sum: Float = 0
    for i in 0..<b {
      let q = sigmoid(out[i] * scale / k)
      let e = q - t[i]
      sum += e * e
      g[i] = 2 * e * q * (1 - q) * scale / (k * Float(b))
    }
    return sum / Float(b)
  }
}

extension Float {
  @usableFromInline var exp: Float { Foundation.exp(self) }
}

/// Runs `body(0..<count)` on up to `count` threads and waits (`body` must only touch what
/// its index owns).
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
  FloatEnvironment.flushSubnormals()
  if count <= 1 {
    body(0)
    return
  }
  withoutActuallyEscaping(body) { b in
    nonisolated(unsafe) let run = b
    DispatchQueue.concurrentPerform(iterations: count) {
      FloatEnvironment.flushSubnormals()
      run($0)
    }
  }
}
