import PureCloud

/// Messages for the person (or the log shipper) reading stderr that come before a run's EventLog
/// exists, or outside it (a command line that cannot be parsed, a refused rehearsal): plain text
/// prefixed with the program name, or, when the command line asked for `--log-format json`, one
/// JSON line of the same shape as the log's (time, level, message, fields), so that a log file
/// fed by `2>>` holds nothing but JSON.
enum OperatorMessage {
    /// Whether these arguments (pclua's long flags, or any arguments before the script) ask for
    /// JSON: `--log-format json` or `--log-format=json`, the last one given winning.
    static func wantsJSON(_ arguments: [String]) -> Bool {
        var json = false
        for (index, argument) in arguments.enumerated() {
            if argument == "--log-format", index + 1 < arguments.count { json = arguments[index + 1] == "json" }
            if argument.hasPrefix("--log-format=") { json = argument.dropFirst("--log-format=".count) == "json" }
        }
        return json
    }

    /// `prefix` starts a text line ("pclua", "pclua rehearse"); a JSON line says it in `command`.
    static func error(_ message: String, json: Bool, prefix: String = ProgramName.current, fields: [(String, JSONValue)] = []) {
        say(message, level: .error, json: json, prefix: prefix, fields: fields)
    }

    /// A line the command always writes (a result on stderr), whatever --log-level says.
    static func say(_ message: String, level: LogLevel, json: Bool, prefix: String = ProgramName.current, fields: [(String, JSONValue)] = []) {
        if json {
            EventLog(level: level, format: .json).log(level, message, (prefix == ProgramName.current ? [] : [("command", .string(prefix))]) + fields)
        } else {
            printError("\(prefix): \(message)")
        }
    }
}
