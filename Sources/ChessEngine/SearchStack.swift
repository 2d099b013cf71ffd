import Chess

/// What the search keeps for one ply (Stockfish's `Stack`): the move that left the ply, its
/// static evaluation, the move a singular-extension search leaves out, the killers, the
/// principal variation from here, and scratch space for the node's move scores and move lists,
/// so a node copies no arrays onto the machine stack.
struct PlyState {
  /// The move that left this ply as a continuation-history key (`Piece.raw << 6 | to`, see
  /// `ContinuationHistory`), -1 after a null move.
  var moveKey = -1
  /// The static evaluation at this ply (`-infinityScore` in check or not yet evaluated).
  var staticEval = -infinityScore
  /// The move a singular-extension search leaves out (`.none` normally).
  var excludedMove = Move.none
  /// The last two quiet moves that caused a beta cutoff at this ply, newest first.
  var killers = (Move.none, Move.none)
  /// The principal variation from this ply fills `pv[ply..<pvLength]`.
  var pvLength = 0
  var pv = InlineArray<128, Move>(repeating: .none)
  /// Scratch: a score per move, in the order of the node's move list.
  var moveScores = InlineArray<256, Int>(repeating: 0)
  /// Scratch: the moves quiescence keeps (captures and queen promotions; every evasion in check).
  var keptMoves = InlineArray<256, Move>(repeating: .none)
  /// Scratch: the quiet moves tried before a cutoff (their history is lowered).
  var quietsTried = InlineArray<64, Move>(repeating: .none)

  /// `quietsTried`'s capacity: quiets past it are not recorded.
  static let quietCapacity = 64
}

/// The per-ply stack: one `PlyState` for each ply `0...maxPly + 1`, in one allocation made
/// once per searcher and indexed by ply. The scratch arrays are reached through typed pointers
/// (`moveScores(at:)`, …) so the hot loops read and write them in place.
struct SearchStack {
  let plies: UnsafeMutablePointer<PlyState>
  let moveScoresOffset: Int
  let keptMovesOffset: Int
  let quietsTriedOffset: Int
  let pvOffset: Int

  init() {
    precondition(maxPly <= 128, "PlyState.pv holds 128 moves")
    plies = .allocate(capacity: maxPly + 2)
    plies.initialize(repeating: PlyState(), count: maxPly + 2)
    moveScoresOffset = MemoryLayout<PlyState>.offset(of: \.moveScores)!
    keptMovesOffset = MemoryLayout<PlyState>.offset(of: \.keptMoves)!
    quietsTriedOffset = MemoryLayout<PlyState>.offset(of: \.quietsTried)!
    pvOffset = MemoryLayout<PlyState>.offset(of: \.pv)!
  }

  func deallocate() {
    plies.deinitialize(count: maxPly + 2)
    plies.deallocate()
  }

  /// Forgets the killers (a new game).
  func clearKillers() {
    for ply in 0..<(maxPly + 2) { plies[ply].killers = (.none, .none) }
  }

  /// The state of `ply`.
  @inline(__always) subscript(ply: Int) -> UnsafeMutablePointer<PlyState> { plies + ply }

  @inline(__always) func field<T>(_ ply: Int, _ offset: Int, as type: T.Type) -> UnsafeMutablePointer<T> {
    (UnsafeMutableRawPointer(plies + ply) + offset).assumingMemoryBound(to: T.self)
  }

  /// `ply`'s move scores (256).
  @inline(__always) func moveScores(at ply: Int) -> UnsafeMutablePointer<Int> {
    field(ply, moveScoresOffset, as: Int.self)
  }
  /// `ply`'s quiescence move list (256).
  @inline(__always) func keptMoves(at ply: Int) -> UnsafeMutablePointer<Move> {
    field(ply, keptMovesOffset, as: Move.self)
  }
  /// `ply`'s quiet moves tried (`PlyState.quietCapacity`).
  @inline(__always) func quietsTried(at ply: Int) -> UnsafeMutablePointer<Move> {
    field(ply, quietsTriedOffset, as: Move.self)
  }
  /// `ply`'s principal variation (indexed by ply, `ply..<maxPly`).
  @inline(__always) func pv(at ply: Int) -> UnsafeMutablePointer<Move> {
    field(ply, pvOffset, as: Move.self)
  }

  /// Sets `ply`'s principal variation to `m` followed by the next ply's.
  @inline(__always) func updatePV(_ ply: Int, _ m: Move) {
    let row = pv(at: ply)
    row[ply] = m
    let next = pv(at: ply + 1)
    var i = ply + 1
    let end = plies[ply + 1].pvLength
    while i < end {
      row[i] = next[i]
      i += 1
    }
    plies[ply].pvLength = max(end, ply + 1)
  }

  /// The principal variation from the root.
  var rootPV: [Move] {
    let row = pv(at: 0)
    return (0..<plies[0].pvLength).map { row[$0] }
  }
}

/// The Zobrist keys of the game's earlier positions followed by those along the current
/// path, for repetition draws: one allocation, grown only when a search starts with a longer
/// game history.
struct PositionKeys {
  private(set) var keys: UnsafeMutablePointer<UInt64>
  private(set) var capacity: Int
  private(set) var count = 0

  init() {
    capacity = 1024 + maxPly
    keys = .allocate(capacity: capacity)
  }

  func deallocate() { keys.deallocate() }

  /// Starts a search from `root`: the keys of `history` before it (the newest that fit with
  /// room for `maxPly + 2` more), then the root's.
  mutating func reset(history: [UInt64], root: UInt64) {
    var past = history
    if past.last == root { past.removeLast() }
    if past.count + maxPly + 2 > capacity {
      keys.deallocate()
      capacity = past.count + maxPly + 2
      keys = .allocate(capacity: capacity)
    }
    count = 0
    for k in past.suffix(capacity - maxPly - 2) {
      keys[count] = k
      count += 1
    }
    keys[count] = root
    count += 1
  }

  @inline(__always) mutating func push(_ key: UInt64) {
    keys[count] = key
    count += 1
  }

  @inline(__always) mutating func pop() { count -= 1 }

  /// Whether the newest position occurred before, within the last `halfmoveClock` plies
  /// (only positions with the same side to move count).
  @inline(__always) func isRepetition(_ halfmoveClock: Int) -> Bool {
    let current = keys[count - 1]
    var i = count - 3
    let oldest = max(0, count - 1 - halfmoveClock)
    while i >= oldest {
      if keys[i] == current { return true }
      i -= 2
    }
    return false
  }
}
