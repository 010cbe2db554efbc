import CLua
import CLuaShim
import Foundation

/// One Lua 5.4 state. Not thread-safe: create it, call it and drop it on one thread
/// (DESIGN.md §3). Every entry into Lua runs under `lua_pcall` with a traceback handler.
public final class LuaState {
    /// The `lua_State` stays inside LuaKit: other targets reach Lua through `main` (a `LuaCall`).
    let mainThread: OpaquePointer
    /// The last error message that was a string, as bytes (the messages in `LuaError` are
    /// Swift strings, which repair invalid UTF-8; a host printing like lua.c prints these).
    public private(set) var lastErrorBytes: [UInt8] = []
    /// Values the host keeps for the life of the state (shared metatables, sentinels), by name.
    var anchors: [String: LuaRef] = [:]
    /// Host calls suspended in a task (`LuaCall.suspend`), by the id each waits for.
    var continuations: [Int: HostFunction] = [:]

    /// `ignoreEnvironment` is lua.c's `-E`: the package library then ignores LUA_PATH and
    /// LUA_CPATH (it reads the registry's LUA_NOENV when it opens). `memoryLimit` caps Lua's heap
    /// in bytes while Lua runs (a script beyond it gets "not enough memory"); nil derives it from
    /// the process's limits (CLuaShim's state.c), 0 is none.
    public init(openStandardLibraries: Bool = true, ignoreEnvironment: Bool = false, memoryLimit: Int? = nil) throws {
        let limit = memoryLimit.map { size_t(max(0, $0)) } ?? PCLUA_DEFAULT_LIMIT
        guard let L = pclua_newstate(limit) else { throw LuaError.memory }
        mainThread = L
        HostFunctionBox.installCallbacks()
        if ignoreEnvironment {
            lua_pushboolean(L, 1)
            lua_setfield(L, pclua_registryindex(), "LUA_NOENV")
        }
        if openStandardLibraries, pclua_openlibs(L) != LUA_OK {
            pclua_close(L)
            throw LuaError.memory
        }
    }

    /// Set once the state is closed: its host functions raise from then on.
    public private(set) var isClosed = false
    /// Set when closing begins: references no longer release their registry slots (the registry
    /// goes with the state), while host functions still work for the finalizers.
    var isClosing = false

    /// Closes the state as lua.c does at exit: pending finalizers run (a `__gc` that prints, or
    /// calls a host function, works as under lua5.4), then everything is freed. Called by the host
    /// while this object is alive; `deinit` closes a state nobody closed (its host functions then
    /// raise instead of running).
    public func close() {
        guard !isClosing else { return }
        isClosing = true
        anchors.removeAll()
        pclua_close(mainThread)
        isClosed = true
    }

    deinit {
        if !isClosing {
            isClosing = true
            isClosed = true  // finalizers that call back into Swift now raise (see HostFunctionBox)
            anchors.removeAll()
            pclua_close(mainThread)
        }
    }

    /// Bytes Lua holds now, and the cap on them while Lua runs (0: none).
    public var memoryInUse: Int { Int(pclua_heap_used(mainThread)) }
    public var memoryLimit: Int { Int(pclua_heap_limit(mainThread)) }

    /// Makes the global `print`, `io.write` and the files' `write` lua5.4's own C functions,
    /// preceded by `hook` when they write to stdout or stderr (process-wide: pclua clears its
    /// progress line there). The hook needs no state, so they keep working in finalizers while
    /// the state closes.
    public func installPrint(before hook: @convention(c) () -> Void) throws {
        pclua_set_output_hook(hook)
        if pclua_install_print(mainThread) != LUA_OK {
            lua_settop(mainThread, -2)
            throw LuaError.memory
        }
    }

    /// Makes `os.exit` lua5.4's own, with `hook` called with the status first (process-wide): it
    /// returns the status to exit with.
    public func installExit(hook: @convention(c) (Int32) -> Int32) throws {
        pclua_set_exit_hook(hook)
        if pclua_install_exit(mainThread) != LUA_OK {
            lua_settop(mainThread, -2)
            throw LuaError.memory
        }
    }

    /// A view of the main thread's stack.
    public var main: LuaCall { LuaCall(mainThread, state: self) }

    public var top: Int32 { lua_gettop(mainThread) }

    // MARK: Running code

    /// Compiles a chunk and leaves the function on the stack.
    public func load(_ code: String, name: String) throws {
        let status = code.utf8CString.withUnsafeBufferPointer { buffer in
            pclua_loadbuffer(mainThread, buffer.baseAddress, buffer.count - 1, name)
        }
        guard status == LUA_OK else {
            let message = main.string(at: -1) ?? "syntax error"
            lastErrorBytes = main.bytes(at: -1) ?? []
            lua_settop(mainThread, -2)
            if status == LUA_ERRMEM { throw LuaError.memory }
            throw LuaError.syntax(message: message, incomplete: message.hasSuffix("<eof>"))
        }
    }

    /// Compiles a chunk given as bytes (Lua strings are bytes: nothing is re-encoded), text only,
    /// on the stack of `call` (the main thread's when nil: a host function passes its own).
    public func load(bytes: [UInt8], name: String, on call: LuaCall? = nil) throws {
        let call = call ?? main
        let status = (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { pclua_loadbuffer(call.L, $0.baseAddress, bytes.count, name) }
        }
        try checkLoad(status, on: call)
    }

    /// Compiles a file as lua.c does (a BOM and a first `#` line skipped; pipes, FIFOs and
    /// `/dev/stdin` read like files), text only. `path` is bytes, as the command line gave it;
    /// nil reads standard input (named `=stdin`).
    public func loadFile(path: [UInt8]?) throws {
        let status: Int32
        if let path {
            status = (path + [0]).withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { pclua_loadfile(mainThread, $0.baseAddress) }
            }
        } else {
            status = pclua_loadfile(mainThread, nil)
        }
        try checkLoad(status)
    }

    private func checkLoad(_ status: Int32, on call: LuaCall? = nil) throws {
        guard status == LUA_OK else {
            let call = call ?? main
            let message = call.string(at: -1) ?? "syntax error"
            lastErrorBytes = call.bytes(at: -1) ?? []
            lua_settop(call.L, -2)
            if status == LUA_ERRMEM { throw LuaError.memory }
            if status == LUA_ERRFILE { throw LuaFileError(message: message) }
            throw LuaError.syntax(message: message, incomplete: message.hasSuffix("<eof>"))
        }
    }

    /// Calls the function below `nargs` arguments under protection, on the stack of `call` (the
    /// main thread's when nil). On success the results are on the stack (all of them with
    /// `nresults` = LUA_MULTRET); on failure nothing is left behind. `asHost`: pclua's own code,
    /// maybe inside a script's call (CLuaShim's pclua_pcall_host says what that changes).
    public func protectedCall(nargs: Int32, nresults: Int32, on call: LuaCall? = nil, asHost: Bool = false) throws {
        let call = call ?? main
        let base = lua_gettop(call.L) - nargs - 1
        if asHost {
            let status = pclua_pcall_host(call.L, nargs, nresults)
            guard status == LUA_OK else {
                defer { lua_settop(call.L, base) }
                if status == LUA_ERRMEM { throw LuaError.memory }
                if pclua_error_kind(call.L, -1) == PCLUA_KIND_INTERRUPT { throw LuaError.interrupted }
                throw LuaError.runtime(message: call.describe(at: -1), traceback: nil, value: nil)
            }
            return
        }
        let status = pclua_pcall(call.L, nargs, nresults)
        pclua_clear_interrupt(call.L)
        guard status == LUA_OK else {
            defer { lua_settop(call.L, base) }
            if status == LUA_ERRMEM { throw LuaError.memory }
            throw runtimeError(at: -1, on: call)
        }
    }

    /// Turns the error value at `index` into a `LuaError`: its kind is the one it was raised with
    /// (the interrupt hook's, a host function's message for a person), read by value, not text;
    /// tables and userdata are kept.
    func runtimeError(at index: Int32, on call: LuaCall? = nil) -> LuaError {
        let main = call ?? self.main
        let L = main.L
        let type = lua_type(L, index)
        let kind = pclua_last_error_kind(L)
        // Only the interrupt hook's own error is an interrupt (a script's error("interrupted!")
        // is an ordinary error), even when a pcall caught it and raised it again.
        if kind == PCLUA_KIND_INTERRUPT { return .interrupted }
        if type == LUA_TSTRING {
            let text = main.string(at: index) ?? ""
            lastErrorBytes = main.bytes(at: index) ?? []
            // The handler appended "stack traceback:"; split it off so callers can show either part.
            var message = text, traceback: String?
            if let range = text.range(of: "\nstack traceback:") {
                message = String(text[..<range.lowerBound])
                traceback = String(text[range.lowerBound...]).trimmingCharacters(in: .newlines)
            }
            if kind == PCLUA_KIND_PERSON || kind == PCLUA_KIND_CONFIGURATION {
                return .person(message: message, traceback: traceback, configuration: kind == PCLUA_KIND_CONFIGURATION)
            }
            return .runtime(message: message, traceback: traceback, value: nil)
        }
        let traceback = pclua_last_traceback(L).map { String(cString: $0) }
        let message = main.describe(at: index)
        lua_pushvalue(L, index)
        return .runtime(message: message, traceback: traceback, value: LuaRef(popping: L, owner: self))
    }

    /// Runs a chunk and returns how many results it left on the stack.
    @discardableResult
    public func run(_ code: String, name: String, arguments: [String] = []) throws -> Int32 {
        let base = lua_gettop(mainThread)
        try load(code, name: name)
        for argument in arguments { main.push(argument) }
        try protectedCall(nargs: Int32(arguments.count), nresults: LUA_MULTRET)
        return lua_gettop(mainThread) - base
    }

    /// Asks running code to stop at the next Lua instruction. Safe from a signal handler.
    public func interrupt() {
        pclua_interrupt(mainThread)
    }

    /// Withdraws a pending interrupt: a host function that stopped its own work because of it
    /// raises an error saying what that work did, and the interrupt would replace that error (its
    /// hook fires on the message handler's call) with a bare "interrupted!".
    public func withdrawInterrupt() {
        pclua_clear_interrupt(mainThread)
    }

    // MARK: Globals and anchors

    /// Sets a global without running metamethods (a script may have put one on _G). The registry
    /// can be changed from Lua (`debug.getregistry`): when its globals are no table, nothing is set.
    public func setGlobal(_ name: String, _ push: (LuaCall) -> Void) {
        let L = mainThread
        main.balanced {
            guard lua_rawgeti(L, pclua_registryindex(), lua_Integer(LUA_RIDX_GLOBALS)) == LUA_TTABLE else {
                lua_settop(L, -2)
                return
            }
            main.push(name)
            push(main)
            lua_rawset(L, -3)
            lua_settop(L, -2)
        }
    }

    /// Pushes a global, read raw (nil when the registry's globals are no table).
    public func pushGlobal(_ name: String) {
        let L = mainThread
        main.balanced(1) {
            guard lua_rawgeti(L, pclua_registryindex(), lua_Integer(LUA_RIDX_GLOBALS)) == LUA_TTABLE else {
                lua_settop(L, -2)
                lua_pushnil(L)
                return
            }
            main.push(name)
            lua_rawget(L, -2)
            lua_rotate(L, -2, 1)
            lua_settop(L, -2)
        }
    }

    /// Gives the room kept for the host under a process memory limit back now (CLuaShim's
    /// state.c): before the first request, whose threads need it.
    public func releaseHostRoom() { pclua_release_host_room(mainThread) }

    /// Keeps the value on top of the stack under `name` (popping it) for `anchor(_:)` to push later.
    public func setAnchor(_ name: String) {
        anchors[name] = LuaRef(popping: mainThread, owner: self)
    }

    /// The same, popping the value from the stack of `call` (any thread of this state).
    public func setAnchor(_ name: String, from call: LuaCall) {
        anchors[name] = LuaRef(popping: call.L, owner: self)
    }

    public func anchor(_ name: String) -> LuaRef? { anchors[name] }

    /// Makes `require(name)` return the value on top of the stack, and sets the global `name`
    /// to it too. Pops the value.
    public func registerModule(_ name: String) {
        let L = mainThread
        let value = lua_gettop(L)
        setGlobal(name) { lua_pushvalue($0.L, value) }
        if lua_getfield(L, pclua_registryindex(), LUA_LOADED_TABLE) == LUA_TTABLE {  // the registry has no metatable
            main.push(name)
            lua_pushvalue(L, value)
            lua_rawset(L, -3)
        }
        lua_settop(L, value - 1)
    }
}

/// A handle another thread may use to stop the code running in a state (Ctrl-C). It only sets
/// a hook, which lua.c also does from a signal handler; it does not touch the stack.
public struct LuaInterruptTarget: @unchecked Sendable {
    let L: OpaquePointer

    public func interrupt() {
        pclua_interrupt(L)
    }
}

extension LuaState {
    public var interruptTarget: LuaInterruptTarget { LuaInterruptTarget(L: mainThread) }
}
