import PureCloud
import PureCloudEmulator
import LuaKit
import XCTest

/// `api:find_group(name)` (issue 21, part 3): a group by the name people type, with the org's
/// closest names when there is none, in as few requests as exactness allows.
final class FindGroupTests: ModuleTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 20, groups: 12) }

    func testTheNameIsMatchedWhateverItsCaseAndSurroundingSpacesInOneSearch() throws {
        let (searches, listings) = (try requestCount("post_groups_search"), try requestCount("get_groups"))
        try lua("""
            local api = purecloud.GroupsApi.new()
            local some = api:get_groups{ page_size = 1 }.entities[1]
            local found = api:find_group("  " .. some.name:upper() .. " ")
            assert(found and found.id == some.id and found.name == some.name, tostring(found))
            assert(math.type(found.version) == "integer", "the whole group, as get_group returns it")
            """)
        XCTAssertEqual(try requestCount("post_groups_search") - searches, 1, "one exact search")
        XCTAssertEqual(try requestCount("get_groups") - listings, 1, "only the test's own listing: a found name lists nothing")
    }

    func testAnUnknownNameIsNilWithAMessageAndTheClosestNamesListingTheOrgOnce() throws {
        let listings = try requestCount("get_groups")
        try lua("""
            local api = purecloud.GroupsApi.new()
            local group, message, suggestions = api:find_group("Billng 001")
            assert(group == nil, "no guess")
            assert(message == "no group is named 'Billng 001'; did you mean 'Billing 001'?", message)
            assert(getmetatable(suggestions) == purecloud.array_mt and suggestions[1] == "Billing 001", purecloud.json.encode(suggestions))
            local _, message2, none = api:find_group("Nothing alike at all")
            assert(message2 == "no group is named 'Nothing alike at all'" and #none == 0, message2)
            -- Spacing aside, and names that begin with it
            local _, _, spaced = api:find_group("billing001")
            assert(spaced[1] == "Billing 001", purecloud.json.encode(spaced))
            """)
        XCTAssertEqual(try requestCount("get_groups") - listings, 1, "three misses, one listing of the org")
    }

    func testAWriteForgetsTheListingSoANewGroupIsSuggested() throws {
        try lua("""
            local api = purecloud.GroupsApi.new()
            assert(select(3, api:find_group("Frontline Tem"))[1] == nil)
            api:post_groups{ name = "Frontline Team", type = "official", visibility = "public", rulesVisible = true }
            local _, message = api:find_group("Frontline Tem")
            assert(message:find("did you mean 'Frontline Team'%?"), message)
            assert(api:find_group("frontline team").name == "Frontline Team")
            """)
    }

    func testArgumentsAreChecked() throws {
        _ = try expectErrors([
            ("api:find_group()", "bad argument #1 to 'find_group' (group name (string) expected, got no value)"),
            ("api:find_group(42)", "bad argument #1 to 'find_group' (group name (string) expected, got number)"),
            ("api:find_group('a', {})", "bad argument #2 to 'find_group' (no more arguments expected, got table)"),
            ("api:find_group('   ')", "find_group: the name is empty"),
            ("api.find_group('x')", "purecloud.GroupsApi expected, got string; call it with a colon"),
        ], prelude: "local api = purecloud.GroupsApi.new()")
    }

    /// The bulk helpers take ids; a name given there is said before any request.
    func testAGroupNameGivenToAHelperIsRefusedBeforeAnyRequestWithTheWayToFindIt() throws {
        let before = try requestCount("get_group")
        let messages = try expectErrors([
            ("api:add_members('Billing 001', { 'x@example.com' })",
             "add_members: 'Billing 001' is a group name, not an id (ids have no spaces); api:find_group(\"Billing 001\") finds the group by its name"),
            ("api:apply_memberships{ { group = ' Sales 001 ', add = {} } }", "apply_memberships change 1: 'Sales 001' is a group name, not an id"),
        ], prelude: "local api = purecloud.GroupsApi.new()")
        XCTAssertEqual(messages.count, 2)
        XCTAssertEqual(try requestCount("get_group"), before, "nothing was sent")
        let unknown = try luaError("purecloud.GroupsApi.new():remove_members('Billing', { 'x@example.com' })")
        XCTAssertTrue(unknown.contains("remove_members: no group has the id 'billing' (a group's name? api:find_group(\"billing\") finds a group by its name)"), unknown)
    }

    func testSuggestionsAreByEditDistanceCaseAndSpacingAside() {
        let names = ["Sales EMEA", "Sales APAC", "Support Tier 1", "Support Tier 2", "Ops"]
        XCTAssertEqual(GroupLookup.suggestions(for: "sales emae", among: names), ["Sales EMEA"])
        XCTAssertEqual(GroupLookup.suggestions(for: "SalesEMEA", among: names), ["Sales EMEA"])
        XCTAssertEqual(GroupLookup.suggestions(for: "Suport Tier 2", among: names), ["Support Tier 2", "Support Tier 1"])
        XCTAssertEqual(GroupLookup.suggestions(for: "Suport", among: names), ["Support Tier 1", "Support Tier 2"])
        XCTAssertEqual(GroupLookup.suggestions(for: "Marketing", among: names), [])
        XCTAssertEqual(GroupLookup.didYouMean(["A", "B", "C"]), "did you mean 'A', 'B' or 'C'?")
    }
}
