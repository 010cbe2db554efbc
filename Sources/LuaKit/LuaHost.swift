import CLua
import CLuaShim
import Foundation

/// lua.c's host, the parts of it pclua's command line and REPLs use (CLuaShim's host.c and
/// output.c): the C callers chunks run under (so tracebacks end as lua.c's do), the plain REPL's
/// prompt and printing, warnings, and the text lua.c prints for an error value.
extension LuaState {
    /// Replaces os.execute and io.popen with versions whose children get the default dispositions
    /// and the mask pclua started with; false when Lua had no memory for it.
    public func installProcessFunctions() -> Bool { pclua_install_process_functions(mainThread) == LUA_OK }

    /// Lua's warnings (warn(), -W) to `sink`, one call per whole message, instead of stderr.
    public func sendWarnings(to sink: @convention(c) (UnsafePointer<CChar>?) -> Void) {
        pclua_send_warnings_to(mainThread, sink)
    }

    /// The generational garbage collector lua.c 5.4 switches to.
    public func useGenerationalCollector() { pclua_gc_generational(mainThread) }

    /// lua.c's `-W`: warnings on.
    public func turnWarningsOn() { lua_warning(mainThread, "@on", 0) }

    // MARK: The C callers

    /// Pushes f(fn, ...): calls fn(...) from C, no results kept (lua.c's tracebacks end in that C frame).
    public func pushChunkCaller() { pclua_push_chunk_caller(mainThread) }

    /// The same, returning all the function's results (a REPL line).
    public func pushLineCaller() { pclua_push_line_caller(mainThread) }

    /// Pushes f(script): calls script with the values of arg[1..#arg] (lua.c's pushargs).
    public func pushScriptCaller() { pclua_push_script_caller(mainThread) }

    /// Pushes f(global, module), which does global = require(module) (lua.c's -l).
    public func pushRequireFunction() { pclua_push_require_function(mainThread) }

    // MARK: lua.c's plain REPL

    /// lua.c's prompt: _PROMPT (or _PROMPT2) through tostring, else "> " (">> "), written to
    /// stdout and flushed. Never raises.
    public func writePrompt(firstLine: Bool) { pclua_repl_prompt(mainThread, firstLine ? 1 : 0) }

    /// lua.c's l_print: the global print called with the `count` values on top (popped). On failure
    /// it returns false and pushes "error calling 'print' (...)". Never raises.
    public func printValues(_ count: Int32) -> Bool { pclua_repl_print(mainThread, count) == LUA_OK }

    // MARK: Errors

    /// The text lua.c prints for a non-string error value, and whether a traceback follows it.
    public func errorText(of value: LuaRef) -> (String, Bool) {
        let L = mainThread
        var length = 0
        if let text = pclua_last_tostring(L, &length) {  // __tostring, called when it was raised
            return (String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self), false)
        }
        value.push(L)
        defer { lua_settop(L, -2) }
        var withTraceback: Int32 = 0
        let ok = pclua_error_text(L, -1, &withTraceback)
        defer { lua_settop(L, -2) }
        let text = main.string(at: -1) ?? "?"
        return (ok != 0 ? text : "(error in __tostring: \(text))", withTraceback != 0)
    }
}

/// The process-wide part of lua.c's host: no state involved (CLuaShim's host.c).
public enum LuaHost {
    /// lua.c's banner (`-v`).
    public static var copyright: String { String(cString: pclua_copyright()) }

    /// Reads one line from C's stdin (which io.read shares), echoed to stdout as readline echoes a
    /// line that does not come from a terminal; the newline kept; nil at the end. A SIGINT or
    /// SIGTERM taken while it waits ends the process with status 130, as the signal ends lua.c.
    public static func readLine() -> [UInt8]? {
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        let count = pclua_repl_read_line(&buffer, &capacity)
        guard count >= 0, let buffer else { return nil }
        return Array(UnsafeRawBufferPointer(start: buffer, count: count))
    }

    public static func flushStandardOutput() { pclua_flush_stdout() }

    /// lua.c's last newline when the REPL ends, flushed.
    public static func endREPL() { pclua_repl_end() }

    /// The status os.exit was last called with (-1: never), for atexit handlers.
    public static var exitStatusGiven: Int32 { pclua_exit_status_given() }

    // MARK: Signals (lua.c's laction)

    /// Call first in main: what pclua's children get back (mask and ignored signals at start).
    public static func recordInitialSignals() { pclua_record_initial_signals() }

    /// Names the calling thread ("lua"), as top, ps and gdb show it.
    public static func nameThisThread(_ name: String) { pclua_name_thread(name) }

    /// pipe2(fds, O_CLOEXEC | O_NONBLOCK), where the handler writes each signal it takes; nil on failure.
    public static func makeNotifyPipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [0, 0]
        guard pclua_notify_pipe(&fds) == 0 else { return nil }
        return (fds[0], fds[1])
    }

    /// On SIGTERM (and SIGINT when `interrupt`), sets the interrupt hook on `state`, writes the
    /// signal number to `notify` (-1: nowhere) and restores the default action, so a second signal
    /// ends the process. Call on the Lua thread, which then takes the signals.
    public static func watchSignals(_ state: LuaState, notify: Int32, interrupt: Bool) {
        pclua_signals_watch(state.mainThread, notify, interrupt ? 1 : 0)
    }

    public static func unwatchSignals() { pclua_signals_unwatch() }

    /// The signal the handler last took (0: none since watching began).
    public static var signalTaken: Int32 { pclua_signal_taken() }

    /// The signal the handler last took, forgotten now (0: none).
    public static func takeSignal() -> Int32 { pclua_take_signal() }

    /// The handler again after a signal it took (lua.c sets it before each REPL line's call).
    public static func rearmSignals() { pclua_signals_rearm() }
}
