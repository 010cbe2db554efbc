import CLua
import CLuaShim

/// A Swift function callable from Lua. It reads its arguments from `call`, pushes its results and
/// returns how many it pushed. It reports mistakes by throwing, never by raising: the C trampoline
/// raises the error after Swift has returned (DESIGN.md §3).
public typealias HostFunction = (LuaCall) throws -> Int32

final class HostFunctionBox {
    let name: String
    let body: HostFunction
    /// Weak: the state owns its functions, not the other way round. Finalizers run while the state
    /// closes (`lua_close`), and a finalizer may call a host function then; once the Swift side of
    /// the state is gone the call raises a Lua error instead of reaching a freed object (as mlua's
    /// callbacks do after destruction).
    weak var state: LuaState?

    init(name: String, state: LuaState, body: @escaping HostFunction) {
        self.name = name
        self.state = state
        self.body = body
    }

    static func installCallbacks() {
        _ = callbacksInstalled
    }
}

private let callbacksInstalled: Void = pclua_set_host_callbacks(dispatchHostCall, releaseHostBox, continueHostCall)

private func dispatchHostCall(_ L: OpaquePointer?, _ box: UnsafeMutableRawPointer?) -> Int32 {
    guard let L, let box else { return 0 }
    let host = Unmanaged<HostFunctionBox>.fromOpaque(box).takeUnretainedValue()
    guard let state = host.state, !state.isClosed else {
        let message = "\(luaWhere(L))'\(host.name)' was called after its Lua state was closed"
        message.withCString { _ = lua_pushstring(L, $0) }
        return PCLUA_RAISE
    }
    return runHostCall(L, host.name, LuaCall(L, state: state), host.body)
}

/// A suspended call going on (`LuaCall.suspend`): the continuation it left under `id` runs now.
private func continueHostCall(_ L: OpaquePointer?, _ box: UnsafeMutableRawPointer?, _ id: lua_Integer) -> Int32 {
    guard let L, let box else { return 0 }
    let host = Unmanaged<HostFunctionBox>.fromOpaque(box).takeUnretainedValue()
    guard let state = host.state, !state.isClosed, let body = state.continuations.removeValue(forKey: Int(id)) else {
        let message = "\(luaWhere(L))'\(host.name)' was resumed without a call waiting"
        message.withCString { _ = lua_pushstring(L, $0) }
        return PCLUA_RAISE
    }
    return runHostCall(L, host.name, LuaCall(L, state: state), body)
}

/// Runs a host function's body (or its continuation) and turns what it threw into the value the
/// trampoline raises, marked with its kind.
private func runHostCall(_ L: OpaquePointer, _ name: String, _ call: LuaCall, _ body: HostFunction) -> Int32 {
    let base = lua_gettop(L)
    do {
        let results = try body(call)
        if results == PCLUA_SUSPEND { return results }  // the id it waits for is on top
        // mlua's StackGuard, in debug builds: the results are values the function pushed.
        assert(results >= 0 && results <= lua_gettop(L), "'\(name)' returned \(results) results with \(lua_gettop(L)) values on the stack")
        return results
    } catch let raisable as LuaRaisable {
        lua_settop(L, base)
        raisable.pushLuaValue(call)
        return PCLUA_RAISE
    } catch let error as LuaError {
        lua_settop(L, base)
        switch error {
        case let .runtime(_, _, value?):
            value.push(L)
            return PCLUA_RAISE
        case let .person(message, _, configuration):
            call.push(message)
            return PCLUA_RAISE - (configuration ? PCLUA_KIND_CONFIGURATION : PCLUA_KIND_PERSON)
        case .interrupted:
            call.push(error.description)
            return PCLUA_RAISE - PCLUA_KIND_INTERRUPT
        default:
            call.push(error.description)
            return PCLUA_RAISE
        }
    } catch let error as LuaPersonMessage {
        lua_settop(L, base)
        call.push(luaWhere(L) + String(describing: error))
        return PCLUA_RAISE - (error.isConfiguration ? PCLUA_KIND_CONFIGURATION : PCLUA_KIND_PERSON)
    } catch {
        lua_settop(L, base)
        call.push(luaWhere(L) + String(describing: error))
        return PCLUA_RAISE
    }
}

/// "chunkname:currentline: " of the Lua function that called the host function, as luaL_where
/// gives it, so argument errors point at the script line.
func luaWhere(_ L: OpaquePointer) -> String {
    var record = lua_Debug()
    guard lua_getstack(L, 1, &record) != 0, lua_getinfo(L, "Sl", &record) != 0, record.currentline > 0 else { return "" }
    let source = withUnsafeBytes(of: record.short_src) { raw in
        String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
    }
    return "\(source):\(record.currentline): "
}

private func releaseHostBox(_ box: UnsafeMutableRawPointer?) {
    guard let box else { return }
    Unmanaged<HostFunctionBox>.fromOpaque(box).release()
}
