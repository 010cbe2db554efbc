import EmulatorTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PureCloudEmulator
import XCTest

/// Snapshot, rehearse, run, snapshot, diff (issue 13) through the binary, against an emulator
/// serving 20,000 users (1,000 of them inactive) and 1,000 groups on loopback.
final class RehearsalTests: XCTestCase {
    nonisolated(unsafe) static var served: (PureCloudEmulator, RunningEmulator)?
    nonisolated(unsafe) static var folder = ""
    static let inactiveEvery = 20

    override class func setUp() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rehearsal-\(getpid())").path
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // The demo org, with every 20th user made inactive, written as a data file and served.
        let demo = try! PureCloudEmulator(configuration: { var c = EmulatorConfiguration(); c.data = .demo(users: 20_000, groups: 1_000); return c }())
        var org = try! JSONSerialization.jsonObject(with: Data(demo.exportedState().utf8)) as! [String: Any]
        var users = org["users"] as! [[String: Any]]
        for index in stride(from: 0, to: users.count, by: inactiveEvery) { users[index]["state"] = "inactive" }
        org["users"] = users
        let path = folder + "/org.json"
        try! JSONSerialization.data(withJSONObject: org).write(to: URL(fileURLWithPath: path))
        served = ClassEmulator.start { $0.data = .file(path) }
    }

    override class func tearDown() {
        ClassEmulator.stop(served?.1)
        try? FileManager.default.removeItem(atPath: folder)
    }

    var emulator: PureCloudEmulator { Self.served!.0 }
    var credentials: [String] {
        ["--base-url", Self.served!.1.baseURL, "--client-id", EmulatorConfiguration.defaultClientId, "--client-secret", EmulatorConfiguration.defaultClientSecret]
    }

    func file(_ name: String) -> String { Self.folder + "/" + name }

    func stats() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(string: Self.served!.1.baseURL + "/_emulator/stats")!)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func resetStats() throws {
        var request = URLRequest(url: URL(string: Self.served!.1.baseURL + "/_emulator/stats")!)
        request.httpMethod = "DELETE"
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, _, _ in done.signal() }.resume()
        done.wait()
    }

    func writes() throws -> Int {
        let byOperation = try stats()["byOperation"] as? [String: Int] ?? [:]
        return ["post_groups", "put_group", "delete_group", "post_group_members", "delete_group_members"].reduce(0) { $0 + (byOperation[$1] ?? 0) }
    }

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
    }

    /// A migration by email between named groups, plus a new group created and filled.
    static let script = """
        local purecloud = require "purecloud"
        local api = purecloud.GroupsApi.new()
        local byName = {}
        for group in api:each_group{} do byName[group.name] = group.id end
        local adds, removes = {}, {}
        for row in purecloud.csv.rows(arg[1]) do
          local to, from = byName[row.to_group], byName[row.from_group]
          assert(to and from, "unknown group in row")
          adds[to] = adds[to] or {}; table.insert(adds[to], row.email)
          removes[from] = removes[from] or {}; table.insert(removes[from], row.email)
        end
        for id, emails in pairs(adds) do api:add_members(id, emails) end
        for id, emails in pairs(removes) do api:remove_members(id, emails) end
        local night = api:post_groups{ name = "Night Shift", type = "official", visibility = "public", rulesVisible = true }
        local crew = {}
        for row in purecloud.csv.rows(arg[2]) do crew[#crew + 1] = row.email end
        api:add_members(night.id, crew)
        print("done")
        """

    func testSnapshotRehearseRunSnapshotAndDiffAgree() throws {
        let before = file("before.json"), after = file("after.json"), plan = file("plan.json")
        try resetStats()
        let snapshot = try PcluaProcess.run(["snapshot", "--out", before] + credentials)
        XCTAssertEqual(snapshot.status, 0, snapshot.stderr)
        // ceil(19,000/500) active + ceil(1,000/500) inactive + ceil(1,000/500) groups + 1,000 groups + the token
        // + tokens/me (the file records its org)
        XCTAssertEqual(try stats()["requests"] as? Int, 38 + 2 + 2 + 1_000 + 1 + 1)
        let mode = try FileManager.default.attributesOfItem(atPath: before)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        let copied = try json(before)
        XCTAssertEqual((copied["users"] as? [Any])?.count, 20_000)
        XCTAssertEqual((copied["groups"] as? [Any])?.count, 1_000)

        // Moves: the first 4 direct members of each of 10 groups (below the half-the-group guard) go to another group.
        let groups = copied["groups"] as! [[String: Any]]
        let users = copied["users"] as! [[String: Any]]
        let active = users.filter { $0["state"] as? String == "active" }
        let emails = Dictionary(uniqueKeysWithValues: active.map { ($0["id"] as! String, $0["email"] as! String) })
        var csv = "email,from_group,to_group\r\n"
        for index in 0..<10 {
            let from = groups[index], to = groups[index + 10]
            let toMembers = Set(to["members"] as! [String])
            for id in (from["members"] as! [String]).prefix(4) where !toMembers.contains(id) && emails[id] != nil {
                // Mixed case, as a spreadsheet has them.
                csv += "\(emails[id]!.uppercased()),\(from["name"]!),\(to["name"]!)\r\n"
            }
        }
        try csv.write(toFile: file("moves.csv"), atomically: true, encoding: .utf8)
        let crew = stride(from: 1, to: active.count, by: active.count / 120).prefix(120).map { active[$0]["email"] as! String }
        try ("email\n" + crew.joined(separator: "\n") + "\n").write(toFile: file("crew.csv"), atomically: true, encoding: .utf8)
        try Self.script.write(toFile: file("migrate.lua"), atomically: true, encoding: .utf8)

        // The rehearsal: the served org gets no request at all; the plan is printed and written.
        try resetStats()
        let rehearsal = try PcluaProcess.run(["rehearse", "--snapshot", before, "--plan-out", plan, file("migrate.lua"), file("moves.csv"), file("crew.csv")])
        XCTAssertEqual(rehearsal.status, 0, rehearsal.stderr)
        XCTAssertEqual(try stats()["requests"] as? Int, 0, "a rehearsal must not reach the served org")
        XCTAssertTrue(rehearsal.stdout.contains("done"), rehearsal.stdout)
        XCTAssertTrue(rehearsal.stdout.contains("+ Night Shift: created, 120 members"), rehearsal.stdout)

        // The real run, then what really changed.
        let real = try PcluaProcess.run(credentials + [file("migrate.lua"), file("moves.csv"), file("crew.csv")])
        XCTAssertEqual(real.status, 0, real.stderr)
        XCTAssertGreaterThan(try writes(), 0)
        XCTAssertEqual(try PcluaProcess.run(["snapshot", "--out", after] + credentials).status, 0)
        let diff = try PcluaProcess.run(["diff", before, after, "--json"])
        XCTAssertEqual(diff.status, 0, diff.stderr)

        // The same plan, ids of created groups aside.
        func comparable(_ plan: [String: Any]) -> [String: NSObject] {
            var plan = plan
            plan["rehearsal"] = nil
            plan["groups"] = (plan["groups"] as? [[String: Any]] ?? []).map { group in
                var group = group
                if group["change"] as? String == "created" { group["id"] = nil }
                return group
            }
            return plan.mapValues { $0 as! NSObject }
        }
        let rehearsed = comparable(try json(plan))
        let actual = comparable(try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as! [String: Any])
        XCTAssertEqual(rehearsed as NSDictionary, actual as NSDictionary)
        let totals = rehearsed["totals"] as! [String: Int]
        XCTAssertEqual(totals["groups_created"], 1)
        XCTAssertEqual(totals["people_added"], totals["people_removed"]! + 120)
    }

    func testAnInterruptedSnapshotLeavesNoFileAndCanBeRunAgain() throws {
        let (slow, running) = ClassEmulator.start {
            $0.data = .demo(users: 2_000, groups: 400)
            $0.latencyMilliseconds = 30
        }
        defer { ClassEmulator.stop(running) }
        _ = slow
        let out = file("interrupted.json")
        let process = Process()
        process.executableURL = PcluaProcess.binary
        process.arguments = ["snapshot", "--out", out, "--quiet", "--base-url", running.baseURL,
                             "--client-id", EmulatorConfiguration.defaultClientId, "--client-secret", EmulatorConfiguration.defaultClientSecret]
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1.5)
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let left = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter { $0.contains("interrupted") }
        XCTAssertEqual(left, [], "no partial or temporary file")

        let again = try PcluaProcess.run(["snapshot", "--out", out, "--base-url", running.baseURL,
                                          "--client-id", EmulatorConfiguration.defaultClientId, "--client-secret", EmulatorConfiguration.defaultClientSecret])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual((try json(out)["groups"] as? [Any])?.count, 400)
    }

    func testDiffOfAFileWithItselfAndOfAMissingFile() throws {
        let state = file("same.json")
        try emulator.exportedState().write(toFile: state, atomically: true, encoding: .utf8)
        let same = try PcluaProcess.run(["diff", state, state])
        XCTAssertEqual(same.status, 0)
        XCTAssertTrue(same.stdout.hasPrefix("No changes"), same.stdout)
        let missing = try PcluaProcess.run(["diff", state, file("nope.json")])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("nope.json: no such file"), missing.stderr)
    }

    /// A small hand-written data file (defaults left out), for the edge cases below.
    func smallOrg() throws -> String {
        let path = file("small.json")
        try #"{"users":[{"id":"u1","name":"Ann Lee","email":"ann@example.com"}],"groups":[{"id":"g1","name":"Support","members":["u1"]}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testThePlanSurvivesOsExitAndBadPlanPathsAreRefusedBeforeTheRun() throws {
        let org = try smallOrg(), plan = file("exit-plan.json")
        let exited = try PcluaProcess.run(["rehearse", "--snapshot", org, "--plan-out", plan, "-e",
            #"purecloud.GroupsApi.new():post_groups{ name = "Night", type = "official", visibility = "public", rulesVisible = true } os.exit(7)"#])
        XCTAssertEqual(exited.status, 7, "the script's own exit status is kept")
        XCTAssertTrue(exited.stdout.contains("+ Night: created"), exited.stdout)
        XCTAssertEqual(((try json(plan)["totals"]) as? [String: Int])?["groups_created"], 1)

        for target in ["/dev/full", "/nonexistent-folder/plan.json"] {
            let refused = try PcluaProcess.run(["rehearse", "--snapshot", org, "--plan-out", target, "-e", "print('ran')"])
            XCTAssertEqual(refused.status, 2, refused.stderr)
            XCTAssertEqual(refused.stdout, "", "refused before the script runs")
        }
        let dry = try PcluaProcess.run(["rehearse", "--snapshot", org, "--dry-run", "-e", "print('ran')"])
        XCTAssertEqual(dry.status, 2, "a dry run would make the plan empty")
    }

    func testDiffReadsDefaultsAndRefusesFilesThatAreNotOrgs() throws {
        let org = try smallOrg()
        // The emulator's state of a hand-written file spells out its defaults: still no changes.
        let loaded = try PureCloudEmulator(configuration: { var c = EmulatorConfiguration(); c.data = .file(org); return c }())
        try loaded.exportedState().write(toFile: file("small-state.json"), atomically: true, encoding: .utf8)
        let same = try PcluaProcess.run(["diff", org, file("small-state.json")])
        XCTAssertTrue(same.stdout.hasPrefix("No changes"), same.stdout)
        try #"{"totals":{},"groups":[]}"#.write(toFile: file("a-plan.json"), atomically: true, encoding: .utf8)
        let notOrg = try PcluaProcess.run(["diff", org, file("a-plan.json")])
        XCTAssertEqual(notOrg.status, 2)
        XCTAssertTrue(notOrg.stderr.contains("is not an org data file"), notOrg.stderr)
    }
}
