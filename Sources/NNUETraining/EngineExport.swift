import Foundation
import LabKit
import NNUE

/// Writes a quantised net as an engine of the roster: `DIR/NAME.nnue` (the quantised
/// safetensors file) and `DIR/NAME.json`:
///
///     {"game": "chess", "name": "NAME", "type": "builtin",
///      "options": {"Hash": "16", "EvalFile": "NAME.nnue"}}
///
/// (`EvalFile` is relative to the JSON file's folder). Both are written atomically.
public enum EngineExport {
  public static func export(
    quantized q: QuantizedNNUE, name: String, directory: String
  ) throws -> (
    json: String, weights: String
  ) {
    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
      throw NNUEError("engine name '\(name)': use letters, digits, '-', '_' and '.'")
    }
    let weights = directory + "/" + name + ".nnue"
    try q.save(to: weights, metadata: ["name": name])
    let json = """
      {
        "game": "chess",
        "name": "\(name)",
        "type": "builtin",
        "options": {"Hash": "16", "EvalFile": "\(name).nnue"},
        "description": "ZeroLab alpha-beta engine with the NNUE \(q.spec)"
      }

      """
    let path = directory + "/" + name + ".json"
    try RunFiles.write(Data(json.utf8), to: path)
    return (path, weights)
  }
}
