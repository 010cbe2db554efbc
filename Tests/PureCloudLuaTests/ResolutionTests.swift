import PureCloudEmulator
import XCTest

/// `users:resolve`: emails, names and ids to users, in batches, never guessing.
final class ResolutionTests: ModuleTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .file(try! PeopleFixture.dataFile(groups: []))
        c.indexDelaySeconds = 30
    }

    func testEmailsAreTrimmedAndMatchedWithoutCaseAndDuplicatesShareOneUser() throws {
        try lua("""
            local users = purecloud.UsersApi.new()
            local r = users:resolve{ "  Ana.Lima@EXAMPLE.com ", "ana.lima@example.com", "ana.lima@example.com", "EVE.ADAMS@example.com" }
            assert(r.ids["  Ana.Lima@EXAMPLE.com "] == "\(PeopleFixture.id(1))", tostring(r.ids["  Ana.Lima@EXAMPLE.com "]))
            assert(r.ids["ana.lima@example.com"] == "\(PeopleFixture.id(1))")
            assert(r.ids["EVE.ADAMS@example.com"] == "\(PeopleFixture.id(6))")
            assert(r.users["\(PeopleFixture.id(1))"].name == "Ana Lima")
            assert(#r.not_found == 0 and next(r.ambiguous) == nil)
            """)
    }

    func testUnknownAmbiguousInactiveDeletedAndMissingIdsAreReportedNotUsed() throws {
        try lua("""
            local users = purecloud.UsersApi.new()
            local r = users:resolve{
              "nobody@example.com", "Bob Smith", "carl@example.com", "Dina Deleted",
              "a0000000-0000-4000-a000-999999999999", "Eve Adams", "\(PeopleFixture.id(2))", "Ghost",
            }
            local function has(list, x) for _, v in ipairs(list) do if v == x then return true end end return false end
            assert(has(r.not_found, "nobody@example.com"))
            assert(has(r.not_found, "a0000000-0000-4000-a000-999999999999"), "an id that does not exist")
            assert(has(r.not_found, "Ghost"), "a one-word name that is nobody's id or name")
            local bobs = r.ambiguous["Bob Smith"]
            assert(bobs and #bobs == 2 and bobs[1] == "\(PeopleFixture.id(2))" and bobs[2] == "\(PeopleFixture.id(3))", "two users of one name")
            assert(r.ids["Bob Smith"] == nil, "never guessed")
            assert(has(r.inactive, "carl@example.com") and r.ids["carl@example.com"] == nil)
            assert(r.matched["carl@example.com"] == "\(PeopleFixture.id(4))")
            assert(has(r.deleted, "Dina Deleted") and r.ids["Dina Deleted"] == nil)
            assert(r.ids["Eve Adams"] == "\(PeopleFixture.id(6))", "a name of one user")
            assert(r.ids["\(PeopleFixture.id(2))"] == "\(PeopleFixture.id(2))", "an id")
            local again = users:resolve({ "carl@example.com" }, { include_inactive = true })
            assert(again.ids["carl@example.com"] == "\(PeopleFixture.id(4))" and #again.inactive == 1)
            """)
    }

    func testIdsAreReadAsThePlatformReadsThem() throws {
        try lua("""
            local users = purecloud.UsersApi.new()
            local upper = " \(PeopleFixture.id(1).uppercased()) "
            local r = users:resolve{ upper }
            assert(r.ids[upper] == "\(PeopleFixture.id(1))", tostring(r.ids[upper]))
            """)
    }

    func testOneRequestPerBatchOfAHundred() throws {
        let searches = try requestCount("post_users_search"), lists = try requestCount("get_users")
        try lua("""
            local users = purecloud.UsersApi.new()
            local list = {}
            for n = 100, 159 do list[#list + 1] = "MEMBER" .. n .. "@example.com" end
            for n = 100, 159 do list[#list + 1] = string.format("a0000000-0000-4000-a000-%012d", n) end
            for n = 1, 90 do list[#list + 1] = "unknown" .. n .. "@example.com" end
            local r = users:resolve(list)
            local ids = 0
            for _ in pairs(r.ids) do ids = ids + 1 end
            assert(ids == 120 and #r.not_found == 90, ids .. " " .. #r.not_found)
            assert(r.requests == 3, "requests: " .. r.requests)
            """)
        XCTAssertEqual(try requestCount("post_users_search") - searches, 2, "150 emails: two batches")
        XCTAssertEqual(try requestCount("get_users") - lists, 1, "60 ids: one batch")
    }

    func testAUserTooNewForTheSearchIndexIsFoundByIdAndReportedNotGuessed() throws {
        let id = "c0000000-0000-4000-a000-000000000001"
        XCTAssertEqual(try PeopleFixture.hook(baseURL, "POST", "/_emulator/users",
                                              ["id": id, "name": "Nina New", "email": "nina.new@example.com"]), 201)
        try lua("""
            local users = purecloud.UsersApi.new()
            local r = users:resolve{ "nina.new@example.com", "\(id)" }
            assert(r.ids["\(id)"] == "\(id)", "found by id")
            assert(r.ids["nina.new@example.com"] == nil, "not used")
            assert(#r.not_indexed == 1 and r.not_indexed[1] == "nina.new@example.com", "reported as not yet searchable")
            local alone = users:resolve{ "nina.new@example.com" }
            assert(#alone.not_found == 1, "without the id, search alone cannot know her")
            """)
    }

    func testBadInputIsRefusedBeforeAnyRequest() throws {
        let before = try requestCount("post_users_search") + requestCount("get_users")
        try expectErrors([
            ("users:resolve{ 'ana@example.com', '  ' }", "entry #2 is blank"),
            ("users:resolve('ana@example.com')", "bad argument #1 to 'resolve' (array of users"),
            ("users:resolve{ 'a', x = 1 }", "table with named fields"),
            ("users:resolve({ 'a' }, { batch_size = 1000 })", "'batch_size' must be a whole number from 1 to 100"),
            ("users:resolve({ 'a' }, { include_inactve = true })", "did you mean 'include_inactive'"),
            ("users:resolve{ 'a,b' }", "contains a comma"),
        ], prelude: "local users = purecloud.UsersApi.new()")
        XCTAssertEqual(try requestCount("post_users_search") + requestCount("get_users"), before)
    }
}
