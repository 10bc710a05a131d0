import CForkServer
import Foundation

/// The command line `ps` shows for a forked task process: `BINARY _task …`,
/// as for a spawned one, written over this process's own argument strings
/// (Linux's /proc/PID/cmdline reads that memory).
///
/// An executed fork server is started with an argument of spaces
/// (``ForkServer/titleRoom(for:)``) so that its arguments reach far enough,
/// and a title keeps the separate arguments (NUL between them). A fork
/// server forked from its runtime has only the runtime's arguments
/// (`BINARY run`): it moves its environment elsewhere first
/// (``takeEnvironment()``) and writes the title over both, as one string with
/// spaces, which Linux then shows whole (its `setproctitle` convention: the
/// arguments' last byte is no longer a NUL).
enum ProcessTitle {
    /// The memory a title may cover, once ``takeEnvironment()`` has freed the environment's.
    nonisolated(unsafe) private static var widened: (start: UnsafeMutablePointer<CChar>, count: Int, program: String)?

    /// Copies the environment's strings to the heap, byte for byte, in a
    /// new `environ`, so that the memory they were in (which follows the
    /// arguments') can hold a longer title. Once, in a process that then
    /// forks tasks; does nothing where the environment does not follow the
    /// arguments directly. After a title is set, `argv[0]`'s string reads as
    /// the whole title (its NUL is a space), for whatever reads it: the
    /// loader's messages, `program_invocation_name`, `CommandLine`.
    static func takeEnvironment() {
        let argc = Int(CommandLine.argc)
        guard widened == nil, argc > 0, let first = CommandLine.unsafeArgv[0], let last = CommandLine.unsafeArgv[argc - 1] else { return }
        let argumentsEnd = last + strlen(last) + 1  // one past the arguments' final NUL
        var end = argumentsEnd
        var copies: [UnsafeMutablePointer<CChar>?] = []
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        while let e = entry, let pointer = e.pointee {
            guard let copy = strdup(pointer) else {
                for c in copies { free(c) }
                return
            }
            copies.append(copy)
            if pointer == end { end = pointer + strlen(pointer) + 1 }
            entry = e + 1
        }
        guard end > argumentsEnd else {  // no environment where it could be taken over
            for c in copies { free(c) }
            return
        }
        // The new array lives as long as the process (setenv may later replace it with its own).
        let table = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: copies.count + 1)
        for (i, c) in copies.enumerated() { table[i] = c }
        table[copies.count] = nil
        spindle_set_environ(table)
        widened = (first, end - first - 1, String(cString: first))
    }

    /// Sets the title to `arguments` after the program's own name.
    static func set(_ arguments: [String]) {
        if let (start, count, program) = widened {
            // One string: `argv[0]`'s text, then the arguments, with spaces.
            let text = ([program] + arguments).joined(separator: " ")
            var bytes = Array(text.utf8.prefix(count))
            bytes.append(0)
            memset(start, 0, count + 1)
            bytes.withUnsafeBytes { _ = memcpy(start, $0.baseAddress!, $0.count) }
            return
        }
        let argc = Int(CommandLine.argc)
        guard argc > 1, let first = CommandLine.unsafeArgv[0], let last = CommandLine.unsafeArgv[argc - 1] else { return }
        let start = UnsafeMutableRawPointer(first) + strlen(first) + 1
        let end = UnsafeMutableRawPointer(last) + strlen(last)  // the final NUL stays
        guard end > start else { return }
        var bytes: [UInt8] = []
        for a in arguments { bytes += Array(a.utf8) + [0] }
        let room = end - start
        memset(start, 0, room)
        bytes.prefix(room).withUnsafeBytes { _ = memcpy(start, $0.baseAddress!, $0.count) }
    }
}
