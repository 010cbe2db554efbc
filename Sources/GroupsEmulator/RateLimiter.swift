import Foundation
import Synchronization

/// Per-token fixed one-minute windows, as the `inin-ratelimit-*` headers describe them: count used
/// in the window, allowed per window, seconds until the window resets (contract §8).
final class RateLimiter: Sendable {
    struct Window { var start: Date; var count: Int }
    struct Verdict { var count: Int; var allowed: Int; var resetSeconds: Int; var limited: Bool }

    private let windows = Mutex<[String: Window]>([:])
    let perMinute: Int

    init(perMinute: Int) {
        self.perMinute = perMinute
    }

    func admit(_ key: String, now: Date = Date()) -> Verdict {
        guard perMinute > 0 else { return Verdict(count: 0, allowed: 0, resetSeconds: 0, limited: false) }
        return windows.withLock { windows in
            var window = windows[key] ?? Window(start: now, count: 0)
            if now.timeIntervalSince(window.start) >= 60 { window = Window(start: now, count: 0) }
            let reset = max(1, Int((60 - now.timeIntervalSince(window.start)).rounded(.up)))
            if window.count >= perMinute {
                windows[key] = window
                return Verdict(count: window.count, allowed: perMinute, resetSeconds: reset, limited: true)
            }
            window.count += 1
            windows[key] = window
            return Verdict(count: window.count, allowed: perMinute, resetSeconds: reset, limited: false)
        }
    }

    func peek(_ key: String?, now: Date = Date()) -> Verdict {
        guard perMinute > 0 else { return Verdict(count: 0, allowed: 0, resetSeconds: 0, limited: false) }
        return windows.withLock { windows in
            guard let key, let window = windows[key], now.timeIntervalSince(window.start) < 60 else {
                return Verdict(count: 0, allowed: perMinute, resetSeconds: 60, limited: false)
            }
            let reset = max(1, Int((60 - now.timeIntervalSince(window.start)).rounded(.up)))
            return Verdict(count: window.count, allowed: perMinute, resetSeconds: reset, limited: false)
        }
    }
}
