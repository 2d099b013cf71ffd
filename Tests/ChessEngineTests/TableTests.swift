import Chess
import ChessEngine
import GameCore
import Testing

typealias HandcraftedSearcher = ChessSearcher<HandcraftedEvaluation>

@Suite struct TranspositionTableTests {
  /// Two keys in the same slot of a 1 MiB table (65 536 slots of 16 bytes: the low 16 bits).
  static let a: UInt64 = 0x1234_5678_0000_0042
  static let b: UInt64 = 0x7654_3210_0000_0042
  static let e4 = Move(from: 12, to: 28)
  static let d4 = Move(from: 11, to: 27)

  /// A mate is stored as its distance from the node that found it and read back as a distance
  /// from the root of the search that reads it, whatever ply the position is reached at.
  @Test func mateScoresAreStoredFromTheNodeAndReadFromTheRoot() throws {
    let tt = TranspositionTable(megabytes: 1)
    let a = TranspositionTableTests.a
    // At ply 3 the side to move mates in 5 plies: mateScore - 8 from the root.
    let stored = HandcraftedSearcher.toTT(mateScore - 8, 3)
    #expect(stored == mateScore - 5)
    tt.store(a, move: TranspositionTableTests.e4, score: stored, depth: 6, bound: .exact)
    let e = try #require(tt.probe(a))
    #expect(Int(e.score) == mateScore - 5)
    #expect(HandcraftedSearcher.fromTT(Int(e.score), 3) == mateScore - 8)
    // The same position met at ply 7 of another search: still mate in 5 plies from there.
    #expect(HandcraftedSearcher.fromTT(Int(e.score), 7) == mateScore - 12)
    #expect(HandcraftedSearcher.fromTT(Int(e.score), 0) == mateScore - 5)
    // Being mated: -(mateScore - 8) at ply 3 is stored as -(mateScore - 5).
    let lost = HandcraftedSearcher.toTT(-(mateScore - 8), 3)
    #expect(lost == -(mateScore - 5))
    tt.store(a ^ 0x1_0000, move: .none, score: lost, depth: 6, bound: .upper)
    let f = try #require(tt.probe(a ^ 0x1_0000))
    #expect(HandcraftedSearcher.fromTT(Int(f.score), 1) == -(mateScore - 6))
    // The deepest mate the search can report still fits the 16-bit entry.
    let deepest = mateScore - (maxPly - 1)
    #expect(HandcraftedSearcher.fromTT(Int(Int16(HandcraftedSearcher.toTT(deepest, 60))), 60) == deepest)
    // Other scores are stored as they are.
    for s in [0, 35, -1200, mateBound - 1, -(mateBound - 1)] {
      #expect(HandcraftedSearcher.toTT(s, 9) == s && HandcraftedSearcher.fromTT(s, 9) == s)
    }
  }

  /// The same through the search: after a mate in 3 is found, the entries the search stored
  /// for the positions one and two plies down its principal variation hold their own
  /// distances (mated in 4 plies, mate in 3 plies), and a new search from the second, with the
  /// same table, reports mate in 2.
  @Test func theSearchStoresMatesFromTheNode() throws {
    let p = try ChessPosition(fen: "k4r2/1R4pb/1pQp1n1p/3P4/5p1P/3P2P1/r1q1R2K/8 w - - 0 1")
    let s = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 16)
    let r = s.search(p, limits: SearchLimits(nodes: 2_000_000))
    #expect(r.mateIn == 3)
    #expect(r.pv.count >= 3)
    let q1 = p.playing(r.pv[0])
    let q2 = q1.playing(r.pv[1])
    let e1 = try #require(s.table.probe(q1.hash))
    #expect(e1.bound != .lower && Int(e1.score) == -(mateScore - 4), "\(e1)")
    let e2 = try #require(s.table.probe(q2.hash))
    #expect(e2.bound != .upper && Int(e2.score) == mateScore - 3, "\(e2)")
    let again = s.search(q2, limits: SearchLimits(depth: 1))
    #expect(again.mateIn == 2, "\(s.lastInfo.uciLine)")
    #expect(again.score == mateScore - 3)
  }

  /// Replacement (one entry a slot): the same key always replaces (keeping its move when the
  /// new result has none); another key replaces when it is at most one ply shallower, exact,
  /// or the old entry is from an earlier search.
  @Test func replacementPrefersDepthExactResultsAndTheCurrentSearch() throws {
    let (a, b) = (TranspositionTableTests.a, TranspositionTableTests.b)
    let (e4, d4) = (TranspositionTableTests.e4, TranspositionTableTests.d4)
    let tt = TranspositionTable(megabytes: 1)
    tt.newSearch()
    tt.store(a, move: e4, score: 10, depth: 10, bound: .lower)
    // Another key, two plies shallower, a bound: the deeper entry stays.
    tt.store(b, move: d4, score: 20, depth: 8, bound: .lower)
    tt.store(b, move: d4, score: 20, depth: 8, bound: .upper)
    #expect(tt.probe(b) == nil)
    #expect(tt.probe(a)?.depth == 10)
    // One ply shallower replaces.
    tt.store(b, move: d4, score: 20, depth: 9, bound: .lower)
    #expect(tt.probe(a) == nil)
    #expect(tt.probe(b)?.depth == 9 && tt.probe(b)?.move == d4.raw)
    // An exact result replaces a much deeper bound.
    tt.store(a, move: e4, score: 5, depth: 1, bound: .exact)
    #expect(tt.probe(b) == nil)
    let exact = try #require(tt.probe(a))
    #expect(exact.depth == 1 && exact.bound == .exact && exact.score == 5)
    // The same key always replaces; a result without a move keeps the stored one.
    tt.store(a, move: .none, score: -7, depth: 0, bound: .upper)
    let same = try #require(tt.probe(a))
    #expect(same.depth == 0 && same.score == -7 && same.bound == .upper && same.move == e4.raw)
    tt.store(a, move: d4, score: -7, depth: 0, bound: .upper)
    #expect(tt.probe(a)?.move == d4.raw)

    // Aging: a deep entry of an earlier search is still read but gives way to anything.
    tt.store(a, move: e4, score: 1, depth: 30, bound: .lower)
    tt.store(b, move: d4, score: 2, depth: 1, bound: .upper)
    #expect(tt.probe(a)?.depth == 30)
    tt.newSearch()
    #expect(tt.probe(a)?.depth == 30)
    tt.store(b, move: d4, score: 2, depth: 1, bound: .upper)
    #expect(tt.probe(a) == nil && tt.probe(b)?.depth == 1)
    // The generation has six bits: 64 searches later an entry counts as current again.
    tt.store(a, move: e4, score: 1, depth: 30, bound: .lower)
    for _ in 0..<64 { tt.newSearch() }
    tt.store(b, move: d4, score: 2, depth: 1, bound: .upper)
    #expect(tt.probe(a)?.depth == 30 && tt.probe(b) == nil)
  }

  /// `hashfull` counts the first thousand slots filled by the current search; `clear` and
  /// `resize` forget everything.
  @Test func hashfullAndClear() {
    let tt = TranspositionTable(megabytes: 1)
    #expect(tt.hashfull == 0)
    for k in 0..<UInt64(500) { tt.store(k, move: .none, score: 0, depth: 1, bound: .exact) }
    #expect(tt.hashfull == 500)
    tt.newSearch()
    #expect(tt.hashfull == 0)
    #expect(tt.probe(7) != nil)
    for k in 0..<UInt64(250) { tt.store(k, move: .none, score: 0, depth: 1, bound: .exact) }
    #expect(tt.hashfull == 250)
    tt.clear()
    #expect(tt.probe(7) == nil && tt.hashfull == 0)
    tt.store(7, move: .none, score: 0, depth: 1, bound: .exact)
    tt.resize(megabytes: 2)
    #expect(tt.megabytes == 2 && tt.probe(7) == nil)
  }
}

@Suite struct PawnCacheTests {
  /// A position with kings on e1 and e8 and the given pawns (square indices, a1 = 0).
  static func position(white: [Int], black: [Int]) throws -> ChessPosition {
    var board = [Character](repeating: ".", count: 64)
    board[4] = "K"
    board[60] = "k"
    for s in white { board[s] = "P" }
    for s in black { board[s] = "p" }
    let ranks = (0..<8).reversed().map { r in
      var text = "", empty = 0
      for f in 0..<8 {
        let c = board[r * 8 + f]
        if c == "." {
          empty += 1
          continue
        }
        if empty > 0 { text += "\(empty)" }
        empty = 0
        text.append(c)
      }
      return empty > 0 ? text + "\(empty)" : text
    }
    return try ChessPosition(fen: ranks.joined(separator: "/") + " w - - 0 1")
  }

  static func slot(_ p: ChessPosition) -> Int {
    PawnCache.slot(p.pieces(.white, .pawn).rawValue, p.pieces(.black, .pawn).rawValue)
  }

  /// Along seeded random games the cached evaluation equals the uncached one, on the miss
  /// that fills a slot and on the hit that reads it; the slot then holds the placement, and a
  /// hit really is read from the cache (a changed entry changes the score).
  @Test func hitsScoreLikeAFreshComputation() throws {
    var rng = Xoshiro256(seed: 16)
    let cache = PawnCache()
    var checked = 0
    for _ in 0..<20 {
      var p = ChessPosition()
      for _ in 0..<80 {
        let moves = p.legalMoves
        if moves.isEmpty { break }
        let fresh = HandcraftedEvaluation.score(p)
        #expect(HandcraftedEvaluation.score(p, cache: cache) == fresh, "\(p.fen)")
        let e = cache.entries[PawnCacheTests.slot(p)]
        #expect(e.valid && e.white == p.pieces(.white, .pawn).rawValue && e.black == p.pieces(.black, .pawn).rawValue)
        #expect(HandcraftedEvaluation.score(p, cache: cache) == fresh, "\(p.fen)")
        checked += 1
        p.play(moves[Int(rng.next() % UInt64(moves.count))])
      }
    }
    #expect(checked > 1000)
    let p = try ChessPosition(fen: "4k3/pp3ppp/8/3p4/8/8/PPP2PPP/4K3 w - - 0 1")
    let fresh = HandcraftedEvaluation.score(p, cache: cache)
    cache.entries[PawnCacheTests.slot(p)].mg &+= 500
    cache.entries[PawnCacheTests.slot(p)].eg &+= 500
    #expect(HandcraftedEvaluation.score(p, cache: cache) == fresh + 500)
  }

  /// Two placements with the same slot and different pawn-structure values: each replaces the
  /// other, and neither is ever scored with the other's entry.
  @Test func collidingPlacementsReplaceEachOther() throws {
    // Two white and two black pawns (White's not checking the king on e8), 4 000 random
    // placements in 16 384 slots: hundreds of collisions.
    var rng = Xoshiro256(seed: 4)
    var bySlot: [Int: [([Int], [Int])]] = [:]
    let whiteSquares = (8..<56).filter { $0 != 51 && $0 != 53 }
    for _ in 0..<4000 {
      var squares: [Int] = []
      while squares.count < 4 {
        let s = whiteSquares[Int(rng.next() % UInt64(whiteSquares.count))]
        if !squares.contains(s) { squares.append(s) }
      }
      let w = Array(squares[0..<2]), b = Array(squares[2..<4])
      let key = PawnCache.slot(
        w.reduce(0) { $0 | UInt64(1) << UInt64($1) }, b.reduce(0) { $0 | UInt64(1) << UInt64($1) })
      bySlot[key, default: []].append((w, b))
    }
    var pairs = 0
    for (_, placements) in bySlot.sorted(by: { $0.key < $1.key }) where placements.count >= 2 {
      let p1 = try PawnCacheTests.position(white: placements[0].0, black: placements[0].1)
      let p2 = try PawnCacheTests.position(white: placements[1].0, black: placements[1].1)
      guard p1.fen != p2.fen else { continue }
      let cache = PawnCache()
      let s1 = HandcraftedEvaluation.score(p1, cache: cache)
      let first = cache.entries[PawnCacheTests.slot(p1)]
      let s2 = HandcraftedEvaluation.score(p2, cache: cache)
      let second = cache.entries[PawnCacheTests.slot(p2)]
      guard first.mg != second.mg || first.eg != second.eg else { continue }
      pairs += 1
      #expect(s1 == HandcraftedEvaluation.score(p1) && s2 == HandcraftedEvaluation.score(p2))
      #expect(second.white == p2.pieces(.white, .pawn).rawValue && second.black == p2.pieces(.black, .pawn).rawValue)
      #expect(HandcraftedEvaluation.score(p1, cache: cache) == s1, "\(p1.fen) after \(p2.fen)")
      #expect(cache.entries[PawnCacheTests.slot(p1)].white == first.white)
      #expect(HandcraftedEvaluation.score(p2, cache: cache) == s2, "\(p2.fen) after \(p1.fen)")
      if pairs == 20 { break }
    }
    #expect(pairs == 20)
  }
}
