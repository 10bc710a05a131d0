import Foundation
import Spindle
import Synchronization

// A flow for the test suite: its step `left` misbehaves as FAULT_MODE says,
// and every step appends its name to $FAULT_DIR/executions so tests can
// count what ran. Not a sample: it exists to be broken on purpose.

let env = ProcessInfo.processInfo.environment
let mode = env["FAULT_MODE"] ?? "ok"

func record(_ step: String) {
    guard let dir = env["FAULT_DIR"] else { return }
    let fd = open(dir + "/executions", O_WRONLY | O_APPEND | O_CREAT, 0o644)
    guard fd >= 0 else { return }
    _ = "\(step)\n".withCString { write(fd, $0, strlen($0)) }
    close(fd)
}

enum Boom: Error, CustomStringConvertible {
    case failed(String)
    var description: String { switch self { case .failed(let s): "boom: \(s)" } }
}

let flow = Flow("FaultFlow") {
    Parameter("size", default: 3, help: "how many numbers start makes")

    Step("start", next: .branch("left", "right")) { task in
        record("start")
        let n: Int = try task.parameter("size")
        task["numbers"] = (0..<n).map { Double($0) }
        task["shared"] = "same on both sides"
    }
    Step("left", next: .to("join"), retry: env["FAULT_RETRY"].flatMap(Int.init) ?? 0,
         timeout: .seconds(env["FAULT_TIMEOUT"].flatMap(Int.init) ?? 1), catch: env["FAULT_CATCH"] == nil ? nil : "error") { task in
        record("left")
        switch mode {
        case "throw": throw Boom.failed("left always throws")
        case "fatal": fatalError("left calls fatalError")
        case "segv": UnsafeMutablePointer<Int>(bitPattern: 8)!.pointee = 1
        case "timeout":
            print("left starts a long wait")
            try await Task.sleep(for: .seconds(env["FAULT_SLEEP"].flatMap(Int.init) ?? 30))
        case "flaky": if task.attempt == 0 { throw Boom.failed("first attempt fails") }
        case "flood": for i in 0..<300_000 { print("flood line \(i) with some padding to make it longer") }
        case "unencodable": task["bad"] = UInt64.max
        case "missing": let _: Double = try task.artifact("numbrs")
        case "deep": task["depth"] = descend(10_000)
        case "contend":
            // The step's thread and a second one take one lock in turn, many times: a lock that
            // names the wrong owner thread (one inherited across a fork) fails under contention.
            let counter = Mutex(0)
            let other = Thread { for _ in 0..<100 { counter.withLock { $0 += 1; usleep(100) } } }
            other.start()
            for _ in 0..<100 { counter.withLock { $0 += 1; usleep(100) } }
            while counter.withLock({ $0 }) < 200 { usleep(1000) }
            task["contended"] = counter.withLock { $0 }
        case "database": task["openedDatabase"] = hasOpenDatabase()
        default: break
        }
        let numbers: [Double] = try task.artifact("numbers")
        task["left_sum"] = numbers.reduce(0, +)
    }
    Step("right", next: .to("join")) { task in
        record("right")
        let numbers: [Double] = try task.artifact("numbers")
        task["right_max"] = numbers.max() ?? 0
    }
    Join("join", next: .to("end")) { task in
        record("join")
        let merged = try task.mergeArtifacts()
        task["merged"] = merged
        task["sides"] = try task.inputs.map(\.step)
    }
    Step("end") { task in
        record("end")
    }
}

Spindle.main(flow)

/// Recursion `n` deep, a few hundred bytes of stack a level (megabytes in all), that the optimizer cannot flatten.
@inline(never) func descend(_ n: Int) -> Int {
    var frame = (n, n &* 3, n &* 5, n &* 7, n &* 11, n &* 13, n &* 17, n &* 19)
    if n == 0 { return 0 }
    let below = withUnsafeMutableBytes(of: &frame) { bytes in descend(n - 1) &+ Int(bytes[0]) }
    return below &+ frame.1 - frame.1
}

/// Whether this process has the store's database file open (a task handed its inputs need not).
func hasOpenDatabase() -> Bool {
    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return fds.contains { fd in
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"))?.hasSuffix("meta.sqlite") == true
    }
}
