import Foundation
import Synchronization

/// Levels of the event log, lowest first.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug, info, warn, error

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    public var name: String { ["debug", "info", "warn", "error"][rawValue] }

    public init?(name: String) {
        switch name.lowercased() {
        case "debug", "trace": self = .debug
        case "info": self = .info
        case "warn", "warning": self = .warn
        case "error": self = .error
        default: return nil
        }
    }
}

/// The one log of a run: the transport's retries and waits, and the script's `purecloud.log`.
/// Text or JSON lines on stderr. Values given to it must already be safe: the transport logs
/// operations, statuses and correlation ids, never headers, tokens or secrets.
public final class EventLog: Sendable {
    public enum Format: String, Sendable { case text, json }

    public let level: LogLevel
    public let format: Format
    private let sink: @Sendable (String) -> Void
    private let lock = Mutex(())
    /// Fields every line carries after its own (the run id), so any line can be traced to its run.
    public let context: [(String, JSONValue)]

    public init(level: LogLevel = .warn, format: Format = .text, context: [(String, JSONValue)] = [], sink: (@Sendable (String) -> Void)? = nil) {
        self.level = level
        self.format = format
        self.context = context
        self.sink = sink ?? { line in StandardError.write(line + "\n") }
    }

    /// The same log with other context fields.
    public func with(context: [(String, JSONValue)]) -> EventLog {
        EventLog(level: level, format: format, context: context, sink: sink)
    }

    /// A line every run shows whatever the level (the org a run talks to): `text` as it is in text
    /// format, through `show` (which may leave it off a terminal: --quiet); in JSON format a record
    /// with `message` and `fields`, always written.
    public func announce(_ text: String, message: String, _ fields: [(String, JSONValue)], show: (String) -> Void) {
        switch format {
        case .text:
            lock.withLock { _ in
                ProgressLine.clearForOtherOutput()
                show(text)
            }
        case .json:
            write(.info, message, fields)
        }
    }

    public func enabled(_ level: LogLevel) -> Bool { level >= self.level }

    public func log(_ level: LogLevel, _ message: String, _ fields: [(String, JSONValue)] = []) {
        guard enabled(level) else { return }
        write(level, message, fields)
    }

    private func write(_ level: LogLevel, _ message: String, _ fields: [(String, JSONValue)]) {
        let fields = fields + context.filter { key, _ in !fields.contains { $0.0 == key } }
        let time = Date()
        let line: String
        switch format {
        case .json:
            var members: [(key: String, value: JSONValue)] = [
                ("time", .string(Self.timestamp(time))), ("level", .string(level.name)), ("message", .string(message)),
            ]
            members += fields.map { (key: $0.0, value: $0.1) }
            line = JSONValue.object(members).text
        case .text:
            var text = "\(Self.timestamp(time)) \(level.name.uppercased()) \(message)"
            for (key, value) in fields {
                text += " \(key)=" + (value.stringValue ?? value.text)
            }
            line = text
        }
        lock.withLock { _ in
            ProgressLine.clearForOtherOutput()  // a log line never shares a progress line's screen line
            sink(line)
        }
    }

    public func debug(_ message: String, _ fields: [(String, JSONValue)] = []) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [(String, JSONValue)] = []) { log(.info, message, fields) }
    public func warn(_ message: String, _ fields: [(String, JSONValue)] = []) { log(.warn, message, fields) }
    public func error(_ message: String, _ fields: [(String, JSONValue)] = []) { log(.error, message, fields) }

    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var time = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec),
                      Int((seconds - seconds.rounded(.down)) * 1000))
    }
}
