import Foundation
import Synchronization

/// Keeps the requests sent with one token under the platform's rate limit by reading
/// `inin-ratelimit-count/allowed/reset` from every answer (DESIGN.md §5), with several requests
/// in flight at once:
/// - a request is counted from the moment it is let go until its answer comes back, so what is
///   left of the window is `allowed - count - in flight` (a request the server already counted is
///   counted twice for a moment: the error is on the safe side);
/// - while more than a quarter of the window is left, requests go out at once (short and
///   mid-size jobs and REPL calls never wait);
/// - after that, what is left is spread over the time left in the window, so a long job uses the
///   whole allowance without running into a 429;
/// - when the window is used up (or a 429 said so), requests wait for the reset;
/// - while nothing is known of the window (the first request of a token), one request goes
///   alone and its answer tells the rest; after a reset, at most half of the last window's
///   allowance goes out before the new window's first answer. A server that sends no rate-limit
///   headers is not paced.
final class RatePacer: Sendable {
    private enum Knowledge {
        /// Nothing heard yet.
        case unknown
        /// Answers come without rate-limit headers: nothing to pace by.
        case unpaced
        /// The window ran out at `previousReset`; `allowed` was its allowance.
        case fresh(allowed: Int, previousReset: Date)
        /// The window as the last answers described it.
        case window(allowed: Int, count: Int, resetAt: Date)
    }

    private struct State {
        var knowledge = Knowledge.unknown
        var inFlight = 0
        var lastSend: Date?
    }

    /// Two answers whose reset times differ by less than this describe the same window (the
    /// platform rounds `reset` to whole seconds, and answers take time to arrive).
    static let sameWindowTolerance = 1.5

    private let state = Mutex(State())

    /// Requests let go and not yet answered.
    var inFlight: Int { state.withLock { $0.inFlight } }

    /// Lets one request go (returns 0 and counts it in flight until `completed`), or says how many
    /// seconds to wait before asking again (nothing is counted).
    func reserve(now: Date = Date()) -> Double {
        state.withLock { s in
            let wait = Self.delay(&s, now: now)
            if wait == 0 {
                s.inFlight += 1
                s.lastSend = now
            }
            return wait
        }
    }

    private static func delay(_ s: inout State, now: Date) -> Double {
        switch s.knowledge {
        case .unpaced:
            return 0
        case .unknown:
            return s.inFlight == 0 ? 0 : 0.05
        case let .fresh(allowed, _):
            return s.inFlight < max(1, allowed / 2) ? 0 : 0.05
        case let .window(allowed, count, resetAt):
            let left = resetAt.timeIntervalSince(now)
            if left <= 0 {
                s.knowledge = .fresh(allowed: allowed, previousReset: resetAt)
                return delay(&s, now: now)
            }
            let remaining = allowed - count - s.inFlight
            if remaining <= 0 {
                // An answer in flight may show that a request was counted twice: look again soon.
                return s.inFlight > 0 ? min(left, 0.1) : left
            }
            guard remaining * 4 < allowed else { return 0 }
            // Spread what is left: one request per slot of `left / remaining` seconds since the last one.
            let slot = left / Double(remaining)
            let since = s.lastSend.map { now.timeIntervalSince($0) } ?? slot
            return since >= slot ? 0 : slot - since
        }
    }

    /// The answer to a request let go by `reserve` came back (or never will: a failure, a
    /// cancellation); the headers, when there are any, describe the window.
    func completed(count: Int?, allowed: Int?, resetSeconds: Double?, now: Date = Date()) {
        state.withLock { s in
            s.inFlight = max(0, s.inFlight - 1)
            Self.observe(&s, count: count, allowed: allowed, resetSeconds: resetSeconds, now: now)
        }
    }

    /// A request let go by `reserve` ended without an answer.
    func abandoned() {
        state.withLock { s in s.inFlight = max(0, s.inFlight - 1) }
    }

    private static func observe(_ s: inout State, count: Int?, allowed: Int?, resetSeconds: Double?, now: Date) {
        guard let count, let allowed, allowed > 0, let resetSeconds else {
            // An answer without usable headers (a server that does not limit): nothing to pace
            // by, unless an earlier answer did carry them.
            if case .unknown = s.knowledge { s.knowledge = .unpaced }
            return
        }
        let resetAt = now.addingTimeInterval(resetSeconds)
        switch s.knowledge {
        case let .window(_, known, knownReset) where abs(resetAt.timeIntervalSince(knownReset)) < sameWindowTolerance:
            // The same window: answers arrive out of order, the highest count is the latest.
            s.knowledge = .window(allowed: allowed, count: max(known, count), resetAt: max(knownReset, resetAt))
        case let .window(_, _, knownReset) where resetAt < knownReset:
            return  // an answer from a window already over
        case let .fresh(_, previousReset) where resetAt.timeIntervalSince(previousReset) < sameWindowTolerance:
            return  // a late answer from the window that just ran out
        default:
            s.knowledge = .window(allowed: allowed, count: count, resetAt: resetAt)
        }
    }

    /// A 429 said to wait `seconds`: nothing more goes out with this token until then.
    func observeRetryAfter(_ seconds: Double, now: Date = Date()) {
        state.withLock { s in
            var allowed = 1
            switch s.knowledge {
            case let .window(known, _, _), let .fresh(known, _): allowed = known
            default: break
            }
            s.knowledge = .window(allowed: allowed, count: allowed, resetAt: now.addingTimeInterval(seconds))
        }
    }
}
