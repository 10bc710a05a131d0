import SpindleValue

/// Decodes arbitrary bytes as an artifact. A decode either fails with a typed
/// error or yields a value that encodes and decodes back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCodec(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let value = try? ArtifactCodec.decode(bytes) else { return 0 }
    let again = ArtifactCodec.encode(value)
    guard let back = try? ArtifactCodec.decode(again) else {
        fatalError("a decoded value does not decode after encoding: \(value.typeName)")
    }
    precondition(back == value, "round trip changed a \(value.typeName)")
    return 0
}
