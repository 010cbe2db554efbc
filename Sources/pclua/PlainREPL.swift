import Foundation
import LuaKit
import PureCloudLua

/// The REPL when standard input is not a terminal (`pclua -i < commands.lua`): lua.c's own loop
/// as Debian's lua5.4 (built with readline) runs it there, so a program that drives pclua through
/// a pipe sees what it sees with lua5.4: the prompts `_PROMPT` and `_PROMPT2` (through `tostring`,
/// defaults "> " and ">> ") written to stdout before each line and the line echoed after it (what
/// readline does off a terminal), a line tried as `return <line>;` first and then as
/// a statement, an incomplete chunk continued on the next lines, results printed by calling the
/// global `print`, errors on stderr without a program name, and a newline at the end of input.
/// pclua's printer, colours, help, completion and history belong to the terminal REPL.
///
/// Differences, all harmless for a program: lines are not cut at 512 bytes; an error in
/// `__tostring` of `_PROMPT` gives the default prompt (lua.c aborts); end of input inside an
/// unfinished chunk reports the syntax error (lua.c prints "(null)"); a string result that is a
/// session secret reaches `print` as "<redacted>" (pclua never shows one); Ctrl-C or SIGTERM at
/// the prompt ends pclua with status 130 (lua.c dies by the signal), and SIGTERM while a line runs
/// stops it and ends pclua (130) where lua.c dies at once.
final class PlainREPL {
    let state: LuaState
    let session: PurecloudSession

    init(state: LuaState, session: PurecloudSession) {
        self.state = state
        self.session = session
    }

    /// Runs until the end of standard input; returns the exit status.
    func run() -> Int32 {
        let base = state.top
        defer { state.main.settop(base) }
        while true {
            state.main.settop(base)
            guard let loaded = loadLine() else { break }
            if !loaded { continue }
            if call() { printResults(from: base) }
            if LuaHost.signalTaken == SIGTERM { return ExitStatus.interrupted }
            if LuaHost.takeSignal() != 0 { LuaHost.rearmSignals() }  // lua.c arms SIGINT for each call
        }
        if LuaHost.signalTaken != 0 { return ExitStatus.interrupted }
        LuaHost.endREPL()
        return ExitStatus.success
    }

    /// lua.c's loadline: nil at the end of input, false after reporting a syntax error, true with
    /// the compiled line on the stack.
    private func loadLine() -> Bool? {
        guard var line = readLine(firstLine: true) else { return nil }
        if line.first == UInt8(ascii: "=") { line = Array("return ".utf8) + line.dropFirst() }  // 5.2's "=expr"
        if (try? state.load(bytes: Array("return ".utf8) + line + [UInt8(ascii: ";")], name: "=stdin")) != nil {
            return true
        }
        var chunk = line
        while true {
            do {
                try state.load(bytes: chunk, name: "=stdin")
                return true
            } catch let LuaError.syntax(_, incomplete) where incomplete {
                guard let more = readLine(firstLine: false) else {
                    if LuaHost.signalTaken != 0 { return nil }
                    report(.syntax(message: "", incomplete: true))
                    return false
                }
                chunk += [UInt8(ascii: "\n")] + more
            } catch let error as LuaError {
                report(error)
                return false
            } catch {
                writeStandardError("\(error)\n")
                return false
            }
        }
    }

    /// Writes the prompt to stdout and reads one line from stdin (C's stdin, which `io.read` in a
    /// line shares, as in lua.c), without its newline; nil at the end of input or on a signal.
    private func readLine(firstLine: Bool) -> [UInt8]? {
        state.writePrompt(firstLine: firstLine)
        guard var line = LuaHost.readLine() else { return nil }
        if line.last == UInt8(ascii: "\n") { line.removeLast() }
        return line
    }

    /// lua.c's docall; false after reporting an error.
    private func call() -> Bool {
        // Called from C, as lua.c calls it, so a traceback ends the same way.
        state.pushLineCaller()
        state.main.rotate(-2, 1)
        do {
            try session.finishingTasks(state) { try state.protectedCall(nargs: 1, nresults: LuaCall.allResults) }
            return true
        } catch let error as LuaError {
            report(error)
        } catch {
            writeStandardError("\(error)\n")
        }
        return false
    }

    /// lua.c's l_print: the results through the global `print`.
    private func printResults(from base: Int32) {
        let count = state.top - base
        guard count > 0 else { return }
        for index in (base + 1)...state.top where state.main.type(at: index) == .string {
            if let text = state.main.string(at: index), session.isSecret(text) {
                state.main.push("<redacted>")
                state.main.replace(index)
            }
        }
        if !state.printValues(count) {
            writeStandardError(bytes: (state.main.bytes(at: -1) ?? []) + [UInt8(ascii: "\n")])
        }
    }

    /// lua.c's report in the REPL: the message (with its traceback) alone on stderr.
    private func report(_ error: LuaError) {
        let failure = ScriptFailure(error, state: state, session: session)
        var text: [UInt8]
        switch failure.kind {
        case .syntax, .script, .person:
            text = failure.bytes  // as Lua had it: message and traceback
        case .interrupted:
            text = Array("interrupted!".utf8)
        case .memory:
            text = Array("not enough memory".utf8)
        case .api:
            text = Array((failure.message + (failure.traceback.map { "\n" + $0 } ?? "")).utf8)
        case let .value(withTraceback):
            text = Array(failure.message.utf8)
            if withTraceback, let traceback = failure.traceback { text += Array(("\n" + traceback).utf8) }
        }
        LuaHost.flushStandardOutput()  // lua.c's stdout is flushed at each prompt; keep the order on a shared pipe
        writeStandardError(bytes: text + [UInt8(ascii: "\n")])
    }
}
