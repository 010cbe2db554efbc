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
        // Its object is checked by wait itself (its message says to call it with a colon).
        call.setFunctions([HostFunctionSpec("wait", parameters: []) { c in try tasks.wait(c) }], in: -1)
        call.setField(-2, "__index")
        call.push(function: "__tostring") { c in
            let names = ["running", "returned", "failed", "stopped"]
            let text = tasks.box(c, at: 1).map { "purecloud.Task \($0.id) (\(names[min(max($0.status, 0), names.count - 1)]))" }
            c.push(text ?? metatable)
            return 1
        }
        call.setField(-2, "__tostring")
        tasks.taskMetatable = call.identity(at: -1)
        call.setAnchor(metatable)

        call.setFunctions(functions(tasks), in: module)

        call.push(HostFunctionSpec("finish_tasks", parameters: []) { c in try tasks.finishAll(c) })
        call.setAnchor(finisher)
    }

    /// purecloud.spawn and purecloud.map, their arguments declared.
    static func functions(_ tasks: TaskScheduler) -> [HostFunctionSpec] {
        [
            // fn's own arguments follow it.
            HostFunctionSpec("spawn", parameters: [.function("fn")]) { c in try tasks.spawn(c) },
            HostFunctionSpec("map", parameters: [
                .array("list", maximum: TaskScheduler.maximumItems, what: "items"), .function("fn"), .optional(.table("options")),
            ]) { c in try tasks.map(c) },
        ]
    }
}
