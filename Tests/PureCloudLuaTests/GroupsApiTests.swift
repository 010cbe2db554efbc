import PureCloudEmulator
import LuaKit
import XCTest

final class GroupsApiTests: ModuleTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 80, groups: 30) }

    func testResponsesAreTablesWithTheAPIsFieldNames() throws {
        try lua("""
            local api = purecloud.GroupsApi.new()
            local page = api:get_groups{ page_size = 10, page_number = 2, sort_order = "descending" }
            assert(page.pageNumber == 2 and page.total >= 30 and #page.entities == 10)
            assert(getmetatable(page.entities) == purecloud.array_mt)
            local g = api:get_group(page.entities[1].id)
            assert(g.name == page.entities[1].name and math.type(g.version) == "integer")
            local members = api:get_group_members(g.id, { page_size = 5, expand = { "presence" } })
            assert(#members.entities <= 5 and members.entities[1].presence ~= nil)
            """)
    }

    func testApiErrorsCarryStatusCodeMessageAndCorrelationId() throws {
        try lua("""
            local api = purecloud.GroupsApi.new()
            local ok, err = pcall(api.get_group, api, "does-not-exist")
            assert(not ok and purecloud.ApiError.is(err))
            assert(err.status == 404 and err.code == "general.resource.not.found")
            assert(err.operation == "get_group" and #err.correlation_id == 36)
            assert(tostring(err):find("^get_group failed: HTTP 404 general.resource.not.found: .*%(correlation id "), tostring(err))
            local created = api:post_groups{ name = "Conflict", type = "official", visibility = "public", rulesVisible = true }
            ok, err = pcall(api.put_group, api, created.id, { body = { version = 99, name = "Other" } })
            assert(not ok and err.status == 409 and err.code == "general.conflict", tostring(err))
            ok, err = pcall(api.post_group_members, api, created.id, { memberIds = { "ghost" } })
            assert(not ok and err.status == 400 and err.message:find("ghost"), tostring(err))
            """)
    }

    func testABadSecretIsA401ApiErrorFromAuthentication() throws {
        let state = try makeState(secret: "wrong")
        try lua("""
            local ok, err = pcall(function() return purecloud.GroupsApi.new():get_groups{} end)
            assert(not ok and err.status == 401 and err.operation == "authenticate", tostring(err))
            assert(not tostring(err):find("wrong"), "the secret never appears")
            """, in: state)
    }

    func testArgumentMistakesNameTheFunctionAndSendNothing() throws {
        let before = try requestCount("get_group") + requestCount("post_groups") + requestCount("get_groups") + requestCount("delete_group_members")
        let cases: [(String, String)] = [
            ("api:get_group()", "bad argument #1 to 'get_group' (string expected, got no value)"),
            ("api:get_group(42)", "bad argument #1 to 'get_group' (string expected, got number)"),
            ("api.get_group('x')", "purecloud.GroupsApi expected, got string; call it with a colon"),
            ("api:get_groups{ page_sise = 1 }", "get_groups: unknown option 'page_sise' (did you mean 'page_size'?)"),
            ("api:get_groups{ page_size = 'ten' }", "'page_size' must be an integer, got string"),
            ("api:get_groups{ page_size = 0 }", "'page_size' must be between 1 and 500"),
            ("api:get_groups{ sort_order = 'up' }", "must be one of ascending, descending"),
            ("api:get_groups(5)", "bad argument #1 to 'get_groups' (options table expected, got number)"),
            ("api:post_groups{ nmae = 'x' }", "GroupCreate: unknown field 'nmae' (did you mean 'name'?)"),
            ("api:post_groups{ name = 'x', type = 'official', visibility = 'secret', rulesVisible = true }", "GroupCreate.visibility must be one of public, owners, members"),
            ("api:post_groups{ name = 1, type = 'official', visibility = 'public', rulesVisible = true }", "GroupCreate.name: string expected, got number"),
            ("api:delete_group_members('g', {})", "'ids' must not be empty"),
            ("api:get_group_members('g', { expand = { 'shoeSize' } })", "value 'shoeSize'"),
            ("local ids = {}; for i = 1, 51 do ids[i] = 'u' .. i end; api:delete_group_members('g', ids)", "at most 50"),
            ("api:get_group('g', { page_size = 3 })", "get_group takes no options"),
        ]
        for message in try expectErrors(cases, prelude: "local api = purecloud.GroupsApi.new()") {
            XCTAssertTrue(message.hasPrefix("test.lua:2:"), "points at the script line: \(message)")
        }
        let after = try requestCount("get_group") + requestCount("post_groups") + requestCount("get_groups") + requestCount("delete_group_members")
        XCTAssertEqual(after, before, "nothing was sent")
    }

    func testDryRunSendsNoWritesAndLogsThem() throws {
        let state = try makeState(dryRun: true)
        let before = try requestCount("post_groups")
        try lua("""
            local api = purecloud.GroupsApi.new()
            local result = api:post_groups{ name = "Dry", type = "official", visibility = "public", rulesVisible = true }
            assert(result == nil)
            assert(api:get_groups{ page_size = 1 }.total > 0, "reads still go out")
            """, in: state)
        XCTAssertEqual(try requestCount("post_groups"), before)
        XCTAssertTrue(collected!.all.contains { $0.contains("dry run: not sent") && $0.contains("method=POST path=/api/v2/groups ") && $0.contains("\"name\":\"Dry\"") }, "\(collected!.all)")
    }

    func testConfigureAndGroupsApiNewCheckTheirOptions() throws {
        let cases: [(String, String)] = [
            ("purecloud.configure{ enviroment = 'x' }", "unknown option 'enviroment' (did you mean 'environment'?)"),
            ("purecloud.configure{ environment = 'mars' }", "unknown environment 'mars'"),
            ("purecloud.configure{ base_url = 'http://example.com' }", "refusing plain http"),
            ("purecloud.configure{ dry_run = 'yes' }", "'dry_run' must be a boolean"),
            ("purecloud.configure{ client_id = 'only-id' }", "go together"),
            ("purecloud.GroupsApi.new{ retry = { max_atempts = 2 } }", "did you mean 'max_attempts'"),
        ]
        try expectErrors(cases)
    }

    func testAuthenticateWithClientCredentialsReturnsAUsableToken() throws {
        try lua("""
            local token = purecloud.authenticate_with_client_credentials("\(EmulatorConfiguration.defaultClientId)", "\(EmulatorConfiguration.defaultClientSecret)", "\(baseURL)")
            assert(type(token) == "string" and #token == 64)
            local api = purecloud.GroupsApi.new{ base_url = "\(baseURL)", access_token = token }
            assert(api:get_groups{}.total >= 30)
            local ok, err = pcall(purecloud.authenticate_with_client_credentials, "\(EmulatorConfiguration.defaultClientId)", "bad", "\(baseURL)")
            assert(not ok and err.status == 401)
            """)
    }
}
