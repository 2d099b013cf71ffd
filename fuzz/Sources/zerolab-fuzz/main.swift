// `zerolab-fuzz TARGET [libFuzzer options and corpus folders]`: runs libFuzzer on one target.
// Built with `-sanitize=fuzzer,address`, which links libFuzzer; its `LLVMFuzzerRunDriver`
// runs the target chosen here, so one binary holds every target.
import Foundation

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The target libFuzzer calls (set once, before the driver starts).
nonisolated(unsafe) var selected: @Sendable (Data) -> Void = { _ in }

/// libFuzzer's default entry point (its own `main` refers to it); every input goes through
/// the target chosen on the command line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
  selected(data)
  return 0
}

var arguments = CommandLine.arguments
guard arguments.count > 1, let target = FuzzTargets.all[arguments[1]] else {
  let names = FuzzTargets.all.keys.sorted().joined(separator: ", ")
  FileHandle.standardError.write(Data("usage: zerolab-fuzz TARGET [libFuzzer options]; targets: \(names)\n".utf8))
  exit(2)
}
arguments.remove(at: 1)
selected = target
var argc = CInt(arguments.count)
var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
let status = cArguments.withUnsafeMutableBufferPointer { buffer in
  var argv = buffer.baseAddress
  return LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in fuzzOne(bytes, count) }
}
exit(status)
