import Foundation
import GameCore
import InitStudy
import Testing

@Suite struct ArchSearchTests {
  /// Random architectures and their mutations stay in the space; a mutation changes the
  /// architecture; the same seed draws the same ones.
  @Test func randomAndMutatedStayInTheSpace() {
    var rng = Xoshiro256(seed: 3)
    var again = Xoshiro256(seed: 3)
    var kinds = Set<String>()
    for _ in 0..<300 {
      let a = Architecture.random(&rng)
      #expect(a.isValid && a == Architecture.random(&again))
      let m = a.mutated(&rng)
      #expect(m.isValid && m != a && m == a.mutated(&again))
      kinds.insert(m.residual + "/" + m.normalization)
    }
    #expect(kinds.count == Architecture.residualChoices.count, "every residual kind is reached")
    #expect(Architecture.standard(channels: 32).isValid)
  }

  /// An architecture becomes the supervise options that build it.
  @Test func architectureArguments() {
    let a = Architecture(
      stages: [.init(activation: "mish", blocks: 2), .init(activation: "tanh", blocks: 1)], channels: 16,
      residual: "rescale", normalization: "none", squeezeExcitation: 4, valueHidden: 8, policyChannels: 4)
    #expect(a.label == "mish:2,tanh:1 c16 rescale/none se4 v8 p4")
    #expect(
      a.arguments == [
        .option("stages", "mish:2,tanh:1"), .option("activation", "mish"), .option("channels", "16"),
        .option("residual", "rescale"), .option("norm", "none"), .option("value-hidden", "8"),
        .option("policy-channels", "4"), .option("se", "4"),
      ])
    #expect(a.blocks == 3 && a.isValid)
    var b = a
    b.stages.append(.init(activation: "relu", blocks: 3))
    #expect(b.isValid && b.blocks == 6)
    b.stages[0].blocks = 3
    #expect(!b.isValid, "7 blocks are more than the space holds")
    b.stages = [.init(activation: "relu", blocks: 4)]
    #expect(!b.isValid, "a stage holds 3 blocks at most")
  }

  /// The parameter count grows with the channels, and squeeze-excitation adds to it.
  @Test func parameterCounts() throws {
    let small = try Architecture.standard(channels: 8).parameterCount(size: "4x4")
    let large = try Architecture.standard(channels: 16).parameterCount(size: "4x4")
    #expect(small > 0 && large > small)
    var se = Architecture.standard(channels: 8)
    se.squeezeExcitation = 2
    #expect(try se.parameterCount(size: "4x4") > small)
  }

  /// Bad settings are refused with one line.
  @Test func planChecks() {
    func plan(
      population: Int = 4, candidates: Int = 8, short: Int = 1, long: Int = 3, inits: [String] = ["autoinit"],
      size: String = "3x3"
    )
      throws(StudyError) -> ArchSearchPlan
    {
      try ArchSearchPlan(
        size: size, population: population, sample: 2, candidates: candidates, shortIterations: short,
        longIterations: long, rankCandidates: 4, inits: inits, finalSeeds: 2, seed: 1, extra: [])
    }
    #expect(throws: Never.self) { try plan() }
    #expect(throws: StudyError.self) { try plan(candidates: 3) }
    #expect(throws: StudyError.self) { try plan(short: 3, long: 3) }
    #expect(throws: StudyError.self) { try plan(inits: ["autoinit", "autoinit"]) }
    #expect(throws: StudyError.self) { try plan(population: 1) }
    #expect(throws: StudyError.self) { try plan(inits: ["autoinit", "nonsense"]) }
    #expect(throws: StudyError.self) { try plan(size: "9x2") }
  }
}
