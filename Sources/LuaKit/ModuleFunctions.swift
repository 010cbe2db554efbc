import CLua
import CLuaShim

/// The C functions of CLuaShim a module installs as Lua functions (they may raise, so they are
/// C, not host functions), and the pieces of them Swift calls directly.
extension LuaCall {
    // MARK: JSON (CLuaShim's json_decode.c)

    /// The deepest nesting of objects and arrays the decoder accepts (an encoder keeps to it too,
    /// so that what decodes encodes again).
    public static let jsonMaximumDepth = Int(PCLUA_JSON_MAX_DEPTH)

    /// Decodes a JSON document under protection: pushes the value (objects as tables, arrays as
    /// tables with the metatable at `arrayMetatable`, null as the value at `null`) and returns nil,
    /// or pushes nothing and returns the message naming the byte offset of the mistake.
    public func decodeJSON(_ bytes: [UInt8], null: Int32, arrayMetatable: Int32, maxDepth: Int32) -> String? {
        let status = bytes.withUnsafeBufferPointer { buffer in
            pclua_json_decode(L, UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self),
                              buffer.count, null, arrayMetatable, maxDepth)
        }
        guard status != LUA_OK else { return nil }
        let message = string(at: -1) ?? "invalid JSON"
        pop()
        return message
    }

    /// Pushes the Lua function decode(text), with the null value and the arrays' metatable (the
    /// two values on top, in that order, popped) as its upvalues.
    public func pushJSONDecodeFunction() { lua_pushcclosure(L, pclua_json_decode_lua, 2) }

    // MARK: Error kinds (CLuaShim's shim.c)

    /// The kind the interrupt hook marks its "interrupted!" with, as `error_kind` returns it.
    public static let interruptErrorKind = Int(PCLUA_KIND_INTERRUPT)

    /// Pushes the Lua function error_kind(value) -> the kind the value was raised with.
    public func pushErrorKindFunction() { lua_pushcclosure(L, pclua_error_kind_lua, 0) }

    /// Pushes the Lua function mark_error(value, kind) -> value, marked with that kind.
    public func pushMarkErrorFunction() { lua_pushcclosure(L, pclua_mark_error_lua, 0) }

    // MARK: Coroutines (CLuaShim's tasks.c)

    /// Makes coroutine.resume, wrap, status and close pass a task's waits on; false when Lua had
    /// no memory for it.
    public func installTaskCoroutines() -> Bool { pclua_install_coroutines(L) == LUA_OK }

    // MARK: A table built on first use (CLuaShim's lazy.c)

    /// Pushes an empty table whose first use (an index, an assignment, pairs, #, tostring) first
    /// calls `build` with the table as argument 1, once, for it to fill the table; false (nothing
    /// pushed) when Lua had no memory for it.
    public func pushTableBuiltOnFirstUse(name: String, build: @escaping HostFunction) -> Bool {
        push(function: name, build)
        guard pclua_lazy_table(L) == LUA_OK else {
            pop()
            return false
        }
        return true
    }

    /// Keeps the value on top of this thread's stack in the state under `name` (popped), as
    /// `LuaState.setAnchor` does from the main thread's.
    public func setAnchor(_ name: String) { state.setAnchor(name, from: self) }
}
