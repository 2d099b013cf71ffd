import CBLAS
import GameCore
import Testing

@Suite struct RandomTests {
  @Test func splitMix64GoldenValues() {
    // Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    var g = SplitMix64(seed: 0)
    #expect(g.next() == 0xE220_A839_7B1D_CDAF)
    #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(g.next() == 0x06C4_5D18_8009_454F)
  }

  @Test func xoshiroGoldenValues() {
    // xoshiro256** seeded by four SplitMix64(42) outputs, computed independently in Python.
    var g = Xoshiro256(seed: 42)
    #expect(g.next() == 0x1578_0B2E_0C2E_C716)
    #expect(g.next() == 0x6104_D986_6D11_3A7E)
    #expect(g.next() == 0xAE17_5332_39E4_99A1)
  }

  @Test func sameSeedSameStreamDifferentSeedDifferentStream() {
    var a = Xoshiro256(seed: 7), b = Xoshiro256(seed: 7), c = Xoshiro256(seed: 8)
    let sa = (0..<100).map { _ in a.next() }
    let sb = (0..<100).map { _ in b.next() }
    let sc = (0..<100).map { _ in c.next() }
    #expect(sa == sb)
    #expect(sa != sc)
  }

  @Test(arguments: [1, 2, 3, 7, 10, 1000])
  func belowStaysInRangeAndCoversIt(bound: Int) {
    var g = Xoshiro256(seed: UInt64(bound))
    var seen = Set<Int>()
    for _ in 0..<(bound * 200) {
      let x = g.below(bound)
      #expect((0..<bound).contains(x))
      seen.insert(x)
    }
    #expect(seen.count == bound)
  }

  @Test func belowIsRoughlyUniform() {
    var g = Xoshiro256(seed: 99)
    var counts = [Int](repeating: 0, count: 6)
    for _ in 0..<60_000 { counts[g.below(6)] += 1 }
    for c in counts { #expect(abs(c - 10_000) < 500) }
  }

  @Test func unitIsInHalfOpenInterval() {
    var g = Xoshiro256(seed: 3)
    var sum = 0.0
    for _ in 0..<10_000 {
      let u = g.unit()
      #expect(u >= 0 && u < 1)
      sum += u
    }
    #expect(abs(sum / 10_000 - 0.5) < 0.02)
  }
}

@Suite struct TypesTests {
  @Test func sides() {
    #expect(Side.white.opponent == .black)
    #expect(Side.black.opponent == .white)
    #expect(Side.white.sign == 1 && Side.black.sign == -1)
  }

  @Test func outcomes() {
    #expect(Outcome.win(.white).score(for: .white) == 1)
    #expect(Outcome.win(.white).score(for: .black) == -1)
    #expect(Outcome.draw.score(for: .black) == 0)
    #expect(Outcome.win(.black).description == "Black wins")
    #expect(Outcome.win(.white).resultToken == "1-0")
    #expect(Outcome.draw.winner == nil)
  }

  @Test func moveListIsInlineAndBounded() {
    var list = MoveList<UInt16>(filler: 0)
    #expect(list.isEmpty)
    for i in 0..<256 { list.append(UInt16(i)) }
    #expect(list.count == 256)
    #expect(list[255] == 255)
    list.swapAt(0, 255)
    #expect(list[0] == 255 && list[255] == 0)
    list.removeAll()
    #expect(list.isEmpty)
    // The storage lives inside the value: 256 moves of 2 bytes plus the count.
    #expect(MemoryLayout<MoveList<UInt16>>.size == 256 * 2 + MemoryLayout<Int>.size)
  }
}

@Suite struct CBLASLinkTests {
  /// OpenBLAS is linked and computes C = A·B for row-major A (2x3) and B (3x2).
  @Test func sgemmMultipliesSmallMatrices() {
    let a: [Float] = [1, 2, 3, 4, 5, 6]
    let b: [Float] = [7, 8, 9, 10, 11, 12]
    var c = [Float](repeating: 0, count: 4)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, &c, 2)
    #expect(c == [58, 64, 139, 154])
  }
}

@Suite struct SearchLimitsTests {
  @Test func moveTimeIsTheHardLimitLessOverhead() {
    let a = SearchLimits(moveTime: 1000).allocation(for: .white)
    #expect(a?.hardLimit == 985)
    #expect(a?.optimum == 1970)
    #expect(SearchLimits(moveTime: 5).allocation(for: .black)?.hardLimit == 1)
  }

  @Test func clockSharesTheRemainingTime() {
    // 10 s left, 30 moves to go by default: (10000 − 30) / 30 + ¾ · 100.
    let a = SearchLimits(whiteTime: 10_000, blackTime: 1, whiteIncrement: 100).allocation(for: .white)
    #expect(a?.optimum == 332 + 75)
    #expect(a?.hardLimit == 3 * 407)
    // The last move before the time control may take four fifths of the time, not half.
    let last = SearchLimits(whiteTime: 10_000, movesToGo: 1).allocation(for: .white)
    #expect(last?.optimum == 9970 * 4 / 5)
    #expect(last?.hardLimit == 9970 * 4 / 5)
    let two = SearchLimits(whiteTime: 10_000, movesToGo: 2).allocation(for: .white)
    #expect(two?.optimum == 9970 / 2)
  }

  @Test func noTimeLimitWithoutClockOrWhenInfinite() {
    #expect(SearchLimits(depth: 5).allocation(for: .white) == nil)
    #expect(SearchLimits(whiteTime: 1000).allocation(for: .black) == nil)
    #expect(SearchLimits(whiteTime: 1000, infinite: true).allocation(for: .white) == nil)
  }
}
