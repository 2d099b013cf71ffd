import GameCore
import GameSolver
import Hexapawn
import Testing

@Suite struct ReachableTests {
  @Test func hexapawn3x3HasTheKnownPositionCounts() throws {
    let root = board("3x3")
    let all = try #require(ReachablePositions.from(root))
    // 135 distinct positions, 70 of them unfinished (33 White to move, 37 Black to move).
    #expect(all.count == 135)
    #expect(Set(all).count == all.count)
    #expect(all.first == root)
    let live = all.filter { !$0.isFinished }
    #expect(live.count == 70)
    #expect(live.filter { $0.sideToMove == .white }.count == 33)
    // Closed under moves: every child of a listed position is listed.
    let listed = Set(all)
    for p in all { for m in p.legalMoves { #expect(listed.contains(p.playing(m))) } }
  }

  @Test func theLimitStopsTheWalk() throws {
    let root = board("3x3")
    #expect(ReachablePositions.from(root, limit: 134) == nil)
    #expect(ReachablePositions.from(root, limit: 135)?.count == 135)
    // 8x8 has far more positions than this; the walk ends as soon as it passes the limit.
    #expect(ReachablePositions.from(board("8x8"), limit: 1000) == nil)
  }

  @Test func theSameRootGivesTheSameOrder() throws {
    let a = try #require(ReachablePositions.from(board("4x3")))
    let b = try #require(ReachablePositions.from(board("4x3")))
    #expect(a == b)
  }
}
