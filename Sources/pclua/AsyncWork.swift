import Dispatch
import Synchronization

/// pclua's `main` is synchronous: a chunk that never makes a request (`pclua -e 'x=1'`, most of
/// the official Lua suite) never starts the concurrency runtime's thread pool, whose threads an
/// async `main` hopped to before its first line (about 1 ms of every start, docs/benchmarks.md,
/// figure 8). What is async (the in-process emulator, the subcommands) is waited for here.
enum AsyncWork {
    /// Runs `work` as a task and waits for it on this thread, which must not be one of the
    /// pool's (the main thread; the Lua thread does the same through BlockingBridge).
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<T, any Error>?>(nil)
        Task {
            do {
                let value = try await work()
                outcome.withLock { $0 = .success(value) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    /// Runs `work`, which ends the process itself, as an async `main` runs it: on the
    /// concurrency runtime's threads, the main thread handed to dispatch (dispatchMain).
    static func runAsMain(_ work: @escaping @Sendable () async -> Never) -> Never {
        Task { await work() }
        dispatchMain()
    }
}
