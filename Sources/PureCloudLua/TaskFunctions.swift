import LuaKit

/// `purecloud.spawn(fn, ...)`, `purecloud.map(list, fn [, options])` and the task objects'
/// `task:wait()`: the Lua face of TaskScheduler (issue 23).
enum TaskFunctions {
    /// The anchors: the task objects' metatable, and the function the hosts call at the end of
    /// each chunk (the tasks it started run to their end).
    static let metatable = "purecloud.Task"
    static let finisher = "purecloud.finish_tasks"

    /// Installs spawn and map into the module table at `module`.
    static func install(_ call: LuaCall, module: Int32, session: PurecloudSession) {
        let tasks = session.tasks
        call.newTable()
        call.push(metatable); call.setField(-2, "__name")
        call.newTable()
        call.push(function: "wait") { c in try tasks.wait(c) }
        call.setField(-2, "wait")
        call.setField(-2, "__index")
        call.push(function: "__tostring") { c in
            let names = ["running", "returned", "failed", "stopped"]
            let text = tasks.box(c, at: 1).map { "purecloud.Task \($0.id) (\(names[min(max($0.status, 0), names.count - 1)]))" }
            c.push(text ?? metatable)
            return 1
        }
        call.setField(-2, "__tostring")
        tasks.taskMetatable = call.identity(at: -1)
        call.state.setAnchor(metatable)

        call.push(function: "spawn") { c in try tasks.spawn(c) }
        call.setField(module, "spawn")
        call.push(function: "map") { c in try tasks.map(c) }
        call.setField(module, "map")

        call.push(function: "finish_tasks") { c in try tasks.finishAll(c) }
        call.state.setAnchor(finisher)
    }
}
