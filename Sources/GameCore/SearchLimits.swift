/// Limits for one search, shared by every searcher: a search stops at the first limit it
/// reaches. The clock fields are UCI's (chess time management); a searcher without a use for
/// a field ignores it. Times are in milliseconds.
public struct SearchLimits: Sendable, Equatable {
  /// Deepest iteration, in plies.
  public var depth: Int?
  /// Node budget.
  public var nodes: Int?
  /// Exactly this many milliseconds (UCI `movetime`).
  public var moveTime: Int?
  public var whiteTime: Int?
  public var blackTime: Int?
  public var whiteIncrement: Int?
  public var blackIncrement: Int?
  public var movesToGo: Int?
  /// Search until stopped (even after a mate is found).
  public var infinite = false

  public init(
    depth: Int? = nil, nodes: Int? = nil, moveTime: Int? = nil, whiteTime: Int? = nil, blackTime: Int? = nil,
    whiteIncrement: Int? = nil, blackIncrement: Int? = nil, movesToGo: Int? = nil, infinite: Bool = false
  ) {
    self.depth = depth
    self.nodes = nodes
    self.moveTime = moveTime
    self.whiteTime = whiteTime
    self.blackTime = blackTime
    self.whiteIncrement = whiteIncrement
    self.blackIncrement = blackIncrement
    self.movesToGo = movesToGo
    self.infinite = infinite
  }

  /// A wall-clock budget (rounded up to whole milliseconds).
  public init(depth: Int? = nil, nodes: Int? = nil, time: Duration) {
    let (s, a) = time.components
    let ms = s * 1000 + (a + 999_999_999_999_999) / 1_000_000_000_000_000
    self.init(depth: depth, nodes: nodes, moveTime: Int(max(0, ms)))
  }

  /// The move-time budget as a duration.
  public var time: Duration? { moveTime.map { .milliseconds($0) } }

  /// The time `side` may spend on this move, in milliseconds, or `nil` without a time limit
  /// (no `moveTime`, and no clock for `side` or an `infinite` search).
  ///
  /// `hardLimit` is when a search must stop; `optimum` is the time an iterative search aims
  /// at (it starts no new iteration past a share of it). With `moveTime` the hard limit is the
  /// move time less 15 ms of overhead, and the optimum twice that (the move time rules). On a
  /// clock, 30 ms of the remaining time are kept back; the optimum is a `movesToGo` share
  /// (30 when not given, within 1...50) plus ¾ of the increment, at most half the time left
  /// (four fifths on the last move before the time control), and the hard limit three times
  /// the optimum, within four fifths of the time left.
  public func allocation(for side: Side) -> (optimum: Int, hardLimit: Int)? {
    if let mt = moveTime {
      let hardLimit = max(1, mt - 15)
      return (hardLimit * 2, hardLimit)
    }
    guard let time = side == .white ? whiteTime : blackTime, !infinite else { return nil }
    let inc = (side == .white ? whiteIncrement : blackIncrement) ?? 0
    let available = max(1, time - 30)
    let togo = min(50, max(1, movesToGo ?? 30))
    let optimum = min(available / togo + inc * 3 / 4, togo == 1 ? available * 4 / 5 : available / 2)
    let hardLimit = max(1, max(optimum, min(optimum * 3, available * 4 / 5)))
    return (max(1, optimum), hardLimit)
  }
}
