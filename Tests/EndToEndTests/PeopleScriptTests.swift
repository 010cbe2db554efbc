import EmulatorTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PureCloudEmulator
import XCTest

/// The shipped scripts through the real binary with people named as admins name them: emails in
/// any case, ids in upper case, CSVs from Excel; and the guards that keep a mistake from emptying
/// a group (issues 11 and 12).
final class PeopleScriptTests: XCTestCase {
    static let legacy = ["Old A", "Old B", "Old C"]
    static let teams = ["New X", "New Y", "New Z"]
    static let userCount = 3_600

    static func userId(_ n: Int) -> String { String(format: "d%07x-0000-4000-a000-%012x", n, n) }
    static func email(_ n: Int) -> String { "person\(n)@example.com" }
    static func groupId(_ i: Int) -> String { String(format: "e%07x-0000-4000-a000-000000000000", i) }

    /// 3,600 people spread over three legacy groups (1,200 each); the new teams start empty; plus
    /// "Quality" with 56 members and two people of one name.
    static func orgFile() throws -> URL {
        var users: [[String: Any]] = (0..<userCount).map { ["id": userId($0), "name": "Person \($0)", "email": email($0)] }
        users.append(["id": userId(90_001), "name": "Sam Twin", "email": "sam.one@example.com"])
        users.append(["id": userId(90_002), "name": "Sam Twin", "email": "sam.two@example.com"])
        var groups: [[String: Any]] = []
        for (i, name) in (legacy + teams).enumerated() {
            let members = i < 3 ? (0..<userCount).filter { $0 % 3 == i }.map(userId) : []
            groups.append(["id": groupId(i), "name": name, "members": members])
        }
        groups.append(["id": groupId(9), "name": "Quality", "members": (0..<56).map(userId)])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("people-org-\(UUID()).json")
        try JSONSerialization.data(withJSONObject: ["users": users, "groups": groups]).write(to: url)
        return url
    }

    func start() async throws -> (PureCloudEmulator, RunningEmulator) {
        var configuration = EmulatorConfiguration()
        configuration.rateLimit = 0
        configuration.data = .file(try Self.orgFile().path)
        let emulator = try PureCloudEmulator(configuration: configuration)
        return (emulator, try await emulator.start())
    }

    func pclua(_ running: RunningEmulator, _ arguments: [String]) throws -> PcluaProcess.Outcome {
        try PcluaProcess.run(["--base-url", running.baseURL] + arguments,
                             environment: ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId,
                                           "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret])
    }

    func file(_ name: String, _ text: String) throws -> String {
        try bytes(name, Data(text.utf8))
    }

    func bytes(_ name: String, _ data: Data) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("people-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    func members(_ emulator: PureCloudEmulator, _ groupId: String) throws -> Set<String> {
        let state = try JSONSerialization.jsonObject(with: Data(emulator.exportedState().utf8)) as! [String: Any]
        let group = (state["groups"] as! [[String: Any]]).first { $0["id"] as? String == groupId }!
        return Set(group["members"] as! [String])
    }

    func writes(_ emulator: PureCloudEmulator) -> Int {
        emulator.requestCount("post_group_members") + emulator.requestCount("delete_group_members")
    }

    // MARK: migrate-members.lua

    func testThreeThousandEmailsMoveBetweenGroupsNamedByNameAndEndExactly() async throws {
        let (emulator, running) = try await start()
        var csv = "email;from_group;to_group\r\n"  // as Excel writes it where the decimal mark is a comma
        for n in 0..<3_000 {
            let address = n % 4 == 0 ? Self.email(n).uppercased() : (n % 4 == 1 ? " \(Self.email(n)) " : Self.email(n))
            csv += "\(address);\(Self.legacy[n % 3]);\(Self.teams[(n / 3) % 3])\r\n"
        }
        let path = try bytes("moves.csv", Data([0xEF, 0xBB, 0xBF]) + Data(csv.utf8))
        let refused = try pclua(running, ["scripts/migrate-members.lua", path])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("the plan removes 1000 of the 1200 direct members of 'Old A', more than half; 'Old A' was not changed"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--max-removals 1000"), refused.stderr)
        XCTAssertEqual(writes(emulator), 0, "refused before the first write of any group")

        let outcome = try pclua(running, ["scripts/migrate-members.lua", path, "--max-removals", "1000"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("3000 rows (6000 membership changes): 3000 added, 3000 removed, 0 already in place, 0 failed"), outcome.stdout)
        for (i, _) in Self.legacy.enumerated() {
            let stay = Set((3_000..<Self.userCount).filter { $0 % 3 == i }.map(Self.userId))
            XCTAssertEqual(try members(emulator, Self.groupId(i)), stay)
        }
        for (t, _) in Self.teams.enumerated() {
            let joined = Set((0..<3_000).filter { ($0 / 3) % 3 == t }.map(Self.userId))
            XCTAssertEqual(try members(emulator, Self.groupId(3 + t)), joined)
        }
        await running.stop()
    }

    func testThreeUnknownEmailsChangeNothingAndTheirRowsAreNamed() async throws {
        let (emulator, running) = try await start()
        var csv = "user,from_group,to_group\n"
        for n in 0..<30 { csv += "\(Self.email(n)),\(Self.legacy[n % 3]),New X\n" }
        csv += "typo@example.com,Old A,New X\nperson1@exampel.com,Old B,New X\nSam Twin,Old C,New X\nnobody@example.com,,New Y\n"
        let path = try file("moves.csv", csv)
        let outcome = try pclua(running, ["scripts/migrate-members.lua", path])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("4 rows name people that cannot be used"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("moves.csv:32: typo@example.com: no such user"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("moves.csv:33: person1@exampel.com: no such user"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("moves.csv:34: Sam Twin: 2 users have this name"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("moves.csv:35: nobody@example.com: no such user"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("nothing was changed"), outcome.stderr)
        XCTAssertEqual(writes(emulator), 0)
        XCTAssertEqual(try members(emulator, Self.groupId(3)), [])
        await running.stop()
    }

    func testScriptsRefuseArgumentsTheyDoNotKnow() async throws {
        let (emulator, running) = try await start()
        let path = try file("m.csv", "user\nperson1@example.com\n")
        for arguments in [["scripts/sync-group.lua", "Quality", path, "--max-removal", "3"],
                          ["scripts/migrate-members.lua", path, "extra.csv"],
                          ["scripts/migrate-members.lua", path, "--force"],
                          ["scripts/export-members.lua", path, "Quality", "--bom"]] {
            let outcome = try pclua(running, arguments)
            XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("usage:"), outcome.stderr)
        }
        XCTAssertEqual(writes(emulator), 0)
        await running.stop()
    }

    // MARK: sync-group.lua (issue 11 items 1 and 4)

    func testASyncFromACSVOfEmailsKeepsTheMembersItNames() async throws {
        let (emulator, running) = try await start()
        let path = try file("m.csv", "user_id\n" + (0..<56).map { Self.email($0).capitalized }.joined(separator: "\n") + "\n")
        let outcome = try pclua(running, ["scripts/sync-group.lua", "Quality", path])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("Quality: 56 rows: 0 added, 0 removed, 56 unchanged, 0 failed"), outcome.stdout)
        XCTAssertEqual(try members(emulator, Self.groupId(9)), Set((0..<56).map(Self.userId)))
        await running.stop()
    }

    func testAHeaderOnlyCSVRemovesNobodyAndSaysWhy() async throws {
        let (emulator, running) = try await start()
        let path = try file("m.csv", "user_id\n")
        let outcome = try pclua(running, ["scripts/sync-group.lua", "Quality", path])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("the wanted list is empty, so the plan removes 56 of the 56 direct members of 'Quality'"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("--allow-remove-all"), outcome.stderr)
        XCTAssertEqual(writes(emulator), 0)
        XCTAssertEqual(try members(emulator, Self.groupId(9)).count, 56)
        await running.stop()
    }

    /// The helper names its Lua option; the script says it as its own flag, and only so (the
    /// client, which knows neither, once added "(scripts: --allow-remove-all)" to every message).
    func testARefusedSyncIsSaidWithTheScriptsFlagOnly() async throws {
        let (_, running) = try await start()
        let path = try file("m.csv", "user_id\n")
        let outcome = try pclua(running, ["scripts/sync-group.lua", "Quality", path])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("every member; 'Quality' was not changed. If that is intended, pass --allow-remove-all."), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("allow_remove_all") || outcome.stderr.contains("scripts:"), outcome.stderr)
        await running.stop()
    }

    func testUpperCaseIdsFromAnExportNameTheSameMembers() async throws {
        let (emulator, running) = try await start()
        let path = try file("m.csv", "user_id\n" + (0..<56).map { Self.userId($0).uppercased() }.joined(separator: "\n") + "\n")
        let outcome = try pclua(running, ["scripts/sync-group.lua", Self.groupId(9).uppercased(), path])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("0 added, 0 removed, 56 unchanged"), outcome.stdout)
        XCTAssertEqual(try members(emulator, Self.groupId(9)), Set((0..<56).map(Self.userId)))
        await running.stop()
    }

    // MARK: export-members.lua and CSV as admins have it

    func testExportWritesEveryMemberWithABomAndReadsBack() async throws {
        let (_, running) = try await start()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID()).csv").path
        let outcome = try pclua(running, ["scripts/export-members.lua", out, "Quality"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("56 memberships of 1 group written"), outcome.stdout)
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF], "Excel needs the mark to read UTF-8")
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("group,group_id,user_id,name,email,state\n"), text)
        XCTAssertTrue(text.contains("Quality,\(Self.groupId(9)),\(Self.userId(0)),Person 0,person0@example.com,active"), text)
        // The export feeds a sync unchanged (its user_id column), BOM and all.
        let sync = try pclua(running, ["scripts/sync-group.lua", "Quality", out])
        XCTAssertTrue(sync.stdout.contains("56 unchanged"), sync.stdout + sync.stderr)
        await running.stop()
    }

    func testANonUTF8FileIsNamedWithItsLineAndTheWayToSaveIt() async throws {
        let (emulator, running) = try await start()
        var latin1 = Data("user\nperson1@example.com\n".utf8)
        latin1 += Data([0x4A, 0x6F, 0xE3, 0x6F, 0x40, 0x65, 0x2E, 0x63, 0x6F, 0x6D, 0x0A])  // "João@e.com" in Latin-1
        let path = try bytes("m.csv", latin1)
        let outcome = try pclua(running, ["scripts/sync-group.lua", "Quality", path])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("m.csv: line 3 is not UTF-8 text"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("\"CSV UTF-8"), outcome.stderr)
        XCTAssertEqual(writes(emulator), 0)
        await running.stop()
    }

    // MARK: sealed rehearsals (issue 11 item 3)

    /// The parity example authenticates with PURECLOUD_* credentials and environment, as the SDK
    /// examples do. Under --emulator, the org those name (here a served emulator) gets nothing.
    func testTheParityExampleUnderEmulatorNeverReachesTheOrgItsEnvironmentNames() throws {
        let (served, running) = ClassEmulator.start { _ in }
        defer { ClassEmulator.stop(running) }
        let port = running.baseURL.split(separator: ":").last!
        let outcome = try PcluaProcess.run(["--emulator", "scripts/examples/sdk-parity.lua"], environment: [
            "PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret,
            "PURECLOUD_ENVIRONMENT": "localhost:\(port)",
        ])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("sealed rehearsal: authenticate_with_client_credentials"), outcome.stderr)
        XCTAssertEqual(try Self.servedRequests(running.baseURL), 0, "the served emulator received no request")
        XCTAssertEqual(served.issuedTokens().count, 0)
    }

    static func servedRequests(_ baseURL: String) throws -> Int {
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var data: Data? }
        let box = Box()
        URLSession.shared.dataTask(with: URL(string: baseURL + "/_emulator/stats")!) { data, _, _ in
            box.data = data
            done.signal()
        }.resume()
        done.wait()
        let stats = try JSONSerialization.jsonObject(with: box.data ?? Data()) as! [String: Any]
        // The stats request itself is not an API request; count what the API was asked.
        let byOperation = stats["byOperation"] as? [String: Int] ?? [:]
        return byOperation.filter { !$0.key.hasPrefix("_emulator") && $0.key != "emulator_stats" }.values.reduce(0, +)
    }
}
