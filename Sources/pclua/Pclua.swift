import ArgumentParser
import Foundation
import PureCloud

struct Pclua: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pclua",
        abstract: "Genesys Cloud Groups API scripting in Lua 5.4.",
        version: "pclua \(PurecloudVersion.current) (Lua 5.4)",
        subcommands: [RunCommand.self, EmulatorCommand.self],
        defaultSubcommand: RunCommand.self)
}

/// The entry point: ArgumentParser's own, except that usage errors exit with 2 (the documented
/// status for usage and configuration errors) instead of its 64.
@main
enum Main {
    static func main() async {
        do {
            var command = try Pclua.parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            let code = Pclua.exitCode(for: error)
            if code == .validationFailure {
                printError(Pclua.fullMessage(for: error))
                exit(ExitStatus.usage)
            }
            Pclua.exit(withError: error)
        }
    }
}
