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

    /// Cancels the call in flight, if any (safe from any thread; not from a signal handler).
    public func cancelCurrent() {
        current.withLock { $0?.cancel() }
    }

    public var isShuttingDown: Bool { cancelled.withLock { $0 } }

    /// From now on every call is cancelled at once (shutting down after SIGTERM).
    public func cancelAll() {
        cancelled.withLock { $0 = true }
        cancelCurrent()
    }
}
