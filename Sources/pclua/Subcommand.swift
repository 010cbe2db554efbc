import Foundation
import PureCloud

/// A subcommand of pclua that is not a Lua command line (`snapshot`, `diff`, `undo`, `restore`,
/// `emulator`, `definitions`): its name and flags come from the declaration (Setting.Command),
/// its words are read by CommandFlags, and its help page is made from both.
struct Subcommand: Sendable {
    let command: Setting.Command
    /// The usage line, without `usage: `.
    let usage: String
    let abstract: String
    let discussion: String
    /// Names of the positional arguments it needs, in order (`diff`'s before and after).
    var positionals: [String] = []
    let run: @Sendable (CommandFlags) async throws -> Void

    var name: String { command.rawValue }
    var help: String { CommandHelp.page(usage: usage, abstract: abstract, discussion: discussion, commands: [command]) }

    /// `pclua rehearse` is listed in help but read as a Lua command line (RehearseCommand).
    static let all: [Subcommand] = [
        SnapshotCommand.subcommand, DiffCommand.subcommand, UndoCommand.subcommand, RestoreCommand.subcommand,
        EmulatorCommand.subcommand, DefinitionsCommand.subcommand,
    ]

    static func named(_ name: String?) -> Subcommand? { all.first { $0.name == name } }

    /// Parses `words` (after the subcommand's name), runs it, and exits with its status: 2 and a
    /// one-line reason for a command line the declaration does not allow.
    func main(_ words: [String]) async -> Never {
        let json = OperatorMessage.wantsJSON(words)
        do {
            let flags = try CommandFlags.parse(words, for: [command], positionals: positionals)
            try await run(flags)
            exit(ExitStatus.success)
        } catch is CommandFlags.HelpRequested {
            emit(help, terminator: "")
            exit(ExitStatus.success)
        } catch let error as CommandFlags.UsageError {
            OperatorMessage.error(error.description, json: json, prefix: "pclua \(name)")
            if !json { printError("usage: \(usage)\n(pclua \(name) --help lists the options)") }
            exit(ExitStatus.usage)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            OperatorMessage.error("\(error)", json: json, prefix: "pclua \(name)")
            exit(ExitStatus.scriptError)
        }
    }
}
