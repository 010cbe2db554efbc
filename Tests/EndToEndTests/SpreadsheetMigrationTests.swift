import Foundation
import PureCloudEmulator
import XCTest

/// Issue 21, part 1: the shipped scripts with the files admins really have, saved by Excel (a
/// byte-order mark, CRLF, `;`, a `;` at the end of every line from one stray formatted column,
/// `;;;` rows where rows were deleted, title-case headers) and the mistakes of a long day. Each
/// test works on groups of its own, so they share one emulator.
final class SpreadsheetMigrationTests: EmulatorBackedTestCase {
    static let people = (0..<40).map { n in (id: String(format: "5a1e0000-0000-4000-a000-%012d", n), email: "person\(n)@example.com", name: "Person \(n)") }
    static func groupId(_ n: Int) -> String { String(format: "9a0e0000-0000-4000-a000-%012d", n) }

    /// Group name -> (id, members by person number).
    static let groupsAtStart: [(name: String, members: [Int])] = [
        ("Sales EMEA", [0, 1, 2, 3, 4, 5]), ("Sales APAC", [6, 7, 8]),          // the Excel file
        ("Support Tier 1", [9, 10, 11]), ("Support Tier 2", []),                  // people in neither group
        ("Billing North", [12, 13, 14]), ("Billing South", []),                   // --skip-unknown
        ("Quality", [15, 16, 17, 18]),                                            // sync-group
        ("Ops Old", [19, 20, 21, 22]), ("Ops New", []),                           // counts that agree
    ]

    override class func configure(_ c: inout EmulatorConfiguration) {
        let org: [String: Any] = [
            "users": people.map { ["id": $0.id, "name": $0.name, "email": $0.email] },
            "groups": groupsAtStart.enumerated().map { n, group in
                ["id": groupId(n), "name": group.name, "members": group.members.map { people[$0].id }] as [String: Any]
            },
        ]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sheets-org-\(UUID()).json")
        try! JSONSerialization.data(withJSONObject: org).write(to: url)
        c.data = .file(url.path)
    }

    /// A file as Excel saves "CSV UTF-8" where the list separator is `;`: a byte-order mark,
    /// CRLF, and `lines` as given (their separators included).
    func excel(_ name: String, _ lines: [String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sheets-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try (Data([0xEF, 0xBB, 0xBF]) + Data(lines.map { $0 + "\r\n" }.joined().utf8)).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return url.path
    }

    func members(_ group: String) throws -> Set<String> {
        let found = try groups().first { $0["name"] as? String == group }
        return Set((found?["members"] as? [String] ?? []).map { id in Self.people.firstIndex { $0.id == id }.map { "person\($0)" } ?? id })
    }

    func writes() -> Int { emulator.requestCount("post_group_members") + emulator.requestCount("delete_group_members") }

    func testAnExcelSheetWithATrailingEmptyColumnBlankRowsAndARepeatedMoveMovesEachPersonOnce() throws {
        let path = try excel("moves.csv", [
            "User;From Group;To Group;",
            "person0@example.com;Sales EMEA;Sales APAC;",
            "PERSON1@EXAMPLE.COM;sales emea ;Sales APAC;",
            ";;;",
            "person0@example.com;Sales EMEA;Sales APAC;",   // the same move as line 2
            ";;;",
            "\(Self.people[2].id.uppercased());Sales EMEA;Sales APAC;",
            "",
        ])
        let outcome = try pclua(["scripts/migrate-members.lua", path])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.hasPrefix("4 rows (6 membership changes): 3 added, 3 removed, 0 already in place, 0 failed; 1 duplicate row (done once); 3 blank rows skipped;"), outcome.stdout)
        XCTAssertTrue(outcome.stderr.contains("moves.csv: lines 2 and 5 move person0@example.com from 'Sales EMEA' to 'Sales APAC': done once"), outcome.stderr)
        XCTAssertEqual(try members("Sales EMEA"), ["person3", "person4", "person5"])
        XCTAssertEqual(try members("Sales APAC"), ["person0", "person1", "person2", "person6", "person7", "person8"])
        // A value in the column without a header is not silently dropped.
        let stray = try excel("stray.csv", ["User;From Group;To Group;", "person3@example.com;Sales EMEA;Sales APAC;note"])
        let refused = try pclua(["scripts/migrate-members.lua", stray])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("stray.csv: line 2, column 4: 'note' is in a column without a name in the header"), refused.stderr)
    }

    func testContradictionsAreRefusedBeforeAnyWriteNamingTheirLines() throws {
        let writesBefore = writes()
        let path = try excel("moves.csv", [
            "E-Mail;From Group;To Group;",
            "person3@example.com;Sales EMEA;Sales APAC;",
            "person3@example.com;Sales EMEA;Support Tier 2;",   // the same person to another group
            "person4@example.com;Sales EMEA;sales emea;",        // from a group to itself
            "person6@example.com;Sales APAC;Ops New;",
            "person7@example.com;;Sales APAC;",
            "person7@example.com;Sales APAC;;",                  // added to and removed from one group
        ])
        let outcome = try pclua(["scripts/migrate-members.lua", path])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("""
            moves.csv: 3 contradictions:
              lines 2 and 3: person3@example.com is moved to two groups ('Sales APAC' and 'Support Tier 2')
              line 4: from_group and to_group are the same group ('Sales EMEA')
              lines 6 and 7: person7@example.com would be added to and removed from 'Sales APAC'
            nothing was changed; correct the file
            """), outcome.stderr)
        XCTAssertEqual(writes(), writesBefore, "nothing was written")
    }

    func testEveryUnknownGroupOfTheFileIsListedAtOnceWithTheClosestNames() throws {
        let path = try excel("moves.csv", [
            "User;From Group;To Group",
            "person3@example.com;Sales EMAE;Sales APAC",
            "person4@example.com;Sales EMAE;Suport Tier 2",
            "person5@example.com;SalesEMEA;Marketing",
        ])
        let searchesBefore = emulator.requestCount("get_groups")
        let outcome = try pclua(["scripts/migrate-members.lua", path])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("""
            moves.csv: 4 groups not found:
              'Sales EMAE' (lines 2 and 3): no group has this name; did you mean 'Sales EMEA'?
              'Suport Tier 2' (line 3): no group has this name; did you mean 'Support Tier 2' or 'Support Tier 1'?
              'SalesEMEA' (line 4): no group has this name; did you mean 'Sales EMEA'?
              'Marketing' (line 4): no group has this name
            nothing was changed; correct the file
            """), outcome.stderr)
        XCTAssertEqual(emulator.requestCount("get_groups") - searchesBefore, 1, "the org's groups are listed once for every unknown name")
        // The same suggestions for a script's GROUP argument.
        let sync = try pclua(["scripts/sync-group.lua", "Qualty", path])
        XCTAssertEqual(sync.status, 1)
        XCTAssertTrue(sync.stderr.contains("unknown group 'Qualty': no group has this name; did you mean 'Quality'?"), sync.stderr)
        let export = try pclua(["scripts/export-members.lua", "/dev/null", "ops"])
        XCTAssertTrue(export.stderr.contains("unknown group 'ops': no group has this name; did you mean 'Ops New' or 'Ops Old'?"), export.stderr)
        let byName = try pclua(["scripts/export-members.lua", "/dev/null", "  quality "])
        XCTAssertEqual(byName.status, 0, byName.stderr)
        XCTAssertTrue(byName.stdout.contains("\(try members("Quality").count) memberships of 1 group written"), byName.stdout)
    }

    func testPeopleInNeitherGroupOfTheirRowStopTheRunUnlessAFlagSaysItIsExpected() throws {
        let path = try excel("moves.csv", [
            "User;From Group;To Group;",
            "person9@example.com;Support Tier 1;Support Tier 2;",
            "person0@example.com;Support Tier 1;Support Tier 2;",   // in neither (a wrong sheet)
            "person1@example.com;Support Tier 1;Support Tier 2;",   // in neither
        ])
        let writesBefore = writes()
        let stopped = try pclua(["scripts/migrate-members.lua", path])
        XCTAssertEqual(stopped.status, 1, stopped.stderr)
        XCTAssertTrue(stopped.stderr.contains("""
            2 rows name people who are in neither their from_group nor their to_group (a wrong group, another org, an outdated sheet?):
              \(path):3: person0@example.com is not in 'Support Tier 1' (nor in 'Support Tier 2')
              \(path):4: person1@example.com is not in 'Support Tier 1' (nor in 'Support Tier 2')
            nothing was changed; correct the file, or pass --allow-not-in-from-group
            """), stopped.stderr)
        XCTAssertEqual(writes(), writesBefore, "stopped before the first write")
        XCTAssertEqual(try members("Support Tier 2"), [])

        let allowed = try pclua(["scripts/migrate-members.lua", path, "--allow-not-in-from-group"])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertTrue(allowed.stdout.hasPrefix("3 rows (4 membership changes): 3 added, 1 removed, 0 already in place, 0 failed; 2 people not in their from_group (removal skipped);"), allowed.stdout)
        XCTAssertEqual(try members("Support Tier 2"), ["person9", "person0", "person1"])
        XCTAssertEqual(try members("Support Tier 1"), ["person10", "person11"])

        // Run again: everyone is where the file wants them; nobody is an anomaly any more.
        let again = try pclua(["scripts/migrate-members.lua", path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.hasPrefix("3 rows (6 membership changes): 0 added, 0 removed, 6 already in place, 0 failed;"), again.stdout)
    }

    func testAfterSkipUnknownTheExitStatusComesWithTheRowsToCorrect() throws {
        let path = try excel("moves.csv", [
            "User;From Group;To Group;",
            "person12@example.com;Billing North;Billing South;",
            "persn13@example.com;Billing North;Billing South;",
            "person14@example.com;Billing North;Billing South;",
        ])
        let outcome = try pclua(["scripts/migrate-members.lua", path, "--skip-unknown", "--max-removals", "2"])
        XCTAssertEqual(outcome.status, 4, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("""
            not moved: 1 entry (everything else is done); correct it in \(path), then run the script again (what is done is skipped):
              \(path):3: persn13@example.com: no such user
            """), outcome.stdout)
        XCTAssertFalse(outcome.stdout.contains("run again to finish"), outcome.stdout)
        XCTAssertEqual(try members("Billing South"), ["person12", "person14"])
    }

    func testSyncGroupReadsTheSameExcelFileAndCountsARepeatedPersonOnce() throws {
        let path = try excel("members.csv", [
            "E-Mail;Name;",
            "person15@example.com;Person 15;",
            ";;",
            "PERSON16@example.com;Person 16;",
            "\(Self.people[15].id);Person 15 again;",
            "person17@example.com;;",
        ])
        let outcome = try pclua(["scripts/sync-group.lua", "quality", path, "--max-removals", "1"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("members.csv: lines 2 and 5 name the same person (person15@example.com): counted once"), outcome.stderr)
        XCTAssertTrue(outcome.stdout.hasPrefix("Quality: 4 rows: 0 added, 1 removed, 3 unchanged, 0 failed; 1 duplicate row (counted once); 1 blank row skipped;"), outcome.stdout)
        XCTAssertEqual(try members("Quality"), ["person15", "person16", "person17"])
    }

    /// The job that said 19 requests in the script, 28 in the rehearsal and 12 in the plan: each
    /// number now says what it counts, and the same thing has the same number everywhere.
    func testTheScriptTheRehearsalAndTheDiffCountTheSameThingsTheSameWay() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("counts-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let before = directory.appendingPathComponent("before.json").path, after = directory.appendingPathComponent("after.json").path
        let path = try excel("moves.csv", ["User;From Group;To Group"] + (19...21).map { "person\($0)@example.com;Ops Old;Ops New" })
        let snapshot = { (out: String) in try PcluaProcess.run(["snapshot", "--base-url", self.baseURL, "--out", out, "--quiet"], environment: self.credentials) }
        XCTAssertEqual(try snapshot(before).status, 0)

        let rehearsal = try PcluaProcess.run(["rehearse", "--snapshot", before, "scripts/migrate-members.lua", path, "--max-removals", "3"])
        XCTAssertEqual(rehearsal.status, 0, rehearsal.stderr)
        let real = try pclua(["scripts/migrate-members.lua", path, "--max-removals", "3"])
        XCTAssertEqual(real.status, 0, real.stderr)
        XCTAssertEqual(try snapshot(after).status, 0)
        let diff = try PcluaProcess.run(["diff", before, after])

        // The script's summary, in the rehearsal and in the real run: the same numbers.
        let summary = /3 rows \(6 membership changes\): 3 added, 3 removed, 0 already in place, 0 failed; (\d+) requests sent \((\d+) writes; retries: 0\), tokens fetched: 1/
        let rehearsed = try XCTUnwrap(rehearsal.stdout.firstMatch(of: summary), rehearsal.stdout)
        let ran = try XCTUnwrap(real.stdout.firstMatch(of: summary), real.stdout)
        XCTAssertEqual(rehearsed.1, ran.1)
        XCTAssertEqual(ran.2, "2", "one add and one remove, of 3 people each")
        // The rehearsal's plan counts what the script sent as the script does, and the least the plan needs.
        XCTAssertTrue(rehearsal.stdout.contains("Requests: the script sent \(ran.1) requests to the copy (2 writes, \(Int(ran.1)! - 2) reads) and fetched 1 token. "
            + "The plan alone needs 6 (2 writes, 4 reads of the changed groups); the rest are the script's own look-ups and checks."), rehearsal.stdout)
        XCTAssertTrue(rehearsal.stdout.contains("3 memberships added and 3 removed in 2 groups"), rehearsal.stdout)
        // The diff of the real run: the same plan, the same least count, the same writes.
        XCTAssertTrue(diff.stdout.contains("3 memberships added and 3 removed in 2 groups"), diff.stdout)
        XCTAssertTrue(diff.stdout.contains("Requests: at least 6 to carry it out (2 writes, 4 reads of the changed groups)"), diff.stdout)
    }
}
