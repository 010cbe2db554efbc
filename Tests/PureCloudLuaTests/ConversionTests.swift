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
            // Issue 20.4: keys that would lose a value are refused, not repaired or dropped.
            ("purecloud.json.encode({ ['\\xff'] = 1 })", "value: a table with a key that is not UTF-8 text cannot be sent as JSON"),
            ("purecloud.json.encode({ [-1] = 'm', [2] = 'b' })", "value: a table with the key -1 (array positions start at 1)"),
            ("purecloud.json.encode({ [0] = 'z', [2] = 'b' })", "value: a table with the key 0 (array positions start at 1)"),
        ]
        try expectErrors(cases)
        try lua("""
            local deep = {}
            local t = deep
            for i = 1, 600 do t.x = {}; t = t.x end
            local ok, err = pcall(purecloud.json.encode, deep)
            assert(not ok and err:find("nested more than 512"), err)
            """)
    }

    // Issue 20.4: what decode gives, encode takes back, and the other way round.
    func testJSONRoundTripsWhatItAccepts() throws {
        try lua("""
            local json = purecloud.json
            -- lone and doubled surrogates become U+FFFD (valid UTF-8), a pair stays one character
            assert(json.decode([["\\ud800\\ud800"]]) == "\u{FFFD}\u{FFFD}")
            assert(json.decode([["\\ud800\\ud800\\udc00"]]) == "\u{FFFD}\u{10000}")
            assert(json.decode([["\\udc00x"]]) == "\u{FFFD}x")
            assert(json.encode(json.decode([["\\ud800\\ud800"]])) == '"\u{FFFD}\u{FFFD}"')
            -- numbers of any length
            local long = "1" .. string.rep("0", 70)
            assert(json.decode(long) == 1e70, tostring(json.decode(long)))
            assert(json.decode("0." .. string.rep("1", 80)) > 0.11)
            assert(math.type(json.decode("9223372036854775807")) == "integer")
            assert(math.type(json.decode("9223372036854775808")) == "float")
            -- the same nesting both ways
            local ok = pcall(json.encode, json.decode(string.rep("[", 512) .. string.rep("]", 512)))
            assert(ok, "512 levels round-trip")
            assert(not pcall(json.decode, string.rep("[", 513) .. string.rep("]", 513)))
            -- -0.0 keeps its sign
            assert(json.encode(-0.0) == "-0.0", json.encode(-0.0))
            local z = json.decode(json.encode(-0.0))
            assert(z == 0 and 1 / z == -math.huge)
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
