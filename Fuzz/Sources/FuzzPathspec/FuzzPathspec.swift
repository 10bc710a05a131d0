import SpindleStore

/// Parses arbitrary text as a pathspec. A parse either fails with a typed
/// error or yields a pathspec that prints back to text parsing to itself, and
/// whose names could not reach outside the store.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPathspec(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = RunID(text)
    guard let spec = try? Pathspec(parsing: text) else { return 0 }
    for name in [spec.flow, spec.step, spec.artifact].compactMap({ $0 }) {
        precondition(!name.contains("/") && !name.contains("..") && !name.isEmpty, "unsafe name \(name)")
    }
    let again = try? Pathspec(parsing: spec.description)
    precondition(again == spec, "\(spec) does not parse back to itself")
    return 0
}
