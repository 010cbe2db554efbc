import ArgumentParser
import Foundation
import CLuaShim
import PureCloud

struct Pclua: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pclua",
        abstract: "Genesys Cloud Groups API scripting in Lua 5.4.",
        discussion: usageText,
        version: "pclua \(PurecloudVersion.current) (Lua 5.4)",
        subcommands: [RunCommand.self, EmulatorCommand.self],
        defaultSubcommand: RunCommand.self)

    /// Shown by `pclua --help` and `pclua run --help`: the ways to run it, where credentials come
    /// from, and the exit statuses cron users rely on.
    static let usageText = """
            pclua [opts] [script [args]]   lua.c's command line, with pclua's --flags among its options
            pclua script.lua [args...]     run a script; its arguments are in `arg` and `...`
            pclua -e 'chunk'               run a chunk (repeatable, in order, before the script)
            pclua -l mod, -l g=mod         g = require("mod") before the script
            pclua -v, -E, -W, --, -        version; no LUA_INIT/LUA_PATH; warnings; end of options; stdin
            pclua --emulator script.lua    run against an in-process emulator with a demo org
            pclua [--emulator]             the interactive REPL (also after a script or chunks with -i)
            pclua emulator ... / run ...   subcommands by bare name only: ./run is a script

            pclua's --flags go before the script name; after it, arguments are the script's, except
            --dry-run, honoured wherever it stands (the script does not see it), and the flags that
            choose the org or credentials (--emulator, --emulator-data, --environment, --base-url,
            --profile, --client-id, --client-secret, --access-token), refused there.

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
        pclua_record_initial_signals()  // what os.execute's and io.popen's children get back
        let argv = LuaCommandLine.processArguments()
        let first = argv.count > 1 ? String(decoding: argv[1], as: UTF8.self) : nil
        // A bare subcommand name (or pclua's help and version) goes to ArgumentParser; anything
        // else is lua.c's command line, read as bytes. `pclua run ...` is the same command line.
        if let first, !["emulator", "help", "--help", "-h", "--version"].contains(first) {
            await runLuaCommandLine(argv, from: first == "run" ? 2 : 1)
            return
        }
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

    static func runLuaCommandLine(_ argv: [[UInt8]], from start: Int) async {
        do {
            let line = try LuaCommandLine.parse(argv, from: start)
            let command = try RunCommand.parse(line.longFlags)
            try await command.run(line)
        } catch let error as LuaCommandLine.UsageError {
            printError("pclua: \(error)")
            exit(ExitStatus.usage)
        } catch {
            if RunCommand.exitCode(for: error) == .validationFailure {
                printError(RunCommand.fullMessage(for: error))
                exit(ExitStatus.usage)
            }
            RunCommand.exit(withError: error)
        }
    }
}
