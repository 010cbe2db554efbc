import Foundation
import Synchronization

/// One updating line on stderr for long work ("what n/m, rate, time left"), as admins know from GAM.
/// Only on a terminal: when stderr is a file or a pipe the same news goes out as an info log line
/// every `logInterval` seconds instead, so logs and cron mail never hold control characters.
public final class ProgressLine: Sendable {
    private struct State {
        var started = Date()
        var lastDraw = Date.distantPast
        var lastLog = Date()
        var drawn = false
    }

    private let enabled: Bool
    private let terminal: Bool
    private let log: EventLog
    private let logInterval: TimeInterval
    private let state = Mutex(State())

    public init(enabled: Bool = true, log: EventLog, logInterval: TimeInterval = 10) {
        self.enabled = enabled
        self.log = log
        self.logInterval = logInterval
        terminal = isatty(STDERR_FILENO) == 1 && ProcessEnvironment.value("TERM") != "dumb"
    }

    public func update(_ what: String, done: Int, total: Int?) {
        guard enabled else { return }
        let now = Date()
        let line: String? = state.withLock { s in
            let elapsed = now.timeIntervalSince(s.started)
            if terminal {
                guard now.timeIntervalSince(s.lastDraw) >= 0.1 || done == total else { return nil }
                s.lastDraw = now
                s.drawn = true
            } else {
                guard now.timeIntervalSince(s.lastLog) >= logInterval else { return nil }
                s.lastLog = now
            }
            return ProgressLine.describe(what, done: done, total: total, elapsed: elapsed)
        }
        guard let line else { return }
        if terminal {
            // \r and "erase to end of line": the line is redrawn in place.
            Self.drawnAnywhere.withLock { $0 = true }
            StandardError.write("\r\(line)\u{1B}[K")
        } else {
            log.info(line)
        }
    }

    /// Clears the line so what is printed next starts on a clean line.
    public func finish() {
        let drawn = state.withLock { s in
            defer { s.drawn = false }
            return s.drawn
        }
        if drawn && terminal {
            Self.drawnAnywhere.withLock { $0 = false }
            StandardError.write("\r\u{1B}[K")
        }
    }

    /// Whether a progress line (of any instance) is on the screen now.
    private static let drawnAnywhere = Mutex(false)

    /// Clears whatever progress line is drawn, so that other output to stderr (a log line) starts
    /// at the start of a clean line; the next update draws the progress line again below it.
    public static func clearForOtherOutput() {
        let drawn = drawnAnywhere.withLock { value in
            defer { value = false }
            return value
        }
        if drawn { StandardError.write("\r\u{1B}[K") }
    }

    /// "snapshot: groups 1,500/20,000, 240/s, about 1 min left".
    static func describe(_ what: String, done: Int, total: Int?, elapsed: TimeInterval) -> String {
        var text = "\(what) \(done.grouped)"
        if let total { text += "/\(total.grouped)" }
        if elapsed >= 1 {
            let rate = Double(done) / elapsed
            text += ", \(rate >= 10 ? String(Int(rate)) : String(format: "%.1f", rate))/s"
            if let total, rate > 0, done < total, Double(total - done) / rate < 1e9 {  // a server's absurd total gets no estimate
                let left = Double(total - done) / rate
                text += left < 90 ? ", about \(Int(left.rounded(.up))) s left" : ", about \(Int((left / 60).rounded(.up))) min left"
            }
        }
        return text
    }
}
