import Foundation

/// The name pclua's messages start with: lua.c's `progname`, argv[0] as given (as lua5.4 and
/// GNU tools do): "pclua: ..." when run by name, "/usr/local/bin/pclua: ..." from a crontab that
/// gives the path, "lua: ..." through a link named `lua`.
enum ProgramName {
    static let current: String = {
        guard let first = LuaCommandLine.processArguments().first, !first.isEmpty else { return "pclua" }
        return String(decoding: first, as: UTF8.self)
    }()
}
