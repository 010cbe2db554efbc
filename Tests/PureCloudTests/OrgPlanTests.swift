import Foundation
import XCTest
@testable import PureCloud

/// The plan between two data files: what `pclua diff` and `pclua rehearse` print.
final class OrgPlanTests: XCTestCase {
    let users: [OrgData.User] = [
        .init(id: "u1", name: "Ann Lee", email: "ann@example.com"),
        .init(id: "u2", name: "Bob Stone", email: "bob@example.com"),
        .init(id: "u3", name: "Cy Park", email: "cy@example.com", state: "inactive"),
    ]

    func org(_ groups: [OrgData.Group]) -> OrgData { OrgData(users: users, groups: groups) }

    func testCreatedRenamedChangedDeletedAndMembers() {
        let before = org([
            .init(id: "g1", name: "Support", fields: ["visibility": .string("public"), "version": .int(3)], members: ["u1", "u2"]),
            .init(id: "g2", name: "Old Team", members: ["u1", "u2", "u3"]),
            .init(id: "g3", name: "Quiet", members: ["u1"]),
        ])
        let after = org([
            .init(id: "g1", name: "Support EU", fields: ["visibility": .string("members"), "version": .int(9), "dateModified": .string("x")], members: ["u2", "u3"]),
            .init(id: "g3", name: "Quiet", members: ["U1"]),  // the same id in upper case: no change
            .init(id: "new", name: "Night Shift", fields: ["type": .string("official")], members: ["u1"], owners: ["u2"]),
        ])
        let plan = OrgDiff.plan(before: before, after: after)
        XCTAssertEqual(plan.groups.map(\.name), ["Night Shift", "Old Team", "Support EU"])
        let created = plan.groups[0], deleted = plan.groups[1], changed = plan.groups[2]
        XCTAssertEqual(created.change, .created)
        XCTAssertEqual(created.added.map(\.email), ["ann@example.com"])
        XCTAssertEqual(created.ownersAdded.map(\.name), ["Bob Stone"])
        XCTAssertEqual(deleted.change, .deleted)
        XCTAssertEqual(deleted.membersBefore, 3)
        XCTAssertEqual(changed.change, .changed)
        XCTAssertEqual(changed.renamedFrom, "Support")
        // version and dateModified move by themselves; only visibility is a change.
        XCTAssertEqual(changed.fields, [OrgPlan.FieldChange(field: "visibility", before: .string("public"), after: .string("members"))])
        XCTAssertEqual(changed.added.map(\.name), ["Cy Park"])
        XCTAssertEqual(changed.removed.map(\.name), ["Ann Lee"])
        XCTAssertEqual(plan.peopleAdded, 2)
        XCTAssertEqual(plan.peopleRemoved, 1)
        // create 1 + members (2 reads + 1 add); delete 1; update 2 + members (2 reads + 1 add + 1 remove)
        XCTAssertEqual(plan.estimatedRequests, 4 + 1 + 6)
        // Writes: create + add; delete; update + add + remove. Reads: the rest.
        XCTAssertEqual(plan.estimatedWrites, 2 + 1 + 3)
        XCTAssertEqual(plan.estimatedReads, 2 + 0 + 3)
    }

    func testNoChangesAndTheText() {
        let same = org([.init(id: "g1", name: "Support", members: ["u1"])])
        XCTAssertTrue(OrgDiff.plan(before: same, after: same).isEmpty)
        XCTAssertTrue(OrgDiff.plan(before: same, after: same).text().hasPrefix("No changes"))

        let many = OrgData(users: (1...25).map { .init(id: "p\($0)", name: "Person \($0)", email: "p\($0)@example.com") },
                           groups: [.init(id: "g1", name: "Support", members: [])])
        var after = many
        after.groups[0].members = (1...25).map { "p\($0)" }
        let text = OrgDiff.plan(before: many, after: after).text(limit: 10)
        XCTAssertTrue(text.contains("~ Support (+25 -0)"), text)
        XCTAssertTrue(text.contains("+ Person 1 <p1@example.com>"), text)
        XCTAssertTrue(text.contains("... and 15 more (the JSON plan lists everyone)"), text)
        XCTAssertTrue(text.contains("Requests: at least 3 to carry it out (1 write, 2 reads of the changed groups)"), text)
        XCTAssertFalse(OrgDiff.plan(before: many, after: after).text(limit: 0).contains("more"))
    }

    func testDataFileRoundTripAndErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("orgdata-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let original = org([.init(id: "g1", name: "Support", fields: ["visibility": .string("public"), "rulesVisible": .bool(true)],
                                  members: ["u1", "u2"], owners: ["u3"])])
        let path = folder + "/org.json"
        try original.write(to: path)
        var expected = original  // read back with the data file's defaults spelt out
        expected.groups[0].fields.merge(OrgData.groupDefaults) { given, _ in given }
        XCTAssertEqual(try OrgData.load(path: path), expected)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "a snapshot holds personal data")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["org.json"], "no temporary file is left")

        try Data(#"{"users":[{"name":"No Id"}],"groups":[]}"#.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try OrgData.load(path: path)) { XCTAssertEqual("\($0)", "\(path): users[1] has no \"id\"") }
        XCTAssertThrowsError(try OrgData.load(path: folder + "/missing.json")) { XCTAssertTrue("\($0)".hasPrefix("cannot read \(folder)/missing.json")) }
    }

    func testProgressText() {
        XCTAssertEqual(ProgressLine.describe("snapshot: groups", done: 500, total: 2000, elapsed: 0.5), "snapshot: groups 500/2,000")
        XCTAssertEqual(ProgressLine.describe("adding", done: 100, total: 1100, elapsed: 10), "adding 100/1,100, 10/s, about 2 min left")
        XCTAssertEqual(ProgressLine.describe("adding", done: 100, total: 500, elapsed: 10), "adding 100/500, 10/s, about 40 s left")
    }
}
