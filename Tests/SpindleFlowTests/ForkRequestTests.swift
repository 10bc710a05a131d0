import Testing
import SpindleStore
@testable import SpindleFlow

@Suite("The fork server's requests")
struct ForkRequestTests {
    @Test("a request survives encoding: empty arguments, spaces, '=', non-ASCII, no environment, handed-over bytes", arguments: [
        ForkRequest(arguments: ["--store", "/tmp/a b/.spindle", "--flow", "F"], environment: []),
        ForkRequest(arguments: [], environment: [("A", "1")]),
        ForkRequest(arguments: ["", "--catch", ""], environment: [("SWIFT_BACKTRACE", "enable=yes,threads=crashed"), ("E", "")]),
        ForkRequest(arguments: ["--step", "étape", "x=y"], environment: [("NAME", "a=b=c")]),
        ForkRequest(arguments: ["--flow", "F"], environment: [("A", "1")], handoff: [0, 1, 0, 255, 0]),
        ForkRequest(arguments: [], environment: [], handoff: Array("1 0 0\0".utf8)),
    ])
    func roundTrip(_ request: ForkRequest) {
        #expect(ForkRequest(decoding: request.encoded) == request)
    }

    @Test("bytes that are not a request are refused, never half-read", arguments: [
        ([] as [UInt8], "nothing"),
        (Array("2 0 0\0a\0".utf8), "fewer arguments than the count"),
        (Array("x 0 0\0a\0".utf8), "no count"),
        (Array("1\0a\0".utf8), "one count, not three"),
        (Array("-1 0 0\0".utf8), "a negative count"),
        (Array("1 0 0\0a".utf8), "no closing NUL"),
        (Array("1 1 0\0a\0=v\0".utf8), "an environment entry without a name"),
        (Array("1 1 0\0a\0novalue\0".utf8), "an environment entry without '='"),
        (Array("1 0 3\0a\0xy".utf8), "fewer handed-over bytes than the count"),
        (Array("1 0 1\0a\0xy".utf8), "more bytes than the counts say"),
    ])
    func malformed(_ bytes: [UInt8], _ why: String) {
        #expect(ForkRequest(decoding: bytes) == nil, "\(why)")
    }

    @Test("a task's title fits over the server's own arguments with the room it is given")
    func titleRoom() {
        let store = "/home/someone/projects/ratings/.spindle"
        let server = [ForkServer.command, "--store", store, "--flow", "RatingsFlow", "--room", ForkServer.titleRoom(for: store)]
        let task = [TaskInvocation.command] + TaskInvocation(store: store, flow: "RatingsFlow", run: .number(123456),
                                                             step: "a_step_with_a_rather_long_name", task: 99999,
                                                             attempt: 3, catchArtifact: "error").arguments
        #expect(server.map { $0.utf8.count + 1 }.reduce(0, +) > task.map { $0.utf8.count + 1 }.reduce(0, +))
    }
}
