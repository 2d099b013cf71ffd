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
}
