import CLibEdit
import Foundation

/// The shell's own key reader for libedit (`rl_getc_function`).
///
/// libedit matches arrow keys' escape sequences only while editing a line:
/// inside Ctrl-R's incremental search the ESC ends the search and `[C` is
/// typed as text. This reader turns the arrow, Home and End sequences into
/// the control keys libedit binds to the same moves (Ctrl-F, Ctrl-B, Ctrl-P,
/// Ctrl-N, Ctrl-A, Ctrl-E), which also end a search and then move, as in
/// readline. Everything else passes through byte for byte, except that UTF-8
/// is decoded into one character per call: libedit takes what this returns
/// as a whole character.
enum TerminalKeys {
    /// Bytes read ahead while looking at an escape sequence, handed out next.
    nonisolated(unsafe) private static var pushedBack: [Int32] = []

    /// What a key's final byte after `ESC [` or `ESC O` becomes.
    static let sequenceKeys: [UInt8: Int32] = [
        UInt8(ascii: "A"): 0x10,  // Up → Ctrl-P, previous history
        UInt8(ascii: "B"): 0x0E,  // Down → Ctrl-N, next history
        UInt8(ascii: "C"): 0x06,  // Right → Ctrl-F
        UInt8(ascii: "D"): 0x02,  // Left → Ctrl-B
        UInt8(ascii: "H"): 0x01,  // Home → Ctrl-A
        UInt8(ascii: "F"): 0x05,  // End → Ctrl-E
    ]

    /// Installs the reader; call before the first `readline`.
    static func install() {
        spindle_set_getc_function { _ in TerminalKeys.next(read: TerminalKeys.readByte) }
    }

    /// One byte of standard input: nil when `timeout` (ms) passes first, -1
    /// at the end of input or when a signal (Ctrl-C) interrupts the read.
    static func readByte(timeout: Int32?) -> Int32? {
        if let timeout {
            var p = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, timeout) == 0 { return nil }
        }
        var byte: UInt8 = 0
        return read(STDIN_FILENO, &byte, 1) == 1 ? Int32(byte) : -1
    }

    /// The next character for libedit, from `read` (a byte source; a seam for tests).
    static func next(read: (Int32?) -> Int32?) -> Int32 {
        if !pushedBack.isEmpty { return pushedBack.removeFirst() }
        guard let first = read(nil), first >= 0 else { return -1 }
        if first == 0x1B {
            // A key's sequence arrives at once; a lone Escape does not.
            guard let second = read(25), second >= 0 else { return 0x1B }
            guard second == 0x5B || second == 0x4F else { pushedBack = [second]; return 0x1B }  // [ or O
            guard let third = read(25), third >= 0 else { pushedBack = [second]; return 0x1B }
            if let key = sequenceKeys[UInt8(third)] { return key }
            pushedBack = [second, third]
            return 0x1B
        }
        guard first >= 0x80 else { return first }
        // UTF-8: a lead byte and its continuation bytes make one character.
        let extra = first >= 0xF0 ? 3 : first >= 0xE0 ? 2 : first >= 0xC0 ? 1 : 0
        guard extra > 0 else { return 0xFFFD }
        var scalar = first & (0x3F >> Int32(extra))
        for _ in 0..<extra {
            guard let next = read(nil), next >= 0 else { return -1 }
            guard next & 0xC0 == 0x80 else { pushedBack = [next]; return 0xFFFD }
            scalar = scalar << 6 | (next & 0x3F)
        }
        return scalar
    }
}
