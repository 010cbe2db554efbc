import Foundation
import PureCloud

/// `pclua restore --snapshot FILE [--groups PATTERN] [--members-only]`: groups made equal to a
/// snapshot of the same org again (RestorePlanner), through the way back's plan, question and writes.
struct RestoreCommand: WayBackCommand {
    static let subcommand = Subcommand(
        command: .restore, usage: "pclua restore --snapshot <file> [--groups <pattern>] [options]",
        abstract: "Make groups equal to a snapshot again: shows the plan, asks, then writes.",
        discussion: """
            Direct members and (unless --members-only) name, description, visibility, rulesVisible \
            and owners. Groups that are gone are created again (a new id); groups created since the \
            snapshot are listed and left alone unless --delete-created; people who no longer exist \
            or are not active are listed and skipped. The snapshot must be of the token's org. See \
            docs/undo-restore.md.
            """,
        run: { flags in try await RestoreCommand(flags).run() })

    let line: WayBackCommandLine

    init(_ flags: CommandFlags) throws { line = try WayBackCommandLine(flags) }

    var snapshot: String { flags.text(.snapshot) ?? "" }  // required: the parser checked
    var auditLog: String? { flags.text(.auditLog) }

    func run() async throws {
        let json = OperatorMessage.wantsJSON(CommandLine.arguments)
        let org: OrgData
        do { org = try OrgData.load(path: snapshot) } catch {
            OperatorMessage.error("\(error)", json: json, prefix: "pclua restore")
            throw ExitCode(ExitStatus.usage)
        }
        try await wayBack(org).run()
    }

    func wayBack(_ org: OrgData, configuration: ClientConfiguration? = nil) -> WayBackRun {
        let pattern = flags.text(.groups), membersOnly = flags.isOn(.membersOnly), deleteCreated = flags.isOn(.deleteCreated)
        let allowUnknown = flags.isOn(.allowUnknownOrg)
        let path = snapshot
        var run = WayBackRun(
            name: "restore", connection: connection, options: options, auditPath: auditLog,
            checkOrg: { identity in Self.orgRefusal(org, path: path, identity: identity, allowUnknown: allowUnknown) },
            subject: "restore of \(pattern.map { "the groups matching '\($0)' in" } ?? "every group of") \(path)",
            makePlan: { client in
                var planner = RestorePlanner(client: client)
                planner.groupPattern = pattern
                planner.membersOnly = membersOnly
                planner.deleteCreated = deleteCreated
                return try await planner.plan(org)
            })
        run.configuration = configuration
        return run
    }

    static func orgRefusal(_ org: OrgData, path: String, identity: OrgIdentity, allowUnknown: Bool) -> String? {
        guard let snapshotOrg = org.organization else {
            return allowUnknown ? nil : "\(path) does not say which org it is of (it was written before snapshots recorded it); if it is of \(identity.orgDescription), pass --allow-unknown-org"
        }
        guard let orgId = identity.orgId else { return "this token's org cannot be told (\(identity.unknownReason ?? "?")), so it cannot be checked against the snapshot's" }
        guard snapshotOrg.id.lowercased() == orgId.lowercased() else {
            return "\(path) is a snapshot of org '\(snapshotOrg.name)' (id \(snapshotOrg.id)), and this token belongs to \(identity.orgDescription)"
        }
        return nil
    }
}
