/// The small value types every game in ZeroLab shares. Read this file first.

/// A player. White always moves first.
@frozen public enum Side: UInt8, Sendable, Hashable, CaseIterable, BitwiseCopyable, CustomStringConvertible {
  case white = 0
  case black = 1

  /// The other side.
  @inlinable public var opponent: Side { self == .white ? .black : .white }

  /// `+1` for White, `-1` for Black: turns a side-relative score into a White-relative one.
  @inlinable public var sign: Int { self == .white ? 1 : -1 }

  public var description: String { self == .white ? "White" : "Black" }
}

/// How a finished game ended. A game that is still going has no outcome (`nil`).
@frozen public enum Outcome: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
  /// The given side won.
  case win(Side)
  /// Nobody won (chess; Hexapawn has no draws).
  case draw

  /// The winner, if any.
  @inlinable public var winner: Side? {
    if case .win(let s) = self { return s }
    return nil
  }

  /// The result for `side`: `+1` win, `0` draw, `-1` loss.
  @inlinable public func score(for side: Side) -> Int {
    switch self {
    case .draw: return 0
    case .win(let w): return w == side ? 1 : -1
    }
  }

  /// `White wins`, `Black wins` or `Draw`.
  public var description: String {
    switch self {
    case .draw: return "Draw"
    case .win(let s): return "\(s) wins"
    }
  }

  /// The PGN-style result token: `1-0`, `0-1`, `1/2-1/2`.
  public var resultToken: String {
    switch self {
    case .draw: return "1/2-1/2"
    case .win(.white): return "1-0"
    case .win(.black): return "0-1"
    }
  }
}

/// Why a line of text could not be read as a move or a position. The message is one line
/// and names the problem (`illegal move: b1c3`, `bad square 'z9'`).
public struct NotationError: ZeroLabError {
  public let message: String
  public init(_ message: String) { self.message = message }
}
