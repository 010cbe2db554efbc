import ArgumentParser
import Foundation
import PureCloud

/// `pclua diff before.json after.json`: the plan between two data files (snapshots, emulator
/// states), the same plan `pclua rehearse` prints, so a real run's before/after snapshots can be
/// checked against its rehearsal.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed between two org data files (snapshots or emulator states).",
        discussion: "Groups created, renamed, changed field by field and deleted, and for each group the people added and removed, named by name and email: the same plan pclua rehearse prints. Exit status 0 whether or not there are changes, 2 when a file cannot be read. See docs/rehearse.md.")

    @Argument(help: ArgumentHelp("The earlier data file.", valueName: "before")) var before: String
    @Argument(help: ArgumentHelp("The later data file.", valueName: "after")) var after: String
    @Flag(help: "Print the plan as JSON instead of text.") var json = false
    @Option(parsing: .unconditional, help: ArgumentHelp("People listed per group and direction in the text (0: all).", valueName: "n")) var limit = 10
    @Option(parsing: .unconditional, help: ArgumentHelp("Requests a minute the estimate assumes (the platform's default is 300).", valueName: "n")) var rateLimit = OrgPlan.defaultRatePerMinute

    func validate() throws {
        guard limit >= 0 else { throw ArgumentParser.ValidationError("--limit must be 0 (all) or more, got \(limit)") }
        guard rateLimit >= 1 else { throw ArgumentParser.ValidationError("--rate-limit must be at least 1, got \(rateLimit)") }
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
