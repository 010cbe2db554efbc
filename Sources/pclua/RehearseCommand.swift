import Foundation
import PureCloud
import PureCloudEmulator
import Synchronization

/// `pclua rehearse --snapshot org.json [--plan-out plan.json] script.lua [args...]`: the script runs
/// in full against an in-process emulator loaded from the snapshot, sealed like any `--emulator-data`
/// run, and its effect on the copy is printed as a plan (the same plan `pclua diff` prints).
enum RehearseCommand {
    static let usage = CommandHelp.page(
        usage: "pclua rehearse --snapshot <file> [options] script.lua [args...]",
        abstract: "Run a script on a copy of an org (a snapshot), then print what it would change.",
        discussion: """
            Runs the script on an in-process copy of the org in FILE (pclua snapshot writes one; any \
            emulator data file works); nothing can reach a real org. When the script ends, however \
            it ends, prints what it changed on the copy: groups created, renamed, changed and \
            deleted, and the people added and removed. The script's output and exit status are \
            kept. Besides the options below, it takes pclua's and lua's (pclua --help), except \
            those that choose an org. pclua rehearse --snapshot FILE undo ... (or restore ...) \
            rehearses the way back. See docs/rehearse.md.
            """,
        commands: [.rehearse])

    /// Rehearse's own flags (declared for `rehearse` in PureCloud/Settings.swift).
    struct Options: Sendable {
        let snapshot, planOut: String?
        let limit, rateLimit: Int

        init(_ flags: CommandFlags) {
            snapshot = flags.text(.snapshot)
            planOut = flags.text(.planOut)
            limit = flags.count(.limit)
            rateLimit = flags.count(.rateLimit)
        }
    }

    /// The plan still to print: set once the emulator exists, taken by whichever comes first, the
    /// end of the run or C's exit() (os.exit in the script skips every Swift frame above it).
    static let pending = Mutex<(@Sendable () -> Bool)?>(nil)

    static func printPendingPlan() -> Bool {
        guard let report = pending.withLock({ value -> (@Sendable () -> Bool)? in defer { value = nil }; return value }) else { return true }
        return report()
    }

    /// Reads the command line as `pclua run` reads it (lua.c's options, the script, its
    /// arguments), with rehearse's flags declared beside run's, so they may stand anywhere among
    /// the options before the script; `undo` or `restore` in the script's place rehearses that.
    static func main(_ argv: [[UInt8]], from start: Int) {
        json = OperatorMessage.wantsJSON(argv.dropFirst(start).map { String(decoding: $0, as: UTF8.self) })
        let (line, flags) = parsed(argv, from: start)
        let options = Options(flags)
        if let index = line.scriptIndex, let kind = line.script.map({ String(decoding: $0, as: UTF8.self) }), ["undo", "restore"].contains(kind) {
            // The way back, rehearsed: the same plan and writes, on the copy.
            let arguments = Array(argv[(index + 1)...])
            AsyncWork.runAsMain { await rehearseWayBack(kind, arguments, options: options) }
        }
        let command: RunCommand
        do { command = try RunCommand(flags) } catch { fail("\(error)") }
        let (snapshot, before) = checkedBeforeRunning(line, command, options, flags)

        atexit { _ = RehearseCommand.printPendingPlan() }
        var status = ExitStatus.success
        do {
            try command.run(line, rehearsal: RunCommand.Rehearsal(snapshot: snapshot) { emulator in
                pending.withLock { $0 = { report(before: before, emulator: emulator, options: options) } }
            })
        } catch let code as ExitCode {
            status = code.rawValue
        } catch {
            OperatorMessage.error("\(error)", json: json, prefix: "pclua rehearse")
            status = ExitStatus.scriptError
        }
        if !printPendingPlan() && status == ExitStatus.success { status = ExitStatus.usage }
        exit(status)
    }

    /// lua.c's command line with rehearse's and run's flags, or the reason it is refused (or the help).
    static func parsed(_ argv: [[UInt8]], from start: Int) -> (LuaCommandLine, CommandFlags) {
        do {
            let line = try LuaCommandLine.parse(argv, from: start, commands: [.rehearse, .run])
            json = OperatorMessage.wantsJSON(line.longFlags)
            if let misplaced = FlagPlacement.unknownBeforeScript(line, from: start) { fail(misplaced.description) }
            // --snapshot is checked after the flags a rehearsal refuses: those are the reason, whatever else is missing.
            return (line, try CommandFlags.parse(line.longFlags, for: [.rehearse, .run], checkRequired: false))
        } catch is CommandFlags.HelpRequested {
            help()
        } catch let error as LuaCommandLine.UsageError {
            if error.option == "-h" { help() }
            fail("\(error)")
        } catch {
            fail("\(error)")
        }
    }

    static func help() -> Never {
        emit(usage, terminator: "")
        exit(ExitStatus.success)
    }

    /// What a rehearsal refuses or needs, checked before anything runs; the snapshot's path and contents.
    static func checkedBeforeRunning(_ line: LuaCommandLine, _ command: RunCommand, _ options: Options, _ flags: CommandFlags) -> (String, OrgData) {
        // What the rehearsal refuses comes first: it is the reason, whatever else is missing.
        let refused = Settings.flags(of: .run).filter { $0.choosesOrg && flags.has($0.id) }.compactMap(\.flag)
        if !refused.isEmpty {
            fail("a rehearsal runs on its snapshot only, never on a real org or another emulator; leave out \(refused.joined(separator: ", ")) (it takes no org and no credentials)")
        }
        guard let snapshot = options.snapshot else { fail("--snapshot FILE is required (pclua snapshot --out FILE makes one)") }
        let before: OrgData
        do { before = try OrgData.load(path: snapshot) } catch { fail("\(error)") }
        if let planOut = options.planOut {
            do { _ = try AtomicFile.target(planOut) } catch { fail("--plan-out: \(error)") }
        }
        guard line.script != nil || line.hasChunk else { fail("give the script to rehearse (or -e 'chunk')") }
        if let script = line.script, script != Array("-".utf8) {
            let path = String(decoding: script, as: UTF8.self)
            guard FileManager.default.isReadableFile(atPath: path) else { fail("cannot open \(path)") }
        }
        if command.dryRun || line.scriptArguments.contains(Array("--dry-run".utf8)) {
            fail("a rehearsal already changes nothing real, and --dry-run would leave its plan empty; leave --dry-run out")
        }
        if command.auditLog != nil {
            fail("--audit-log records writes to a real org; a rehearsal's writes go to its copy (its plan is the record: --plan-out)")
        }
        return (snapshot, before)
    }

    /// `pclua rehearse --snapshot FILE undo|restore ...`: the undo or restore runs in full (planned
    /// and written, no question asked: it is a copy) against an in-process emulator loaded from the
    /// snapshot, then the rehearsal's plan is printed as for a script. It takes no org and no
    /// credentials; an undo reads its audit log but records nothing in it.
    static func rehearseWayBack(_ kind: String, _ arguments: [[UInt8]], options: Options) async -> Never {
        let words = arguments.map { String(decoding: $0, as: UTF8.self) }
        json = json || OperatorMessage.wantsJSON(words)
        let refused = ["--base-url", "--environment", "--profile", "--client-id", "--client-secret", "--access-token", "--yes", "--lock", "--plan-out"]
            .filter { flag in words.contains { $0 == flag || $0.hasPrefix(flag + "=") } }
        if !refused.isEmpty {
            fail("a rehearsed \(kind) runs on the snapshot only and writes without asking (it is a copy); leave out \(refused.joined(separator: ", ")) (give --plan-out to rehearse itself, before \(kind))")
        }
        guard let snapshot = options.snapshot else { fail("--snapshot FILE is required (pclua snapshot --out FILE makes one)") }
        let before: OrgData
        do { before = try OrgData.load(path: snapshot) } catch { fail("\(error)") }
        let wayBack: WayBackRun
        do {
            if kind == "undo" {
                let command = try UndoCommand(CommandFlags.parse(words, for: [.undo]))
                guard !command.list else { try await command.run(); exit(ExitStatus.success) }
                wayBack = try command.wayBack()
            } else {
                let command = try RestoreCommand(CommandFlags.parse(words, for: [.restore]))
                guard command.auditLog == nil else { fail("--audit-log records writes to a real org; a rehearsal's writes go to its copy") }
                wayBack = command.wayBack(try OrgData.load(path: command.snapshot))
            }
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch is CommandFlags.HelpRequested {
            emit((kind == "undo" ? UndoCommand.subcommand : RestoreCommand.subcommand).help, terminator: "")
            exit(ExitStatus.success)
        } catch {
            fail("\(error)")
        }
        var configuration = EmulatorConfiguration()
        configuration.data = .file(snapshot)
        configuration.rateLimit = 0
        let emulator: PureCloudEmulator, running: RunningEmulator
        do {
            emulator = try PureCloudEmulator(configuration: configuration)
            running = try await emulator.start()
        } catch { fail("\(error)") }
        var rehearsed = wayBack
        let environment: Environment
        do { environment = try Environment.baseURL(running.baseURL) } catch { fail("\(error)") }
        var client = ClientConfiguration(environment: environment,
                                         credentials: .clientCredentials(id: EmulatorConfiguration.defaultClientId, secret: Secret(EmulatorConfiguration.defaultClientSecret)))
        client.concurrency = wayBack.connection.tuning.concurrency
        rehearsed.configuration = client
        rehearsed.auditPath = nil
        rehearsed.options.yes = true
        rehearsed.options.dryRun = false
        var status = ExitStatus.success
        do { try await rehearsed.run() } catch let code as ExitCode { status = code.rawValue } catch { status = ExitStatus.scriptError }
        let reported = report(before: before, emulator: emulator, options: options)
        await running.stop()
        exit(!reported && status == ExitStatus.success ? ExitStatus.usage : status)
    }

    /// Prints the plan of what the script did to the copy, and writes it with --plan-out; false when
    /// the plan could not be taken or written.
    @Sendable static func report(before: OrgData, emulator: PureCloudEmulator, options: Options) -> Bool {
        let after: OrgData
        do {
            guard let json = JSONValue.parse(Array(emulator.exportedState().utf8)) else { throw OrgDataError("the emulator's state is not JSON") }
            after = try OrgData(json: json, source: "the rehearsal's final state")
        } catch {
            OperatorMessage.error("cannot read the final state: \(error)", json: json, prefix: "pclua rehearse")
            return false
        }
        let plan = OrgDiff.plan(before: before, after: after)
        let (requests, writes, tokens) = emulator.requestTotals()
        fflush(nil)  // every C stream: the script's io.write output first, then the plan
        emit("\n--- Rehearsal plan (nothing was sent to the real org) ---\n"
             + plan.text(limit: options.limit, ratePerMinute: options.rateLimit, measured: .init(requests: requests, writes: writes, tokens: tokens)), terminator: "")
        guard let path = options.planOut else { return true }
        var json = plan.json(ratePerMinute: options.rateLimit)
        if case var .object(members) = json {
            members.append(("rehearsal", .object([("requests", .int(Int64(requests))), ("writes", .int(Int64(writes))), ("tokens", .int(Int64(tokens)))])))
            json = .object(members)
        }
        do { try AtomicFile.write(json.encodedLines(), to: path) } catch {
            OperatorMessage.error("the plan was not written: \(error)", json: Self.json, prefix: "pclua rehearse")
            return false
        }
        return true
    }

    /// Whether the command line asked for --log-format json (its refusals are JSON lines then).
    nonisolated(unsafe) static var json = false

    static func fail(_ message: String) -> Never {
        OperatorMessage.error(message, json: json, prefix: "pclua rehearse")
        exit(ExitStatus.usage)
    }
}
