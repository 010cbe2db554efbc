import Foundation
import Synchronization

/// Per-token fixed one-minute windows, as the `inin-ratelimit-*` headers describe them: count used
/// in the window, allowed per window, seconds until the window resets (contract §8).
final class RateLimiter: Sendable {
    struct Window { var start: Date; var count: Int }
    struct Verdict { var count: Int; var allowed: Int; var resetSeconds: Int; var limited: Bool }

    private let windows = Mutex<[String: Window]>([:])
    let perMinute: Int
    let windowSeconds: Double
    /// Requests allowed in one window.
    let perWindow: Int

    init(perMinute: Int, windowSeconds: Int = 60) {
        self.perMinute = perMinute
        self.windowSeconds = Double(max(1, windowSeconds))
        perWindow = perMinute > 0 ? max(1, perMinute * max(1, windowSeconds) / 60) : 0
    }

    func admit(_ key: String, now: Date = Date()) -> Verdict {
        guard perMinute > 0 else { return Verdict(count: 0, allowed: 0, resetSeconds: 0, limited: false) }
        return windows.withLock { windows in
            var window = windows[key] ?? Window(start: now, count: 0)
            if now.timeIntervalSince(window.start) >= windowSeconds { window = Window(start: now, count: 0) }
            let reset = max(1, Int((windowSeconds - now.timeIntervalSince(window.start)).rounded(.up)))
            if window.count >= perWindow {
                windows[key] = window
                return Verdict(count: window.count, allowed: perWindow, resetSeconds: reset, limited: true)
            }
            window.count += 1
            windows[key] = window
            return Verdict(count: window.count, allowed: perWindow, resetSeconds: reset, limited: false)
        }
    }

    func peek(_ key: String?, now: Date = Date()) -> Verdict {
        guard perMinute > 0 else { return Verdict(count: 0, allowed: 0, resetSeconds: 0, limited: false) }
        return windows.withLock { windows in
            guard let key, let window = windows[key], now.timeIntervalSince(window.start) < windowSeconds else {
                return Verdict(count: 0, allowed: perWindow, resetSeconds: Int(windowSeconds), limited: false)
            }
            let reset = max(1, Int((windowSeconds - now.timeIntervalSince(window.start)).rounded(.up)))
            return Verdict(count: window.count, allowed: perWindow, resetSeconds: reset, limited: false)
        }
    }
}
