import CProcessControl
import Foundation

/// Child processes that end with the lab process that started them.
///
/// A study or a loop runs its work as child processes. If the parent is killed outright
/// (SIGKILL, the out-of-memory killer), children that lived on would keep writing into run
/// folders that the parent, started again, resumes: two writers in one folder. So a parent
/// starts each child with `environment()`, and the child calls `followParent()` first thing:
/// on Linux the kernel then kills the child the moment the parent's starting thread ends, and a
/// child whose parent is already gone ends at once.
public enum ChildProcess {
  /// The variable that carries the parent's process id to the child.
  public static let variable = "ZEROLAB_PARENT_PID"

  /// This process's environment plus the variable naming this process as the parent. The
  /// children must be started from a thread that lives as long as they should (the main
  /// thread, or the thread that waits for them).
  public static func environment() -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    env[variable] = String(getpid())
    return env
  }

  /// In a child started with `environment()`: ties this process's life to its parent's, and
  /// exits with status 137 (as if killed) when the parent is already gone. Elsewhere nothing.
  public static func followParent() {
    guard let text = ProcessInfo.processInfo.environment[variable], let parent = Int32(text), parent > 1 else {
      return
    }
    unsetenv(variable)
    if zl_die_with_parent(parent) == 0 { _exit(137) }
  }
}
