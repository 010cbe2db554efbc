import LuaKit
import PureCloud

/// The engine of `purecloud.spawn` and `purecloud.map` (issue 23): tasks are Lua coroutines run on
/// the one Lua thread; a host call inside one starts its request and suspends the task
/// (`PurecloudSession.await`, `LuaCall.suspend`), and this scheduler resumes each task when what it
/// waits for has ended: a request (the bridge says which, `nextCompletion`), another task, a map.
/// It runs tasks while the script waits for them (`task:wait()`, `map` outside a task, the end of
/// a chunk); a task that waits for them instead is suspended like any call. Requests of every
/// task go through the client's one transport: its request slots and its pacer per token.
///
/// Used on the Lua thread only. No Lua error is raised here: tasks run under lua_resume, and what
/// goes wrong comes back as a Swift error for the host function's trampoline to raise.
final class TaskScheduler {
    unowned let session: PurecloudSession

    init(session: PurecloudSession) {
        self.session = session
    }

    /// One task: its coroutine, kept in the registry while it has not ended.
    final class Task {
        let id: Int
        let thread: LuaRef
        /// The coroutine's stack, to recognise it when it is pinned (`pin`).
        let co: LuaCall
        /// The object `purecloud.spawn` returned (nil for an item of a map).
        var handle: LuaRef?
        let group: MapGroup?
        let index: Int
        /// Arguments of its first resume (its function's), 0 once started.
        var nargs: Int32
        var waitingFor: Int?

        init(id: Int, thread: LuaRef, co: LuaCall, handle: LuaRef?, group: MapGroup?, index: Int, nargs: Int32) {
            self.id = id
            self.thread = thread
            self.co = co
            self.handle = handle
            self.group = group
            self.index = index
            self.nargs = nargs
        }
    }

    /// One `purecloud.map`: its items (a copy), the function, and the results and errors by index.
    final class MapGroup {
        let id: Int
        let function: LuaRef, items: LuaRef, results: LuaRef, errors: LuaRef
        let total: Int, limit: Int
        var next = 1, running = 0, finished = 0, failed = 0
        var cancelled = false
        /// Starting items now (further up the stack): a task that ends meanwhile only frees its slot.
        var starting = false
        var done: Bool { finished == total }

        init(id: Int, function: LuaRef, items: LuaRef, results: LuaRef, errors: LuaRef, total: Int, limit: Int) {
            self.id = id
            self.function = function
            self.items = items
            self.results = results
            self.errors = errors
            self.total = total
            self.limit = limit
        }
    }

    /// What a task object's userdata holds; the coroutine is its user value (so a finished task's
    /// results or error live as long as the object, and go with it). `check` is derived from the
    /// box's own address: a script can give any userdata the tasks' metatable
    /// (debug.setmetatable), and only a box pclua made is believed (as host functions' boxes).
    struct TaskBox {
        var check: UInt
        var id: Int
        var status: Int
        var results: Int

        static func check(_ pointer: UnsafeMutableRawPointer) -> UInt { UInt(bitPattern: pointer) ^ 0x7A5C_0DE5_7A5C_0DE5 }
    }

    enum Status {
        static let running = 0, returned = 1, failed = 2, cancelled = 3
    }

    private(set) var tasks: [Int: Task] = [:]
    private var ready: [Int] = []
    /// What each suspended task waits for: wait id -> task id.
    private var waits: [Int: Int] = [:]
    /// Waits that end when a request ends (the bridge's completions), and how to cancel each.
    private var requests: [Int: () -> Void] = [:]
    /// Waits that end when a task or a map ends: its id -> the wait ids.
    private var joins: [Int: [Int]] = [:]
    private var groups: [Int: MapGroup] = [:]
    /// Failed tasks nobody waited for: the end of the chunk raises the first.
    private var unobserved: [(id: Int, handle: LuaRef)] = []
    /// Tasks being resumed now, innermost last.
    private var running: [Int] = []
    /// A task ended by the interrupt (its hook, or a cancelled call).
    private var interruptSeen = false
    /// Since the scheduler was last idle: tasks (map items included) made, ended, failed.
    private var made = 0, ended = 0, failures = 0
    /// The metatable of task objects, by identity.
    var taskMetatable: UnsafeRawPointer?

    var isIdle: Bool { tasks.isEmpty && groups.isEmpty }
    /// Something for the end of the chunk: tasks to run, or a failure nobody has seen.
    var hasWork: Bool { !isIdle || !unobserved.isEmpty }
    /// The scheduler has waited for a request since it was last idle: work long enough for a
    /// progress line (a map whose items need no request draws none).
    private var waited = false

    // MARK: Waits

    /// A task's call waits for the started request `id`; `cancel` drops the request.
    func noteRequest(_ id: Int, cancel: @escaping () -> Void) {
        requests[id] = cancel
    }

    private func complete(_ id: Int) {
        guard let taskId = waits.removeValue(forKey: id) else { return }
        tasks[taskId]?.waitingFor = nil
        ready.append(taskId)
    }

    private func completeJoins(_ id: Int) {
        for wait in joins.removeValue(forKey: id) ?? [] { complete(wait) }
    }

    /// Whether the work must stop: an interrupt is pending or ended a task.
    private func stopping(_ state: LuaState) -> Bool { interruptSeen || state.interruptRequested }

    /// Runs tasks until `done`: resumes those that can go on, otherwise blocks the Lua thread until
    /// a request ends. An interrupt cancels every task and ends it (`LuaError.interrupted`).
    func drive(from call: LuaCall, until done: () -> Bool) throws {
        while !done() {
            try checkInterrupt(call)
            if !ready.isEmpty {
                let id = ready.removeFirst()
                if let task = tasks[id] { resume(task, from: call) }
                continue
            }
            guard !requests.isEmpty else {
                throw TaskError(description: "tasks wait for each other (or for a task that waits for them): none can go on")
            }
            waited = true
            guard let id = session.bridge.nextCompletion() else { continue }  // woken: look at the interrupt
            if requests.removeValue(forKey: id) != nil { complete(id) }
        }
        try checkInterrupt(call)
    }

    private func checkInterrupt(_ call: LuaCall) throws {
        guard stopping(call.state) else { return }
        stop(call, why: "interrupted")
        throw LuaError.interrupted
    }

    // MARK: Running a task

    private func resume(_ task: Task, from call: LuaCall) {
        // The coroutine is pinned on the resumer's stack while it runs (a script can reach the
        // registry that anchors it, debug.getregistry), and believed only if it is still the same.
        guard let co = pin(task, call) else { return lost(task, call) }
        defer { call.pop() }
        let nargs = task.nargs
        task.nargs = 0
        running.append(task.id)
        session.taskDepth += 1
        let step = call.resume(task: co, nargs: nargs)
        session.taskDepth -= 1
        running.removeLast()
        switch step {
        case let .waiting(wait):
            task.waitingFor = wait
            waits[wait] = task.id
        case .yielded:
            ready.append(task.id)  // coroutine.yield() in a task: the others go first
        case let .returned(nresults):
            returned(task, co, results: nresults, call)
        case .failed:
            failed(task, co, call)
        }
    }

    /// Pushes the task's coroutine and returns it, if the registry still holds it.
    private func pin(_ task: Task, _ call: LuaCall) -> LuaCall? {
        guard call.ensureStack(4) else { return nil }
        call.push(task.thread)
        guard call.type(at: -1) == .thread, let co = call.thread(at: -1), co.isSameThread(as: task.co) else {
            call.pop()
            return nil
        }
        return co
    }

    private func returned(_ task: Task, _ co: LuaCall, results: Int32, _ call: LuaCall) {
        tasks[task.id] = nil
        ended += 1
        if let group = task.group {
            if results > 0, co.ensureStack(1) {
                co.pushValue(co.top - results + 1)  // the first result
                co.move(1, to: call)
                store(into: group.results, group.id, task.index, call)
            }
            co.settop(0)
            itemEnded(group, call)
        } else {
            setBox(task, status: Status.returned, results: Int(results), call)
            completeJoins(task.id)
        }
        showProgress()
        becomeIdle()
    }

    private func failed(_ task: Task, _ co: LuaCall, _ call: LuaCall) {
        if co.isInterruptError(at: -1) { interruptSeen = true }
        if task.group != nil, co.ensureStack(1) {
            co.pushValue(-1)
            co.move(1, to: call)
            co.settop(0)
        } else {
            call.pushNil()
        }
        recordFailure(task, call)
    }

    /// A task whose coroutine is gone from the registry: it fails without running.
    private func lost(_ task: Task, _ call: LuaCall) {
        guard call.ensureStack(2) else { return }
        call.push("the task's coroutine was taken from pclua's registry (debug.getregistry); it cannot go on")
        recordFailure(task, call)
    }

    /// The failure of a task, its error value on top of `call` (popped; nil for a spawned task,
    /// whose coroutine keeps its error).
    private func recordFailure(_ task: Task, _ call: LuaCall) {
        tasks[task.id] = nil
        ended += 1
        failures += 1
        if let group = task.group {
            group.failed += 1
            store(into: group.errors, group.id, task.index, call)
            itemEnded(group, call)
        } else {
            call.pop()
            setBox(task, status: Status.failed, results: 0, call)
            if joins[task.id]?.isEmpty ?? true, !interruptSeen, let handle = task.handle { unobserved.append((task.id, handle)) }
            completeJoins(task.id)
        }
        showProgress()
        becomeIdle()
    }

    /// table[index] = the value on top (popped), raw, if the table is still the map's own.
    private func store(into table: LuaRef, _ groupId: Int, _ index: Int, _ call: LuaCall) {
        guard call.ensureStack(2) else { call.pop(); return }
        call.push(table)
        if call.type(at: -1) == .table {
            call.rotate(-2, 1)
            call.setIndex(-2, index)
            call.pop()
        } else {
            call.pop(2)
        }
    }

    /// Writes the outcome into a spawned task's object (checked to be one before its bytes are).
    private func setBox(_ task: Task, status: Int, results: Int, _ call: LuaCall) {
        guard let handle = task.handle, call.ensureStack(2) else { return }
        call.push(handle)
        if box(call, at: -1)?.id == task.id, let pointer = call.userdata(at: -1) {
            pointer.storeBytes(of: TaskBox(check: TaskBox.check(pointer), id: task.id, status: status, results: results), as: TaskBox.self)
        }
        call.pop()
    }

    // MARK: purecloud.spawn

    /// A task running `function(...)` (the function at 1, its arguments above), started now: it
    /// runs until it first waits. Pushes the task object. (That it is a function, its spec in
    /// TaskFunctions checks.)
    func spawn(_ call: LuaCall) throws -> Int32 {
        let nargs = call.top
        guard call.ensureStack(nargs + 5) else { throw TaskError(description: "spawn: too many arguments") }
        let id = session.bridge.newId()
        guard let box = call.newUserdata(size: MemoryLayout<TaskBox>.size) else { throw LuaError.memory }
        box.storeBytes(of: TaskBox(check: TaskBox.check(box), id: id, status: Status.running, results: 0), as: TaskBox.self)
        let handle = call.top
        call.push(anchor: TaskFunctions.metatable)
        call.setMetatable(handle)
        guard let co = call.newThread(), co.ensureStack(nargs + 1) else {
            call.settop(handle)
            throw TaskError(description: "spawn: too many arguments")
        }
        for index in 1...nargs { call.pushValue(index) }
        call.move(nargs, to: co)  // the function and its arguments
        call.pushValue(-1)
        let thread = call.ref()
        call.setUserValue(handle)  // the object keeps the coroutine (and so its outcome)
        call.pushValue(handle)
        let task = Task(id: id, thread: thread, co: co, handle: call.ref(), group: nil, index: 0, nargs: nargs - 1)
        tasks[id] = task
        made += 1
        resume(task, from: call)
        try checkInterrupt(call)
        call.settop(handle)
        return 1
    }

    /// The task object at `index`, if it is one (userdata of the box's size with the tasks'
    /// metatable: luaL_testudata's check, before its bytes are read).
    func box(_ call: LuaCall, at position: Int32) -> TaskBox? {
        let index = call.absolute(position)
        guard call.type(at: index) == .userdata, call.rawLength(index) == MemoryLayout<TaskBox>.size, call.getMetatable(index) else { return nil }
        defer { call.pop() }
        guard let identity = call.identity(at: -1), identity == taskMetatable, let pointer = call.userdata(at: index) else { return nil }
        let box = pointer.load(as: TaskBox.self)
        return box.check == TaskBox.check(pointer) ? box : nil
    }

    /// `task:wait()`: the task's results, or its error raised; in a task the caller is suspended
    /// until it ends, elsewhere the scheduler runs tasks until it has.
    func wait(_ call: LuaCall) throws -> Int32 {
        guard let box = box(call, at: 1) else {
            throw LuaArgumentError(position: 1, function: "wait", message: "purecloud.Task expected, got \(call.typeName(at: 1)); call it with a colon: task:wait()")
        }
        if box.status == Status.running {
            if running.contains(box.id) {
                throw TaskError(description: "task:wait(): a task cannot wait for itself")
            }
            if call.canSuspend {
                let wait = session.bridge.newId()
                joins[box.id, default: []].append(wait)
                return call.suspend(waitingFor: wait) { c in try self.outcome(c) }
            }
            try drive(from: call) { tasks[box.id] == nil }
        }
        return try outcome(call)
    }

    /// The outcome of the ended task at 1: its results pushed, or its error thrown.
    private func outcome(_ call: LuaCall) throws -> Int32 {
        guard let box = box(call, at: 1) else { return 0 }
        guard call.ensureStack(2), call.getUserValue(1) == .thread, let co = call.thread(at: -1) else {
            throw LuaError.memory
        }
        call.pop()
        switch box.status {
        case Status.returned:
            let first = co.top - Int32(box.results) + 1
            guard first >= 1, call.ensureStack(Int32(box.results) + 1), co.ensureStack(1) else {
                throw TaskError(description: "task:wait(): too many results")
            }
            for position in first..<(first + Int32(box.results)) {
                co.pushValue(position)
                co.move(1, to: call)
            }
            return Int32(box.results)
        case Status.failed:
            unobserved.removeAll { $0.id == box.id }
            guard co.top >= 1, co.ensureStack(1) else { throw TaskCancelled() }
            co.pushValue(-1)
            co.move(1, to: call)
            throw LuaError.runtime(message: "", traceback: nil, value: call.ref())
        default:
            throw TaskCancelled()
        }
    }

    // MARK: purecloud.map

    func map(_ call: LuaCall) throws -> Int32 {
        let name = "map"
        // A sequence of at most maximumItems, a function and perhaps an options table: checked by
        // its spec (TaskFunctions) before this runs.
        let count = call.rawLength(1)
        var limit = session.settings.concurrency
        if call.type(at: 3) != .none && call.type(at: 3) != .nil {
            let options = try OptionReader(call, index: 3, function: name, position: 3, known: ModuleSurface.optionNames("purecloud.map"))
            if let n = try options.integer("concurrency", in: 1...ClientConfiguration.maximumConcurrency) { limit = n }
        }
        guard call.ensureStack(4) else { throw LuaError.memory }
        // The items as they are now: what the tasks do to the list does not change what is mapped.
        call.newTable(arrayCapacity: Int32(clamping: count))
        for index in stride(from: 1, through: count, by: 1) {
            call.getIndex(1, index)
            call.setIndex(-2, index)
        }
        let items = call.ref()
        call.pushValue(2)
        let function = call.ref()
        call.newTable(arrayCapacity: Int32(clamping: count))
        let results = call.ref()
        call.newTable()
        let errors = call.ref()
        let group = MapGroup(id: session.bridge.newId(), function: function, items: items, results: results, errors: errors,
                             total: count, limit: limit)
        groups[group.id] = group
        made += count
        startItems(group, call)
        try checkInterrupt(call)
        if !group.done {
            if call.canSuspend {
                let wait = session.bridge.newId()
                joins[group.id, default: []].append(wait)
                return call.suspend(waitingFor: wait) { c in try self.mapOutcome(c, group) }
            }
            try drive(from: call) { group.done }
        }
        return try mapOutcome(call, group)
    }

    static let maximumItems = 10_000_000

    private func mapOutcome(_ call: LuaCall, _ group: MapGroup) throws -> Int32 {
        guard !group.cancelled else { throw LuaError.interrupted }
        guard call.ensureStack(2) else { throw LuaError.memory }
        call.push(group.results)
        call.push(group.errors)
        return 2
    }

    /// Starts items until `limit` run (each runs until it first waits), unless this is already
    /// being done further up the stack or the work is stopping.
    private func startItems(_ group: MapGroup, _ call: LuaCall) {
        guard !group.starting else { return }
        group.starting = true
        defer { group.starting = false }
        while group.running < group.limit, group.next <= group.total, !group.cancelled, !stopping(call.state) {
            let index = group.next
            group.next += 1
            guard call.ensureStack(4), let co = call.newThread(), co.ensureStack(2) else { return }
            call.push(group.function)
            call.push(group.items)
            if call.type(at: -1) == .table { call.getIndex(-1, index) } else { call.pushNil() }
            call.rotate(-2, -1)
            call.pop()  // the items table
            call.move(2, to: co)  // fn, item
            let task = Task(id: session.bridge.newId(), thread: call.ref(), co: co, handle: nil, group: group, index: index, nargs: 1)
            tasks[task.id] = task
            group.running += 1
            resume(task, from: call)
        }
    }

    private func itemEnded(_ group: MapGroup, _ call: LuaCall) {
        group.running -= 1
        group.finished += 1
        if group.done {
            groups[group.id] = nil
            completeJoins(group.id)
        } else {
            startItems(group, call)
        }
    }

    // MARK: The end of a chunk, and stopping

    /// The end of a chunk (a script, a `-e`, a REPL line): the tasks it started run to their end;
    /// then a task's error nobody waited for is raised, after the others are stopped.
    func finishAll(_ call: LuaCall) throws -> Int32 {
        if unobserved.isEmpty {
            try drive(from: call) { tasks.isEmpty || !unobserved.isEmpty }
        }
        guard let first = unobserved.first else {
            becomeIdle()
            return 0
        }
        stop(call, why: "a task failed")
        let value = try takeUnobservedErrors(call, keeping: first.id)
        throw LuaError.runtime(message: "", traceback: nil, value: value)
    }

    /// The error value of the failed task `keeping` (the others' errors are logged, never lost).
    private func takeUnobservedErrors(_ call: LuaCall, keeping id: Int?) throws -> LuaRef? {
        var kept: LuaRef?
        let failed = unobserved
        unobserved.removeAll()
        for (taskId, handle) in failed {
            guard call.ensureStack(3) else { break }
            let mark = call.top
            defer { call.settop(mark) }
            call.push(handle)
            guard box(call, at: -1)?.id == taskId, call.getUserValue(-1) == .thread, let co = call.thread(at: -1),
                  co.top >= 1, co.ensureStack(1) else { continue }
            co.pushValue(-1)
            co.move(1, to: call)
            if taskId == id {
                kept = call.ref()
            } else {
                session.log.error("a task failed and nobody waited for it: \(call.describe(at: -1))")
            }
        }
        return kept
    }

    /// Stops every task that is not running now: each one's request is cancelled, its coroutine
    /// closed (its to-be-closed variables run), no map item starts again; then the requests
    /// cancelled are waited for, so that a write's outcome is in the audit log before the run's
    /// report, and the log says what each task finished.
    func stop(_ call: LuaCall, why: String) {
        let busy = tasks.count, notStarted = groups.values.reduce(0) { $0 + max(0, $1.total - $1.next + 1) }
        guard busy > 0 || notStarted > 0 else { return }
        var stopped = 0
        for (id, task) in tasks where !running.contains(id) {
            if let wait = task.waitingFor {
                waits[wait] = nil
                requests.removeValue(forKey: wait)?()
                call.state.dropContinuation(wait)
            }
            tasks[id] = nil
            setBox(task, status: Status.cancelled, results: 0, call)
            if let co = pin(task, call) {
                co.closeTask()
                call.pop()
            }
            stopped += 1
        }
        for group in groups.values { group.cancelled = true }
        groups.removeAll()
        ready.removeAll()
        joins.removeAll()
        let finished = ended - failures
        session.clearProgress()
        session.log.warn("tasks stopped (\(why)): \(ended) of \(made) finished (\(finished) returned, \(failures) failed), "
                         + "\(stopped) stopped while waiting, \(notStarted) not started")
        if !session.bridge.drain(seconds: Self.drainSeconds) {
            session.log.warn("requests cancelled \(Int(Self.drainSeconds)) s ago have not ended; their outcome is not known")
        }
        interruptSeen = false
        if tasks.isEmpty { becomeIdle() }
    }

    static let drainSeconds = 15.0

    /// The end of a chunk that failed: its tasks stop, and errors of tasks nobody waited for are
    /// logged (the chunk's own error is the one reported).
    func abandon(_ call: LuaCall, why: String) {
        stop(call, why: why)
        _ = try? takeUnobservedErrors(call, keeping: nil)
        if tasks.isEmpty { becomeIdle() }
    }

    private func becomeIdle() {
        guard tasks.isEmpty, groups.isEmpty else { return }
        if made > 1 { session.endTaskProgress() }
        waited = false
        made = 0
        ended = 0
        failures = 0
    }

    /// "tasks 12/300" while more than one task was made.
    private func showProgress() {
        guard made > 1, waited else { return }
        session.showTaskProgress(done: ended, total: made)
    }
}

/// A mistake in the use of tasks, raised at the script's line (the trampoline adds it).
struct TaskError: Error, CustomStringConvertible {
    let description: String
}

/// `task:wait()` of a task stopped before it ended (an interrupt, an error elsewhere).
struct TaskCancelled: Error, CustomStringConvertible {
    var description: String { "task:wait(): the task was stopped before it ended (an interrupt or an error elsewhere)" }
}
