import Foundation
import PureCloudEmulator
import XCTest

/// scripts/migrate-members.lua through the real binary, against emulators loaded with a 12,000-user org.
final class MigrationTests: XCTestCase {
    struct Scenario {
        let orgFile: URL
        let movesFile: URL
        /// user id -> the groups the user must be in at the end
        let expected: [String: Set<String>]
        let groupIds: [String: String]
    }

    static let legacy = ["Legacy A", "Legacy B", "Legacy C"]
    static let regional = ["Team North", "Team South", "Team West"]

    /// 12,000 users spread over three legacy groups; 10,000 of them move to a regional team.
    static func makeScenario(moves: Int = 10_000) throws -> Scenario {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("migration-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let users = (0..<12_000).map { String(format: "u%05d-0000-4000-a000-000000000000", $0) }
        var groupIds: [String: String] = [:]
        var members: [String: [String]] = [:]
        for (i, name) in (legacy + regional).enumerated() {
            groupIds[name] = String(format: "g%07d-0000-4000-a000-000000000000", i)
            members[name] = []
        }
        for (n, user) in users.enumerated() { members[legacy[n % 3]]!.append(user) }
        var expected: [String: Set<String>] = [:]
        for (n, user) in users.enumerated() { expected[user] = [groupIds[legacy[n % 3]]!] }
        var csv = "user_id,from_group,to_group\n"
        for (n, user) in users.prefix(moves).enumerated() {
            let target = regional[(n / 3) % 3]
            // groups by name in the file, as admins write them; every 7th row by id
            let from = n % 7 == 0 ? groupIds[legacy[n % 3]]! : legacy[n % 3]
            csv += "\(user),\(from),\(target)\n"
            expected[user] = [groupIds[target]!]
        }
        let org: [String: Any] = [
            "users": users.map { ["id": $0, "name": "User \($0.prefix(6))"] },
            "groups": (legacy + regional).map { ["id": groupIds[$0]!, "name": $0, "members": members[$0]!] },
        ]
        let orgFile = dir.appendingPathComponent("org.json"), movesFile = dir.appendingPathComponent("moves.csv")
        try JSONSerialization.data(withJSONObject: org).write(to: orgFile)
        try csv.write(to: movesFile, atomically: true, encoding: .utf8)
        return Scenario(orgFile: orgFile, movesFile: movesFile, expected: expected, groupIds: groupIds)
    }

    /// user id -> groups before any move, read back from the scenario's org file.
    static func startingMemberships(_ scenario: Scenario) throws -> [String: Set<String>] {
        let org = try JSONSerialization.jsonObject(with: Data(contentsOf: scenario.orgFile)) as! [String: Any]
        var out: [String: Set<String>] = [:]
        for group in org["groups"] as! [[String: Any]] {
            for member in group["members"] as! [String] { out[member, default: []].insert(group["id"] as! String) }
        }
        return out
    }

    func start(_ scenario: Scenario, latency: Int = 0) async throws -> (PureCloudEmulator, RunningEmulator) {
        var configuration = EmulatorConfiguration()
        configuration.rateLimit = 0
        configuration.latencyMilliseconds = latency
        configuration.data = .file(scenario.orgFile.path)
        let emulator = try PureCloudEmulator(configuration: configuration)
        return (emulator, try await emulator.start())
    }

    /// `extra` goes to pclua; the script gets the limit every scenario needs: the legacy groups
    /// lose most of their members (more than the half the script allows by default).
    func migrate(_ running: RunningEmulator, _ scenario: Scenario, extra: [String] = []) throws -> PcluaProcess.Outcome {
        try PcluaProcess.run(["--base-url", running.baseURL] + extra + ["scripts/migrate-members.lua", scenario.movesFile.path, "--max-removals", "4000"],
                             environment: ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId,
                                           "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret])
    }

    /// user id -> groups, from the emulator's state.
    func memberships(_ emulator: PureCloudEmulator) throws -> [String: Set<String>] {
        try Self.memberships(emulator)
    }

    static func memberships(_ emulator: PureCloudEmulator) throws -> [String: Set<String>] {
        let state = try JSONSerialization.jsonObject(with: Data(emulator.exportedState().utf8)) as! [String: Any]
        var out: [String: Set<String>] = [:]
        for group in state["groups"] as! [[String: Any]] {
            for member in group["members"] as! [String] { out[member, default: []].insert(group["id"] as! String) }
        }
        return out
    }

    func writes(_ emulator: PureCloudEmulator) -> Int {
        emulator.requestCount("post_group_members") + emulator.requestCount("delete_group_members")
    }

    func testTenThousandMovesEndExactlyAsTheFileSaysAndASecondRunWritesNothing() async throws {
        let scenario = try Self.makeScenario()
        let (emulator, running) = try await start(scenario)
        let first = try migrate(running, scenario)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("10000 rows (20000 membership changes): 10000 added, 10000 removed, 0 already in place, 0 failed"), first.stdout)
        XCTAssertEqual(try memberships(emulator), scenario.expected)
        // Each group's adds and removes in chunks of 50, and not one write more: 3,334 + 3,333 + 3,333
        // users each way is 67 chunks per group, 402 writes.
        XCTAssertEqual(writes(emulator), 2 * (67 + 67 + 67))

        let writesBefore = writes(emulator)
        let second = try migrate(running, scenario)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("10000 rows (20000 membership changes): 0 added, 0 removed, 20000 already in place"), second.stdout)
        XCTAssertEqual(writes(emulator), writesBefore, "a second run sends no membership writes")
        await running.stop()
    }

    func testARunKilledHalfwayConvergesWhenStartedAgain() async throws {
        let scenario = try Self.makeScenario(moves: 3_000)
        let (emulator, running) = try await start(scenario, latency: 15)
        let process = Process()
        process.executableURL = PcluaProcess.binary
        process.currentDirectoryURL = PcluaProcess.packageRoot
        process.arguments = ["--base-url", running.baseURL, "scripts/migrate-members.lua", scenario.movesFile.path]
        process.environment = ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until some writes have landed, then kill it without warning.
        let deadline = Date().addingTimeInterval(30)
        while writes(emulator) < 30 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let partial = try memberships(emulator)
        XCTAssertNotEqual(partial, scenario.expected, "the run was killed before it finished")
        XCTAssertGreaterThan(writes(emulator), 0)

        let again = try migrate(running, scenario)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try memberships(emulator), scenario.expected)
        await running.stop()
    }

    func testADryRunChangesNothingAndPrintsThePlan() async throws {
        let scenario = try Self.makeScenario(moves: 300)
        let (emulator, running) = try await start(scenario)
        let before = try memberships(emulator)
        let outcome = try migrate(running, scenario, extra: ["--dry-run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(try memberships(emulator), before)
        XCTAssertEqual(writes(emulator), 0)
        // One line per group and kind of change (about 100 each: two or three requests held back),
        // naming the group, not one line of 50 ids per chunk.
        let planned = outcome.stderr.split(separator: "\n").filter { $0.contains("dry run: not sent") }
        func total(_ key: String) -> Int { planned.compactMap { $0.firstMatch(of: try! Regex("\(key)=(\\d+)"))?[1].substring.flatMap { Int($0) } }.reduce(0, +) }
        XCTAssertEqual(planned.filter { $0.contains("method=POST") }.count, 3, outcome.stderr)
        XCTAssertEqual(planned.filter { $0.contains("method=DELETE") }.count, 3, outcome.stderr)
        XCTAssertGreaterThanOrEqual(total("requests"), 12, "each line stands for several requests: \(outcome.stderr)")
        XCTAssertEqual(total("add"), 300, outcome.stderr)
        XCTAssertEqual(total("remove"), 300, outcome.stderr)
        XCTAssertTrue(planned.allSatisfy { $0.contains("group=\"Team ") || $0.contains("group=Team ") || $0.contains("group=\"Legacy ") || $0.contains("group=Legacy ") }, outcome.stderr)
        XCTAssertTrue(outcome.stderr.split(separator: "\n").allSatisfy { $0.count < 300 }, "no line of ids: \(outcome.stderr)")
        XCTAssertTrue(outcome.stdout.contains("300 rows (600 membership changes), dry run, nothing was changed: 300 to add, 300 to remove"), outcome.stdout)
        await running.stop()
    }

    func testMistakesStopTheMigrationBeforeAnyWrite() async throws {
        let scenario = try Self.makeScenario(moves: 60)
        let (emulator, running) = try await start(scenario)
        func attempt(_ csv: String, expect: String) throws {
            try csv.write(to: scenario.movesFile, atomically: true, encoding: .utf8)
            let outcome = try migrate(running, scenario)
            XCTAssertEqual(outcome.status, 1, outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains(expect), "expected \(expect) in: \(outcome.stderr)")
            XCTAssertFalse(outcome.stderr.contains("stack traceback"), "a mistake in the file is one line: \(outcome.stderr)")
            XCTAssertEqual(writes(emulator), 0, "nothing was written")
        }
        let user = "u00001-0000-4000-a000-000000000000"
        try attempt("user_id,from_group,to_group\n\(user),Legacy B,Team North\n\(user),Legacy B\n", expect: "moves.csv: line 3, column 3: the row has 2 fields")
        try attempt("user_id,from_group,to_group\n\(user),Legacy B,Team Nowhere\n", expect: "'Team Nowhere' (line 2): no group has this name")
        try attempt("user_id,from_group,to_group\n\(user),Legacy B,Team North\n\(user),Team North,Legacy C\n",
                    expect: "lines 2 and 3: \(user) would be added to and removed from 'Team North'")
        try attempt("person,from,to\n\(user),Legacy B,Team North\n", expect: "must have the columns user (or email, or user_id), from_group, to_group")
        await running.stop()
    }
}
