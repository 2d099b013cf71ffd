import Foundation
import Synchronization

/// The time left for `total` units of work when `done` took `elapsed` seconds, as `1h2m`,
/// `3m4s` or `5s` (`-` before the first unit and after the last).
func etaText(done: Double, total: Double, elapsed: Double) -> String {
  guard done > 0, total > done else { return "-" }
  let s = Int(elapsed / done * (total - done))
  return s >= 3600 ? "\(s / 3600)h\((s % 3600) / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
}

/// Writes a progress line (`Terminal.progress`) from a background thread every `interval`
/// seconds until `stop()`, for work that reports through counters rather than callbacks.
final class ProgressReporter: Sendable {
  private let running = Mutex(true)
  private let line: @Sendable () -> String

  /// Starts the thread; `line` makes each progress line.
  init(every interval: Double = 0.5, _ line: @escaping @Sendable () -> String) {
    self.line = line
    Thread { [self] in
      while running.withLock({ $0 }) {
        Thread.sleep(forTimeInterval: interval)
        // Under the lock, so no line follows `stop()`.
        running.withLock { if $0 { Terminal.progress(self.line()) } }
      }
    }.start()
  }

  /// Stops the thread; no progress line is written after this returns.
  func stop() { running.withLock { $0 = false } }
}
