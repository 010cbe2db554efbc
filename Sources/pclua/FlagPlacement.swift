import Foundation
import LuaKit
import PureCloud
import Synchronization

/// A flag on the wrong side of the script name. pclua's flags go before it and the script's after
/// it (lua.c's rule), so `pclua --max-removals 400 migrate.lua moves.csv` gives pclua a flag it
/// does not know, and `pclua migrate.lua moves.csv --concurrency 4` gives the script one it does
/// not know. Either way the message names the flag, where it belongs, and the command line with
/// the flag moved there, ready to paste.
enum FlagPlacement {
    struct Misplaced: Error, CustomStringConvertible {
        let description: String
        /// The command line with the flag where it belongs, if one could be written.
        let corrected: String?
    }

    /// Before the script: the first long flag pclua does not know (`line.longFlags`), as a
    /// Misplaced to report, or nil when every flag is pclua's.
    static func unknownBeforeScript(_ line: LuaCommandLine, from start: Int) -> Misplaced? {
        guard !line.longFlags.isEmpty else { return nil }
        let known = line.knownFlags
        var index = 0
        var unknown: String?
        while index < line.longFlags.count {
            let token = line.longFlags[index]
            let name = String(token.prefix { $0 != "=" })
            if !known.contains(name) { unknown = token; break }
            index += line.flagsWithValue.contains(name) && !token.contains("=") ? 2 : 1
        }
        guard let unknown else { return nil }
        let name = String(unknown.prefix { $0 != "=" })
        let words = line.argv.map { String(decoding: $0, as: UTF8.self) }
        guard let at = words.indices.dropFirst(start).first(where: { words[$0] == unknown }) else { return nil }
        // Where the script really is: lua.c's rule took the flag's value (if it has one) for it.
        var moved = [unknown]
        var script: Int?
        let next = at + 1
        if next < words.count, !words[next].hasPrefix("-") {
            if isScript(words[next]) {
                script = next
            } else if next + 1 < words.count, isScript(words[next + 1]) {
                moved.append(words[next])
                script = next + 1
            }
        }
        let scriptsOwn = script.map { mentions(words[$0], name) } ?? false
        if !scriptsOwn, let guess = Validator.closest(String(name.drop { $0 == "-" }), among: known.map { String($0.dropFirst(2)) }) {
            return Misplaced(description: "unknown option \(name) (did you mean --\(guess)?); pclua --help lists pclua's options. Nothing was run.", corrected: nil)
        }
        guard let script else {
            return Misplaced(description: "\(name) is not an option of pclua (pclua --help lists them); an option of the script goes after the script name. Nothing was run.", corrected: nil)
        }
        var corrected = words
        corrected.removeSubrange(at..<(at + moved.count))
        corrected += moved
        let command = ShellWord.join([ProgramName.current] + corrected.dropFirst())
        let owner = scriptsOwn ? "an option of \(words[script]), not of pclua: it" : "not an option of pclua; if it is the script's, it"
        return Misplaced(description: "\(name) is \(owner) goes after the script name:\n  \(command)\nNothing was run.", corrected: command)
    }

    /// After the script, once the script refused its arguments (exit status 2): pclua's flags
    /// among them, said with the command line that gives them to pclua. Nil when there is none,
    /// or when the script mentions the flag itself (it is the script's own, and its message says why).
    static func pcluaFlagAfterScript(_ line: LuaCommandLine) -> Misplaced? {
        guard let scriptIndex = line.scriptIndex else { return nil }
        let words = line.argv.map { String(decoding: $0, as: UTF8.self) }
        let script = words[scriptIndex]
        var index = scriptIndex + 1
        while index < words.count {
            let token = words[index]
            if token == "--" { return nil }
            let name = String(token.prefix { $0 != "=" })
            if name != "--dry-run", name != "--help", line.knownFlags.contains(name), !mentions(script, name) {
                let count = line.flagsWithValue.contains(name) && !token.contains("=") && index + 1 < words.count ? 2 : 1
                var corrected = words
                let moved = Array(corrected[index..<(index + count)])
                corrected.removeSubrange(index..<(index + count))
                corrected.insert(contentsOf: moved, at: scriptIndex)
                let command = ShellWord.join([ProgramName.current] + corrected.dropFirst())
                return Misplaced(description: "\(name) is pclua's option, not the script's: it goes before the script name:\n  \(command)", corrected: command)
            }
            index += 1
        }
        return nil
    }

    /// What to say if the script refuses its arguments, set before it runs: said when the run ends
    /// with status 2, however it ends (os.exit skips every Swift frame above it, hence atexit and
    /// the status os.exit noted).
    private static let pendingNote = Mutex<(@Sendable () -> Void)?>(nil)

    static func sayIfRefused(_ say: @escaping @Sendable () -> Void) {
        pendingNote.withLock { $0 = say }
        atexit { if LuaHost.exitStatusGiven == ExitStatus.usage { FlagPlacement.sayPendingNote() } }
    }

    /// At the end of a run that returned (not through os.exit) with `status`.
    static func runEnded(status: Int32) {
        if status == ExitStatus.usage { sayPendingNote() } else { pendingNote.withLock { $0 = nil } }
    }

    private static func sayPendingNote() {
        pendingNote.withLock { note -> (@Sendable () -> Void)? in defer { note = nil }; return note }?()
    }

    /// A script file (what pclua would run), not a value such as "400".
    private static func isScript(_ word: String) -> Bool {
        var directory: ObjCBool = false
        return word == "-" || (FileManager.default.fileExists(atPath: word, isDirectory: &directory) && !directory.boolValue)
    }

    /// Whether the script's text has the flag as a string (`a == "--max-removals"`: its option
    /// parsing), not only in a comment.
    private static func mentions(_ script: String, _ flag: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: script) else { return false }
        defer { try? handle.close() }
        let text = (try? handle.read(upToCount: 4 << 20)) ?? Data()
        return ["\"", "'"].contains { text.range(of: Data(($0 + flag + $0).utf8)) != nil }
    }
}
