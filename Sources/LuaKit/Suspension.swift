import CLua
import CLuaShim

/// Host calls that wait without blocking (issue 23). Inside a task (a coroutine the host's
/// scheduler resumes) a host function may start its work, then suspend its coroutine instead of
/// blocking the Lua thread: it returns `call.suspend(waitingFor: id) { continuation }`, the
/// trampoline yields from C (`lua_yieldk`, never across a Swift frame: this function has returned
/// by then), and when the scheduler resumes the coroutine the continuation runs in the same call,
/// on the same stack, pushing the results or throwing as the function would have.
extension LuaCall {
    /// Whether the host function may suspend here: the coroutine is a task's (or one of a script's
    /// own coroutines inside a task, resumed by coroutine.resume/wrap, which pass the wait on) and
    /// Lua allows a yield (not inside table.sort's comparator, a __gc, ...). Otherwise it blocks.
    public var canSuspend: Bool { pclua_can_suspend(L) != 0 }

    /// Suspends the calling coroutine until the host's scheduler resumes it after `id` has ended;
    /// then `continuation` runs (and may suspend again). Return its result from the host function.
    public func suspend(waitingFor id: Int, then continuation: @escaping HostFunction) -> Int32 {
        precondition(canSuspend, "a host function suspended where it cannot")
        state.continuations[id] = continuation
        lua_pushinteger(L, lua_Integer(id))
        return PCLUA_SUSPEND
    }
}

extension LuaState {
    /// Forgets the continuation of a call that will never go on (its task was closed).
    public func dropContinuation(_ id: Int) {
        continuations.removeValue(forKey: id)
    }

    /// Whether an interrupt (Ctrl-C, SIGTERM) is pending: the scheduler stops its tasks.
    public var interruptRequested: Bool { pclua_interrupt_requested(mainThread) != 0 }
}
