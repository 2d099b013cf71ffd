import Foundation
import GameCore
import NeuralCore
import Testing

/// Damaged checkpoints (a network with its optimizer's state, and an optimizer file alone):
/// every copy is refused in one line naming the file and leaves the model and the optimizer
/// as they were, or loads exactly what was saved.
@Suite struct CorruptCheckpointTests {
  static func values(_ net: inout PolicyValueNetwork) -> [Float] {
    var out: [Float] = []
    net.visitParameters { out += $0.value.data }
    net.visitBuffers { _, v in out += v }
    return out
  }

  static func state(_ o: Optimizer) -> [String: [Float]] {
    Dictionary(uniqueKeysWithValues: o.stateTensors.map { ($0.0, $0.2) })
  }

  @Test(arguments: [1, 2, 3] as [UInt64])
  func checkpointsAreRefusedWithoutChangesOrLoadIdentical(seed: UInt64) throws {
    var net = smallNetwork(seed: 5)
    var adam = Optimizer.adam(0.01)
    net.visitParameters { p in
      for i in 0..<p.grad.count { p.grad.data[i] = Float(i % 7) / 100 - 0.03 }
    }
    adam.update(&net)
    let path = temporaryPath("corrupt-\(seed)-\(UUID().uuidString).safetensors")
    try Checkpoint.save(&net, spec: net.spec, optimizer: adam, metadata: ["step": "1"], to: path)
    let saved = CorruptCheckpointTests.values(&net)
    let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
    for v in FileDamage.variants(of: bytes, seed: seed) {
      try Data(v.bytes).write(to: URL(fileURLWithPath: path))
      var model = smallNetwork(seed: 9)
      let before = CorruptCheckpointTests.values(&model)
      var restored = Optimizer.adam(0.01)
      do throws(NeuralError) {
        let contents = try Checkpoint.load(into: &model, optimizer: &restored, from: path)
        #expect(CorruptCheckpointTests.values(&model) == saved, "\(v.label): loaded different values")
        #expect(CorruptCheckpointTests.state(restored) == CorruptCheckpointTests.state(adam), "\(v.label)")
        #expect(contents.metadata["step"] == "1" && (try? Checkpoint.spec(in: contents)) == net.spec, "\(v.label)")
      } catch {
        #expect(error.message.contains(path) && !error.message.contains("\n"), "\(v.label): \(error.message)")
        #expect(CorruptCheckpointTests.values(&model) == before, "\(v.label): a refused file changed the model")
        #expect(restored.step == 0, "\(v.label): a refused file changed the optimizer")
      }
    }
  }
}
