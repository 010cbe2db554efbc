import CLua
import CLuaShim

/// What a task scheduler needs of Lua's coroutines (PureCloudLua's TaskScheduler): a task's
/// thread is seen as a `LuaCall` on that thread's stack, and values move between the two stacks
/// with `move`. None of these calls raises.
extension LuaCall {
    /// Pushes a new coroutine and returns a view of its stack, nil when Lua has no memory for it.
    public func newThread() -> LuaCall? {
        lua_newthread(L).map { LuaCall($0, state: state) }
    }

    /// The coroutine at `index`, if the value there is one.
    public func thread(at index: Int32) -> LuaCall? {
        lua_tothread(L, index).map { LuaCall($0, state: state) }
    }

    /// Whether both views are of the same Lua thread.
    public func isSameThread(as other: LuaCall) -> Bool { L == other.L }

    /// Moves the `count` values on top of this stack onto `other`'s (lua_xmove: same state).
    public func move(_ count: Int32, to other: LuaCall) { lua_xmove(L, other.L, count) }

    /// The error value at `index` was raised by the interrupt hook (Ctrl-C, SIGTERM), by its mark.
    public func isInterruptError(at index: Int32) -> Bool { pclua_error_kind(L, index) == PCLUA_KIND_INTERRUPT }

    /// How a resumed task stopped (`resume(task:nargs:)`).
    public enum TaskStep {
        /// It returned, this many results on its stack.
        case returned(results: Int32)
        /// A host call in it suspended until `id` (`LuaCall.suspend`).
        case waiting(id: Int)
        /// It yielded by itself (`coroutine.yield()`): run it again later.
        case yielded
        /// It raised: the error value is on top of its stack.
        case failed
    }

    /// Resumes the task `task` from this thread (its function and `nargs` arguments on its stack
    /// the first time, nothing later), in Lua mode (CLuaShim's tasks.c).
    public func resume(task: LuaCall, nargs: Int32) -> TaskStep {
        var nresults: Int32 = 0
        var wait: lua_Integer = 0
        switch pclua_task_resume(L, task.L, nargs, &nresults, &wait) {
        case LUA_YIELD where wait > 0: return .waiting(id: Int(wait))
        case LUA_YIELD: return .yielded
        case LUA_OK: return .returned(results: nresults)
        default: return .failed
        }
    }

    /// Closes a task's thread that will not be resumed (its to-be-closed variables run).
    public func closeTask() { _ = pclua_task_close(L) }
}
