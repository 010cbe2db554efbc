import Foundation
import PureCloud

/// What `pclua undo` and `pclua restore` share (DESIGN.md §5d): the plan first, in the format of
/// `rehearse` and `diff`, then a question on a terminal (or `--yes`), then the writes through the
/// same membership job as the scripts, with the run's audit log, lock, report and exit statuses.
struct WayBackOptions {
    var yes, dryRun: Bool
    let quiet: Bool
    let planOut, lock: String?
    let maxRemovals: Int?
    let limit, rateLimit: Int

    init(_ flags: CommandFlags) throws {
        yes = flags.isOn(.yes)
        dryRun = flags.isOn(.dryRun)
        quiet = flags.isOn(.progress)
        planOut = flags.text(.planOut)
        lock = flags.text(.lock)
        maxRemovals = flags.optionalCount(.maxRemovals)
        limit = flags.count(.limit)
        rateLimit = flags.count(.rateLimit)
        if yes && dryRun { throw CommandFlags.UsageError(description: "give --yes or --dry-run, not both") }
    }
}

/// What `undo` and `restore` read from their command line: their own flags, the way back's
/// options, and which org to reach and how.
struct WayBackCommandLine {
    let flags: CommandFlags
    let options: WayBackOptions
    let connection: ConnectionFlags

    init(_ flags: CommandFlags) throws {
        self.flags = flags
        options = try WayBackOptions(flags)
        connection = try ConnectionFlags(flags)
    }
}

/// `pclua undo` and `pclua restore`: what they read, under the names their code uses.
protocol WayBackCommand {
    var line: WayBackCommandLine { get }
}

extension WayBackCommand {
    var flags: CommandFlags { line.flags }
    var options: WayBackOptions { line.options }
    var connection: ConnectionFlags { line.connection }
}

/// One undo or restore: connect, check the org, plan, show, ask, write, report.
struct WayBackRun {
    let name: String              // "undo", "restore"
    let connection: ConnectionFlags
    var options: WayBackOptions
    var auditPath: String?
    /// Says why the token's org is not the one the plan's source belongs to (nil: it is).
    let checkOrg: @Sendable (OrgIdentity) -> String?
    /// What the plan is about, for its first line.
    let subject: String
    let makePlan: @Sendable (APIClient) async throws -> WayBackPlan
    /// A rehearsal passes its in-process emulator's client settings instead of the flags'.
    var configuration: ClientConfiguration?

    /// What a run of the way back holds from start to end: its id, log, lock, client and ending.
    private struct Started {
        let runId: String
        let log: EventLog
        let held: LockFile?
        let run: RunContext
        let client: APIClient
        let ending: RunEnding
    }

    private func fail(_ message: String, _ status: Int32, json: Bool) -> ExitCode {
        OperatorMessage.error(message, json: json, prefix: "pclua \(name)")
        return ExitCode(status)
    }

    func run() async throws {
        let started = try start()
        defer { _ = started.held }
        let (identity, plan) = try await readPlan(started)
        show(plan, identity: identity)
        let json = started.log.format == .json
        if let planOut = options.planOut {
            do { try AtomicFile.write(Self.json(plan, rate: options.rateLimit).encodedLines(), to: planOut) } catch {
                throw fail("--plan-out: \(error)", ExitStatus.usage, json: json)
            }
        }
        if plan.plan.isEmpty {
            emit("Nothing to do: the groups are already as the plan wants them.")
            return
        }
        if let limit = options.maxRemovals, plan.removals > limit {
            throw fail("the plan removes \(plan.removals) members, more than --max-removals \(limit); nothing was written", ExitStatus.scriptError, json: json)
        }
        guard !options.dryRun else {
            emit("Dry run: nothing was written.")
            return
        }
        guard try confirmed(identity, json: json) else {
            emit("Nothing was written.")
            return
        }
        try await write(plan, started)
    }

    /// The lock, the plan file's folder, the audit log and the connection, all checked before anything is read.
    private func start() throws -> Started {
        let runId = RunContext.newId()
        let log = connection.log.with(context: [("run_id", .string(runId))])
        let json = log.format == .json
        var held: LockFile?
        if let lock = options.lock {
            do { held = try LockFile(path: lock, runId: runId) } catch let failure as LockFile.Failure {
                if case .held = failure { throw fail("\(failure)", ExitStatus.lockHeld, json: json) }
                throw fail("\(failure)", ExitStatus.usage, json: json)
            }
        }
        if let planOut = options.planOut {
            do { _ = try AtomicFile.target(planOut) } catch { throw fail("--plan-out: \(error)", ExitStatus.usage, json: json) }
        }
        let audit: AuditLog?
        let configuration: ClientConfiguration
        do {
            audit = try auditPath.map { try AuditLog(path: $0) }
            configuration = try self.configuration ?? connection.clientConfiguration(log: log)
        } catch {
            throw fail("\(error)", ExitStatus.usage, json: json)
        }
        let onTerminal = isatty(STDERR_FILENO) != 0
        let quiet = options.quiet
        let run = RunContext(id: runId, log: log, expectedOrg: connection.expectedOrg, announces: !options.dryRun && self.configuration == nil,
                             announce: { line in if !(quiet && onTerminal) { writeStandardError(line + "\n") } },
                             audit: audit, command: "pclua \(name)")
        let client = APIClient(configuration: configuration, log: log, run: run)
        return Started(runId: runId, log: log, held: held, run: run, client: client, ending: RunEnding(run: run, log: log, auditPath: auditPath))
    }

    /// Which org, then the plan: reads only.
    private func readPlan(_ started: Started) async throws -> (OrgIdentity, WayBackPlan) {
        let json = started.log.format == .json
        do {
            let name = self.name, checkOrg = self.checkOrg, makePlan = self.makePlan, client = started.client, run = started.run
            return try await cancellable {
                let identity = try await client.transport.identity()
                try run.check(identity, operation: name)
                if let refusal = checkOrg(identity) { throw WayBackRefusal(message: refusal) }
                return (identity, try await makePlan(client))
            }
        } catch let refusal as WayBackRefusal {
            throw fail(refusal.message + "; nothing was written", ExitStatus.wrongOrg, json: json)
        } catch let error as APIError where ["org.mismatch", "org.unknown"].contains(error.code) {
            throw fail(error.message, ExitStatus.wrongOrg, json: json)
        } catch is CancellationError {
            throw fail("interrupted while reading the org; nothing was written", ExitStatus.interrupted, json: json)
        } catch {
            throw fail("\(error); nothing was written", Self.status(of: error), json: json)
        }
    }

    /// --yes, or a y/N question on a terminal; without either, nothing is written.
    private func confirmed(_ identity: OrgIdentity, json: Bool) throws -> Bool {
        if options.yes { return true }
        guard isatty(STDIN_FILENO) != 0 else {
            throw fail("nothing was written: there is no terminal to ask on; add --yes to apply this plan (or --dry-run to only show it)", ExitStatus.usage, json: json)
        }
        emitPrompt("Apply these changes to org \(identity.orgDescription)? Only 'yes' or 'y' goes on [y/N] ")
        let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }

    /// The writes, and what they did.
    private func write(_ plan: WayBackPlan, _ started: Started) async throws {
        let name = self.name, client = started.client
        var job = ConvergeJob(client: client)
        let progress = ProgressLine(enabled: !options.quiet, log: started.log)
        job.progress = { what, done, total in progress.update("\(name): \(what)", done: done, total: total) }
        let began = Date()
        do {
            let converge = job
            let report = try await cancellable { try await converge.run(plan) }
            progress.finish()
            let seconds = (Date().timeIntervalSince(began) * 10).rounded() / 10
            emit("\(name) done (run \(started.runId)): \(report.created.count) group\(report.created.count == 1 ? "" : "s") created, \(report.changed) changed, "
                + "\(report.deleted) deleted; \(report.added.grouped) members added, \(report.removed.grouped) removed"
                + (report.failed > 0 ? ", \(report.failed) could not be changed" : "")
                + "; \(client.transport.counts.requests.grouped) requests, \(seconds) s")
            for (groupName, id) in report.created { emit("  '\(groupName)' has the new id \(id)") }
            if report.failed > 0 { throw ExitCode(started.ending.finish(ExitStatus.partialFailure)) }
        } catch let code as ExitCode {
            throw code
        } catch is CancellationError {
            progress.finish()
            throw ExitCode(started.ending.finish(ExitStatus.interrupted))
        } catch {
            progress.finish()
            OperatorMessage.error("\(error)", json: started.log.format == .json, prefix: "pclua \(name)")
            throw ExitCode(started.ending.finish(Self.status(of: error)))
        }
    }

    /// Runs the work, cancelling it on Ctrl-C or SIGTERM.
    private func cancellable<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await work() }
        let signals = InterruptWatch { task.cancel() }
        defer { signals.stop() }
        do { return try await task.value } catch {
            if signals.fired || Task.isCancelled { throw CancellationError() }
            if let failure = error as? APIError, failure.code == "interrupted" { throw CancellationError() }
            throw error
        }
    }

    static func status(of error: any Error) -> Int32 {
        if let failure = error as? APIError, failure.operation == "authenticate", [400, 401].contains(failure.status) { return ExitStatus.authentication }
        if error is ConvergeStopped { return ExitStatus.partialFailure }
        return ExitStatus.scriptError
    }

    private func show(_ plan: WayBackPlan, identity: OrgIdentity) {
        var text = "pclua \(name): \(subject), in org \(identity.orgDescription) at \(identity.environment)\n\n"
        text += plan.plan.text(limit: options.limit, ratePerMinute: options.rateLimit)
        for (title, lines) in [("Left alone (changed since)", plan.conflicts), ("Skipped people", plan.skipped), ("Notes", plan.notes)] where !lines.isEmpty {
            text += "\n\(title):\n" + lines.prefix(options.limit == 0 ? lines.count : max(options.limit * 5, 20)).map { "  \($0)\n" }.joined()
            if options.limit != 0 && lines.count > max(options.limit * 5, 20) { text += "  ... and \(lines.count - max(options.limit * 5, 20)) more\n" }
        }
        emit(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }

    static func json(_ plan: WayBackPlan, rate: Int) -> JSONValue {
        guard case let .object(members) = plan.plan.json(ratePerMinute: rate) else { return plan.plan.json(ratePerMinute: rate) }
        return .object(members + [
            ("conflicts", .array(plan.conflicts.map(JSONValue.string))), ("skipped", .array(plan.skipped.map(JSONValue.string))),
            ("notes", .array(plan.notes.map(JSONValue.string))),
        ])
    }
}

struct WayBackRefusal: Error { let message: String }

/// A question on the terminal: no newline, flushed at once.
func emitPrompt(_ text: String) {
    emit(text, terminator: "")
}
