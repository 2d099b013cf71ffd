import GMP
import GameCore
import GameCounting
import Hexapawn
import Testing

func board(_ text: String) -> HexapawnPosition {
  HexapawnPosition(size: try! BoardSize(parsing: text))
}

@Suite struct CountingTests {
  @Test func classicBoardCounts() {
    let r = GameCounter<HexapawnPosition>().count(from: board("3x3"))
    #expect(r.games.description == "134")
    #expect(r.whiteWinProbability.description == "259/432")
    #expect(r.whiteWinProbability.decimal(digits: 4) == "0.5995")
    #expect((r.whiteWinProbability + r.blackWinProbability).description == "1")
    #expect(r.positions.description == "135")
  }

  /// The graph algorithm against brute-force path enumeration of the tree.
  @Test(arguments: ["3x3", "4x3", "3x4", "5x3", "3x5"])
  func graphCountsMatchTreeEnumeration(size: String) {
    let root = board(size)
    let r = GameCounter<HexapawnPosition>().count(from: root)
    #expect(r.games.uintValue == UInt(TreeWalk.completeGames(from: root)))
    #expect(r.whiteWinProbability == TreeWalk.whiteWinProbability(from: root))
  }

  /// Tree sizes from the independent enumeration in shared/reference/hexapawn.md §6.
  @Test(arguments: [("3x3", 252), ("4x3", 6_003), ("3x4", 10_783), ("5x3", 215_150), ("3x5", 368_906)])
  func treeSizes(size: String, nodes: UInt64) {
    #expect(TreeWalk.treeNodes(from: board(size)) == nodes)
  }

  /// Perft of 3x3 and its game lengths (shared/reference/engine-and-learning.md §1.3).
  @Test func classicPerftAndGameLengths() {
    let expected: [UInt64] = [3, 10, 28, 56, 70, 64, 20, 0]
    for (i, n) in expected.enumerated() { #expect(TreeWalk.perft(board("3x3"), depth: i + 1) == n) }
    let lengths = TreeWalk.gameLengths(from: board("3x3"))
    #expect(lengths.mapValues { $0.white + $0.black } == [3: 6, 4: 22, 5: 38, 6: 48, 7: 20])
    #expect(lengths.values.map(\.white).reduce(0, +) == 64)
    #expect(lengths.values.map(\.black).reduce(0, +) == 70)
  }

  @Test func fourByFourNeedsMoreThanSixtyFourBits() {
    let r = GameCounter<HexapawnPosition>().count(from: board("4x4"))
    #expect(r.whiteWinProbability.denominator.bitWidth > 64)
    #expect(r.positions.description == "20286")
    let p = r.whiteWinProbability.doubleValue
    #expect(p > 0 && p < 1)
    // The game count agrees with a machine-integer tree walk (it still fits in 64 bits).
    #expect(r.games.uintValue == UInt(TreeWalk.completeGames(from: board("4x4"))))
  }

  @Test func countsFromAnyPosition() throws {
    // Two moves from the end: White's b2 can capture a3 or c3 (both win) or push b3 (wins).
    let r = GameCounter<HexapawnPosition>().count(from: try HexapawnPosition(fen: "p1p/1P1/3 w"))
    #expect(r.games.description == "3")
    #expect(r.whiteWinProbability.description == "1")
  }
}
