import Foundation
import Synchronization

/// Keeps a client under the platform's rate limit by reading `inin-ratelimit-count/allowed/reset`
/// from every answer (DESIGN.md §5):
/// - while more than a quarter of the window's requests are left, requests go out at once (short
///   and mid-size jobs and REPL calls never wait);
/// - after that, the requests left are spread over the time left in the window, so a long job
///   uses the whole allowance without running into a 429;
/// - when the window is used up (or a 429 said so), the next request waits for the reset.
final class RatePacer: Sendable {
    private struct Window {
        var allowed: Int?
        var remaining: Int?
        var resetAt: Date?
        var lastSend: Date?
        /// The delay handed out with the last decision, so `lastSend` is when the request really went.
        var lastSendDelay: Double = 0
    }

    private let window = Mutex(Window())

    /// Seconds to wait before the next request may go out; the send is recorded as happening then.
    func delayBeforeSend(now: Date = Date()) -> Double {
        window.withLock { w in
            defer { w.lastSend = now.addingTimeInterval(w.lastSendDelay) }
            w.lastSendDelay = 0
            guard let remaining = w.remaining, let allowed = w.allowed, let resetAt = w.resetAt else { return 0 }
            let left = resetAt.timeIntervalSince(now)
            if left <= 0 {
                w = Window()
                return 0
            }
            if remaining <= 0 {
                w.lastSendDelay = left
                return left
            }
            guard remaining * 4 < allowed else { return 0 }
            // Spread what is left: one request per slot of `left / remaining` seconds since the last one.
            let slot = left / Double(remaining)
            let since = w.lastSend.map { now.timeIntervalSince($0) } ?? slot
            let wait = max(0, slot - since)
            w.lastSendDelay = wait
            return wait
        }
    }

    /// After waiting for a reset the window is unknown until the next answer tells.
    func windowReset() {
        window.withLock { w in
            let last = w.lastSend
            w = Window()
            w.lastSend = last
        }
    }

    func observe(count: Int?, allowed: Int?, resetSeconds: Double?, now: Date = Date()) {
        guard let count, let allowed, allowed > 0, let resetSeconds else { return }
        window.withLock { w in
            w.allowed = allowed
            w.remaining = allowed - count
            w.resetAt = now.addingTimeInterval(resetSeconds)
        }
    }

    func observeRetryAfter(_ seconds: Double, now: Date = Date()) {
        window.withLock { w in
            w.remaining = 0
            w.allowed = w.allowed ?? 1
            w.resetAt = now.addingTimeInterval(seconds)
        }
    }
}
