import Foundation
import PureCloud
import Synchronization

/// How a run that changed something ends when it does not finish (an error in any phase, a plan
/// refused in a later phase, Ctrl-C or SIGTERM, `os.exit` with a failure status): it says what
/// this run changed so far, per group, with the run id, and how to finish or undo it, on stderr
/// and in the log. The facts come from the run's ledger, the same ones the audit log records, so
/// the report never says less than what happened. Exit status 4 whenever something was changed
/// and the job did not finish (130 stays 130 for a signal).
final class RunEnding: Sendable {
    let run: RunContext
    let log: EventLog
    let auditPath: String?
    private let reported = Mutex(false)

    init(run: RunContext, log: EventLog, auditPath: String?) {
        self.run = run
        self.log = log
        self.auditPath = auditPath
    }

    /// The one run of this process, for `os.exit` (a C hook, which captures nothing).
    private static let current = Mutex<RunEnding?>(nil)

    func install() { Self.current.withLock { $0 = self } }

    /// What `os.exit` does before the report (the script runner cancels the calls in flight).
    private static let preparation = Mutex<(@Sendable () -> Void)?>(nil)

    static func beforeExit(_ prepare: @escaping @Sendable () -> Void) { preparation.withLock { $0 = prepare } }

    static let exitHook: @convention(c) (Int32) -> Int32 = { status in
        preparation.withLock { $0 }?()
        return current.withLock { $0 }?.finish(status) ?? status
    }

    /// The status the run ends with, after reporting what it changed if it did not finish.
    func finish(_ status: Int32) -> Int32 {
        guard status != ExitStatus.success, !run.ledger.isEmpty else { return status }
        guard reported.withLock({ done in defer { done = true }; return !done }) else { return mapped(status) }
        report(interrupted: status == ExitStatus.interrupted)
        return mapped(status)
    }

    private func mapped(_ status: Int32) -> Int32 {
        status == ExitStatus.interrupted || status == ExitStatus.wrongOrg ? status : ExitStatus.partialFailure
    }

    private func report(interrupted: Bool) {
        let lines = run.ledger.lines
        let how = interrupted ? "was interrupted" : "stopped before it finished"
        let undo = auditPath.map { "pclua undo --audit-log \(ShellWord.quote($0)) --run \(run.id)" }
        let next = "To finish, run the same command again (what is already done is skipped)"
            + (undo.map { "; to undo what it did: \($0)" } ?? "; an undo needs an audit log (--audit-log FILE) next time")
        if log.format == .json {
            let changes: [JSONValue] = run.ledger.changes.filter { $0.changed || $0.uncertain }.map { g in
                var members: [(key: String, value: JSONValue)] = [("group_id", .string(g.id))]
                if let name = g.name { members.append(("group", .string(name))) }
                members += [("added", .int(Int64(g.added.count))), ("removed", .int(Int64(g.removed.count))),
                            ("not_confirmed", .int(Int64(g.unknown.count))), ("created", .bool(g.created)),
                            ("changed", .bool(g.updated > 0)), ("deleted", .bool(g.deleted))]
                return .object(members)
            }
            log.error("run \(how); what it changed so far is listed; \(next)", [("changes", .array(changes))])
        } else {
            writeStandardError("pclua: run \(run.id) \(how); what it changed so far:\n"
                + lines.map { "  \($0)\n" }.joined() + next + "\n")
        }
    }
}
