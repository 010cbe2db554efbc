import CEditLine
import Foundation
import LuaKit

/// Line editing with libedit's readline interface: Emacs keys, history kept in a file (a
/// multi-line chunk is one entry), Tab completion, and Ctrl-C that clears the line instead of
/// killing the session.
///
/// Ctrl-C never longjmps: libedit reads keys through `readKey`, which waits on the terminal and
/// on a pipe that the SIGINT handler (a dispatch source, not signal context) writes to. When the
/// pipe fires, the line is cleared and ended, and `readLine` reports `.interrupted`.
final class LineEditor {
    enum Input { case line(String), interrupted, endOfInput }

    let historyPath: String
    nonisolated(unsafe) static var current: LineEditor?
    nonisolated(unsafe) static var completer: ((_ line: String, _ word: String) -> [String])?

    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1
    private var interruptedFlag = false
    /// Whether the line being edited may hold text: libedit's own `rl_end` is only updated lazily.
    /// Typing sets it, deleting everything typed clears it, history keys (escape sequences) set it.
    private var typed = 0
    /// Text pasted in one go (bracketed paste), handed to the REPL with the line it ended.
    private var pasted: String?
    /// Bytes a paste or an escape sequence left for libedit to read next.
    private var pending: [UInt8] = []

    init(historyPath: String) {
        self.historyPath = historyPath
        var fds: [Int32] = [0, 0]
        if pipe(&fds) == 0 {
            wakeRead = fds[0]
            wakeWrite = fds[1]
            _ = fcntl(wakeRead, F_SETFL, O_NONBLOCK)
        }
        LineEditor.current = self
        pclua_editline_setup({ LineEditor.current?.readKey() ?? -1 }, { line, word in LineEditor.complete(line, word) })
        if let reason = pclua_editline_unavailable() {
            let note = "pclua: no line editing, completion or history in this REPL: \(String(cString: reason)) (Debian's libedit2 provides it)\n"
            _ = note.withCString { write(STDERR_FILENO, $0, strlen($0)) }
        }
        try? FileManager.default.createDirectory(atPath: (historyPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        pclua_editline_read_history(historyPath)
    }

    /// Called from the SIGINT handler's queue while the prompt waits.
    func interrupt() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    func readLine(prompt: String) -> Input {
        interruptedFlag = false
        typed = 0
        pasted = nil
        drainWake()
        // Bracketed pastes are for libedit; the terminal's own line editing would echo the markers.
        let terminal = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 && pclua_editline_unavailable() == nil
        if terminal { emit("\u{1B}[?2004h") }  // ask the terminal to bracket pastes
        defer { if terminal { emit("\u{1B}[?2004l") } }
        guard let raw = pclua_editline_read(prompt) else {
            return interruptedFlag ? .interrupted : .endOfInput
        }
        defer { free(raw) }
        if interruptedFlag { return .interrupted }
        return .line(String(cString: raw) + (pasted ?? ""))
    }

    private func emit(_ text: String) {
        _ = text.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
    }

    /// After an escape: if the terminal is starting a bracketed paste, read the whole paste, show
    /// it, and end the line so the REPL gets it as one chunk; otherwise give the bytes to libedit.
    private func escapeSequence() -> Int32 {
        let start = Array("[200~".utf8)
        var seen: [UInt8] = []
        while seen.count < start.count, let byte = readByte(timeoutMilliseconds: 30) {
            seen.append(byte)
            if byte != start[seen.count - 1] { break }
        }
        guard seen == start else {
            pending += seen
            return 27
        }
        let end = Array("\u{1B}[201~".utf8)
        var text: [UInt8] = []
        while let byte = readByte(timeoutMilliseconds: 1000) {
            text.append(byte)
            if text.count >= end.count && Array(text.suffix(end.count)) == end {
                text.removeLast(end.count)
                break
            }
        }
        let chunk = String(decoding: text, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        pasted = chunk.hasSuffix("\n") ? String(chunk.dropLast()) : chunk
        emit(chunk.replacingOccurrences(of: "\n", with: "\r\n"))
        return 10  // end the line: the REPL evaluates what was typed plus the paste
    }

    /// Whether a read of standard input will not block (on a terminal: bytes are queued; elsewhere
    /// poll's answer stands, end of input included).
    private static func bytesWaiting() -> Bool {
        guard isatty(STDIN_FILENO) != 0 else { return true }
        var available: Int32 = 0
        return ioctl(STDIN_FILENO, UInt(FIONREAD), &available) != 0 || available > 0
    }

    private func readByte(timeoutMilliseconds: Int32) -> UInt8? {
        var fd = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&fd, 1, timeoutMilliseconds) > 0, Self.bytesWaiting() else { return nil }
        var byte: UInt8 = 0
        return read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
    }

    func remember(_ entry: String) {
        guard !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        pclua_editline_add_history(entry)
        pclua_editline_write_history(historyPath, 1000)
    }

    private func drainWake() {
        var byte: UInt8 = 0
        while read(wakeRead, &byte, 1) == 1 {}
    }

    /// libedit's source of keys: the terminal, or the wake pipe.
    private func readKey() -> Int32 {
        if !pending.isEmpty { return Int32(pending.removeFirst()) }
        if LuaHost.signalTaken == SIGTERM { return -1 }  // it came while a line ran
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                // SIGTERM (pclua's handler took it) ends the REPL as it ends lua5.4; the caller exits 130.
                if errno == EINTR { if LuaHost.signalTaken == SIGTERM { return -1 } else { continue } }
                return -1
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                drainWake()
                return cancelLine()
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP) != 0 {
                // Ctrl-C makes the terminal discard typed-ahead input, so bytes poll() saw may be
                // gone: read only what is really there, or the wake pipe would never be seen.
                guard Self.bytesWaiting() else { continue }
                var byte: UInt8 = 0
                let count = read(STDIN_FILENO, &byte, 1)
                if count <= 0 { return -1 }
                if byte == 3 { return cancelLine() }  // ^C delivered as a key (terminal without ISIG)
                if byte == 4 && typed == 0 { return -1 }  // ^D on an empty line leaves
                if byte == 27 {
                    typed = Int.max / 2  // history and cursor keys: contents unknown
                    return escapeSequence()
                }
                switch byte {
                case 8, 127: typed = max(0, typed - 1)
                case 21: typed = 0  // ^U clears the line
                case 16, 14: typed = Int.max / 2  // ^P, ^N: history, contents unknown
                case 32...126, 128...255: typed += 1
                default: break
                }
                return Int32(byte)
            }
        }
    }

    private func cancelLine() -> Int32 {
        interruptedFlag = true
        pclua_editline_clear_line()
        return 10  // end the (now empty) line
    }

    /// The completion list in the form libedit wants: the common prefix first, then the matches.
    static func complete(_ line: UnsafePointer<CChar>?, _ word: UnsafePointer<CChar>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard let line, let word, let completer else { return nil }
        let found = completer(String(cString: line), String(cString: word))
        guard !found.isEmpty else { return nil }
        var prefix = found[0]
        for match in found.dropFirst() {
            while !match.hasPrefix(prefix) { prefix.removeLast() }
        }
        // One match: [match, NULL]. Several: [common prefix, matches..., NULL].
        let entries = found.count == 1 ? found : [prefix] + found
        let list = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: entries.count + 1)
        for (index, entry) in entries.enumerated() { list[index] = strdup(entry) }
        list[entries.count] = nil
        return list
    }
}
