import Foundation
import LuaREPL
import PureCloudEmulator
import PureCloud
import PureCloudLua

/// `pclua [options] [script [args]]`, `pclua run ...`: a Lua command line (LuaCommandLine reads
/// lua.c's options, the script and its arguments) with pclua's long flags, read by CommandFlags
/// from the declaration of `run`'s settings.
struct RunCommand {
    let emulator: Bool
    let emulatorData: String?
    let org: OrgFlags
    let dryRun, quiet: Bool
    let lock, auditLog: String?
    let tuning: TuningFlags

    init(_ flags: CommandFlags) throws {
        emulator = flags.isOn(.emulator)
        emulatorData = flags.text(.emulatorData)
        org = try OrgFlags(flags)
        dryRun = flags.isOn(.dryRun)
        quiet = flags.isOn(.progress)
        lock = flags.text(.lock)
        auditLog = flags.text(.auditLog)
        tuning = TuningFlags(flags)
        if (emulator || emulatorData != nil) && (org.baseUrl != nil || org.environment != nil) {
            throw CommandFlags.UsageError(description: "--emulator runs its own server; it cannot be combined with --base-url or --environment")
        }
    }

    /// The script's arguments once pclua's flags that stood after the script name are dealt
    /// with: `--dry-run` is honoured and taken out (the script never sees it); a flag that
    /// decides where writes go is refused, because after the script name it would silently
    /// become the script's argument while the run went to the org the other flags name.
    static func scriptArguments(of line: LuaCommandLine, dryRun: inout Bool) throws -> [[UInt8]] {
        var kept: [[UInt8]] = []
        var unchecked = false
        for argument in line.scriptArguments {
            let text = String(decoding: argument, as: UTF8.self)
            if text == "--dry-run" {  // wherever it stands, even after "--": a dry run is never lost
                dryRun = true
                continue
            }
            // After a "--" of its own the script's arguments are its own, whatever they look like.
            if unchecked || text == "--" {
                unchecked = true
                kept.append(argument)
                continue
            }
            let name = String(text.prefix { $0 != "=" })
            if name == "--dry-run" || LuaCommandLine.placementSensitiveFlags.contains(name) {
                let script = String(decoding: line.script ?? [], as: UTF8.self)
                throw ConfigurationError("\(name) is pclua's option and must come before the script name: pclua \(name)\(LuaCommandLine.longFlagsWithValue.contains(name) ? " ..." : "") \(script) ... (after it, it would only be an argument of the script). Nothing was run.")
            }
            if looksLikeDryRun(text) {
                throw ConfigurationError("'\(text)' after the script name looks like pclua's --dry-run, which is spelt --dry-run; nothing was run (to pass it to the script as it is, put -- before it)")
            }
            kept.append(argument)
        }
        return kept
    }

    /// `pclua rehearse`: the run goes to an in-process emulator loaded from `snapshot`; `started`
    /// gets that emulator before the script runs (the plan is taken from it when the script ends,
    /// however it ends, os.exit included).
    struct Rehearsal {
        let snapshot: String
        let started: (PureCloudEmulator) -> Void
    }

    /// `--dryrun`, `--dry_run`, `--Dry-Run`, `-dry-run`, `—dry-run` (a dash pasted from a chat or
    /// a document): a near miss of --dry-run must not silently become a real run.
    static func looksLikeDryRun(_ text: String) -> Bool {
        var word = text.lowercased().replacingOccurrences(of: "\u{2014}", with: "--").replacingOccurrences(of: "\u{2013}", with: "--")
            .replacingOccurrences(of: "_", with: "-")
        guard word.hasPrefix("-") || word.hasPrefix("\u{2212}") else { return false }
        while word.hasPrefix("-") { word.removeFirst() }
        word = String(word.prefix { $0 != "=" })
        return Validator.closest(word, among: ["dry-run", "dryrun"]) != nil
    }

    func run(_ line: LuaCommandLine, rehearsal: Rehearsal? = nil) throws {
        let runId = RunContext.newId()
        let log = EventLog(level: tuning.log.level, format: tuning.log.format,
                           context: [("run_id", .string(runId))], sink: { writeStandardError($0 + "\n") })
        let report = { (message: String) in
            if log.format == .json { log.error(message) } else { printError("\(ProgramName.current): \(message)") }
        }
        var held: LockFile?
        if let lock {
            do { held = try LockFile(path: lock, runId: runId) } catch let failure as LockFile.Failure {
                report("\(failure)")
                // Only a lock another run holds is 5; a path that cannot be a lock file is a usage error.
                if case .held = failure { throw ExitCode(ExitStatus.lockHeld) }
                throw ExitCode(ExitStatus.usage)
            }
        }
        defer { _ = held }  // the lock is held until the run ends, however it ends
        var dryRun = self.dryRun
        let scriptArguments: [[UInt8]]
        do { scriptArguments = try Self.scriptArguments(of: line, dryRun: &dryRun) } catch let error as ConfigurationError {
            report("\(error)")
            throw ExitCode(ExitStatus.usage)
        }
        var settings = SessionSettings()
        settings.dryRun = dryRun
        settings.dryRunRequired = dryRun
        settings.progress = !quiet
        tuning.apply(to: &settings)
        let runningEmulator: RunningEmulator?
        let audit: AuditLog?
        do {
            (runningEmulator, audit) = try connect(&settings, rehearsal: rehearsal, log: log)
        } catch let error as ConfigurationError {
            report("\(error)")
            throw ExitCode(ExitStatus.usage)
        }

        // lua.c: no script, no -e and no -v reads standard input, or opens the REPL on a terminal.
        let implicit = line.script == nil && !line.hasChunk && !line.showVersion
        let terminal = isatty(STDIN_FILENO) != 0
        let repl = line.interactive || (implicit && terminal)
        let label = runningEmulator != nil ? "emulator" : settings.environment?.displayName ?? (settings.credentials == nil ? REPL.notConnected : Environment.default.displayName)

        // A script or chunk that can write names its org on stderr before its first request
        // (--quiet leaves that line off a terminal, not out of a log file); a dry run or a
        // rehearsal logs it at info, and the REPL names it in its banner and prompt.
        let onTerminal = isatty(STDERR_FILENO) != 0
        let quiet = self.quiet
        settings.run = RunContext(
            id: runId, log: log, expectedOrg: org.expectedOrg,
            announces: !dryRun && runningEmulator == nil && !(repl && terminal),
            announce: { line in if !(quiet && onTerminal) { writeStandardError(line + "\n") } },
            audit: audit, command: line.script.map { String(decoding: $0, as: UTF8.self) } ?? (line.hasChunk ? "-e" : nil))

        let session = PurecloudSession(settings: settings, log: log)
        // The terminal REPL handles Ctrl-C itself; lua.c's plain loop (stdin not a terminal) as lua.c.
        let signals = SignalHandling(bridge: session.bridge, interactive: repl && terminal, interruptKeepsSession: repl && !terminal)
        // A rehearsal's writes went to a copy: the script's own status stands, nothing to report.
        let ending = runningEmulator == nil ? settings.run.map { RunEnding(run: $0, log: log, auditPath: auditLog) } : nil
        ending?.install()
        let runner = ScriptRunner(line: line, scriptArguments: scriptArguments, session: session, signals: signals,
                                  interactiveLabel: repl ? label : nil, readsStandardInput: implicit && !terminal && !line.interactive,
                                  ending: ending)
        // If the script refuses its arguments and one of them is pclua's flag, say where it goes.
        if let misplaced = FlagPlacement.pcluaFlagAfterScript(line) {
            FlagPlacement.sayIfRefused {
                OperatorMessage.error(misplaced.description, json: log.format == .json, fields: [("corrected", .string(misplaced.corrected ?? ""))])
            }
        }
        let status = runner.runOnLuaThread()
        FlagPlacement.runEnded(status: status)
        if let runningEmulator { _ = try? AsyncWork.wait { await runningEmulator.stop() } }
        if status != ExitStatus.success { throw ExitCode(status) }
    }

    /// Where the run's requests go: the in-process emulator (--emulator, --emulator-data, a
    /// rehearsal's copy, sealed so nothing leaves it), or the org the credentials name; and the
    /// audit log, opened before anything is sent.
    private func connect(_ settings: inout SessionSettings, rehearsal: Rehearsal?, log: EventLog) throws -> (RunningEmulator?, AuditLog?) {
        var runningEmulator: RunningEmulator?
        var server: PureCloudEmulator?
        var audit: AuditLog?
        if emulator || emulatorData != nil || rehearsal != nil {
            var configuration = EmulatorConfiguration()
            if let emulatorData { configuration.data = .file(emulatorData) }
            if let rehearsal {
                configuration.data = .file(rehearsal.snapshot)
                configuration.rateLimit = 0  // the copy answers at once; the plan estimates the real pace
            }
            do { server = try PureCloudEmulator(configuration: configuration) } catch {
                throw ConfigurationError("\(error)")
            }
            guard let server else { throw ConfigurationError("the emulator did not start") }
            rehearsal?.started(server)
            let running = try AsyncWork.wait { try await server.start() }
            runningEmulator = running
            settings.environment = try Environment.baseURL(running.baseURL)
            settings.credentials = .clientCredentials(id: EmulatorConfiguration.defaultClientId, secret: Secret(EmulatorConfiguration.defaultClientSecret))
            try settings.seal()  // a rehearsal: nothing the script calls can leave the emulator
            log.info("started the in-process emulator", [("url", .string(running.baseURL))])
        } else {
            try CredentialSources.load(flags: org, into: &settings, log: log)
        }
        if let auditLog {
            audit = try AuditLog(path: auditLog)
            if let torn = audit?.skippedLines, !torn.isEmpty {
                log.warn("the audit log \(auditLog) has \(torn.count) line\(torn.count == 1 ? "" : "s") that \(torn.count == 1 ? "is" : "are") not a whole record (a crash mid-line?); skipped: line\(torn.count == 1 ? "" : "s") \(torn.prefix(5).map(String.init).joined(separator: ", "))")
            }
        }
        return (runningEmulator, audit)
    }
}

/// Where credentials and the environment come from. What is on the command line wins, as with
/// the AWS and gcloud CLIs: flags first; an explicit `--profile` is then used as a whole and the
/// credential environment variables are not read at all (a warning names the ones that were set,
/// never their values); without `--profile`, key by key: flags, then the environment variables,
/// then the `[DEFAULT]` profile of the `gc` CLI's config file.
enum CredentialSources {
    /// The environment variables that say where to connect and with which credentials.
    static let environmentNames = [
        "PURECLOUD_ENVIRONMENT", "PURECLOUD_CLIENT_ID", "PURECLOUD_SECRET", "PURECLOUD_CLIENT_SECRET", "PURECLOUD_ACCESS_TOKEN",
        "GENESYSCLOUD_REGION", "GENESYSCLOUD_ENVIRONMENT", "GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_SECRET",
        "GENESYSCLOUD_ACCESS_TOKEN",
    ]

    /// The `gc` profile file, then the flags and the environment variables, into `settings`;
    /// what `run` and every subcommand that talks to an org read.
    static func load(flags: OrgFlags, into settings: inout SessionSettings, log: EventLog) throws {
        settings.profiles = try ProfileFile.load(path: ProfileFile.defaultPath(home: ProcessEnvironment.home))
        if let warning = settings.profiles?.warning { log.warn(warning) }
        if let warning = try apply(flags: flags, environment: ProcessEnvironment.value, to: &settings) { log.warn(warning) }
    }

    /// Fills `settings` and returns a warning when set environment variables were ignored.
    @discardableResult
    static func apply(flags: OrgFlags, environment env: (String) -> String?, to settings: inout SessionSettings) throws -> String? {
        func value(_ names: String...) -> String? {
            for name in names { if let value = env(name), !value.isEmpty { return value } }
            return nil
        }
        let explicitProfile = flags.profile
        // 1. Flags, and (without an explicit profile) the environment variables.
        if let baseURL = flags.baseUrl {
            settings.environment = try Environment.baseURL(baseURL)
        } else if let name = flags.environment ?? (explicitProfile == nil ? value("PURECLOUD_ENVIRONMENT", "GENESYSCLOUD_REGION", "GENESYSCLOUD_ENVIRONMENT") : nil) {
            settings.environment = try Environment.named(name)
        }
        let envId = explicitProfile == nil ? value("PURECLOUD_CLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_ID") : nil
        let envSecret = explicitProfile == nil ? value("PURECLOUD_SECRET", "PURECLOUD_CLIENT_SECRET", "GENESYSCLOUD_OAUTHCLIENT_SECRET") : nil
        if let token = flags.accessToken {
            settings.credentials = .accessToken(Secret(token))
        } else if flags.clientId != nil || flags.clientSecret != nil {
            guard let id = flags.clientId ?? envId, let secret = flags.clientSecret ?? envSecret else {
                let source = explicitProfile == nil ? " (or PURECLOUD_CLIENT_ID)" : " (with --profile, both come from the command line or both from the profile)"
                throw ConfigurationError(flags.clientId == nil ? "--client-secret was given without a client id (--client-id\(source))" : "--client-id was given without a secret (--client-secret\(explicitProfile == nil ? " or PURECLOUD_SECRET" : source))")
            }
            settings.credentials = .clientCredentials(id: id, secret: Secret(secret))
        } else if let id = envId {
            guard let secret = envSecret else {
                throw ConfigurationError("PURECLOUD_CLIENT_ID is set but no secret: set PURECLOUD_SECRET (or GENESYSCLOUD_OAUTHCLIENT_SECRET)")
            }
            settings.credentials = .clientCredentials(id: id, secret: Secret(secret))
        } else if explicitProfile == nil, let token = value("GENESYSCLOUD_ACCESS_TOKEN", "PURECLOUD_ACCESS_TOKEN") {
            settings.credentials = .accessToken(Secret(token))
        }
        let ignored = explicitProfile == nil ? [] : environmentNames.filter { !(env($0) ?? "").isEmpty }

        // 2. The profile fills in what is still missing. A profile named with --profile must exist;
        //    the DEFAULT one is used only when the file has it.
        let name = explicitProfile ?? ProfileFile.defaultProfile
        let warning = ignored.isEmpty ? nil
            : "--profile \(name) is used as a whole; ignored the environment variable\(ignored.count == 1 ? "" : "s") \(ignored.joined(separator: ", "))"
        guard let profiles = settings.profiles else {
            if let named = explicitProfile {
                throw ConfigurationError("--profile \(named): there is no \(ProfileFile.defaultPath(home: env("HOME") ?? "~"))")
            }
            return warning
        }
        guard explicitProfile != nil || profiles.profiles[name] != nil else { return warning }
        let profile = try profiles.profile(name)
        if settings.environment == nil, let environment = profile.environment {
            settings.environment = try Environment.named(environment)
        }
        if settings.credentials == nil { settings.credentials = try profile.credentials() }
        return warning
    }
}
