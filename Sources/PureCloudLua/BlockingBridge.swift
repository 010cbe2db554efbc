import Dispatch
import Synchronization

/// Runs async client work from the Lua thread and blocks that thread (never a Swift-concurrency
/// thread) until it ends (DESIGN.md §3). The task in flight can be cancelled from elsewhere, which
/// is how Ctrl-C and SIGTERM stop an HTTP request. Work started for a task (issue 23) tells the
/// scheduler when it has ended instead (`watch`, `nextCompletion`).
public final class BlockingBridge: Sendable {
    private let current = Mutex<Task<Void, Never>?>(nil)
    private let cancelled = Mutex(false)
    /// Every piece of work not yet ended, so that a run stopping can wait for what it cancelled:
    /// a write's outcome reaches the audit log before the run's report.
    private let live = DispatchGroup()
    /// Run once, as the first call starts (SignalHandling starts reading its pipe then).
    private let beforeFirst = Mutex<[@Sendable () -> Void]>([])

    public init() {}

    /// `body` runs once, on the caller's thread, before the first call of this bridge starts: a
    /// run that never makes one never starts what only a call in flight needs.
    public func beforeFirstCall(_ body: @escaping @Sendable () -> Void) {
        beforeFirst.withLock { $0.append(body) }
    }

    /// Forgets what was to run before the first call (the run is ending without one).
    public func forgetBeforeFirstCall() {
        beforeFirst.withLock { $0.removeAll() }
    }

    private func firstCallStarting() {
        let bodies = beforeFirst.withLock { bodies -> [@Sendable () -> Void] in
            defer { bodies.removeAll() }
            return bodies
        }
        for body in bodies { body() }
    }

    public func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<T, any Error>?>(nil)
        firstCallStarting()
        live.enter()
        let task = Task {
            do {
                let value = try await work()
                outcome.withLock { $0 = .success(value) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
            live.leave()
        }
        current.withLock { $0 = task }
        if cancelled.withLock({ $0 }) { task.cancel() }
        done.wait()
        current.withLock { $0 = nil }
        return try outcome.withLock { $0! }.get()
    }

    /// Cancels the call in flight, if any, and every started call (safe from any thread; not from a
    /// signal handler). A scheduler waiting for started calls wakes up.
    public func cancelCurrent() {
        current.withLock { $0?.cancel() }
        started.withLock { tasks in tasks.values.forEach { $0.cancel() } }
        arrived.signal()  // nextCompletion returns nil for it
    }

    private let started = Mutex<[Int: Task<Void, Never>]>([:])
    private let nextStarted = Mutex(0)

    /// A new id, unique in this bridge: started calls have one, and the task scheduler takes its
    /// own (tasks, maps, waits) from the same counter so that they never meet.
    public func newId() -> Int {
        nextStarted.withLock { value -> Int in value += 1; return value }
    }

    /// A call started now and waited for later (the iterators fetch the next page while the
    /// script works through the current one; a task's call runs while other tasks run).
    public final class Pending<T: Sendable>: Sendable {
        struct State {
            var outcome: Result<T, any Error>?
            /// The scheduler wants to hear when it ends (`watch`).
            var notify = false
        }

        let done = DispatchSemaphore(value: 0)
        let state = Mutex(State())
        public let id: Int
        init(id: Int) { self.id = id }
    }

    public func start<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> Pending<T> {
        let pending = Pending<T>(id: newId())
        firstCallStarting()
        live.enter()
        let task = Task {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
            let notify = pending.state.withLock { state -> Bool in
                state.outcome = outcome
                return state.notify
            }
            pending.done.signal()
            if notify { self.arrive(pending.id) }
            live.leave()
        }
        started.withLock { $0[pending.id] = task }
        if cancelled.withLock({ $0 }) { task.cancel() }
        return pending
    }

    /// Blocks the calling (Lua) thread until the started call ends.
    public func finish<T: Sendable>(_ pending: Pending<T>) throws -> T {
        pending.done.wait()
        pending.done.signal()  // finishing twice returns the same outcome
        started.withLock { $0[pending.id] = nil }
        return try pending.state.withLock { $0.outcome! }.get()
    }

    /// Drops a started call the script no longer wants (a `break` out of a loop, a cancelled task).
    public func abandon<T: Sendable>(_ pending: Pending<T>) {
        started.withLock { $0.removeValue(forKey: pending.id)?.cancel() }
    }

    public var isShuttingDown: Bool { cancelled.withLock { $0 } }

    /// From now on every call is cancelled at once (shutting down after SIGTERM).
    public func cancelAll() {
        cancelled.withLock { $0 = true }
        cancelCurrent()
    }

    // MARK: The task scheduler's side

    /// Ids of watched calls that have ended, in order; each arrival (and each wake-up) signals once.
    private let completions = Mutex<[Int]>([])
    private let arrived = DispatchSemaphore(value: 0)

    /// Asks to hear (`nextCompletion`) when the started call ends; false when it has already ended
    /// (its outcome is there: `finish` returns at once).
    public func watch<T: Sendable>(_ pending: Pending<T>) -> Bool {
        pending.state.withLock { state in
            guard state.outcome == nil else { return false }
            state.notify = true
            return true
        }
    }

    private func arrive(_ id: Int) {
        completions.withLock { $0.append(id) }
        arrived.signal()
    }

    /// Blocks the Lua thread until a watched call ends and returns its id; nil when woken for
    /// another reason (an interrupt: `cancelCurrent`).
    public func nextCompletion() -> Int? {
        arrived.wait()
        return completions.withLock { ids in ids.isEmpty ? nil : ids.removeFirst() }
    }

    /// Waits until every call started so far has ended (after cancelling them: their outcomes,
    /// writes' included, are then recorded), at most `seconds`; false when some are still running.
    @discardableResult
    public func drain(seconds: Double) -> Bool {
        live.wait(timeout: .now() + seconds) == .success
    }
}
