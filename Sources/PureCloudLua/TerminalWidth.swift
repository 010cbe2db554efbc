import PureCloud
import Foundation

/// The width `purecloud.table` lays out for: COLUMNS when set (a shell's, or the user's choice),
/// else the terminal's (stdout), else 80.
enum TerminalWidth {
    static func columns() -> Int {
        if let text = ProcessEnvironment.value("COLUMNS"), let value = Int(text), (10...10_000).contains(value) {
            return value
        }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 10 { return Int(size.ws_col) }
        return 80
    }
}
