import Foundation
import PureCloud

/// lua.c's command line (lua 5.4.4's `collectargs`), with pclua's own long flags allowed among
/// the options: `pclua [options] [script [args]]`. Options stop at the first argument that does
/// not start with `-` (the script), at `-` (the script is standard input) or after `--`;
/// everything after the script belongs to the script, as in lua.c.
///
/// Arguments stay bytes, as the system gave them: a `-e` chunk, a script path or a script
/// argument that is not UTF-8 reaches Lua unchanged (Lua strings are bytes).
struct LuaCommandLine {
    enum Action {
        case chunk([UInt8])                               // -e stat
        case library(global: [UInt8], module: [UInt8])   // -l mod, -l g=mod
        case warningsOn                                   // -W
    }

    /// The whole command line, argv[0] included: the `arg` table is built from it.
    var argv: [[UInt8]]
    /// -e, -l and -W in the order given (lua.c runs them in order, stopping at the first error).
    var actions: [Action] = []
    var interactive = false       // -i
    var showVersion = false       // -v
    var ignoreEnvironment = false // -E
    /// pclua's long flags (and their values) in order, for CommandFlags.
    var longFlags: [String] = []
    /// Whose flags the long flags are: `run`'s, or `rehearse`'s and `run`'s.
    var commands: [Setting.Command] = [.run]
    /// The index of the script in `argv`, if there is one (`-` means standard input).
    var scriptIndex: Int?

    var hasChunk: Bool { actions.contains { if case .chunk = $0 { true } else { false } } }
    var script: [UInt8]? { scriptIndex.map { argv[$0] } }
    var scriptArguments: [[UInt8]] { scriptIndex.map { Array(argv[($0 + 1)...]) } ?? [] }

    /// A usage error, worded as lua.c's `print_usage`.
    struct UsageError: Error, CustomStringConvertible {
        let option: String
        var description: String {
            let problem = option.hasPrefix("-e") || option.hasPrefix("-l") ? "'\(option)' needs argument" : "unrecognized option '\(option)'"
            return "\(problem)\n" + LuaCommandLine.usage
        }
    }

    /// lua.c's print_usage, naming the program as it was called (argv[0]).
    static var usage: String { "usage: \(ProgramName.current) [options] [script [args]]\n" + options }

    static let options = """
        Available options are:
          -e stat   execute string 'stat'
          -i        enter interactive mode after executing 'script'
          -l mod    require library 'mod' into global 'mod'
          -l g=mod  require library 'mod' into global 'g'
          -v        show version information
          -E        ignore environment variables
          -W        turn warnings on
          --        stop handling options
          -         stop handling options and execute stdin
        pclua's own options (--emulator, --dry-run, --environment, ...) come before the script: pclua --help
        """

    /// The long flags of `pclua run` that take a value (the next argument, or `--flag=value`), from
    /// the declaration RunCommand's options are made from (PureCloud/Settings.swift), so that an
    /// option added there never swallows the script name here.
    static let longFlagsWithValue = flagsWithValue([.run])

    /// Every long flag of `pclua run`, with a value or not (`--dry-run`, `--quiet`, `--emulator`...).
    static let knownLongFlags = knownFlags([.run])

    static func flagsWithValue(_ commands: [Setting.Command]) -> Set<String> {
        Set(CommandFlags.declared(commands).values.filter { !$0.isOnOff }.compactMap(\.flag))
    }

    static func knownFlags(_ commands: [Setting.Command]) -> Set<String> {
        Set(CommandFlags.declared(commands).keys).union(["--help"])
    }

    /// The flags of this command line's commands that take a value, and all of them.
    var flagsWithValue: Set<String> { commands == [.run] ? Self.longFlagsWithValue : Self.flagsWithValue(commands) }
    var knownFlags: Set<String> { commands == [.run] ? Self.knownLongFlags : Self.knownFlags(commands) }

    /// pclua's flags that decide where writes go (or whether they happen), and what a cron line
    /// relies on (`--lock`, `--audit-log`). After the script name they would be the script's
    /// arguments; `--dry-run` is honoured there, the others refused (their declared placement).
    static let placementSensitiveFlags: [String] = Settings.flags(of: .run).filter { $0.placement == .refusedAfterScript }.compactMap(\.flag)

    /// Parses `argv` from `start` (1, or 2 after `pclua run` or `pclua rehearse`).
    static func parse(_ argv: [[UInt8]], from start: Int, commands: [Setting.Command] = [.run]) throws -> LuaCommandLine {
        var line = LuaCommandLine(argv: argv)
        line.commands = commands
        // Read only when a long flag is there: `pclua script.lua` and `pclua -e ...` start without it.
        lazy var withValue = line.flagsWithValue
        let dash = UInt8(ascii: "-")
        var i = start
        scan: while i < argv.count {
            let argument = argv[i]
            let text = String(decoding: argument, as: UTF8.self)
            guard argument.first == dash, argument.count > 1 else {
                line.scriptIndex = i  // a script name, or "-" for standard input
                break scan
            }
            switch argument[1] {
            case dash where argument.count == 2:  // "--": the next argument is the script
                if i + 1 < argv.count { line.scriptIndex = i + 1 }
                break scan
            case dash:  // pclua's long flag
                guard argument[2] != dash else { throw UsageError(option: text) }  // "---..." is no flag
                line.longFlags.append(text)
                let name = String(text.prefix { $0 != "=" })
                if !text.contains("="), withValue.contains(name), i + 1 < argv.count {
                    i += 1
                    line.longFlags.append(String(decoding: argv[i], as: UTF8.self))
                }
            case UInt8(ascii: "E"), UInt8(ascii: "W"), UInt8(ascii: "v"), UInt8(ascii: "i"):
                guard argument.count == 2 else { throw UsageError(option: text) }  // lua.c: no combined forms
                switch argument[1] {
                case UInt8(ascii: "E"): line.ignoreEnvironment = true
                case UInt8(ascii: "W"): line.actions.append(.warningsOn)
                case UInt8(ascii: "v"): line.showVersion = true
                default: line.interactive = true
                }
            case UInt8(ascii: "e"), UInt8(ascii: "l"):
                var value = Array(argument.dropFirst(2))
                if value.isEmpty {
                    i += 1
                    guard i < argv.count, argv[i].first != dash else { throw UsageError(option: text) }
                    value = argv[i]
                }
                if argument[1] == UInt8(ascii: "e") {
                    line.actions.append(.chunk(value))
                } else if let equals = value.firstIndex(of: UInt8(ascii: "=")) {
                    line.actions.append(.library(global: Array(value[..<equals]), module: Array(value[(equals + 1)...])))
                } else {
                    line.actions.append(.library(global: value, module: value))
                }
            default:
                throw UsageError(option: text)
            }
            i += 1
        }
        return line
    }

    /// The command line as the process got it, byte for byte (CommandLine.arguments would repair
    /// invalid UTF-8, changing a script's arguments and making a non-UTF-8 path unopenable).
    static func processArguments() -> [[UInt8]] {
        (0..<Int(CommandLine.argc)).map { index in
            guard let pointer = CommandLine.unsafeArgv[index] else { return [] }
            return Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
        }
    }
}
