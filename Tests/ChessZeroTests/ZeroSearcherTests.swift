import Chess
import ChessEngine
import ChessZero
import Foundation
import GameCore
import GameSearch
import NeuralCore
import Testing

/// The network engine's search: simulations as nodes, mates found and scored, no move when the
/// game is over, the kept tree, a stop that ends it, the clock, and the value-to-centipawn
/// mapping.
@Suite struct ZeroSearcherTests {
  static func searcher(hash: Int = 16, seed: UInt64 = 5) throws -> ZeroSearcher {
    var net = PolicyValueNetwork(ChessNetworkEvaluator.spec(blocks: 1, channels: 8))
    var rng = Xoshiro256(seed: seed)
    net.initialize(InitOptions(), inputShape: ChessEncoding.inputShape, rng: &rng)
    return try ZeroSearcher(network: net, hashMegabytes: hash)
  }

  @Test func nodesAreSimulations() throws {
    let s = try Self.searcher()
    var limits = SearchLimits()
    limits.nodes = 200
    let r = s.search(ChessPosition(), history: [], limits: limits)
    #expect(r.nodes == 200 && s.lastInfo.nodes == 200)
    let best = try #require(r.bestMove)
    #expect(ChessPosition().legalMoves.contains(best))
    #expect(r.pv.first == best && s.lastInfo.pvText.first == ChessPosition().moveText(best))
    #expect(s.lastInfo.depth >= 1 && s.lastInfo.seldepth >= s.lastInfo.depth)
  }

  @Test func findsAndScoresMateInOne() throws {
    let s = try Self.searcher()
    let p = try ChessPosition(fen: "6k1/5ppp/8/8/8/8/5PPP/3R2K1 w - - 0 1")
    var limits = SearchLimits()
    limits.nodes = 2000
    let r = s.search(p, history: [], limits: limits)
    #expect(r.bestMove.map { p.moveText($0) } == "d1d8")
    #expect(s.lastInfo.mateIn == 1)
  }

  @Test func noMoveWhenTheGameIsOver() throws {
    let s = try Self.searcher()
    let mated = try ChessPosition(fen: "3R2k1/5ppp/8/8/8/8/5PPP/6K1 b - - 1 1")
    let r = s.search(mated, history: [], limits: SearchLimits())
    #expect(r.bestMove == nil && s.lastInfo.mateIn == 0)
  }

  @Test func keepsTheTreeAcrossMoves() throws {
    let s = try Self.searcher()
    var limits = SearchLimits()
    limits.nodes = 400
    var p = ChessPosition()
    var keys = [p.hash]
    let first = try #require(s.search(p, history: keys, limits: limits).bestMove)
    // The reply the search expected most: its subtree has visits already.
    let reply = try #require(s.lastInfo.pv.dropFirst().first)
    for m in [first, reply] {
      p.play(m)
      keys.append(p.hash)
    }
    limits.nodes = 10
    _ = s.search(p, history: keys, limits: limits)
    #expect(s.rootVisits > 10, "the kept subtree's visits count at the new root")
    // A position that does not follow gets a fresh tree.
    s.newGame()
    _ = s.search(p, history: keys, limits: limits)
    #expect(s.rootVisits == 10)
  }

  @Test func stopsWhenTold() throws {
    let s = try Self.searcher()
    var infinite = SearchLimits()
    infinite.infinite = true
    let limits = infinite
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var move: Move?
    Thread {
      move = s.search(ChessPosition(), history: [], limits: limits).bestMove
      done.signal()
    }.start()
    Thread.sleep(forTimeInterval: 0.2)
    let t0 = ContinuousClock.now
    s.stopSignal.stop()
    done.wait()
    #expect((ContinuousClock.now - t0) < .milliseconds(50))
    #expect(move.map { ChessPosition().legalMoves.contains($0) } == true)
  }

  @Test func keepsToTheClock() throws {
    let s = try Self.searcher()
    var limits = SearchLimits()
    limits.moveTime = 150
    let t0 = ContinuousClock.now
    let r = s.search(ChessPosition(), history: [], limits: limits)
    let spent = ContinuousClock.now - t0
    #expect(r.bestMove != nil && spent < .milliseconds(300) && r.nodes > 0)
  }

  @Test func treeBoundedByHash() throws {
    let s = try Self.searcher(hash: 1)
    var limits = SearchLimits()
    limits.nodes = 1_000_000
    let r = s.search(ChessPosition(), history: [], limits: limits)
    #expect(r.nodes < 1_000_000 && r.bestMove != nil)
    #expect(s.lastInfo.hashfull >= 990)
  }

  @Test func valueAsCentipawns() {
    #expect(ZeroSearcher.centipawns(0) == 0)
    #expect(ZeroSearcher.centipawns(0.5) == 284 && ZeroSearcher.centipawns(-0.5) == -284)
    #expect(ZeroSearcher.centipawns(1) == 9999 && ZeroSearcher.centipawns(-1) == -9999)
  }

  @Test func gameStateFromKeysMatchesTheGame() throws {
    var game = GameRecord(start: ChessPosition())
    for text in ["g1f3", "g8f6", "f3g1", "f6g8"] { _ = try game.play(text) }
    let a = ChessGameState(game), b = ChessGameState(game.position, keys: game.keys)
    #expect(a == b && b.repetitions == 2)
  }
}
