import Foundation
import Testing
@testable import SpindleMCP

/// What a ``LineReader`` handed on, reading `input` written to a pipe in `pieces`.
private func read(_ pieces: [String], limit: Int) throws -> (messages: [String], tooLarge: [(id: String?, size: Int)]) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw CocoaError(.fileWriteUnknown) }
    let (readEnd, writeEnd) = (fds[0], fds[1])
    let writer = Thread {
        for piece in pieces {
            piece.utf8CString.withUnsafeBufferPointer { b in
                var offset = 0
                while offset < b.count - 1 { offset += max(0, write(writeEnd, b.baseAddress! + offset, b.count - 1 - offset)) }
            }
        }
        close(writeEnd)
    }
    writer.start()
    var messages: [String] = []
    var tooLarge: [(String?, Int)] = []
    LineReader(fd: readEnd, limit: limit).run(
        message: { messages.append(String(decoding: $0, as: UTF8.self)) },
        tooLarge: { id, size in tooLarge.append((id.map { String(decoding: $0, as: UTF8.self) }, size)) })
    close(readEnd)
    return (messages, tooLarge)
}

private func scannedID(_ json: String, pieceSize: Int = 3) -> String? {
    var scanner = RequestIDScanner()
    let bytes = Array(json.utf8)
    for start in stride(from: 0, to: bytes.count, by: pieceSize) {
        bytes[start..<min(start + pieceSize, bytes.count)].withUnsafeBytes { scanner.feed($0) }
    }
    return scanner.id.map { String(decoding: $0, as: UTF8.self) }
}

@Suite("The MCP server's stdio transport")
struct LineTransportTests {
    @Test("lines are split wherever the reads end; blank lines are skipped; a last line without a newline counts")
    func lines() throws {
        let r = try read(["{\"a\":1}\n{\"b\"", ":2}\n\n  \r\n{\"c\":", "3}\n{\"d\":4}"], limit: 100)
        #expect(r.messages == [#"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#, #"{"d":4}"#])
        #expect(r.tooLarge.isEmpty)
    }

    @Test("a line over the limit is dropped to its newline and reported with its size and id; the next line is whole")
    func overLimit() throws {
        let long = #"{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"x":""# + String(repeating: "y", count: 300_000) + "\"}}"
        let r = try read(["{\"a\":1}\n", String(long.prefix(100_000)), String(long.dropFirst(100_000)) + "\n{\"b\":2}\n"], limit: 1000)
        #expect(r.messages == [#"{"a":1}"#, #"{"b":2}"#])
        #expect(r.tooLarge.count == 1)
        #expect(r.tooLarge.first?.id == "42")
        #expect(r.tooLarge.first?.size == long.utf8.count)
    }

    @Test("the id of a request is found wherever it is, and only at the top level", arguments: [
        (#"{"jsonrpc":"2.0","id":7,"method":"m"}"#, "7"),
        (#"{"method":"m","params":{"id":1,"s":"}\"id\":2"},"jsonrpc":"2.0","id":"a,b}"}"#, #""a,b}""#),
        (#"{ "id" : "x\"y" , "method":"m"}"#, #""x\"y""#),
        (#"{"params":{"arguments":{"id":3}},"method":"m"}"#, nil),
        (#"{"i\u0064":3,"method":"m"}"#, nil),
        (#"{"idx":3,"method":"m"}"#, nil),
        (#"[{"id":1}]"#, nil),
        (#"{"id":{"not":"an id"}}"#, nil),
    ] as [(String, String?)])
    func ids(json: String, id: String?) {
        #expect(scannedID(json) == id)
        #expect(scannedID(json, pieceSize: 1000) == id)
    }
}
