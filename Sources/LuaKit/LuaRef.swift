import CLua
import CLuaShim

/// A Lua value kept alive in the registry so Swift can hold it across calls.
/// Released when the Swift object goes away (on the state's thread, like every use of the state).
/// `@unchecked Sendable` only because Swift errors must be Sendable and `LuaError` carries one;
/// like the state itself it is used on the state's thread only.
public final class LuaRef: @unchecked Sendable {
    let state: OpaquePointer
    public let ref: Int32
    public private(set) weak var owner: LuaState?

    /// Pops the top value of `L` into the registry.
    init(popping L: OpaquePointer, owner: LuaState) {
        state = owner.mainThread
        ref = luaL_ref(L, pclua_registryindex())
        self.owner = owner
    }

    /// Pushes the value onto the stack of `L` (any thread of the same state).
    func push(_ L: OpaquePointer) {
        lua_rawgeti(L, pclua_registryindex(), lua_Integer(ref))
    }

    deinit {
        if let owner, !owner.isClosing { luaL_unref(state, pclua_registryindex(), ref) }
    }
}
