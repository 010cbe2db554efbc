import PureCloudEmulator
import XCTest

/// `purecloud.UsersApi`: the operations generated from the table, its iterators, its validation.
final class UsersApiTests: ModuleTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .file(try! PeopleFixture.dataFile(groups: [("Users API team", PeopleFixture.members(3))]))
    }

    func testOperationsListGetAndSearchPeopleAsTheSDKNamesThem() throws {
        try lua("""
            local users = purecloud.UsersApi.new()
            assert(tostring(users):match("^purecloud.UsersApi"), tostring(users))
            -- get_users: active by default, other states on request, ids in bulk
            local active = users:get_users{ page_size = 500 }
            assert(active.total == 64, "active: " .. tostring(active.total))
            assert(users:get_users{ state = "inactive" }.entities[1].name == "Carl Inactive")
            assert(users:get_users{ state = "any", page_size = 500 }.total == 66)
            local two = users:get_users{ id = { "\(PeopleFixture.id(1))", "\(PeopleFixture.id(6))" } }
            assert(#two.entities == 2, #two.entities)
            -- get_user: inactive by default, deleted only when asked
            assert(users:get_user("\(PeopleFixture.id(4))").state == "inactive")
            local ok, err = pcall(users.get_user, users, "\(PeopleFixture.id(5))")
            assert(not ok and err.status == 404, tostring(err))
            assert(users:get_user("\(PeopleFixture.id(5))", { state = "deleted" }).state == "deleted")
            -- post_users_search with values, then the next page by q64
            local page = users:post_users_search{ pageSize = 1, query = {
              { type = "EXACT", fields = { "email" }, values = { "ANA.LIMA@example.com", "eve.adams@example.com" } } } }
            assert(page.total == 2 and #page.results == 1, tostring(page.total))
            local q64 = page.nextPage:match("q64=([^&]+)")
            local second = users:get_users_search(q64)
            assert(#second.results == 1 and second.results[1].id ~= page.results[1].id)
            """)
    }

    func testIteratorsWalkEveryUserAndEverySearchResult() throws {
        let before = try requestCount("get_users")
        try lua("""
            local users = purecloud.UsersApi.new()
            local n = 0
            for user in users:each_user{ page_size = 10, state = "any" } do n = n + 1 end
            assert(n == 66, n)
            local hits = purecloud.collect(users:each_search_result{ pageSize = 7, query = {
              { type = "STARTS_WITH", fields = { "name" }, value = "member 1" } } })
            assert(#hits == 60, #hits)
            local pages = 0
            for page in users:pages("get_users", { page_size = 25 }) do pages = pages + 1 end
            assert(pages == 3, pages)
            """)
        XCTAssertEqual(try requestCount("get_users") - before, 7 + 3, "one request per page")
    }

    func testMistakesAreNamedBeforeAnythingIsSent() throws {
        let before = try requestCount("post_users_search") + requestCount("get_users")
        try expectErrors([
            ("users:get_users{ state = 'gone' }", "get_users: 'state' must be one of active, inactive, deleted, any (got 'gone')"),
            ("users:get_users{ page_size = 501 }", "between 1 and 500"),
            ("users:post_users_search{ query = { { type = 'FUZZY', fields = { 'email' }, value = 'x' } } }", "UserSearchRequest.query[1].type must be one of EXACT"),
            ("users:post_users_search{ query = { { tpye = 'EXACT' } } }", "unknown field 'tpye' (did you mean 'type'?)"),
            ("users.get_user('x')", "purecloud.UsersApi expected, got string; call it with a colon: users:get_user(...)"),
            ("users:each_search_result('x')", "bad argument #1 to 'each_search_result' (UserSearchRequest table expected, got string)"),
        ], prelude: "local users = purecloud.UsersApi.new()")
        XCTAssertEqual(try requestCount("post_users_search") + requestCount("get_users"), before)
    }

    func testTheGroupsApiStillHasItsOwnMethodsOnly() throws {
        try lua("""
            local api, users = purecloud.GroupsApi.new(), purecloud.UsersApi.new()
            assert(api.get_users == nil and users.get_groups == nil and users.add_members == nil and api.resolve == nil)
            assert(api.each_search_result ~= users.each_search_result)
            local names = {}
            for _, name in ipairs(purecloud.operations) do names[name] = true end
            assert(names.get_groups and names.get_users and names.post_users_search and names.get_users_search and names.get_user)
            local ok, err = pcall(api.get_group, users, "x")
            assert(not ok and tostring(err):find("purecloud.GroupsApi expected, got purecloud.UsersApi", 1, true), tostring(err))
            """)
    }
}
