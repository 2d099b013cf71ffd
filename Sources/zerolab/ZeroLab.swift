import ArgumentParser
@preconcurrency import Foundation
import GameCore
import LabKit

@main
struct ZeroLab: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "zerolab",
    abstract: "ZeroLab: play, solve, count and measure game engines that learn.",
    discussion: """
      Examples:
        zerolab solve hexapawn --size 3x3
        zerolab count hexapawn --size 4x4
        zerolab play hexapawn --size 3x3 --white human --black minimax
        zerolab play hexapawn --size 4x4 --white mcts:sims=3000 \\
          --black alphabeta:depth=12
        zerolab compare hexapawn --size 3x3 --out runs/compare-3x3
        zerolab train hexapawn --size 4x4 --out runs/selfplay-4x4 --budget 600
        zerolab signal --arch mlp --layers 50 --activation tanh --init autoinit
        zerolab bench solver --size 5x5
        zerolab perft --depth 5 --divide
      """,
    version: ZeroLabVersion.string,
    subcommands: [
      Solve.self, Count.self, Play.self, Compare.self, Train.self, Supervise.self, Perft.self, Signal.self, Bench.self,
      ChessGames.self, UCI.self, ArenaCommand.self, EPDCommand.self, NNUECommand.self, SelfPlayCommand.self,
      Study.self, SearchArch.self,
    ]
  )

  /// A bad command line gets the error and its subcommand's usage; an error while a command
  /// runs (a missing file, an unknown engine) is one line on standard error and exit status 1,
  /// without the usage, which would be noise there.
  static func main() {
    // A run started by a study ends with it (see ChildProcess).
    ChildProcess.followParent()
    // Line by line into a file or a pipe too, so a log shows progress as it happens and an
    // interrupted run keeps everything it printed.
    setvbuf(stdout, nil, _IOLBF, 0)
    if let level = builtLevel, let problem = HostCPU.problem(builtFor: level) { fail(problem) }
    var command: any ParsableCommand
    do {
      command = try parseAsRoot()
    } catch {
      exit(withError: error)
    }
    do {
      try command.run()
    } catch let error as ValidationError {
      fail(error.message)
    } catch let error as any ZeroLabError {
      fail(error.message)
    } catch {
      exit(withError: error)
    }
  }

  static func fail(_ message: String) -> Never {
    fflush(nil)
    FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
    exit(withError: ExitCode.failure)
  }
}

/// The games ZeroLab knows.
enum GameName: String, ExpressibleByArgument, CaseIterable {
  case hexapawn
  case chess

  /// Refuses chess for a command that only knows Hexapawn, naming what chess has instead.
  func requireHexapawn(_ command: String) throws {
    guard self == .hexapawn else {
      throw ValidationError(
        "'\(command)' is for Hexapawn only; for chess see 'zerolab perft', 'play chess', 'uci', 'arena' and 'nnue'")
    }
  }
}

/// The game argument of a command that knows Hexapawn only. Help lists `hexapawn`; `chess` is
/// parsed so that `requireHexapawn` can point to the commands that play chess.
struct HexapawnGame: ExpressibleByArgument {
  let game: GameName
  init?(argument: String) {
    guard let game = GameName(rawValue: argument) else { return nil }
    self.game = game
  }
  static var allValueStrings: [String] { [GameName.hexapawn.rawValue] }
}

/// The x86-64 level the libraries were built for (`ZEROLAB_ARCH`, see Package.swift); `nil`
/// for a portable build.
#if ZEROLAB_ARCH_V4
  let builtLevel: String? = "x86-64-v4"
#elseif ZEROLAB_ARCH_V3
  let builtLevel: String? = "x86-64-v3"
#elseif ZEROLAB_ARCH_V2
  let builtLevel: String? = "x86-64-v2"
#else
  let builtLevel: String? = nil
#endif
