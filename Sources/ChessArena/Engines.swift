import Chess
import ChessEngine
import Foundation
import GameCore
import Synchronization

extension EngineSpec {
  /// The built-in chess engines by name: `zerolab` (the default evaluation, the shipped NNUE)
  /// and `zerolab-hce` (the handcrafted evaluation).
  public static let builtinNames = ["zerolab", "zerolab-hce"]
}

/// A running engine that answers "your move" for a game.
public protocol ChessEngineHandle: AnyObject {
  var name: String { get }
  /// A new game starts.
  func newGame() throws(EngineError)
  /// The move for the current position of `game` within `limits`; `nil` if the engine failed
  /// (crashed, timed out, or answered an illegal move: `lastError` says which).
  func bestMove(_ game: GameRecord<ChessPosition>, limits: SearchLimits) -> Move?
  /// The last search's summary (`depth 9 score cp 31 nodes 120000`).
  var lastInfo: String? { get }
  /// Why the last `bestMove` returned `nil`.
  var lastError: String? { get }
  func close()
}

/// The alpha-beta engine in process.
public final class BuiltinEngine: ChessEngineHandle {
  public let name: String
  let searcher: any ChessSearching
  let depthCap: Int?
  let nodeCap: Int?
  public private(set) var lastInfo: String?
  public var lastError: String? { nil }

  /// An engine named `name` searching with `searcher`, every move capped at `depth` plies
  /// and `nodes` nodes when given.
  public init(name: String, searcher: any ChessSearching, depth: Int? = nil, nodes: Int? = nil) {
    self.name = name
    self.searcher = searcher
    depthCap = depth
    nodeCap = nodes
  }

  public func newGame() { searcher.newGame() }

  public func bestMove(_ game: GameRecord<ChessPosition>, limits: SearchLimits) -> Move? {
    var l = limits
    if let d = depthCap { l.depth = min(l.depth ?? d, d) }
    if let n = nodeCap { l.nodes = min(l.nodes ?? n, n) }
    searcher.stopSignal.reset()
    let r = searcher.search(game.position, history: game.keys, limits: l)
    let score = r.mateIn.map { "mate \($0)" } ?? "cp \(r.score)"
    lastInfo = "depth \(r.depth) score \(score) nodes \(r.nodes)"
    return r.bestMove
  }

  public func close() {}
}

/// Lines from a file descriptor, read on a background thread, handed out with a timeout.
final class LineReader: @unchecked Sendable {
  let lock = Mutex<[String]>([])
  let available = DispatchSemaphore(value: 0)
  let closed = Atomic<Bool>(false)

  init(handle: FileHandle) {
    let thread = Thread { [self] in
      var buffer = Data()
      while true {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        buffer.append(chunk)
        while let nl = buffer.firstIndex(of: 10) {
          let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
          buffer.removeSubrange(buffer.startIndex...nl)
          lock.withLock { $0.append(line.trimmingCharacters(in: .whitespacesAndNewlines)) }
          available.signal()
        }
      }
      closed.store(true, ordering: .relaxed)
      available.signal()
    }
    thread.start()
  }

  /// The next line, or `nil` after `milliseconds` or at end of output.
  func next(milliseconds: Int) -> String? {
    let deadline = DispatchTime.now() + .milliseconds(max(0, milliseconds))
    while true {
      if let line = lock.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return line }
      if closed.load(ordering: .relaxed) { return nil }
      if available.wait(timeout: deadline) == .timedOut {
        return lock.withLock { $0.isEmpty ? nil : $0.removeFirst() }
      }
    }
  }
}

/// An external UCI program in a subprocess.
public final class UCIProcessEngine: ChessEngineHandle {
  public let name: String
  let process = Process()
  let input: FileHandle
  let reader: LineReader
  public private(set) var lastInfo: String?
  public private(set) var lastError: String?
  /// How long `uciok` and every `readyok` may take.
  public let handshakeMilliseconds: Int
  /// How long past its own clock (or `movetime`) a search may take before it is given up as
  /// unanswered (the arena's grace for process scheduling is separate).
  public var answerMarginMilliseconds = 5_000
  /// How long `close` waits for the program to exit after `quit` before terminating it.
  public var quitMilliseconds = 1_000

  /// Starts `spec.command` and waits for `uciok` and `readyok`, each within
  /// `handshakeMilliseconds` (the program is terminated if either does not come).
  public init(spec: EngineSpec, handshakeMilliseconds: Int = 10_000) throws(EngineError) {
    name = spec.name
    self.handshakeMilliseconds = handshakeMilliseconds
    signal(SIGPIPE, SIG_IGN)
    let command = spec.command ?? ""
    guard FileManager.default.isExecutableFile(atPath: command) else {
      throw EngineError("\(spec.name): cannot run \(command)")
    }
    process.executableURL = URL(fileURLWithPath: command)
    process.arguments = spec.args ?? []
    let inPipe = Pipe(), outPipe = Pipe()
    process.standardInput = inPipe
    process.standardOutput = outPipe
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw EngineError("\(spec.name): cannot start \(command)")
    }
    input = inPipe.fileHandleForWriting
    reader = LineReader(handle: outPipe.fileHandleForReading)
    send("uci")
    guard waitFor("uciok", milliseconds: handshakeMilliseconds) else {
      defer { terminate() }
      throw EngineError("\(spec.name): no 'uciok' from \(command)\(exitNote)")
    }
    for (k, v) in (spec.options ?? [:]).sorted(by: { $0.key < $1.key }) { send("setoption name \(k) value \(v)") }
    send("isready")
    guard waitFor("readyok", milliseconds: handshakeMilliseconds) else {
      defer { terminate() }
      throw EngineError("\(spec.name): no 'readyok'\(exitNote)")
    }
  }

  func send(_ line: String) {
    try? input.write(contentsOf: Data((line + "\n").utf8))
  }

  func waitFor(_ prefix: String, milliseconds: Int) -> Bool {
    let start = ContinuousClock.now
    while true {
      let left = milliseconds - elapsedMs(since: start)
      guard left > 0, let line = reader.next(milliseconds: left) else { return false }
      if line.hasPrefix(prefix) { return true }
    }
  }

  public func newGame() throws(EngineError) {
    send("ucinewgame")
    send("isready")
    guard waitFor("readyok", milliseconds: handshakeMilliseconds) else {
      throw EngineError("\(name): no 'readyok' after ucinewgame\(exitNote)")
    }
  }

  public func bestMove(_ game: GameRecord<ChessPosition>, limits: SearchLimits) -> Move? {
    lastError = nil
    let start = game.start.fen == ChessPosition.startFEN ? "startpos" : "fen \(game.start.fen)"
    var p = game.start
    var texts: [String] = []
    for m in game.moves {
      texts.append(p.moveText(m))
      p.play(m)
    }
    send("position \(start)" + (texts.isEmpty ? "" : " moves " + texts.joined(separator: " ")))
    var go = "go"
    if let v = limits.whiteTime { go += " wtime \(v)" }
    if let v = limits.blackTime { go += " btime \(v)" }
    if let v = limits.whiteIncrement { go += " winc \(v)" }
    if let v = limits.blackIncrement { go += " binc \(v)" }
    if let v = limits.depth { go += " depth \(v)" }
    if let v = limits.nodes { go += " nodes \(v)" }
    if let v = limits.moveTime { go += " movetime \(v)" }
    send(go)
    let own = (game.position.sideToMove == .white ? limits.whiteTime : limits.blackTime) ?? limits.moveTime ?? 60_000
    let budget = own + answerMarginMilliseconds
    let clockStart = ContinuousClock.now
    while true {
      let left = budget - elapsedMs(since: clockStart)
      guard left > 0, let line = reader.next(milliseconds: left) else {
        if reader.closed.load(ordering: .relaxed) {
          lastError = "\(name) stopped answering\(exitNote.isEmpty ? " (its output closed)" : exitNote)"
        } else {
          lastError = "\(name) did not answer in time"
          send("stop")
        }
        return nil
      }
      if line.hasPrefix("info") && line.contains(" score ") {
        lastInfo = UCIProcessEngine.summary(line)
      } else if line.hasPrefix("bestmove") {
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else {
          lastError = "\(name): empty bestmove"
          return nil
        }
        let text = String(parts[1])
        do throws(NotationError) {
          if let m = try game.position.parseUCI(text) { return m }
        } catch {}
        lastError = "\(name) played an illegal move: \(text)"
        return nil
      }
    }
  }

  /// ` (exited with status N)` once the program has ended, else empty. When its output has
  /// closed it is about to end: up to 2 s are allowed for it to be reaped.
  var exitNote: String {
    let start = ContinuousClock.now
    let wait = reader.closed.load(ordering: .relaxed) ? 2000 : 0
    while process.isRunning && elapsedMs(since: start) < wait { usleep(2000) }
    guard !process.isRunning else { return "" }
    return process.terminationReason == .uncaughtSignal
      ? " (killed by signal \(process.terminationStatus))" : " (exited with status \(process.terminationStatus))"
  }

  static func summary(_ line: String) -> String {
    let t = line.split(separator: " ").map(String.init)
    var parts: [String] = []
    for key in ["depth", "score", "nodes"] {
      if let i = t.firstIndex(of: key), i + 1 < t.count {
        parts.append(key == "score" && i + 2 < t.count ? "score \(t[i + 1]) \(t[i + 2])" : "\(key) \(t[i + 1])")
      }
    }
    return parts.joined(separator: " ")
  }

  public func close() {
    send("quit")
    let start = ContinuousClock.now
    while process.isRunning && elapsedMs(since: start) < quitMilliseconds { usleep(5000) }
    terminate()
  }

  /// Ends the program: SIGTERM, then SIGKILL after 200 ms (a program started from a thread
  /// that blocks signals inherits the mask and never sees SIGTERM).
  func terminate() {
    guard process.isRunning else { return }
    process.terminate()
    let start = ContinuousClock.now
    while process.isRunning && elapsedMs(since: start) < 200 { usleep(2000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  }

  deinit { terminate() }
}

func elapsedMs(since start: ContinuousClock.Instant) -> Int {
  let d = ContinuousClock.now - start
  return Int(d.components.seconds) * 1000 + Int(d.components.attoseconds / 1_000_000_000_000_000)
}
