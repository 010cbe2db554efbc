import Synchronization

/// At most `limit` requests of one client in flight at once (`concurrency`, DESIGN.md §5): jobs
/// may start as much work side by side as they like, the transport lets this many exchanges
/// run. Waiters are served in arrival order; a cancelled waiter leaves the queue.
final class RequestSlots: Sendable {
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var free: Int
        var waiters: [Waiter] = []
        var nextId = 0
    }

    let limit: Int
    private let state: Mutex<State>

    init(limit: Int) {
        self.limit = max(1, limit)
        state = Mutex(State(free: max(1, limit)))
    }

    /// Waits for a free slot; throws CancellationError if the task is cancelled while waiting.
    func acquire() async throws {
        let id = state.withLock { s -> Int? in
            if s.free > 0 && s.waiters.isEmpty {
                s.free -= 1
                return nil
            }
            s.nextId += 1
            return s.nextId
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { s in
                    if Task.isCancelled { return true }
                    if s.free > 0 && s.waiters.isEmpty {
                        s.free -= 1
                        continuation.resume()
                        return false
                    }
                    s.waiters.append(Waiter(id: id, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> Waiter? in
                guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a slot back: the longest waiter gets it.
    func release() {
        let next = state.withLock { s -> Waiter? in
            if s.waiters.isEmpty {
                s.free = min(limit, s.free + 1)
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.continuation.resume()
    }
}
