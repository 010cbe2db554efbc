import Dispatch
import Synchronization

/// Runs async client work from the Lua thread and blocks that thread (never a Swift-concurrency
/// thread) until it ends (DESIGN.md §3). The task in flight can be cancelled from elsewhere, which
/// is how Ctrl-C and SIGTERM stop an HTTP request.
public final class BlockingBridge: Sendable {
    private let current = Mutex<Task<Void, Never>?>(nil)
    private let cancelled = Mutex(false)

    public init() {}

    public func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let task = Task {
            do {
                let value = try await work()
                outcome.withLock { $0 = .success(value) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        current.withLock { $0 = task }
        if cancelled.withLock({ $0 }) { task.cancel() }
        done.wait()
        current.withLock { $0 = nil }
        return try outcome.withLock { $0! }.get()
    }

    /// Cancels the call in flight, if any, and every started lookahead (safe from any thread;
    /// not from a signal handler).
    public func cancelCurrent() {
        current.withLock { $0?.cancel() }
        started.withLock { tasks in tasks.values.forEach { $0.cancel() } }
    }

    private let started = Mutex<[Int: Task<Void, Never>]>([:])
    private let nextStarted = Mutex(0)

    /// A call started now and waited for later (the iterators fetch the next page while the
    /// script works through the current one).
    public final class Pending<T: Sendable>: Sendable {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let id: Int
        init(id: Int) { self.id = id }
    }

    public func start<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> Pending<T> {
        let id = nextStarted.withLock { value -> Int in value += 1; return value }
        let pending = Pending<T>(id: id)
        let task = Task {
            do {
                let value = try await work()
                pending.outcome.withLock { $0 = .success(value) }
            } catch {
                pending.outcome.withLock { $0 = .failure(error) }
            }
            pending.done.signal()
        }
        started.withLock { $0[id] = task }
        if cancelled.withLock({ $0 }) { task.cancel() }
        return pending
    }

    /// Blocks the calling (Lua) thread until the started call ends.
    public func finish<T: Sendable>(_ pending: Pending<T>) throws -> T {
        pending.done.wait()
        pending.done.signal()  // finishing twice returns the same outcome
        started.withLock { $0[pending.id] = nil }
        return try pending.outcome.withLock { $0! }.get()
    }

    /// Drops a started call the script no longer wants (a `break` out of a loop).
    public func abandon<T: Sendable>(_ pending: Pending<T>) {
        started.withLock { $0.removeValue(forKey: pending.id)?.cancel() }
    }

    public var isShuttingDown: Bool { cancelled.withLock { $0 } }

    /// From now on every call is cancelled at once (shutting down after SIGTERM).
    public func cancelAll() {
        cancelled.withLock { $0 = true }
        cancelCurrent()
    }
}
