import Foundation
import Synchronization

/// Keeps a client under the platform's rate limit: it reads `inin-ratelimit-count/allowed/reset`
/// from every answer and, when the window is used up, waits for the reset before the next request
/// instead of collecting a 429 (DESIGN.md §5).
final class RatePacer: Sendable {
    private struct Window {
        var remaining: Int?
        var resetAt: Date?
    }

    private let window = Mutex(Window())

    /// Seconds to wait before the next request may go out.
    func delayBeforeSend(now: Date = Date()) -> Double {
        window.withLock { w in
            guard let remaining = w.remaining, remaining <= 0, let resetAt = w.resetAt else { return 0 }
            let wait = resetAt.timeIntervalSince(now)
            if wait <= 0 {
                w = Window()
                return 0
            }
            return wait
        }
    }

    /// After waiting for a reset the window is unknown until the next answer tells.
    func windowReset() {
        window.withLock { $0 = Window() }
    }

    func observe(count: Int?, allowed: Int?, resetSeconds: Double?, now: Date = Date()) {
        guard let count, let allowed, allowed > 0, let resetSeconds else { return }
        window.withLock { w in
            w.remaining = allowed - count
            w.resetAt = now.addingTimeInterval(resetSeconds)
        }
    }

    func observeRetryAfter(_ seconds: Double, now: Date = Date()) {
        window.withLock { w in
            w.remaining = 0
            w.resetAt = now.addingTimeInterval(seconds)
        }
    }
}
