import Foundation
import PureCloudEmulator
import XCTest

/// `api:apply_memberships`: many groups in one call, every group checked before the first write
/// to any, then written side by side (issue 16).
final class BatchMembershipTests: ModuleTestCase {
    static let groups: [(name: String, members: [String])] = [
        ("Batch A", PeopleFixture.members(10)),               // 1
        ("Batch B", []),                                      // 2
        ("Batch C", []),                                      // 3
        ("Guarded", PeopleFixture.members(6, from: 120)),     // 4
        ("Untouched", []),                                    // 5
    ]

    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .file(try! PeopleFixture.dataFile(groups: groups))
    }

    func members(_ group: Int) throws -> Set<String> {
        let emulator = Self.emulators[String(describing: type(of: self))]!
        let state = try JSONSerialization.jsonObject(with: Data(emulator.exportedState().utf8)) as! [String: Any]
        let found = (state["groups"] as! [[String: Any]]).first { $0["id"] as? String == PeopleFixture.groupId(group) }!
        return Set(found["members"] as! [String])
    }

    func writes() throws -> Int { try requestCount("post_group_members") + requestCount("delete_group_members") }

    func testChangesToSeveralGroupsComeBackInOrderAndTheOrgIsExact() throws {
        try lua("""
            purecloud.configure{ concurrency = 3 }
            local api = purecloud.GroupsApi.new()
            local movers = {}
            for i = 100, 104 do movers[#movers + 1] = string.format("a0000000-0000-4000-a000-%012d", i) end
            local reports = api:apply_memberships({
              { group = "\(PeopleFixture.groupId(2))", add = movers },
              { group = api:get_group("\(PeopleFixture.groupId(3))"), add = { "ana.lima@example.com", "Eve Adams" } },
              { group = "\(PeopleFixture.groupId(1))", remove = movers },
            }, { allow_remove_all = false })
            assert(#reports == 3)
            assert(reports[1].group_id == "\(PeopleFixture.groupId(2))" and reports[1].added == 5, "first report is the first change")
            assert(reports[2].added == 2 and reports[2].names["\(PeopleFixture.id(1))"] == "ana.lima@example.com")
            assert(reports[3].removed == 5 and reports[3].requests >= 3, "each report counts its own requests: " .. reports[3].requests)
            """)
        XCTAssertEqual(try members(2), Set(PeopleFixture.members(5)))
        XCTAssertEqual(try members(3), [PeopleFixture.id(1), PeopleFixture.id(6)])
        XCTAssertEqual(try members(1), Set(PeopleFixture.members(5, from: 105)))
    }

    func testAnyGroupThatCannotBeChangedStopsTheBatchBeforeAnyWrite() throws {
        let before = try writes()
        let emptied = try luaError("""
            local api = purecloud.GroupsApi.new()
            api:apply_memberships({
              { group = "\(PeopleFixture.groupId(5))", add = { "ana.lima@example.com" } },
              { group = "\(PeopleFixture.groupId(4))", sync = {} },
            })
            """)
        XCTAssertTrue(emptied.contains("every member;"), emptied)
        let unknown = try luaError("""
            local api = purecloud.GroupsApi.new()
            api:apply_memberships({
              { group = "\(PeopleFixture.groupId(5))", add = { "ana.lima@example.com" } },
              { group = "\(PeopleFixture.groupId(4))", add = { "nobody@example.com" } },
            })
            """)
        XCTAssertTrue(unknown.contains("nobody@example.com (not found)"), unknown)
        XCTAssertEqual(try writes(), before, "no group was written")
        XCTAssertEqual(try members(5), [])
    }

    func testTheChangesAreCheckedBeforeAnythingIsSent() throws {
        try expectErrors([
            ("api:apply_memberships('g')", "array of changes ({ group = ..., add = {...} }) expected, got string"),
            ("api:apply_memberships({ { group = 'g', add = {} }, { group = ' G ', remove = {} } })", "entries 1 and 2 both change group g; give each group once"),
            ("api:apply_memberships({ { group = 'g', add = {}, remove = {} } })", "change 1 has more than one of add, remove, sync"),
            ("api:apply_memberships({ { group = 'g' } })", "change 1 has none of add, remove, sync"),
            ("api:apply_memberships({ { group = 'g', ad = {} } })", "change 1 has an unknown key 'ad'"),
            ("api:apply_memberships({ { group = 7, add = {} } })", "change 1: 'group' must be a group id or a group table with an id, got number"),
            ("api:apply_memberships({ { group = 'g', add = { 1 } } })", "item 1 must be a user id, email, name or user table, got number"),
            ("api:apply_memberships({ x = 1 })", "an array of changes expected"),
            ("api:apply_memberships({}, { max_removal = 1 })", "did you mean 'max_removals'"),
            ("purecloud.configure{ token_pool = 0 }", "'token_pool' must be a whole number from 1 to 20, got 0"),
            ("purecloud.configure{ concurrency = 65 }", "'concurrency' must be a whole number from 1 to 64, got 65"),
        ], prelude: "local api = purecloud.GroupsApi.new()")
    }
}
