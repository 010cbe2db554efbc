import Foundation
import PureCloud

/// `pclua undo --audit-log FILE [--run ID]`: the inverse of one run, from its audit log, against
/// the org as it is now (UndoPlanner). The undo is a run like any other: its writes go to the same
/// audit log, under its own run id, so an undo can be undone.
struct UndoCommand: WayBackCommand {
    static let subcommand = Subcommand(
        command: .undo, usage: "pclua undo --audit-log <file> [--run <id>] [options]",
        abstract: "Undo a run from its audit log: shows the plan, asks, then writes.",
        discussion: """
            Members the run added are removed, members it removed are added back, fields it changed \
            are set back, groups it created are deleted, groups it deleted are created again (with \
            a new id). What changed again since is listed and left alone (--force takes the group \
            changes). The audit log must be of the token's org. See docs/undo-restore.md.
            """,
        run: { flags in try await UndoCommand(flags).run() })

    let line: WayBackCommandLine

    init(_ flags: CommandFlags) throws { line = try WayBackCommandLine(flags) }

    var auditLog: String { flags.text(.undoAuditLog) ?? "" }  // required: the parser checked
    var list: Bool { flags.isOn(.list) }

    func run() async throws {
        if list {
            emit(try history().runs.filter { !$0.writes.isEmpty }.map(Self.summary).joined(separator: "\n"))
            return
        }
        try await wayBack().run()
    }

    private func history() throws -> AuditHistory {
        let json = OperatorMessage.wantsJSON(CommandLine.arguments)
        do {
            let history = try AuditHistory.load(path: auditLog)
            if !history.skippedLines.isEmpty {
                OperatorMessage.say("\(auditLog): skipped \(history.skippedLines.count) line(s) that are not whole records (a crash mid-line?): \(history.skippedLines.prefix(5).map(String.init).joined(separator: ", "))",
                                    level: .warn, json: json, prefix: "pclua undo")
            }
            return history
        } catch {
            OperatorMessage.error("\(error)", json: json, prefix: "pclua undo")
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// The undo of the chosen run, ready to run (or to rehearse).
    func wayBack() throws -> WayBackRun {
        let json = OperatorMessage.wantsJSON(CommandLine.arguments)
        func fail(_ message: String) -> ExitCode {
            OperatorMessage.error(message, json: json, prefix: "pclua undo")
            return ExitCode(ExitStatus.usage)
        }
        let history = try history()
        let runs = history.runs.filter { !$0.writes.isEmpty }
        let chosen: AuditHistory.Run
        if let wanted = flags.text(.run) {
            let matching = runs.filter { $0.id == wanted || $0.id.hasPrefix(wanted) }
            guard !matching.isEmpty else { throw fail("no run \(wanted) in \(auditLog) (pclua undo --audit-log \(ShellWord.quote(auditLog)) --list shows them)") }
            guard matching.count == 1 || matching.contains(where: { $0.id == wanted }) else {
                throw fail("\(wanted) starts \(matching.count) run ids: \(matching.map(\.id).joined(separator: ", ")); give more of it")
            }
            chosen = matching.first { $0.id == wanted } ?? matching[0]
        } else {
            guard let last = runs.last else { throw fail("\(auditLog) holds no run that wrote anything: nothing to undo") }
            chosen = last
        }
        let force = flags.isOn(.force)
        let later = UndoPlanner.creations(after: chosen, in: history)
        return WayBackRun(
            name: "undo", connection: connection, options: options, auditPath: auditLog,
            checkOrg: { identity in Self.orgRefusal(run: chosen, identity: identity) },
            subject: "undo of run \(chosen.id) (\(chosen.line?.time ?? chosen.writes.first?.intent.time ?? "?"), \(chosen.line?.command ?? "?"))",
            makePlan: { client in
                var planner = UndoPlanner(client: client, force: force)
                planner.laterCreations = later
                return try await planner.plan(chosen)
            })
    }

    /// Why the run cannot be undone with this token: its writes went to another org.
    static func orgRefusal(run: AuditHistory.Run, identity: OrgIdentity) -> String? {
        guard let runOrg = run.orgId else { return "run \(run.id) does not say which org it wrote to, so it cannot be checked against this token's" }
        guard let orgId = identity.orgId else { return "this token's org cannot be told (\(identity.unknownReason ?? "?")), so it cannot be checked against the run's" }
        guard runOrg.lowercased() == orgId.lowercased() else {
            let name = run.line?.identity.orgName.map { "'\($0)' " } ?? ""
            return "run \(run.id) wrote to org \(name)(id \(runOrg)), and this token belongs to \(identity.orgDescription)"
        }
        return nil
    }

    /// One line per run for --list.
    static func summary(_ run: AuditHistory.Run) -> String {
        var added = 0, removed = 0, groups = Set<String>(), unknown = 0
        var created = 0, changed = 0, deleted = 0
        for write in run.writes {
            let (applied, open) = write.settled
            if let group = write.intent.groupId, !applied.isEmpty { groups.insert(group.lowercased()) }
            unknown += open.count
            let done = write.outcome?.result == .applied
            switch write.intent.operation {
            case "post_group_members": added += applied.count
            case "delete_group_members": removed += applied.count
            case "post_groups": if done { created += 1 }
            case "put_group": if done { changed += 1 }
            case "delete_group": if done { deleted += 1 }
            default: break
            }
        }
        let org = run.line?.identity.orgName.map { "'\($0)'" } ?? run.orgId ?? "?"
        var text = "\(run.id)  \(run.line?.time ?? run.writes.first?.intent.time ?? "?")  org \(org) at \(run.environment ?? "?")  \(run.line?.command ?? "")\n"
        text += "    \(added.grouped) added, \(removed.grouped) removed in \(groups.count) group\(groups.count == 1 ? "" : "s")"
        if created + changed + deleted > 0 { text += "; groups: \(created) created, \(changed) changed, \(deleted) deleted" }
        if unknown > 0 { text += "; \(unknown) not confirmed" }
        return text
    }
}
