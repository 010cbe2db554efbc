import CLua
import CLuaShim

public enum LuaType: Int32 {
    case none = -1, `nil` = 0, boolean, lightUserdata, number, string, table, function, userdata, thread

    public var name: String {
        switch self {
        case .none: return "no value"
        case .nil: return "nil"
        case .boolean: return "boolean"
        case .lightUserdata, .userdata: return "userdata"
        case .number: return "number"
        case .string: return "string"
        case .table: return "table"
        case .function: return "function"
        case .thread: return "thread"
        }
    }
}

/// A view of one Lua thread's stack, as seen by a host function (or by the host on the main
/// thread). Only calls that cannot raise are made here; anything that might run a metamethod
/// goes through a protected helper of CLuaShim. The `lua_State` itself stays inside LuaKit, the
/// only target that imports the Lua C API.
public struct LuaCall {
    let L: OpaquePointer
    public unowned let state: LuaState

    init(_ L: OpaquePointer, state: LuaState) {
        self.L = L
        self.state = state
    }

    public var top: Int32 { lua_gettop(L) }

    public func settop(_ index: Int32) { lua_settop(L, index) }

    public func pop(_ count: Int32 = 1) { lua_settop(L, -count - 1) }

    public func absolute(_ index: Int32) -> Int32 { lua_absindex(L, index) }

    /// Removes the value at `index`, shifting the ones above it down.
    public func remove(_ index: Int32) {
        lua_rotate(L, index, -1)
        lua_settop(L, -2)
    }

    /// lua_rotate: rotates the values from `index` to the top `n` positions towards the top.
    public func rotate(_ index: Int32, _ n: Int32) { lua_rotate(L, index, n) }

    /// Moves the top value into `index` (popping it).
    public func replace(_ index: Int32) {
        lua_copy(L, -1, index)
        lua_settop(L, -2)
    }

    public func ensureStack(_ extra: Int32) -> Bool { lua_checkstack(L, extra) != 0 }

    /// mlua's StackGuard: in debug builds, checks that `body` leaves the stack `delta` values
    /// higher than it found it, when it returns normally (an error path resets the stack itself).
    public func balanced<T>(_ delta: Int32 = 0, _ body: () throws -> T) rethrows -> T {
        let mark = lua_gettop(L)
        let result = try body()
        assert(lua_gettop(L) == mark + delta, "stack out of balance: \(lua_gettop(L) - mark) values left where \(delta) were expected")
        return result
    }

    // MARK: Types

    public func type(at index: Int32) -> LuaType {
        LuaType(rawValue: lua_type(L, index)) ?? .none
    }

    /// The type name Lua would use in a message, honouring `__name` of userdata and tables.
    public func typeName(at index: Int32) -> String {
        let t = type(at: index)
        if t == .table || t == .userdata, pclua_getmetafield_raw(L, index, "__name") == LUA_TSTRING {
            defer { pop() }
            return string(at: -1) ?? t.name
        }
        return t.name
    }

    public func isInteger(at index: Int32) -> Bool { lua_isinteger(L, index) != 0 }

    // MARK: Reading (never converts in place)

    public func string(at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let pointer = pclua_tostringx(L, index, &length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    /// The raw bytes of a string value, for callers that must see invalid UTF-8 as it is.
    public func bytes(at index: Int32) -> [UInt8]? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let pointer = pclua_tostringx(L, index, &length) else { return nil }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }

    public func integer(at index: Int32) -> Int64? {
        guard lua_type(L, index) == LUA_TNUMBER else { return nil }
        var ok: Int32 = 0
        let value = pclua_tointeger(L, index, &ok)
        return ok != 0 ? Int64(value) : nil
    }

    public func number(at index: Int32) -> Double? {
        guard lua_type(L, index) == LUA_TNUMBER else { return nil }
        return pclua_tonumber(L, index, nil)
    }

    public func boolean(at index: Int32) -> Bool { lua_toboolean(L, index) != 0 }

    public func userdata(at index: Int32) -> UnsafeMutableRawPointer? { lua_touserdata(L, index) }

    /// `tostring(value)` under protection (it may run `__tostring`).
    public func describe(at index: Int32) -> String {
        var pointer: UnsafePointer<CChar>?
        var length = 0
        let status = pclua_tostring(L, index, &pointer, &length)
        defer { pop() }
        let text = pointer.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self) } ?? "?"
        return status == LUA_OK ? text : "(error in __tostring: \(text))"
    }

    // MARK: Pushing

    public func push(_ value: String) {
        var copy = value
        copy.withUTF8 { buffer in push(bytes: UnsafeRawBufferPointer(buffer)) }
    }

    public func push(bytes: UnsafeRawBufferPointer) {
        if let base = bytes.baseAddress, bytes.count > 0 {
            _ = lua_pushlstring(L, base.assumingMemoryBound(to: CChar.self), bytes.count)
        } else {
            _ = lua_pushstring(L, "")
        }
    }

    public func push(_ value: Int) { lua_pushinteger(L, lua_Integer(value)) }
    public func push(_ value: Int64) { lua_pushinteger(L, lua_Integer(value)) }
    public func push(_ value: Double) { lua_pushnumber(L, value) }
    public func push(_ value: Bool) { lua_pushboolean(L, value ? 1 : 0) }
    public func pushNil() { lua_pushnil(L) }
    public func pushValue(_ index: Int32) { lua_pushvalue(L, index) }
    public func push(_ ref: LuaRef) { ref.push(L) }

    public func newTable(arrayCapacity: Int32 = 0, recordCapacity: Int32 = 0) {
        lua_createtable(L, arrayCapacity, recordCapacity)
    }

    /// Pushes a Lua function backed by a Swift closure.
    public func push(function name: String, _ body: @escaping HostFunction) {
        let box = HostFunctionBox(name: name, state: state, body: body)
        pclua_pushhost(L, Unmanaged.passRetained(box).toOpaque(), name)
    }

    /// Pushes a new full userdata of `size` bytes (one user value, no metatable) and returns its
    /// memory; nil when Lua has no memory for it.
    public func newUserdata(size: Int) -> UnsafeMutableRawPointer? { pclua_newuserdata(L, size) }

    /// Sets the user value of the userdata at `index` to the value on top (popped).
    public func setUserValue(_ index: Int32) { lua_setiuservalue(L, index, 1) }

    /// Pushes the user value of the userdata at `index` and returns its type.
    @discardableResult
    public func getUserValue(_ index: Int32) -> LuaType { LuaType(rawValue: lua_getiuservalue(L, index, 1)) ?? .none }

    /// Pushes a value kept by the state under `name` (see `LuaState.setAnchor`), or nil.
    public func push(anchor name: String) {
        if let ref = state.anchor(name) { ref.push(L) } else { lua_pushnil(L) }
    }

    // MARK: Tables (raw access only: no metamethods run, nothing raises)

    /// t[key] = value, where the value is on top of the stack (popped).
    public func setField(_ table: Int32, _ key: String) {
        let t = absolute(table)
        push(key)
        lua_rotate(L, -2, 1)
        lua_rawset(L, t)
    }

    public func setIndex(_ table: Int32, _ index: Int) {
        lua_rawseti(L, table, lua_Integer(index))
    }

    /// Pushes t[key] (raw) and returns its type.
    @discardableResult
    public func getField(_ table: Int32, _ key: String) -> LuaType {
        let t = absolute(table)
        push(key)
        return LuaType(rawValue: lua_rawget(L, t)) ?? .nil
    }

    @discardableResult
    public func getIndex(_ table: Int32, _ index: Int) -> LuaType {
        LuaType(rawValue: lua_rawgeti(L, table, lua_Integer(index))) ?? .nil
    }

    public func rawLength(_ index: Int32) -> Int { Int(lua_rawlen(L, index)) }

    /// Calls `body` for each key/value of the table (key at -2, value at -1), raw, in `next` order.
    /// `body` must leave the stack as it found it.
    public func forEach(_ table: Int32, _ body: () throws -> Void) rethrows {
        let t = absolute(table)
        lua_pushnil(L)
        while lua_next(L, t) != 0 {
            let mark = lua_gettop(L)
            defer { lua_settop(L, mark - 1) }
            try body()
        }
    }

    /// Sets the metatable of the value at `index` to the value on top (popped). The host's shared
    /// metatables can be replaced from Lua (`debug.getregistry`): anything but a table or nil
    /// there is popped and not set (lua_setmetatable would take it for a table).
    public func setMetatable(_ index: Int32) {
        let type = lua_type(L, -1)
        guard type == LUA_TTABLE || type == LUA_TNIL else { lua_settop(L, -2); return }
        lua_setmetatable(L, index)
    }

    /// Pushes the metatable of the value, if it has one, and returns whether it did.
    public func getMetatable(_ index: Int32) -> Bool { lua_getmetatable(L, index) != 0 }

    public func rawEqual(_ a: Int32, _ b: Int32) -> Bool { lua_rawequal(L, a, b) != 0 }

    /// A pointer identifying a table (for cycle detection).
    public func identity(at index: Int32) -> UnsafeRawPointer? { lua_topointer(L, index) }

    /// Pops the top value into the registry.
    public func ref() -> LuaRef { LuaRef(popping: L, owner: state) }

    /// The results a call keeps: all of them (LUA_MULTRET).
    public static let allResults = LUA_MULTRET
}
