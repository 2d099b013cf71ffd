import Foundation
import GameCore

/// Where engine names are looked up: the `engines/` folder of the working directory, then the
/// `engines/` folder of the clone the running binary belongs to, found the way the shipped net is
/// (walking up from the executable's folder, then from the folder this file was built in), so a
/// name such as `stockfish-1350` or `hexapawn-4x4-zero` works from any working directory.
public enum EngineFolders {
  /// The running executable's path, symbolic links resolved (from the system, so a binary run
  /// through a link on the PATH is found too; `argv[0]` where the system does not say).
  public static let executable: String? =
    (Bundle.main.executableURL ?? CommandLine.arguments.first.map { URL(fileURLWithPath: $0) })?
    .resolvingSymlinksInPath().path

  /// The folders searched for `NAME.json`, in order (duplicates removed).
  public static let standard: [String] = {
    var folders = ["engines"]
    if let clone = walkUp(to: "engines", from: [executable, #filePath].compactMap { $0 }), clone != "engines" {
      let here = FileManager.default.currentDirectoryPath + "/engines"
      if (clone as NSString).standardizingPath != (here as NSString).standardizingPath { folders.append(clone) }
    }
    return folders
  }()

  /// The first `relative` path (a file or a folder) found in the folder of each of `starts` or
  /// one of its parents, trying the starts in order; `nil` if there is none.
  public static func walkUp(to relative: String, from starts: [String]) -> String? {
    let fm = FileManager.default
    for start in starts {
      var dir = (start as NSString).deletingLastPathComponent
      while !dir.isEmpty {
        let candidate = dir + "/" + relative
        if fm.isReadableFile(atPath: candidate) { return candidate }
        let up = (dir as NSString).deletingLastPathComponent
        if up == dir { break }
        dir = up
      }
    }
    return nil
  }

  /// `FOLDER/name.json` in the first of `folders` that has it.
  public static func file(named name: String, in folders: [String] = standard) -> String? {
    guard !name.isEmpty, !name.contains("/") else { return nil }
    return folders.lazy.map { "\($0)/\(name).json" }.first { FileManager.default.isReadableFile(atPath: $0) }
  }

  /// The names (without `.json`) of the JSON files in `folders` whose contents `accept`, sorted.
  public static func names(in folders: [String] = standard, where accept: (Data) -> Bool) -> [String] {
    let fm = FileManager.default
    var found = Set<String>()
    for folder in folders {
      for entry in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where entry.hasSuffix(".json") {
        if let data = fm.contents(atPath: folder + "/" + entry), accept(data) {
          found.insert(String(entry.dropLast(5)))
        }
      }
    }
    return found.sorted()
  }

  /// The engine file `text` stands for in `game`, read and checked, with its path: a path
  /// (`engines/x.json`, anything with a `/`) or the name of a file in `folders`; `nil` when
  /// `text` is neither (a built-in name). A file for another game is a one-line error.
  public static func engine(
    _ text: String, game: EngineSpec.Game, in folders: [String] = standard
  ) throws(EngineError) -> (spec: EngineSpec, path: String)? {
    let path = text.hasSuffix(".json") || text.contains("/") ? text : file(named: text, in: folders)
    guard let path else { return nil }
    return (try EngineSpec.load(path, game: game), path)
  }

  /// The names of the valid engine files for `game` in `folders`, sorted.
  public static func engineNames(for game: EngineSpec.Game, in folders: [String] = standard) -> [String] {
    names(in: folders) { data in (try? EngineSpec.parse(data, source: ""))?.game == game }
  }
}
