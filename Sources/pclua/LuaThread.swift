import Foundation
import LuaKit

/// The thread Lua runs on: a plain POSIX thread with a 16 MiB stack (deep recursion through C
/// calls, as lua.c's main thread allows) named "lua" for top and gdb. Not Foundation's Thread:
/// it costs a measurable part of pclua's start-up, and its name did not reach the system's.
/// The caller waits for it with pthread_join: no task, no continuation, so a run that never
/// makes a request never starts the concurrency runtime's thread pool (docs/benchmarks.md, figure 8).
enum LuaThread {
    private final class Work {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    static let stackSize = 16 << 20

    /// Runs `body` on the thread and returns when it has; the system's reason when no thread can be made.
    static func run(_ body: @escaping () -> Void) -> String? {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { argument in
            LuaHost.nameThisThread("lua")
            let work = Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue()
            work.body()
            return nil
        }, work)
        guard status == 0 else {
            Unmanaged<Work>.fromOpaque(work).release()
            return String(cString: strerror(status))
        }
        pthread_join(thread, nil)
        return nil
    }
}
