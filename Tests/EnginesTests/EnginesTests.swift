import AlphaZero
import Chess
import ChessArena
import ChessEngine
import ChessZero
import Engines
import Foundation
import GameCore
import Hexapawn
import NeuralCore
import Testing

/// Hexapawn players by name, found like the chess engines.
@Suite struct HexapawnPlayersTests {
  /// This clone's engines/ folder.
  static let engines: String = {
    var dir = #filePath
    for _ in 0..<3 { dir = (dir as NSString).deletingLastPathComponent }
    return dir + "/engines"
  }()

  @Test func engineFilesByNameOrPath() throws {
    let folders = [HexapawnPlayersTests.engines]
    let path = try #require(try HexapawnPlayers.engineFile("hexapawn-4x4-zero", folders: folders))
    #expect(path == HexapawnPlayersTests.engines + "/hexapawn-4x4-zero.json")
    #expect(try HexapawnPlayers.boardSize(of: "hexapawn-4x4-zero", folders: folders)?.description == "4x4")
    let player = try HexapawnPlayers.player(
      "hexapawn-4x4-zero", size: try BoardSize(parsing: "4x4"), seed: 1, folders: folders)
    #expect(player?.name == "hexapawn-4x4-zero")
    // A path still works; built-in players are not looked up.
    #expect(try HexapawnPlayers.engineFile(path, folders: []) == path)
    #expect(try HexapawnPlayers.engineFile("mcts:sims=10", folders: folders) == nil)
    #expect(try HexapawnPlayers.player("human", size: .classic, seed: 1, folders: folders) == nil)
    // The wrong board is a one-line error.
    #expect(throws: EngineError("engine \(path) plays 4x4 Hexapawn, not 3x3")) {
      try HexapawnPlayers.player("hexapawn-4x4-zero", size: .classic, seed: 1, folders: folders)
    }
    // The standard folders find the clone's engines from any working directory.
    #expect(EngineFolders.file(named: "hexapawn-3x3-zero") != nil)
  }

  @Test func aChessEngineIsNotAHexapawnPlayer() throws {
    let folders = [HexapawnPlayersTests.engines]
    let path = HexapawnPlayersTests.engines + "/zerolab.json"
    #expect(throws: EngineError("\(path): a chess engine, not a hexapawn engine")) {
      try HexapawnPlayers.player("zerolab", size: .classic, seed: 1, folders: folders)
    }
    #expect(throws: EngineError("\(path): a chess engine, not a hexapawn engine")) {
      try HexapawnPlayers.boardSize(of: "zerolab", folders: folders)
    }
  }

  @Test func unknownNamesListWhatExists() throws {
    do {
      _ = try HexapawnPlayers.engineFile("hexapawn-9x9-zero", folders: [HexapawnPlayersTests.engines])
      Issue.record("an unknown name was accepted")
    } catch {
      #expect(!error.message.contains("\n"))
      #expect(error.message.hasPrefix("unknown player 'hexapawn-9x9-zero'"))
      #expect(error.message.contains("hexapawn-3x3-zero, hexapawn-4x4-zero"))
      #expect(error.message.contains("mcts"))
      // Chess engine files in the same folder are not offered for Hexapawn.
      #expect(!error.message.contains("stockfish"))
    }
  }
}

/// Chess engines by name and the built-in engines made from engine files.
@Suite struct ChessRosterTests {
  @Test func namesResolveToEngineFiles() throws {
    #expect(try EngineSpec.resolve("zerolab", directory: "/nonexistent").type == "builtin")
    #expect(throws: EngineError.self) { try EngineSpec.resolve("nope", directory: "/nonexistent") }
    let sf = try EngineSpec.resolve("stockfish-1350", directory: HexapawnPlayersTests.engines)
    #expect(sf.game == .chess && sf.type == "uci" && sf.options?["UCI_Elo"] == "1350")
  }

  @Test func everyShippedEngineFileIsValidForItsGame() throws {
    let folder = HexapawnPlayersTests.engines
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }
    #expect(files.count >= 10)
    for file in files {
      let spec = try EngineSpec.parse(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file)), source: file)
      #expect(spec.name + ".json" == file)
      #expect(spec.game == (file.hasPrefix("hexapawn") ? .hexapawn : .chess))
    }
    #expect(EngineFolders.engineNames(for: .hexapawn, in: [folder]) == ["hexapawn-3x3-zero", "hexapawn-4x4-zero"])
    #expect(EngineFolders.engineNames(for: .chess, in: [folder]).contains("stockfish-1350"))
  }

  @Test func aNetworkEngineFilePlaysChess() throws {
    let dir = FileManager.default.temporaryDirectory.path + "/zerolab-network-engine-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir + "/nets", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var net = PolicyValueNetwork(ChessNetworkEvaluator.spec(blocks: 1, channels: 8))
    var rng = Xoshiro256(seed: 2)
    net.initialize(InitOptions(), inputShape: ChessEncoding.inputShape, rng: &rng)
    let spec = net.spec
    try Checkpoint.save(&net, spec: spec, to: dir + "/nets/tiny.safetensors")
    let json =
      #"{"game": "chess", "name": "tiny", "type": "network", "weights": "nets/tiny.safetensors", "#
      + #""simulations": 50, "options": {"Hash": "8", "Batch": "4"}}"#
    try Data(json.utf8).write(to: URL(fileURLWithPath: dir + "/tiny.json"))
    let resolved = try EngineSpec.resolve(dir + "/tiny.json")
    #expect(resolved.weights == dir + "/nets/tiny.safetensors")
    let engine = try resolved.makeEngine()
    let game = GameRecord(start: ChessPosition())
    let move = try #require(engine.bestMove(game, limits: SearchLimits()))
    #expect(ChessPosition().legalMoves.contains(move))
    #expect(engine.lastInfo?.contains("nodes 50") == true, "\(engine.lastInfo ?? "")")
    // Weights that are not a chess network are refused in one line.
    var hexapawn = PolicyValueNetwork(try ZeroConfig().networkSpec())
    let hexSpec = hexapawn.spec
    try Checkpoint.save(&hexapawn, spec: hexSpec, to: dir + "/nets/tiny.safetensors")
    #expect(throws: EngineError.self) { try resolved.makeEngine() }
  }

  @Test func aHexapawnEngineIsNotAChessEngine() throws {
    let path = HexapawnPlayersTests.engines + "/hexapawn-4x4-zero.json"
    #expect(throws: EngineError("\(path): a hexapawn engine, not a chess engine")) {
      try EngineSpec.resolve("hexapawn-4x4-zero", directory: HexapawnPlayersTests.engines)
    }
    #expect(throws: EngineError("\(path): a hexapawn engine, not a chess engine")) {
      try EngineSpec.resolve(path)
    }
    // An unknown name lists chess engines only.
    do {
      _ = try EngineSpec.resolve("nope", directory: HexapawnPlayersTests.engines)
      Issue.record("an unknown engine was accepted")
    } catch {
      #expect(error.message.hasPrefix("unknown engine 'nope': known engines are "))
      #expect(error.message.contains("stockfish-1350") && !error.message.contains("hexapawn"))
    }
  }

  @Test func anOldChessFileWithoutGameStillLoads() throws {
    let dir = FileManager.default.temporaryDirectory.path + "/zerolab-roster-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Data(#"{"name": "old", "type": "builtin", "options": {"Hash": "16", "Depth": "2"}}"#.utf8).write(
      to: URL(fileURLWithPath: dir + "/old.json"))
    let spec = try EngineSpec.resolve("old", directory: dir)
    #expect(spec.game == .chess && spec.options?["Depth"] == "2")
    #expect(EngineFolders.engineNames(for: .chess, in: [dir]) == ["old"])
  }

  @Test func aBuiltinEngineFileWithABrokenNetIsAOneLineError() throws {
    let broken = EngineSpec(name: "x", type: "builtin", options: ["EvalFile": "/nonexistent/net.nnue"])
    do {
      _ = try BuiltinEngine(spec: broken)
      Issue.record("a missing net was accepted")
    } catch {
      #expect(!error.message.contains("\n") && error.message.contains("/nonexistent/net.nnue"))
    }
  }

  @Test func theAdviserAlwaysAnswers() {
    let adviser = BuiltinEngine.adviser()
    var game = GameRecord(start: ChessPosition())
    #expect(adviser.bestMove(game, limits: SearchLimits(depth: 3)) != nil)
    game = GameRecord(start: try! ChessPosition(fen: "7k/5Q2/6K1/8/8/8/8/8 w - - 0 1"))
    // Several queen moves mate (Qg7#, Qf8#, Qe8#): the adviser finds one.
    #expect(adviser.bestMove(game, limits: SearchLimits(depth: 3)).map { game.position.san($0).hasSuffix("#") } == true)
  }
}

/// The game-generic players (`random`, `mcts`) as chess engines.
@Suite struct ChessSearchEngineTests {
  @Test func resolvedByName() throws {
    let spec = try EngineSpec.resolve("mcts:sims=50,seed=3", directory: HexapawnPlayersTests.engines)
    #expect(spec.type == EngineSpec.searchType)
    let engine = try spec.makeEngine()
    #expect(engine.name == "mcts:seed=3,sims=50")
    #expect(try EngineSpec.resolve("random", directory: HexapawnPlayersTests.engines).makeEngine().name == "random")
    #expect(throws: EngineError("unknown option 'depth' for mcts (known: sims, time, c, reuse, seed)")) {
      try EngineSpec.resolve("mcts:depth=3", directory: HexapawnPlayersTests.engines).makeEngine()
    }
    #expect(throws: EngineError.self) { try ChessSearchEngine("alphabeta", seed: 1) }
  }

  /// MCTS against the random player in the arena: the games end by the rules (or the arena's
  /// move limit), every move legal, no engine failing.
  @Test func playsArenaGames() throws {
    let a = try ChessSearchEngine("mcts:sims=30", seed: 1)
    let b = try ChessSearchEngine("random", seed: 2)
    let arena = Arena(
      a: a, b: b, timeControl: TimeControl(baseMilliseconds: 600_000, incrementMilliseconds: 0),
      openings: [ChessPosition()])
    var games: [ArenaGame] = []
    _ = arena.run(games: 2) { game, _, _ in games.append(game) }
    #expect(games.count == 2)
    for g in games {
      #expect(g.record.status != nil || g.termination == "move limit", "\(g.termination)")
      var p = g.record.start
      for m in g.record.moves {
        #expect(p.isLegal(m))
        p.play(m)
      }
    }
    #expect(a.lastInfo?.hasPrefix("score cp ") == true && a.lastInfo?.contains(" nodes 30") == true)
    #expect(ChessSearchEngine.centipawns(0.5) == 0 && ChessSearchEngine.centipawns(1) == 9999)
  }

  /// The clock trims MCTS's simulations: a move time of 50 ms is kept, whatever `sims` says.
  @Test func fitsTheClock() throws {
    let e = try ChessSearchEngine("mcts:sims=100000000", seed: 1)
    let t0 = ContinuousClock.now
    let m = e.bestMove(GameRecord<ChessPosition>(), limits: SearchLimits(moveTime: 50))
    #expect(ContinuousClock.now - t0 < .seconds(2))
    #expect(m.map { ChessPosition().isLegal($0) } == true)
  }
}
