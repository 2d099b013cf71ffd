import Chess

/// The moving piece and target of `m` in `pos` as a key `Piece.raw << 6 | to` (0…1023): how
/// the counter-move and continuation histories name a move.
@inline(__always) func pieceKey(_ pos: ChessPosition, _ m: Move) -> Int {
  Int(pos[Square(m.from)].raw & 15) &<< 6 | Int(m.to)
}

/// The history update ("gravity"): `h += bonus`, pulled toward zero as `|h|` grows, so `h`
/// stays within ±16384 and recent results outweigh old ones.
@inline(__always) func historyGravity(_ h: Int, _ bonus: Int) -> Int {
  h + bonus - h * abs(bonus) / 16384
}

/// Butterfly history: how each quiet move (by side to move, from and to squares) has done at
/// cutoffs, `[side * 4096 + from | to << 6]`. Halved before each search.
struct ButterflyHistory {
  static let size = 2 * 4096
  let table: UnsafeMutablePointer<Int32>

  init() {
    table = .allocate(capacity: ButterflyHistory.size)
    table.initialize(repeating: 0, count: ButterflyHistory.size)
  }

  func deallocate() { table.deallocate() }
  func clear() { table.update(repeating: 0, count: ButterflyHistory.size) }
  /// Halves every entry (a new search: the last one's results count half).
  func age() { for i in 0..<ButterflyHistory.size { table[i] /= 2 } }

  @inline(__always) subscript(side: Int, move: Move) -> Int { Int(table[side * 4096 + move.historyIndex]) }

  @inline(__always) func update(side: Int, move: Move, bonus: Int) {
    let i = side * 4096 + move.historyIndex
    table[i] = Int32(historyGravity(Int(table[i]), bonus))
  }
}

/// Counter moves: the quiet reply that last refuted each previous move, by the previous
/// move's `pieceKey`.
struct CounterMoves {
  let table: UnsafeMutablePointer<Move>

  init() {
    table = .allocate(capacity: 1024)
    table.initialize(repeating: .none, count: 1024)
  }

  func deallocate() { table.deallocate() }
  func clear() { table.update(repeating: .none, count: 1024) }

  @inline(__always) subscript(previous: Int) -> Move {
    get { table[previous] }
    nonmutating set { table[previous] = newValue }
  }
}

/// One-ply continuation history: how a quiet move (by its `pieceKey`) has done right after the
/// previous move (by its `pieceKey`), `[previous * 1024 + key]`, within ±16384.
struct ContinuationHistory {
  static let size = 1024 * 1024
  let table: UnsafeMutablePointer<Int16>

  init() {
    table = .allocate(capacity: ContinuationHistory.size)
    table.initialize(repeating: 0, count: ContinuationHistory.size)
  }

  func deallocate() { table.deallocate() }
  func clear() { table.update(repeating: 0, count: ContinuationHistory.size) }

  /// The entries for replies to the previous move `previous` (a `pieceKey`; -1, no previous
  /// move, reads row 0, which the callers ignore).
  @inline(__always) func row(after previous: Int) -> UnsafeMutablePointer<Int16> {
    table + max(previous, 0) * 1024
  }

  /// Applies `bonus` to an entry with the history gravity.
  @inline(__always) static func update(_ entry: UnsafeMutablePointer<Int16>, bonus: Int) {
    entry.pointee = Int16(historyGravity(Int(entry.pointee), bonus))
  }
}

/// The move-ordering histories the search learns across nodes and searches (killers are per
/// ply, in `PlyState`): butterfly, counter-move and continuation histories, and how a beta
/// cutoff by a quiet move updates them.
struct Histories {
  let butterfly = ButterflyHistory()
  let counterMoves = CounterMoves()
  let continuation = ContinuationHistory()

  func deallocate() {
    butterfly.deallocate()
    counterMoves.deallocate()
    continuation.deallocate()
  }

  /// Forgets everything (a new game).
  func clear() {
    butterfly.clear()
    continuation.clear()
    counterMoves.clear()
  }

  /// The bonus for a cutoff at `depth` (the quiet moves tried before it get its negative).
  @inline(__always) static func bonus(depth: Int) -> Int { min(depth * depth * 8, 4000) }

  /// A quiet move `m` caused a beta cutoff at `depth` in `pos` after the quiet moves
  /// `tried[0..<triedCount]` failed: `m`'s butterfly entry rises, theirs fall; when the node
  /// has a previous move (`previous`, a `pieceKey`, else -1), `m` becomes its counter move and
  /// the continuation entries after it (`continuation`, its row) change the same way.
  @inline(__always) func updateAtCutoff(
    _ m: Move, in pos: ChessPosition, side: Int, depth: Int, tried: UnsafeMutablePointer<Move>, triedCount: Int,
    previous: Int, continuation row: UnsafeMutablePointer<Int16>
  ) {
    let bonus = Histories.bonus(depth: depth)
    butterfly.update(side: side, move: m, bonus: bonus)
    for q in 0..<triedCount { butterfly.update(side: side, move: tried[q], bonus: -bonus) }
    if previous >= 0 {
      counterMoves[previous] = m
      ContinuationHistory.update(row + pieceKey(pos, m), bonus: bonus)
      for q in 0..<triedCount { ContinuationHistory.update(row + pieceKey(pos, tried[q]), bonus: -bonus) }
    }
  }
}
