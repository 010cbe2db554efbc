import Foundation
import PureCloud

/// `pclua diff before.json after.json`: the plan between two data files (snapshots, emulator
/// states), the same plan `pclua rehearse` prints, so a real run's before/after snapshots can be
/// checked against its rehearsal.
struct DiffCommand {
    static let subcommand = Subcommand(
        command: .diff, usage: "pclua diff <before> <after> [--json] [--limit <n>] [--rate-limit <n>]",
        abstract: "Show what changed between two org data files (snapshots or emulator states): the earlier, then the later.",
        discussion: "Groups created, renamed, changed field by field and deleted, and for each group the people added and removed, named by name and email: the same plan pclua rehearse prints. Exit status 0 whether or not there are changes, 2 when a file cannot be read. See docs/rehearse.md.",
        positionals: ["before", "after"], run: { flags in try DiffCommand(flags).run() })

    let before, after: String
    let json: Bool
    let limit, rateLimit: Int

    init(_ flags: CommandFlags) {
        (before, after) = (flags.positionals[0], flags.positionals[1])  // both required: the parser checked
        json = flags.isOn(.planJSON)
        limit = flags.count(.limit)
        rateLimit = flags.count(.rateLimit)
    }

    func run() throws {
        let plan: OrgPlan
        do {
            plan = OrgDiff.plan(before: try OrgData.load(path: before), after: try OrgData.load(path: after))
        } catch {
            printError("pclua diff: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        if json {
            emit(String(decoding: plan.json(ratePerMinute: rateLimit).encodedLines(), as: UTF8.self), terminator: "")
        } else {
            emit(plan.text(limit: limit, ratePerMinute: rateLimit), terminator: "")
        }
    }
}
