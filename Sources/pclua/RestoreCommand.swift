import ArgumentParser
import Foundation
import PureCloud

/// `pclua restore --snapshot FILE [--groups PATTERN] [--members-only]`: groups made equal to a
/// snapshot of the same org again (RestorePlanner), through the way back's plan, question and writes.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Make groups equal to a snapshot again: shows the plan, asks, then writes.",
        discussion: """
            Direct members and (unless --members-only) name, description, visibility, rulesVisible \
            and owners. Groups that are gone are created again (a new id); groups created since the \
            snapshot are listed and left alone unless --delete-created; people who no longer exist \
            or are not active are listed and skipped. The snapshot must be of the token's org. See \
            docs/undo-restore.md.
            """)

    @Option(help: ArgumentHelp("The snapshot (pclua snapshot --out FILE) to restore from.", valueName: "file")) var snapshot: String
    @Option(help: ArgumentHelp("Only groups whose name matches this shell pattern (e.g. 'Support*').", valueName: "pattern")) var groups: String?
    @Flag(help: "Restore direct members only, not names, fields or owners.") var membersOnly = false
    @Flag(help: "Also delete the groups (matching --groups) created after the snapshot.") var deleteCreated = false
    @Flag(help: "Accept a snapshot that does not say which org it is of (written before snapshots recorded it).") var allowUnknownOrg = false
    @Option(help: ArgumentHelp("Append every write (intent and outcome) as JSON lines to this file.", valueName: "path")) var auditLog: String?
    @OptionGroup var options: WayBackOptions
    @OptionGroup var connection: ConnectionFlags

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
        let pattern = groups, membersOnly = self.membersOnly, deleteCreated = self.deleteCreated, allowUnknown = allowUnknownOrg
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
