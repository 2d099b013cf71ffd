/// The shape every ZeroLab error has: one line, `message`, printed as it is. Each layer has
/// one error type adopting it (`NotationError` here, `EngineError` for engines and engine
/// files, `RunFileError` in LabKit, `NeuralError`, `NNUEError`, the executable's
/// `RuntimeError`); a type declares only its stored `message` and `init(_:)`.
public protocol ZeroLabError: Error, Sendable, Equatable, CustomStringConvertible {
  /// One line naming the problem.
  var message: String { get }
  init(_ message: String)
}

extension ZeroLabError {
  public var description: String { message }

  /// `message` about the file `path`, prefixed with the path unless it already starts with it,
  /// kept to one line (outside input it quotes may hold line breaks or control characters).
  public init(naming path: String, _ message: String) {
    self.init(Self.oneLine(message.hasPrefix(path + ": ") ? message : "\(path): \(message)"))
  }

  /// Another layer's error, carried up with its message unchanged.
  public init(_ other: some ZeroLabError) { self.init(other.message) }

  /// `text` (outside input quoted in a message) kept to one line: every line break or other
  /// control character shown as `?`.
  public static func oneLine(_ text: some StringProtocol) -> String {
    String(
      text.map { c in c.isNewline || c.unicodeScalars.contains { $0.properties.generalCategory == .control } ? "?" : c }
    )
  }
}

/// An engine that cannot be had: an engine file that cannot be read or is not valid (naming
/// the file and the field), an engine for another game, an unknown engine name, an external
/// engine that cannot be started or stops answering, an evaluation file that cannot be loaded.
public struct EngineError: ZeroLabError {
  public let message: String
  public init(_ message: String) { self.message = message }
}
