import Chess
import Foundation
import GameCore

/// How the input features of one perspective are laid out.
///
/// Every layout is the 768 "Chess768" piece-square features (kings included) repeated once per
/// *king bucket*: the perspective's own king square, seen from that side (flipped for Black),
/// selects which copy of the feature transformer is used. A king move that crosses a bucket
/// boundary changes every feature of that perspective, so its accumulator is refreshed;
/// other moves update only the changed pieces.
///
/// | name | buckets | bucket of the own king (rank/file from that side's point of view) |
/// |---|---|---|
/// | `chess768` | 1 | — |
/// | `kings4` | 4 | (rank ≤ 1 ? 0 : 2) + (file ≤ d ? 0 : 1) |
/// | `kings16` | 16 | 4·min(rank, 3) + file/2 |
public enum InputLayout: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
  case chess768
  case kings4
  case kings16

  public var description: String { rawValue }

  /// King buckets.
  public var buckets: Int {
    switch self {
    case .chess768: return 1
    case .kings4: return 4
    case .kings16: return 16
    }
  }

  /// Features per perspective.
  public var featureCount: Int { 768 * buckets }

  /// The bucket for a king on `square` (already seen from its own side: rank 0 = own back rank).
  @inlinable public func bucket(orientedKingSquare s: Int) -> Int {
    switch self {
    case .chess768: return 0
    case .kings4: return (s >> 3 <= 1 ? 0 : 2) &+ ((s & 7) <= 3 ? 0 : 1)
    case .kings16: return 4 &* min(s >> 3, 3) &+ (s & 7) >> 1
    }
  }

  /// The bucket of `side`'s perspective in `position`.
  @inlinable public func bucket(_ position: ChessPosition, perspective side: Side) -> Int {
    let k = position.kingSquare(side).index
    return bucket(orientedKingSquare: side == .white ? k : k ^ 56)
  }

  /// The feature for `side`'s perspective (in king bucket `bucket`) of a piece of `color`, `kind`
  /// on `square`:
  ///
  ///     768·bucket + (color == side ? 0 : 384) + 64·kind + (side == .white ? square : square ^ 56)
  ///
  /// (the board is flipped vertically for Black, so both perspectives share one weight matrix).
  @inlinable public static func feature(
    bucket: Int, perspective side: Side, color: Side, kind: PieceKind, square: Int
  )
    -> Int
  {
    768 &* bucket &+ (color == side ? 0 : 384) &+ 64 &* Int(kind.rawValue) &+ (side == .white ? square : square ^ 56)
  }

  /// Every active feature of `position` for `side`'s perspective (at most 32).
  public func active(_ position: ChessPosition, perspective side: Side) -> [Int] {
    let b = bucket(position, perspective: side)
    var out: [Int] = []
    out.reserveCapacity(32)
    for color in Side.allCases {
      for kind in PieceKind.allCases {
        for sq in position.pieces(color, kind) {
          out.append(InputLayout.feature(bucket: b, perspective: side, color: color, kind: kind, square: sq.index))
        }
      }
    }
    return out
  }
}

/// The feature transformer's activation.
///
/// | name | float | quantised (accumulator units of 1/QA) |
/// |---|---|---|
/// | `crelu` | clamp(x, 0, 1) | clamp(a, 0, QA) |
/// | `screlu` | clamp(x, 0, 1)² | clamp(a, 0, QA)² |
public enum TransformerActivation: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
  case crelu
  case screlu
  public var description: String { rawValue }
}

/// An NNUE architecture, saved with the weights:
///
///     features(layout) → accumulator N (per perspective, shared weights)
///       → [act(acc_stm) | act(acc_opp)] (2N) → hidden₁ → … → 1
///
/// The side to move's half comes first; hidden layers use clipped ReLU; the output times
/// `scale` is centipawns for the side to move.
public struct NNUESpec: Codable, Sendable, Equatable, CustomStringConvertible {
  public var layout: InputLayout
  /// Accumulator units per perspective (N).
  public var accumulator: Int
  public var activation: TransformerActivation
  /// Sizes of optional hidden layers after the transformer (empty: straight to the output).
  public var hidden: [Int]
  /// Centipawns per unit of network output.
  public var scale: Int

  public init(
    layout: InputLayout = .chess768, accumulator: Int = 256, activation: TransformerActivation = .screlu,
    hidden: [Int] = [], scale: Int = 400
  ) {
    self.layout = layout
    self.accumulator = accumulator
    self.activation = activation
    self.hidden = hidden
    self.scale = scale
  }

  /// `chess768→256x2→1 screlu`.
  public var description: String {
    "\(layout)→\(accumulator)x2" + hidden.map { "→\($0)" }.joined() + "→1 \(activation)"
  }

  /// The spec as JSON with sorted keys (so a file's bytes depend only on its contents).
  static func json(_ spec: NNUESpec) throws -> String {
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys]
    return String(decoding: try enc.encode(spec), as: UTF8.self)
  }

  /// Checks the sizes; one-line error.
  public func validate() throws(NNUEError) {
    guard accumulator >= 8, accumulator <= 4096, accumulator % 16 == 0 else {
      throw NNUEError("accumulator size must be a multiple of 16 in 16...4096, got \(accumulator)")
    }
    guard hidden.allSatisfy({ (1...1024).contains($0) }), hidden.count <= 3 else {
      throw NNUEError("hidden layers: at most 3, each 1...1024 units, got \(hidden)")
    }
    guard (1...10_000).contains(scale) else { throw NNUEError("scale must be 1...10000, got \(scale)") }
  }

  /// Parses `768x256`, `kings4x512`, with activation and hidden sizes given separately.
  public static func parse(
    layout: String, accumulator: Int, activation: String, hidden: String, scale: Int = 400
  ) throws(NNUEError) -> NNUESpec {
    guard let l = InputLayout(rawValue: layout.lowercased()) else {
      throw NNUEError(
        "unknown input layout '\(layout)' (choose \(InputLayout.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    guard let a = TransformerActivation(rawValue: activation.lowercased()) else {
      throw NNUEError("unknown transformer activation '\(activation)' (choose crelu, screlu)")
    }
    var h: [Int] = []
    for part in hidden.split(separator: ",") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
      guard let v = Int(part.trimmingCharacters(in: .whitespaces)) else {
        throw NNUEError("hidden layers: expected sizes like '16' or '32,32', got '\(hidden)'")
      }
      h.append(v)
    }
    let spec = NNUESpec(layout: l, accumulator: accumulator, activation: a, hidden: h, scale: scale)
    try spec.validate()
    return spec
  }
}

/// A one-line NNUE error (bad file, bad data, bad option).
public struct NNUEError: ZeroLabError {
  public let message: String
  public init(_ message: String) { self.message = message }
}
