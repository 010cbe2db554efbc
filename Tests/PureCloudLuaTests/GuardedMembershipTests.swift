import Foundation
import PureCloudEmulator
import XCTest

/// The bulk helpers name people by email, id, name or user table, resolve before the first write,
/// and refuse plans that would empty a group or remove most of it (issue 11 items 1 and 4).
final class GuardedMembershipTests: ModuleTestCase {
    // Group n (1-based) below; each test writes to its own group so the shared emulator's state
    // does not leak between tests.
    static let groups: [(name: String, members: [String])] = [
        ("Mixed", PeopleFixture.members(4)),                                    // 1
        ("Unknowns", PeopleFixture.members(4)),                                 // 2
        ("Emails synced", PeopleFixture.members(10)),                           // 3
        ("Emptied", PeopleFixture.members(10)),                                 // 4
        ("Mostly removed", PeopleFixture.members(10)),                          // 5
        ("Upper case", PeopleFixture.members(10)),                              // 6
        ("Removed by email", PeopleFixture.members(10)),                        // 7
        ("Inactive kept", PeopleFixture.members(3) + [PeopleFixture.id(4)]),    // 8
        ("Skipped", PeopleFixture.members(4)),                                  // 9
    ]

    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .file(try! PeopleFixture.dataFile(groups: groups))
    }

    func members(_ group: Int) throws -> Set<String> {
        try membersOf(PeopleFixture.groupId(group))
    }

    func membersOf(_ groupId: String) throws -> Set<String> {
        let emulator = Self.emulators[String(describing: type(of: self))]!
        let state = try JSONSerialization.jsonObject(with: Data(emulator.exportedState().utf8)) as! [String: Any]
        let group = (state["groups"] as! [[String: Any]]).first { $0["id"] as? String == groupId }!
        return Set(group["members"] as! [String])
    }

    func writes() throws -> Int { try requestCount("post_group_members") + requestCount("delete_group_members") }

    func testIdsEmailsNamesAndUserTablesMixIntoOneAdd() throws {
        try lua("""
            local api, users = purecloud.GroupsApi.new(), purecloud.UsersApi.new()
            local eve = users:get_user("\(PeopleFixture.id(6))")
            local report = api:add_members("\(PeopleFixture.groupId(1))", {
              "Ana.Lima@Example.com", " \(PeopleFixture.id(150).uppercased()) ", eve, "Member 151", "member100@example.com" })
            assert(report.added == 4 and report.unchanged == 1, report.added .. " " .. report.unchanged)
            assert(report.names["\(PeopleFixture.id(1))"] == "Ana.Lima@Example.com", "named by the input given")
            """)
        XCTAssertEqual(try members(1), Set(PeopleFixture.members(4) + [PeopleFixture.id(1), PeopleFixture.id(150), PeopleFixture.id(6), PeopleFixture.id(151)]))
    }

    func testAnUnknownOrAmbiguousEntryStopsTheJobBeforeTheFirstWriteAndIsNamed() throws {
        let before = try writes()
        let message = try luaError("""
            local api = purecloud.GroupsApi.new()
            api:sync_members("\(PeopleFixture.groupId(2))", { "member100@example.com", "nobody@example.com", "Bob Smith", "dina@example.com" })
            """)
        XCTAssertTrue(message.contains("3 of the 4 users given cannot be used, so 'Unknowns' was not changed"), message)
        XCTAssertTrue(message.contains("nobody@example.com (not found)"), message)
        XCTAssertTrue(message.contains("Bob Smith (ambiguous: 2 users"), message)
        XCTAssertTrue(message.contains("dina@example.com (deleted user)"), message)
        XCTAssertTrue(message.contains("skip_unknown = true"), message)
        XCTAssertEqual(try writes(), before, "nothing was sent")
        XCTAssertEqual(try members(2), Set(PeopleFixture.members(4)))
    }

    func testSkipUnknownChangesTheOthersAndReportsTheRestAsFailed() throws {
        try lua("""
            local api = purecloud.GroupsApi.new()
            local report = api:add_members("\(PeopleFixture.groupId(9))", { "eve.adams@example.com", "nobody@example.com" }, { skip_unknown = true })
            assert(report.added == 1 and #report.failed == 1, report.added .. " " .. #report.failed)
            assert(report.failed[1].input == "nobody@example.com" and report.failed[1].error == "not found", report.failed[1].error)
            """)
        XCTAssertTrue(try members(9).contains(PeopleFixture.id(6)))
    }

    /// Issue 11 item 1, first case: a CSV of emails instead of ids. Before, every add failed and
    /// then every member was removed; now the emails name the members and nothing changes.
    func testASyncFromEmailsOfTheMembersKeepsThem() throws {
        try lua("""
            local api = purecloud.GroupsApi.new()
            local wanted = {}
            for n = 100, 109 do wanted[#wanted + 1] = "Member" .. n .. "@example.com" end
            local report = api:sync_members("\(PeopleFixture.groupId(3))", wanted)
            assert(report.added == 0 and report.removed == 0 and report.unchanged == 10, report.added .. "/" .. report.removed)
            """)
        XCTAssertEqual(try members(3), Set(PeopleFixture.members(10)))
    }

    /// Issue 11 item 1, second case: an empty wanted list (a header-only CSV) removed everyone.
    func testAnEmptyWantedListOrEmptyingTheGroupIsRefusedUnlessAllowed() throws {
        let before = try writes()
        let empty = try luaError("purecloud.GroupsApi.new():sync_members('\(PeopleFixture.groupId(4))', {})")
        XCTAssertTrue(empty.contains("the wanted list is empty, so the plan removes 10 of the 10 direct members of 'Emptied'"), empty)
        XCTAssertTrue(empty.contains("allow_remove_all = true"), empty)
        let all = try luaError("""
            local ids = {}
            for n = 100, 109 do ids[#ids + 1] = string.format("a0000000-0000-4000-a000-%012d", n) end
            purecloud.GroupsApi.new():remove_members('\(PeopleFixture.groupId(4))', ids, { max_removals = 10 })
            """)
        XCTAssertTrue(all.contains("every member"), all)
        XCTAssertEqual(try writes(), before)
        XCTAssertEqual(try members(4), Set(PeopleFixture.members(10)))
        try lua("""
            local report = purecloud.GroupsApi.new():sync_members('\(PeopleFixture.groupId(4))', {}, { allow_remove_all = true })
            assert(report.removed == 10)
            """)
        XCTAssertEqual(try members(4), [])
    }

    /// The job (PureCloud, which knows no Lua) says what it found; the helper says which of its
    /// options lets it go on, in Lua's terms only (a script says it with its own flags).
    func testARefusalNamesTheHelpersOptionNotAScriptsFlag() throws {
        let message = try luaError("""
            purecloud.GroupsApi.new():sync_members('\(PeopleFixture.groupId(5))', { "member100@example.com", "member101@example.com", "member102@example.com" })
            """)
        XCTAssertTrue(message.contains("If that is intended, pass max_removals = 7."), message)
        XCTAssertFalse(message.contains("--max-removals") || message.contains("scripts:"), message)
    }

    func testRemovingMoreThanHalfIsRefusedWithTheNumbersUntilTheLimitIsRaised() throws {
        let before = try writes()
        let message = try luaError("""
            purecloud.GroupsApi.new():sync_members('\(PeopleFixture.groupId(5))', { "member100@example.com", "member101@example.com", "member102@example.com" })
            """)
        XCTAssertTrue(message.contains("the plan removes 7 of the 10 direct members of 'Mostly removed' (and adds 0), more than half; 'Mostly removed' was not changed"), message)
        XCTAssertTrue(message.contains("max_removals = 7"), message)
        let low = try luaError("""
            purecloud.GroupsApi.new():sync_members('\(PeopleFixture.groupId(5))', { "member100@example.com", "member101@example.com", "member102@example.com" }, { max_removals = 6 })
            """)
        XCTAssertTrue(low.contains("more than max_removals = 6"), low)
        XCTAssertEqual(try writes(), before)
        try lua("""
            local api = purecloud.GroupsApi.new()
            local plan = api:sync_members('\(PeopleFixture.groupId(5))', { "member100@example.com", "member101@example.com", "member102@example.com" }, { max_removals = 7, dry_run = true })
            assert(plan.removed == 7 and plan.dry_run)
            local half = api:remove_members('\(PeopleFixture.groupId(5))', { "member100@example.com", "member101@example.com", "member102@example.com", "member103@example.com", "member104@example.com" })
            assert(half.removed == 5, "exactly half is allowed")
            """)
        XCTAssertEqual(try members(5).count, 5)
    }

    /// Issue 11 item 4: upper-case ids (SQL Server and Excel exports) name the same users and group.
    func testUpperCaseIdsNameTheSameMembers() throws {
        try lua("""
            local ids = {}
            for n = 100, 109 do ids[#ids + 1] = string.format("A0000000-0000-4000-A000-%012d", n) end
            local report = purecloud.GroupsApi.new():sync_members(' \(PeopleFixture.groupId(6).uppercased())', ids)
            assert(report.removed == 0 and report.added == 0 and report.unchanged == 10, report.removed .. " " .. report.added)
            """)
        XCTAssertEqual(try members(6), Set(PeopleFixture.members(10)))
    }

    func testRemoveMembersTakesEmailsAndNamesPeopleByThem() throws {
        try lua("""
            local report = purecloud.GroupsApi.new():remove_members('\(PeopleFixture.groupId(7))', { "MEMBER100@example.com", "Member 101" })
            assert(report.removed == 2)
            assert(report.names["\(PeopleFixture.id(100))"] == "MEMBER100@example.com")
            """)
        XCTAssertEqual(try members(7), Set(PeopleFixture.members(8, from: 102)))
    }

    func testASyncNeverRemovesAnInactiveMemberItLists() throws {
        try lua("""
            local api = purecloud.GroupsApi.new()
            local wanted = { "member100@example.com", "member101@example.com", "member102@example.com", "carl@example.com" }
            local ok, err = pcall(api.sync_members, api, '\(PeopleFixture.groupId(8))', wanted)
            assert(not ok and tostring(err):find("carl@example.com %(inactive user%)"), tostring(err))
            local report = api:sync_members('\(PeopleFixture.groupId(8))', wanted, { skip_unknown = true })
            assert(report.removed == 0 and #report.failed == 1, report.removed .. " " .. #report.failed)
            local kept = api:sync_members('\(PeopleFixture.groupId(8))', wanted, { include_inactive = true })
            assert(kept.removed == 0 and kept.unchanged == 4 and #kept.failed == 0)
            """)
        XCTAssertTrue(try members(8).contains(PeopleFixture.id(4)))
    }

    func testOptionsAreChecked() throws {
        try expectErrors([
            ("api:add_members('g', {}, { max_removals = 3 })", "unknown option 'max_removals'"),
            ("api:sync_members('g', {}, { max_removals = 1.5 })", "'max_removals' must be a whole number"),
            ("api:sync_members('g', {}, { max_removals = -1 })", "'max_removals' must be a whole number from 0 to"),
            ("api:sync_members('g', { 1 })", "item 1 must be a user id, email, name or user table, got number"),
            ("api:remove_members('g', {}, { allow_remove_al = true })", "did you mean 'allow_remove_all'"),
        ], prelude: "local api = purecloud.GroupsApi.new()")
    }
}
