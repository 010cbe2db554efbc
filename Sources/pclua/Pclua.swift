import ArgumentParser
import Foundation
import PureCloud

struct Pclua: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pclua",
        abstract: "Genesys Cloud Groups API scripting in Lua 5.4.",
        discussion: usageText,
        version: "pclua \(PurecloudVersion.current) (Lua 5.4)",
        subcommands: [RunCommand.self, EmulatorCommand.self, SnapshotCommand.self, DiffCommand.self],
        defaultSubcommand: RunCommand.self)

    /// Shown by `pclua --help` and `pclua run --help`: the ways to run it, where credentials come
    /// from, and the exit statuses cron users rely on.
    static let usageText = """
            pclua script.lua [args...]     run a script; its arguments are in `arg` and `...`
            pclua -e 'chunk'               run a chunk (repeatable, in order, before the script)
            pclua --emulator script.lua    run against an in-process emulator with a demo org
            pclua [--emulator]             the interactive REPL (also after a script or chunks with -i)

            Credentials and environment, first found wins, key by key: flags (--client-id/--client-secret
            or --access-token, --environment or --base-url); the environment variables
            PURECLOUD_CLIENT_ID, PURECLOUD_SECRET, PURECLOUD_ENVIRONMENT, or GENESYSCLOUD_OAUTHCLIENT_ID,
            GENESYSCLOUD_OAUTHCLIENT_SECRET, GENESYSCLOUD_REGION, GENESYSCLOUD_ACCESS_TOKEN; then the
            profile (--profile, else [DEFAULT]) of the Genesys Cloud CLI's ~/.gc/config.toml.

            Exit status: 0 success; 1 the script failed; 2 usage or configuration error;
            3 authentication refused; 4 a bulk membership helper stopped part way or reported ids it
            could not change; 5 --lock is held by another run; 130 interrupted (Ctrl-C or SIGTERM).
            """
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
