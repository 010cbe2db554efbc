import Foundation
import LuaKit
import PureCloud

enum Pclua {
    static let version = "pclua \(PurecloudVersion.current) (Lua 5.4)"

    /// `pclua --help`, `pclua help` and `pclua run --help`: one page laid out for 80 columns, with
    /// the run flags listed from their declaration (CommandHelp), as every subcommand's page.
    static var helpPage: String {
        intro + "\npclua's options (before the script name):\n" + CommandHelp.options([.run]) + "\n" + outro + "\n"
    }

    static let intro = """
        pclua: the Genesys Cloud Groups and Users APIs as Lua 5.4 scripts, a REPL,
        and an emulator to rehearse them on.

        Usage:
          pclua [options] [script [args...]]
                            run a script (its arguments are in `arg` and `...`);
                            with no script on a terminal, the REPL
          pclua script.lua [args...]     the same, the usual form
          pclua -e 'chunk'               run a chunk (repeatable, before the script)
          pclua --emulator script.lua    run against an in-process demo org
          pclua snapshot --out org.json  a read-only copy of an org (the emulator's
                                         data format)
          pclua rehearse --snapshot org.json script.lua [args...]
                                         run the script on that copy, then print
                                         what it would change
          pclua diff before.json after.json
                                         the same plan between two data files
          pclua undo --audit-log FILE [--run ID]
                                         undo a run: its plan, a question, the writes
          pclua restore --snapshot FILE [--groups PATTERN]
                                         groups back to a snapshot's state, likewise
          pclua emulator [--port N]      serve the emulator (pclua emulator --help)
          pclua definitions --out DIR    purecloud.d.lua and .luacheckrc for editors
                                         and luacheck (docs/editors.md)
        Subcommands are recognised by bare name only: ./run or any path is a script.

        Lua options (as lua5.4):
          -e chunk      run the chunk             -l mod, -l g=mod   g = require "mod"
          -i            the REPL afterwards       -v                 the version
          -E            ignore LUA_INIT, LUA_PATH and LUA_CPATH
          -W            turn warnings on          --                 end of options
          -             the script is standard input

        pclua's --flags go before the script name; after it they are the script's
        arguments. Two exceptions keep a misplaced flag from writing: --dry-run is
        honoured wherever it stands (the script does not see it), and the flags that
        choose the org or credentials are refused after the script name.

        """

    static let outro = """

        Credentials and environment: the command line wins.
          1. flags: --client-id and --client-secret, or --access-token;
             --environment or --base-url
          2. --profile NAME (~/.gc/config.toml, the Genesys Cloud CLI's), used as a
             whole: credential environment variables are then ignored (a warning
             names them)
          3. without --profile, key by key: environment variables
             (PURECLOUD_CLIENT_ID, PURECLOUD_SECRET, PURECLOUD_ENVIRONMENT, or
             GENESYSCLOUD_OAUTHCLIENT_ID, GENESYSCLOUD_OAUTHCLIENT_SECRET,
             GENESYSCLOUD_REGION, GENESYSCLOUD_ACCESS_TOKEN), then the [DEFAULT]
             profile
        Before its first request a run asks who the token belongs to (tokens/me)
        and names that org, its region and the OAuth client on stderr, with the
        run id; --expect-org (or PCLUA_EXPECT_ORG) stops it if that is another org.

        Exit status:
          0    success
          1    the script failed
          2    usage or configuration error
          3    authentication refused
          4    the run changed something and did not finish (it says what it
               changed; run it again to finish), or some people could not be
               changed (the output names them: correct those rows)
          5    --lock is held by another run; nothing was done
          6    --expect-org: the token belongs to another org (or its org cannot
               be told); nothing was sent
          130  interrupted (Ctrl-C or SIGTERM)

        More: README.md, docs/lua-api.md, docs/rehearse.md, docs/undo-restore.md,
        docs/cron.md.
        """
}

/// The entry point: a bare subcommand name goes to that subcommand (read by CommandFlags);
/// anything else is lua.c's command line, read as bytes. `pclua run ...` is the same command line.
/// Synchronous (AsyncWork says why): the subcommands run as an async main would run them.
@main
enum Main {
    static func main() {
        LuaHost.recordInitialSignals()  // what os.execute's and io.popen's children get back
        // A file over the size limit (ulimit -f) is a write error to report (the audit log stops
        // the run cleanly), not a signal that kills pclua mid-write.
        signal(SIGXFSZ, SIG_IGN)
        let argv = LuaCommandLine.processArguments()
        let words = argv.map { String(decoding: $0, as: UTF8.self) }
        let first = words.count > 1 ? words[1] : nil
        // `-h` is lua.c's: an unrecognized option (its usage message points to --help).
        switch first {
        case "--help" where words.count == 2, "help" where words.count == 2:
            emit(Pclua.helpPage, terminator: "")
        case "--version" where words.count == 2:
            emit(Pclua.version)
        case "help" where words.count == 3:
            if words[2] == "run" { emit(Pclua.helpPage, terminator: ""); return }
            if words[2] == "rehearse" { emit(RehearseCommand.usage, terminator: ""); return }
            guard let subcommand = Subcommand.named(words[2]) else {
                printError("pclua help: no command \(words[2]); the commands are run, rehearse, \(Subcommand.all.map(\.name).joined(separator: ", "))")
                exit(ExitStatus.usage)
            }
            emit(subcommand.help, terminator: "")
        case "rehearse":
            RehearseCommand.main(argv, from: 2)
        default:
            if let subcommand = Subcommand.named(first) {
                let words = Array(words.dropFirst(2))
                AsyncWork.runAsMain { await subcommand.main(words) }
            }
            runLuaCommandLine(argv, words: words, from: first == "run" ? 2 : 1)
        }
    }

    static func runLuaCommandLine(_ argv: [[UInt8]], words: [String], from start: Int) {
        // Before the run's log exists, its format is read from the arguments: with --log-format
        // json even a refused command line is one JSON line.
        var json = OperatorMessage.wantsJSON(Array(words.dropFirst(start)))
        do {
            let line = try LuaCommandLine.parse(argv, from: start)
            json = OperatorMessage.wantsJSON(line.longFlags)
            // A flag pclua does not know before the script: most often the script's, misplaced.
            if let misplaced = FlagPlacement.unknownBeforeScript(line, from: start) {
                OperatorMessage.error(misplaced.description, json: json, fields: misplaced.corrected.map { [("corrected", .string($0))] } ?? [])
                exit(ExitStatus.usage)
            }
            let command = try RunCommand(CommandFlags.parse(line.longFlags, for: [.run]))
            try command.run(line)
        } catch is CommandFlags.HelpRequested {
            emit(Pclua.helpPage, terminator: "")
        } catch let error as LuaCommandLine.UsageError {
            OperatorMessage.error("\(error)", json: json)
            exit(ExitStatus.usage)
        } catch let error as CommandFlags.UsageError {
            OperatorMessage.error(error.description, json: json)
            exit(ExitStatus.usage)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            OperatorMessage.error("\(error)", json: json)
            exit(ExitStatus.scriptError)
        }
    }
}
