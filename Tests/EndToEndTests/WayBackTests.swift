import Foundation
import PureCloudEmulator
import XCTest

/// Issue 24: `pclua undo` and `pclua restore` through the real binary against a served emulator:
/// a migration by email (thousands of memberships, a rename, a creation, a deletion) undone until a
/// snapshot equals the one before; the same with SIGKILL in the middle of the migration and of the
/// undo; a damaging sync restored from a snapshot; conflicts left alone; another org refused; no
/// terminal and no --yes writes nothing; a rehearsed undo changes nothing real.
final class WayBackTests: XCTestCase {
    let env = ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret]
    var dir: URL!

    override func setUpWithError() throws {
        dir = try ShellRun.scratchDirectory()
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    static func user(_ n: Int) -> String { String(format: "w%05d-0000-4000-a000-000000000000", n) }
    static func email(_ n: Int) -> String { "Person.\(n)@Corp.Example" }
    static let legacy = (0..<6).map { String(format: "l%07d-0000-4000-a000-000000000000", $0) }
    static let regional = (0..<6).map { String(format: "r%07d-0000-4000-a000-000000000000", $0) }
    static let doomed = "d0000000-0000-4000-a000-000000000000", renamed = "e0000000-0000-4000-a000-000000000000"

    /// 3,000 people in six legacy groups of 500, six empty regional groups, a group to rename and
    /// one to delete; `organization` names the org the data file plays.
    func orgFile(organization: (id: String, name: String) = ("0f8e3c1a-7b2d-4c5e-9f60-123456789abc", "Acme")) throws -> String {
        var groups: [[String: Any]] = []
        for (i, id) in Self.legacy.enumerated() { groups.append(["id": id, "name": "Legacy \(i)", "members": (i * 500..<(i + 1) * 500).map(Self.user)]) }
        for (i, id) in Self.regional.enumerated() { groups.append(["id": id, "name": "Region \(i)", "members": [String]()]) }
        groups.append(["id": Self.renamed, "name": "Rename me", "description": "before", "members": (0..<10).map(Self.user)])
        groups.append(["id": Self.doomed, "name": "Doomed", "visibility": "members", "members": (100..<140).map(Self.user), "owners": [Self.user(100)]])
        let users = (0..<3_000).map { ["id": Self.user($0), "name": "Person \($0)", "email": Self.email($0)] }
        let file = path("org-\(UUID().uuidString.prefix(6)).json")
        try JSONSerialization.data(withJSONObject: ["organization": ["id": organization.id, "name": organization.name], "users": users, "groups": groups])
            .write(to: URL(fileURLWithPath: file))
        return file
    }

    func serve(_ file: String, latency: Int = 0) async throws -> (PureCloudEmulator, RunningEmulator) {
        var configuration = EmulatorConfiguration()
        configuration.rateLimit = 0
        configuration.latencyMilliseconds = latency
        configuration.data = .file(file)
        let emulator = try PureCloudEmulator(configuration: configuration)
        return (emulator, try await emulator.start())
    }

    /// The migration, one run: a rename, a new group of 500, a deletion, then everyone of the
    /// legacy groups moved by email to the matching region (6,000 membership changes).
    var migration: String {
        let moves = (0..<6).map { i in
            "{ group = '\(Self.regional[i])', add = people(\(i)) }, "
        }.joined()
        let removes = (0..<6).map { i in "{ group = '\(Self.legacy[i])', remove = people(\(i)) }, " }.joined()
        return """
            local api = purecloud.GroupsApi.new()
            local function people(i) local out = {} for n = i * 500, i * 500 + 499 do out[#out + 1] = string.format('Person.%d@Corp.Example', n) end return out end
            local g = api:get_group('\(Self.renamed)')
            api:put_group(g.id, { body = { version = g.version, name = 'Renamed', description = 'after' } })
            local new = api:post_groups{ name = 'Brand new', type = 'official', visibility = 'public', rulesVisible = true }
            api:add_members(new.id, people(5))
            api:delete_group('\(Self.doomed)')
            api:apply_memberships{ \(moves) }
            api:apply_memberships({ \(removes) }, { allow_remove_all = true })
            print('migrated')
            """
    }

    func pclua(_ url: String, _ arguments: [String], stdin: String? = nil) throws -> PcluaProcess.Outcome {
        try PcluaProcess.run(arguments + ["--base-url", url], environment: env, stdin: stdin)
    }

    func runId(_ outcome: PcluaProcess.Outcome) throws -> String {
        String(try XCTUnwrap(outcome.stderr.firstMatch(of: /run (\d{8}-\d{6}-[0-9a-f]{6}) talks to/)?.1))
    }

    /// The plan between two snapshots, as `pclua diff --json` gives it.
    func diff(_ before: String, _ after: String) throws -> [[String: Any]] {
        let outcome = try PcluaProcess.run(["diff", "--json", before, after])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let plan = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
        return plan?["groups"] as? [[String: Any]] ?? []
    }

    func snapshot(_ url: String, _ name: String) throws -> String {
        let file = path(name)
        let outcome = try PcluaProcess.run(["snapshot", "--out", file, "--base-url", url], environment: env)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        return file
    }

    /// What an undo leaves different from the org before the run: only the deleted group, created
    /// again under a new id with its fields, owner and members.
    func assertOnlyTheDeletedGroupHasANewId(_ before: String, _ after: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let changes = try diff(before, after)
        XCTAssertEqual(changes.count, 2, "\(changes)", file: file, line: line)
        let deleted = changes.first { $0["change"] as? String == "deleted" }, created = changes.first { $0["change"] as? String == "created" }
        XCTAssertEqual(deleted?["id"] as? String, Self.doomed, file: file, line: line)
        XCTAssertEqual(created?["name"] as? String, "Doomed", file: file, line: line)
        XCTAssertEqual((created?["added"] as? [Any])?.count, 40, file: file, line: line)
        XCTAssertEqual((created?["owners_added"] as? [Any])?.count, 1, "\(created ?? [:])", file: file, line: line)
    }

    func testAMigrationByEmailIsUndoneUntilTheOrgIsAsItWas() async throws {
        let (_, running) = try await serve(try orgFile())
        defer { Task { await running.stop() } }
        let url = running.baseURL, audit = path("audit.jsonl")
        let before = try snapshot(url, "before.json")
        let migrated = try pclua(url, ["--audit-log", audit, "-e", migration])
        XCTAssertEqual(migrated.status, 0, migrated.stderr)
        let run = try runId(migrated)
        let listed = try pclua(url, ["undo", "--audit-log", audit, "--list"])
        XCTAssertTrue(listed.stdout.contains(run) && listed.stdout.contains("3,500 added, 3,000 removed in 13 groups; groups: 1 created, 1 changed, 1 deleted"), listed.stdout)

        let undone = try pclua(url, ["undo", "--audit-log", audit, "--yes"])
        XCTAssertEqual(undone.status, 0, undone.stderr)
        XCTAssertTrue(undone.stdout.contains("undo of run \(run)"), undone.stdout)
        XCTAssertTrue(undone.stdout.contains("'Doomed' is created again with a new id (it was \(Self.doomed))"), undone.stdout)
        XCTAssertTrue(undone.stdout.contains("undo done"), undone.stdout)
        try assertOnlyTheDeletedGroupHasANewId(before, try snapshot(url, "after.json"))

        // An undo is a run like any other: undone in turn, the migration's state is back.
        let undoRun = try runId(undone)
        let redo = try pclua(url, ["undo", "--audit-log", audit, "--run", undoRun, "--yes"])
        XCTAssertEqual(redo.status, 0, redo.stderr)
        let again = try diff(try snapshot(url, "redone.json"), try snapshot(url, "redone2.json"))
        XCTAssertTrue(again.isEmpty)
        let regions = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("redone.json")))) as? [String: Any]
        let region0 = (regions?["groups"] as? [[String: Any]])?.first { $0["id"] as? String == Self.regional[0] }
        XCTAssertEqual((region0?["members"] as? [Any])?.count, 500, "the migration is back")
    }

    func testSIGKILLInTheMigrationAndInTheUndoStillConverges() async throws {
        let (emulator, running) = try await serve(try orgFile(), latency: 15)
        defer { Task { await running.stop() } }
        let url = running.baseURL, audit = path("audit.jsonl")
        let before = try snapshot(url, "before.json")
        func writes() -> Int { ["post_group_members", "delete_group_members", "post_groups", "put_group", "delete_group"].reduce(0) { $0 + emulator.requestCount($1) } }
        func killed(after count: Int, _ arguments: [String]) async throws -> String {
            let process = Process()
            process.executableURL = PcluaProcess.binary
            process.currentDirectoryURL = PcluaProcess.packageRoot
            process.arguments = arguments + ["--base-url", url]
            process.environment = env
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            let base = writes()
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning && writes() - base < count && Date() < deadline { try await Task.sleep(for: .milliseconds(2)) }
            XCTAssertTrue(process.isRunning, "it should still be writing")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        let stderr = try await killed(after: 40, ["--audit-log", audit, "-e", migration])
        let run = String(try XCTUnwrap(stderr.firstMatch(of: /run (\d{8}-\d{6}-[0-9a-f]{6}) talks to/)?.1))
        try await Task.sleep(for: .milliseconds(200))
        _ = try await killed(after: 20, ["undo", "--audit-log", audit, "--run", run, "--yes"])
        try await Task.sleep(for: .milliseconds(200))
        let finish = try pclua(url, ["undo", "--audit-log", audit, "--run", run, "--yes"])
        XCTAssertEqual(finish.status, 0, finish.stderr + finish.stdout)
        try assertOnlyTheDeletedGroupHasANewId(before, try snapshot(url, "after.json"))
        let settle = try pclua(url, ["undo", "--audit-log", audit, "--run", run, "--dry-run"])
        XCTAssertTrue(settle.stdout.contains("Nothing to do"), "run again, the undo has nothing left: \(settle.stdout)")
    }

    func testADamagingSyncIsRestoredFromASnapshotAndTheCurrentSnapshotPlansNothing() async throws {
        let (emulator, running) = try await serve(try orgFile())
        defer { Task { await running.stop() } }
        let url = running.baseURL
        let before = try snapshot(url, "before.json")
        let nothing = try pclua(url, ["restore", "--snapshot", before, "--yes"])
        XCTAssertEqual(nothing.status, 0, nothing.stderr)
        XCTAssertTrue(nothing.stdout.contains("Nothing to do"), nothing.stdout)
        let damage = try pclua(url, ["-e", """
            local api = purecloud.GroupsApi.new()
            api:sync_members('\(Self.legacy[0])', { 'Person.1@Corp.Example' }, { allow_remove_all = true })
            api:sync_members('\(Self.legacy[1])', {}, { allow_remove_all = true })
            api:add_members('\(Self.legacy[2])', { 'Person.2999@Corp.Example' })
            local g = api:get_group('\(Self.renamed)')
            api:put_group(g.id, { body = { version = g.version, name = 'Vandalised', visibility = 'members' } })
            """])
        XCTAssertEqual(damage.status, 0, damage.stderr)
        // Without a terminal and without --yes, nothing is written.
        let writes = emulator.requestCount("post_group_members") + emulator.requestCount("put_group")
        let unasked = try pclua(url, ["restore", "--snapshot", before], stdin: "y\n")
        XCTAssertEqual(unasked.status, 2, unasked.stderr)
        XCTAssertTrue(unasked.stderr.contains("there is no terminal to ask on; add --yes"), unasked.stderr)
        XCTAssertEqual(emulator.requestCount("post_group_members") + emulator.requestCount("put_group"), writes)
        let capped = try pclua(url, ["restore", "--snapshot", before, "--yes", "--max-removals", "0"])
        XCTAssertEqual(capped.status, 1, capped.stderr)
        XCTAssertTrue(capped.stderr.contains("the plan removes 1 members, more than --max-removals 0; nothing was written"), capped.stderr)
        let restored = try pclua(url, ["restore", "--snapshot", before, "--yes"])
        XCTAssertEqual(restored.status, 0, restored.stderr)
        XCTAssertTrue(restored.stdout.contains("1 changed, 0 deleted; 999 members added, 1 removed"), restored.stdout)
        XCTAssertTrue(try diff(before, try snapshot(url, "after.json")).isEmpty)
    }

    func testConflictsMadeByAnotherWriterAreListedAndLeftAlone() async throws {
        let (_, running) = try await serve(try orgFile())
        defer { Task { await running.stop() } }
        let url = running.baseURL, audit = path("audit.jsonl")
        let migrated = try pclua(url, ["--audit-log", audit, "-e", migration])
        XCTAssertEqual(migrated.status, 0, migrated.stderr)
        // Another writer, without the audit log: takes one person out of a region, renames again.
        let other = try pclua(url, ["-e", """
            local api = purecloud.GroupsApi.new()
            api:remove_members('\(Self.regional[2])', { '\(Self.user(1_000))' })
            local g = api:get_group('\(Self.renamed)')
            api:put_group(g.id, { body = { version = g.version, name = 'Renamed twice' } })
            """])
        XCTAssertEqual(other.status, 0, other.stderr)
        let undone = try pclua(url, ["undo", "--audit-log", audit, "--run", try runId(migrated), "--yes"])
        XCTAssertEqual(undone.status, 0, undone.stderr)
        XCTAssertTrue(undone.stdout.contains("'Region 2': Person 1000 <Person.1000@Corp.Example> was added by the run and removed since: left as it is"), undone.stdout)
        XCTAssertTrue(undone.stdout.contains("'Renamed twice': name changed again since this run: not set back (--force"), undone.stdout)
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: try snapshot(url, "after.json")))) as? [String: Any]
        let renamed = (state?["groups"] as? [[String: Any]])?.first { $0["id"] as? String == Self.renamed }
        XCTAssertEqual(renamed?["name"] as? String, "Renamed twice", "left alone")
        XCTAssertEqual(renamed?["description"] as? String, "after", "the whole change is left alone when part of it moved on")
    }

    func testAnotherOrgsAuditLogOrSnapshotIsRefusedBeforeAnyWrite() async throws {
        let (_, acme) = try await serve(try orgFile())
        let (otherEmulator, other) = try await serve(try orgFile(organization: ("11111111-2222-4333-8444-555555555555", "Globex")))
        defer { Task { await acme.stop(); await other.stop() } }
        let audit = path("audit.jsonl")
        XCTAssertEqual(try pclua(acme.baseURL, ["--audit-log", audit, "-e", migration]).status, 0)
        let snapshot = try self.snapshot(acme.baseURL, "acme.json")
        for arguments in [["undo", "--audit-log", audit, "--yes"], ["restore", "--snapshot", snapshot, "--yes"]] {
            let refused = try pclua(other.baseURL, arguments)
            XCTAssertEqual(refused.status, 6, refused.stderr)
            XCTAssertTrue(refused.stderr.contains("this token belongs to 'Globex'"), refused.stderr)
            XCTAssertTrue(refused.stderr.contains("nothing was written"), refused.stderr)
        }
        XCTAssertEqual(otherEmulator.requestCount("post_group_members") + otherEmulator.requestCount("get_group_individuals"), 0, "refused before reading, let alone writing")
        // A snapshot that does not say its org needs saying so.
        var old = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: snapshot))) as! [String: Any]
        old["organization"] = nil
        let oldFile = path("old.json")
        try JSONSerialization.data(withJSONObject: old).write(to: URL(fileURLWithPath: oldFile))
        let unknown = try pclua(other.baseURL, ["restore", "--snapshot", oldFile, "--dry-run"])
        XCTAssertEqual(unknown.status, 6, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("pass --allow-unknown-org"), unknown.stderr)
        XCTAssertEqual(try pclua(other.baseURL, ["restore", "--snapshot", oldFile, "--dry-run", "--allow-unknown-org"]).status, 0)
    }

    func testARehearsedUndoShowsThePlanAndChangesNothingReal() async throws {
        let (emulator, running) = try await serve(try orgFile())
        defer { Task { await running.stop() } }
        let url = running.baseURL, audit = path("audit.jsonl")
        let migrated = try pclua(url, ["--audit-log", audit, "-e", migration])
        XCTAssertEqual(migrated.status, 0, migrated.stderr)
        let now = try snapshot(url, "now.json")
        let auditBefore = try Data(contentsOf: URL(fileURLWithPath: audit))
        let requests = emulator.requestCount("get_group") + emulator.requestCount("post_group_members")
        let rehearsed = try PcluaProcess.run(["rehearse", "--snapshot", now, "undo", "--audit-log", audit])
        XCTAssertEqual(rehearsed.status, 0, rehearsed.stderr)
        XCTAssertTrue(rehearsed.stdout.contains("--- Rehearsal plan (nothing was sent to the real org) ---"), rehearsed.stdout)
        XCTAssertTrue(rehearsed.stdout.contains("6,000 memberships added") || rehearsed.stdout.contains("memberships added"), rehearsed.stdout)
        XCTAssertEqual(emulator.requestCount("get_group") + emulator.requestCount("post_group_members"), requests, "the real org got nothing")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: audit)), auditBefore, "the audit log is the real run's record")
        let refused = try PcluaProcess.run(["rehearse", "--snapshot", now, "undo", "--audit-log", audit, "--profile", "prod"])
        XCTAssertEqual(refused.status, 2)
    }
}
