import Foundation

/// An environment variable, read when asked. Not Foundation's `ProcessInfo.environment`, which
/// builds a dictionary of every variable: a quarter of a millisecond of each start of pclua
/// (docs/benchmarks.md, figure 8), for the few names pclua reads.
public enum ProcessEnvironment {
    public static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// $HOME, or the home directory the system knows when it is unset.
    public static var home: String { value("HOME") ?? NSHomeDirectory() }
}
