import Foundation
import SpindleStore
import Logging
import MCP
import Synchronization

/// MCP's stdio transport — one JSON-RPC message a line — read in linear time
/// and with a cap on a request's size.
///
/// Why not the SDK's `StdioTransport` (swift-sdk 0.12.1): it reads 4 KiB at a
/// time and searches its whole buffer for a newline after each read, so a
/// request of n bytes costs n²/4096 byte comparisons (2 MB took 18.5 s). This
/// one reads 64 KiB at a time on a thread of its own, searches only the bytes
/// just read, and never holds more than ``SpindleMCPServer/requestLimit``
/// bytes of one line: a longer line is dropped up to its newline and answered
/// with a JSON-RPC error naming the cap (with the request's id when the line
/// has one, so the client's call ends instead of waiting).
actor LineTransport: Transport {
    nonisolated let logger: Logger
    private let input: Int32
    private let writer: LineWriter
    private let limit: Int
    private let stream: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var connected = false

    init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, limit: Int = SpindleMCPServer.requestLimit) {
        self.input = input
        self.writer = LineWriter(fd: output)
        self.limit = limit
        self.logger = Logger(label: "spindle.mcp.transport", factory: { _ in SwiftLogNoOpLogHandler() })
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    func connect() async throws {
        guard !connected else { return }
        connected = true
        let reader = LineReader(fd: input, limit: limit)
        let (continuation, writer, limit) = (self.continuation, self.writer, self.limit)
        Thread.detachNewThread {
            reader.run(
                message: { continuation.yield($0) },
                tooLarge: { id, size in try? writer.write(TooLarge.response(id: id, size: size, limit: limit)) })
            continuation.finish()
        }
    }

    func disconnect() async {
        connected = false
        continuation.finish()
    }

    func send(_ data: Data) async throws {
        try writer.write(data)
    }

    func receive() -> AsyncThrowingStream<Data, any Error> { stream }
}

/// Writes whole lines to a file descriptor, one message at a time.
final class LineWriter: Sendable {
    private let fd: Int32
    private let lock = Mutex(())

    init(fd: Int32) { self.fd = fd }

    /// Writes `message` and a newline; waits while the pipe is full.
    func write(_ message: Data) throws {
        var bytes = message
        bytes.append(10)
        try lock.withLock { _ in
            if bytes.withUnsafeBytes({ FileIO.writeAll(fd, $0) }) != 0 { throw MCPError.connectionClosed }
        }
    }
}

/// Splits a byte stream into lines, each byte looked at once.
final class LineReader: Sendable {
    private let fd: Int32
    private let limit: Int

    init(fd: Int32, limit: Int) {
        self.fd = fd
        self.limit = limit
    }

    /// Reads to the end of input, handing on each non-empty line of at most
    /// `limit` bytes, and for each longer one its id (as JSON text, when found)
    /// and its length.
    func run(message: (Data) -> Void, tooLarge: (Data?, Int) -> Void) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var line = [UInt8]()
        var over: (scanner: RequestIDScanner, size: Int)?  // set while dropping a line over the cap

        func take(_ piece: UnsafeRawBufferPointer) {
            if var o = over {
                o.scanner.feed(piece)
                o.size += piece.count
                over = o
            } else if line.count + piece.count > limit {
                var scanner = RequestIDScanner()
                line.withUnsafeBytes { scanner.feed($0) }
                scanner.feed(piece)
                over = (scanner, line.count + piece.count)
                line = []
            } else {
                line.append(contentsOf: piece)
            }
        }
        func end() {
            if let o = over {
                tooLarge(o.scanner.id, o.size)
            } else if line.contains(where: { $0 != 32 && $0 != 9 && $0 != 13 }) {
                message(Data(line))
            }
            over = nil
            line.removeAll(keepingCapacity: line.count <= 1 << 20)
        }

        while true {
            guard case .success(let n) = chunk.withUnsafeMutableBytes({ FileIO.readSome(fd, $0) }), n > 0 else { break }
            chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                var start = 0
                while start < n {
                    // Only the bytes not yet searched are searched.
                    if let hit = memchr(raw.baseAddress! + start, 10, n - start) {
                        let newline = raw.baseAddress!.distance(to: UnsafeRawPointer(hit))
                        take(UnsafeRawBufferPointer(rebasing: raw[start..<newline]))
                        end()
                        start = newline + 1
                    } else {
                        take(UnsafeRawBufferPointer(rebasing: raw[start..<n]))
                        start = n
                    }
                }
            }
        }
        if over != nil || !line.isEmpty { end() }
    }
}

/// Finds the `id` member of a JSON object read in pieces, without keeping the
/// object: the id of a request too large to keep, so its answer can name it.
struct RequestIDScanner {
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var expectingKey = false
    private var key: [UInt8]?        // the top-level key being read
    private var lastKey: [UInt8] = []
    private var value: [UInt8]?      // the id's text, while it is read
    private var done = false
    private(set) var idText: [UInt8]?

    /// The id as JSON text (a string or an integer), when the object had one.
    var id: Data? {
        guard let idText else { return nil }
        let data = Data(idText)
        return (try? JSONDecoder().decode(MCP.ID.self, from: data)) == nil ? nil : data
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes {
            if done { return }
            if value != nil, !(depth == 1 && !inString && (b == 44 || b == 125)) {
                value!.append(b)
                if value!.count > 256 { value = nil; done = true; return }  // no id is that long
            }
            if inString {
                if escaped {
                    escaped = false
                } else if b == 92 {  // a backslash: a key with one is not the plain "id"
                    escaped = true
                    if key != nil { key = [0] }
                } else if b == 34 {
                    inString = false
                    if let k = key { lastKey = k; key = nil }
                } else if key != nil, key!.count <= 2 {  // longer than "id" is not "id"
                    key!.append(b)
                }
                continue
            }
            switch b {
            case 34:  // "
                inString = true
                if depth == 1 && expectingKey { key = []; expectingKey = false }
            case 123, 91:  // { [
                depth += 1
                if depth == 1 { if b == 123 { expectingKey = true } else { done = true } }
            case 125, 93:  // } ]
                if depth == 1, let v = value { idText = trimmed(v); value = nil; done = true }
                depth -= 1
            case 44:  // ,
                if depth == 1 {
                    if let v = value { idText = trimmed(v); value = nil; done = true }
                    expectingKey = true
                }
            case 58:  // :
                if depth == 1 && lastKey == Array("id".utf8) { value = [] }
            default:
                break
            }
        }
    }

    private func trimmed(_ v: [UInt8]) -> [UInt8] {
        Array(v.drop { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }.reversed().drop { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }.reversed())
    }
}

/// The answer to a request over ``SpindleMCPServer/requestLimit``.
enum TooLarge {
    static func message(size: Int, limit: Int) -> String {
        "request too large: \(size) bytes, over the limit of \(limit / (1 << 20)) MiB (\(limit) bytes) a request may have. "
            + "It was not read; send less (a shorter expression, smaller overrides) and ask for data by pathspec instead of sending it."
    }

    /// A JSON-RPC error (Invalid Request, -32600) for the request `id` (JSON text; null when unknown).
    static func response(id: Data?, size: Int, limit: Int) -> Data {
        let text = try? JSONSerialization.data(withJSONObject: ["message": message(size: size, limit: limit), "code": -32600], options: [.sortedKeys])
        var out = Data(#"{"jsonrpc":"2.0","id":"#.utf8)
        out.append(id ?? Data("null".utf8))
        out.append(Data(#","error":"#.utf8))
        out.append(text ?? Data(#"{"code":-32600,"message":"request too large"}"#.utf8))
        out.append(Data("}".utf8))
        return out
    }
}
