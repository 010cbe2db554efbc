import LuaKit
import XCTest

final class ConversionTests: ModuleTestCase {
    func testJSONRoundTripKeepsArraysNullsAndNumbers() throws {
        try lua("""
            local json = purecloud.json
            local v = json.decode('{"a":[],"b":null,"c":[1,2.5,"x"],"d":{"e":true},"u":"\\\\u00e9\\\\ud83d\\\\ude00"}')
            assert(getmetatable(v.a) == purecloud.array_mt and #v.a == 0)
            assert(v.b == purecloud.null)
            assert(math.type(v.c[1]) == "integer" and v.c[2] == 2.5 and v.c[3] == "x")
            assert(v.u == "é😀")
            assert(json.encode(v.a) == "[]", json.encode(v.a))
            assert(json.encode({}) == "{}")
            assert(json.encode({ x = purecloud.null, y = { 1, 2 } }) == '{"x":null,"y":[1,2]}')
            """)
    }

    func testValuesWithoutAJSONFormGiveClearErrors() throws {
        let cases: [(String, String)] = [
            ("local t = {}; t.self = t; purecloud.json.encode(t)", "cycle"),
            ("purecloud.json.encode({ f = print })", "value.f: a function cannot be sent as JSON"),
            ("purecloud.json.encode({ 1, nil, 3 })", "holes"),
            ("purecloud.json.encode({ 1, x = 2 })", "both array items and named fields"),
            ("purecloud.json.encode({ n = 0/0 })", "finite"),
            ("purecloud.json.encode({ s = '\\xff\\xfe' })", "UTF-8"),
            ("purecloud.json.decode('{\"a\":')", "invalid JSON at byte"),
            ("purecloud.json.decode(string.rep('[', 1000))", "nested too deeply"),
        ]
        try expectErrors(cases)
        try lua("""
            local deep = {}
            local t = deep
            for i = 1, 200 do t.x = {}; t = t.x end
            local ok, err = pcall(purecloud.json.encode, deep)
            assert(not ok and err:find("nested more than"), err)
            """)
    }

    func testModelConstructorsValidateWhereTheBodyIsWritten() throws {
        try lua("""
            local g = purecloud.GroupCreate.new{ name = "A", type = "official", visibility = "public", rulesVisible = true }
            assert(g.name == "A")
            local ok, err = pcall(purecloud.GroupCreate.new, { nmae = "A" })
            assert(not ok and err:find("GroupCreate: unknown field 'nmae' %(did you mean 'name'%?%)"), err)
            local partial = purecloud.GroupCreate.new()
            partial.name = "Later"
            assert(tostring(partial):find("purecloud.GroupCreate"), "the table is marked with its model")
            local api = purecloud.GroupsApi.new()
            ok, err = pcall(api.post_groups, api, partial)
            assert(not ok and err:find("GroupCreate: missing required field 'type'"), err)
            ok, err = pcall(purecloud.GroupSearchRequest.new, { query = { { type = "FUZZY" } } })
            assert(not ok and err:find("GroupSearchRequest.query%[1%].type must be one of EXACT"), err)
            ok, err = pcall(purecloud.GroupMembersUpdate.new, { memberIds = "u1" })
            assert(not ok and err:find("memberIds: array expected, got string"), err)
            """)
    }
}
