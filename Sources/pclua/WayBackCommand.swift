import ArgumentParser
import Foundation
import PureCloud

/// What `pclua undo` and `pclua restore` share (DESIGN.md §5d): the plan first, in the format of
/// `rehearse` and `diff`, then a question on a terminal (or `--yes`), then the writes through the
/// same membership job as the scripts, with the run's audit log, lock, report and exit statuses.
struct WayBackOptions: ParsableArguments {
    @Flag(help: "Apply the plan without asking (needed when there is no terminal to ask on).") var yes = false
    @Flag(help: "Print the plan only; write nothing.") var dryRun = false
    @Option(help: ArgumentHelp("Also write the plan as JSON (mode 0600).", valueName: "file")) var planOut: String?
    @Option(help: ArgumentHelp("Stop, writing nothing, if the plan removes more than this many members in all.", valueName: "n")) var maxRemovals: Int?
    @Option(help: ArgumentHelp("People listed per group and direction in the plan (0: all).", valueName: "n")) var limit = 10
    @Option(help: ArgumentHelp("Requests a minute the org allows, for the time estimate.", valueName: "n")) var rateLimit = OrgPlan.defaultRatePerMinute
    @Option(help: ArgumentHelp("Refuse to start while another run holds this lock file.", valueName: "path")) var lock: String?
    @Flag(help: "No progress line on the terminal.") var quiet = false

    func validate() throws {
        if let maxRemovals, maxRemovals < 0 { throw ArgumentParser.ValidationError("--max-removals must be 0 or more, got \(maxRemovals)") }
        guard (0...1_000_000).contains(limit) else { throw ArgumentParser.ValidationError("--limit must be from 0 to 1000000, got \(limit)") }
        guard (1...1_000_000).contains(rateLimit) else { throw ArgumentParser.ValidationError("--rate-limit must be from 1 to 1000000, got \(rateLimit)") }
        if yes && dryRun { throw ArgumentParser.ValidationError("give --yes or --dry-run, not both") }
    }
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

    func run() async throws {
        let runId = RunContext.newId()
        let log = connection.log.with(context: [("run_id", .string(runId))])
        let json = log.format == .json
        func fail(_ message: String, _ status: Int32) -> ExitCode {
            OperatorMessage.error(message, json: json, prefix: "pclua \(name)")
            return ExitCode(status)
        }
        var held: LockFile?
        if let lock = options.lock {
            do { held = try LockFile(path: lock, runId: runId) } catch let failure as LockFile.Failure {
                if case .held = failure { throw fail("\(failure)", ExitStatus.lockHeld) }
                throw fail("\(failure)", ExitStatus.usage)
            }
        }
        defer { _ = held }
        if let planOut = options.planOut {
            do { _ = try AtomicFile.target(planOut) } catch { throw fail("--plan-out: \(error)", ExitStatus.usage) }
        }
        let audit: AuditLog?
        let configuration: ClientConfiguration
        do {
            audit = try auditPath.map { try AuditLog(path: $0) }
            configuration = try self.configuration ?? connection.clientConfiguration(log: log)
        } catch {
            throw fail("\(error)", ExitStatus.usage)
        }
        let onTerminal = isatty(STDERR_FILENO) != 0
        let quiet = options.quiet
        let run = RunContext(id: runId, log: log, expectedOrg: connection.expectedOrg, announces: !options.dryRun && self.configuration == nil,
                             announce: { line in if !(quiet && onTerminal) { writeStandardError(line + "\n") } },
                             audit: audit, command: "pclua \(name)")
        let client = APIClient(configuration: configuration, log: log, run: run)
        let ending = RunEnding(run: run, log: log, auditPath: auditPath)

        // Which org, then the plan: reads only.
        let planned: (OrgIdentity, WayBackPlan)
        do {
            let name = self.name, checkOrg = self.checkOrg, makePlan = self.makePlan
            planned = try await cancellable {
                let identity = try await client.transport.identity()
                try run.check(identity, operation: name)
                if let refusal = checkOrg(identity) { throw WayBackRefusal(message: refusal) }
                return (identity, try await makePlan(client))
            }
        } catch let refusal as WayBackRefusal {
            throw fail(refusal.message + "; nothing was written", ExitStatus.wrongOrg)
        } catch let error as APIError where ["org.mismatch", "org.unknown"].contains(error.code) {
            throw fail(error.message, ExitStatus.wrongOrg)
        } catch is CancellationError {
            throw fail("interrupted while reading the org; nothing was written", ExitStatus.interrupted)
        } catch {
            throw fail("\(error); nothing was written", Self.status(of: error))
        }
        let (identity, plan) = planned
        show(plan, identity: identity)
        if let planOut = options.planOut {
            do { try AtomicFile.write(Self.json(plan, rate: options.rateLimit).encodedLines(), to: planOut) } catch {
                throw fail("--plan-out: \(error)", ExitStatus.usage)
            }
        }
        if plan.plan.isEmpty {
            emit("Nothing to do: the groups are already as the plan wants them.")
            return
        }
        if let limit = options.maxRemovals, plan.removals > limit {
            throw fail("the plan removes \(plan.removals) members, more than --max-removals \(limit); nothing was written", ExitStatus.scriptError)
        }
        guard !options.dryRun else {
            emit("Dry run: nothing was written.")
            return
        }
        if !options.yes {
            guard isatty(STDIN_FILENO) != 0 else {
                throw fail("nothing was written: there is no terminal to ask on; add --yes to apply this plan (or --dry-run to only show it)", ExitStatus.usage)
            }
            emitPrompt("Apply these changes to org \(identity.orgDescription)? Only 'yes' or 'y' goes on [y/N] ")
            let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard answer == "y" || answer == "yes" else {
                emit("Nothing was written.")
                return
            }
        }

        // The writes.
        var job = ConvergeJob(client: client)
        let progress = ProgressLine(enabled: !options.quiet, log: log)
        job.progress = { what, done, total in progress.update("\(name): \(what)", done: done, total: total) }
        let started = Date()
        do {
            let converge = job
            let report = try await cancellable { try await converge.run(plan) }
            progress.finish()
            let seconds = (Date().timeIntervalSince(started) * 10).rounded() / 10
            emit("\(name) done (run \(runId)): \(report.created.count) group\(report.created.count == 1 ? "" : "s") created, \(report.changed) changed, "
                + "\(report.deleted) deleted; \(report.added.grouped) members added, \(report.removed.grouped) removed"
                + (report.failed > 0 ? ", \(report.failed) could not be changed" : "")
                + "; \(client.transport.counts.requests.grouped) requests, \(seconds) s")
            for (groupName, id) in report.created { emit("  '\(groupName)' has the new id \(id)") }
            if report.failed > 0 { throw ExitCode(ending.finish(ExitStatus.partialFailure)) }
        } catch let code as ExitCode {
            throw code
        } catch is CancellationError {
            progress.finish()
            throw ExitCode(ending.finish(ExitStatus.interrupted))
        } catch {
            progress.finish()
            OperatorMessage.error("\(error)", json: json, prefix: "pclua \(name)")
            throw ExitCode(ending.finish(Self.status(of: error)))
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
