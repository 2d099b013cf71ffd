import NeuralCore
import Testing

@Suite struct ParallelTests {
  struct Counts {
    var hits: UnsafeMutablePointer<Int>
    var count: Int
  }

  /// Every part runs once, on its own range, and the ranges cover `0..<count` exactly.
  @Test(arguments: [1, 2, 3, 5])
  func partsCoverTheRangeOnce(parts: Int) {
    let count = 1000
    let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
    defer { hits.deallocate() }
    for round in 0..<200 {
      hits.initialize(repeating: 0, count: count)
      var job = Counts(hits: hits, count: count)
      Parallel.run(parts: parts, context: &job) { raw, part, parts in
        let job = raw.assumingMemoryBound(to: Counts.self).pointee
        for i in Parallel.range(part, of: parts, count: job.count) { job.hits[i] += 1 }
      }
      let wrong = (0..<count).filter { hits[$0] != 1 }
      #expect(wrong.isEmpty, "round \(round): \(wrong.count) indices not hit exactly once")
      if !wrong.isEmpty { break }
    }
  }

  @Test func smallWorkStaysOnOneThread() {
    #expect(Parallel.parts(forWork: Parallel.parallelWork - 1) == 1)
    #expect(Parallel.parts(forWork: Parallel.parallelWork) == max(1, BLAS.threads))
  }
}
