import PureCloudEmulator
import LuaKit
import XCTest

final class PagingTests: ModuleTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 300, groups: 2000) }

    func testEachGroupYieldsEveryGroupExactlyOnceAtAnyPageSize() throws {
        let before = try requestCount("get_groups")
        try lua("""
            local api = purecloud.GroupsApi.new()
            for _, size in ipairs { 25, 500 } do
              local seen, count = {}, 0
              for group in api:each_group{ page_size = size } do
                assert(not seen[group.id], "seen twice: " .. group.id)
                seen[group.id] = true
                count = count + 1
              end
              assert(count == 2000, size .. ": " .. count)
            end
            """)
        XCTAssertEqual(try requestCount("get_groups") - before, 80 + 4, "one request per page, none past the last")
    }

    func testBreakStopsFetchingAndPagesComeWhole() throws {
        let before = try requestCount("get_groups")
        try lua("""
            local api = purecloud.GroupsApi.new()
            local n = 0
            for group in api:each_group{ page_size = 10 } do
              n = n + 1
              if n == 15 then break end
            end
            local sizes = {}
            for page in api:pages("get_groups", { page_size = 800 // 2 }) do sizes[#sizes + 1] = #page.entities end
            assert(table.concat(sizes, ",") == "400,400,400,400,400", table.concat(sizes, ","))
            """)
        // Pages 1 and 2, perhaps the lookahead for pages 3 and 4 (cancelled by the break), then 5 pages.
        XCTAssertTrue((7...9).contains(try requestCount("get_groups") - before), "the loop stopped after the page it broke in")
    }

    func testMembersProfilesAndSearchIterate() throws {
        try lua("""
            local api = purecloud.GroupsApi.new()
            local group = api:get_groups{ page_size = 1 }.entities[1]
            local members = purecloud.collect(api:each_group_member(group.id, { page_size = 7 }))
            assert(#members == group.memberCount, #members .. " vs " .. group.memberCount)
            local profiles = purecloud.collect(api:each_profile_group())
            assert(#profiles == 2000)
            local hits = purecloud.collect(api:each_search_result{ pageSize = 100, query = { { type = "STARTS_WITH", fields = { "name" }, value = "Sales" } } })
            assert(#hits == 125, #hits)
            for _, g in ipairs(hits) do assert(g.name:sub(1, 5) == "Sales") end
            """)
    }

    func testAnErrorInTheMiddleNamesThePage() throws {
        try lua("""
            local api = purecloud.GroupsApi.new()
            local g = api:post_groups{ name = "Short lived", type = "official", visibility = "public", rulesVisible = true }
            local some = {}
            for member in api:each_group_member(api:get_groups{ page_size = 1 }.entities[1].id) do some[#some + 1] = member.id end
            api:add_members(g, some)
            local deleted = false
            local ok, err = pcall(function()
              for member in api:each_group_member(g.id, { page_size = 2 }) do
                if not deleted then api:delete_group(g.id); deleted = true end  -- the next page will not be found
              end
            end)
            -- Pages 2 and 3 were fetched ahead while page 1 was being read, so the 404 is met on page 2, 3 or 4.
            assert(not ok and err.status == 404 and err.page >= 2 and err.page <= 4, tostring(err))
            assert(tostring(err):find("page " .. err.page .. ": "), tostring(err))
            """)
    }
}

final class MembershipHelperTests: ModuleTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 1200, groups: 3) }

    func testAddingAThousandMembersTakesOneRequestPer50AndASecondRunWritesNothing() throws {
        try lua("""
            local api = purecloud.GroupsApi.new()
            local ids = {}
            for user in api:each_group_member(api:get_groups{}.entities[1].id) do end
            local g = api:post_groups{ name = "Thousand", type = "official", visibility = "public", rulesVisible = true }
            -- 1,000 users of the org, from the three demo groups' members and the search-free listing
            local seen = {}
            for group in api:each_group() do
              for member in api:each_group_member(group.id) do
                if not seen[member.id] then seen[member.id] = true; ids[#ids + 1] = member.id end
              end
            end
            assert(#ids >= 50)
            local report = api:add_members(g, ids)
            assert(report.added == #ids and report.unchanged == 0 and #report.failed == 0)
            local chunks = math.ceil(#ids / 50)
            -- Two reads, one check per 100 ids that are not members yet (they must exist), one write per 50.
            assert(report.requests == chunks + 2 + math.ceil(#ids / 100), "requests " .. report.requests .. " for " .. chunks .. " chunks")
            assert(api:get_group(g.id).memberCount == #ids)
            local again = api:add_members(g, ids)
            assert(again.added == 0 and again.unchanged == #ids and again.requests == 2, "second run: " .. again.requests)
            _G.chunks = chunks
            """)
    }

    func testSyncRemoveAndDryRun() throws {
        try lua("""
            local api = purecloud.GroupsApi.new()
            local source = api:get_groups{}.entities[1]
            local ids = {}
            for m in api:each_group_member(source.id) do ids[#ids + 1] = m.id end
            local g = api:post_groups{ name = "Synced", type = "official", visibility = "public", rulesVisible = true }
            local plan = api:sync_members(g, ids, { dry_run = true })
            assert(plan.dry_run and plan.added == #ids and #plan.added_ids == #ids)
            assert(api:get_group(g.id).memberCount == 0, "a dry run changes nothing")
            local r = api:sync_members(g.id, ids)
            assert(r.added == #ids and r.removed == 0)
            local half = { table.unpack(ids, 1, #ids // 2) }
            r = api:sync_members(g.id, half, { add_only = true })
            assert(r.added == 0 and r.removed == 0 and r.unchanged == #half)
            r = api:sync_members(g.id, half, { max_removals = #ids - #half })
            assert(r.removed == #ids - #half and r.unchanged == #half)
            r = api:remove_members(g.id, { half[1], "a0000000-0000-4000-a000-0000000000ff" }, { skip_unknown = true })
            assert(r.removed == 1 and #r.failed == 1 and r.failed[1].error == "not found")
            local individuals = api:get_group_individuals(g.id)
            assert(individuals.total == #half - 1)
            """)
    }

    func testUnknownIdsStopTheJobBeforeAnyWriteOrAreSkippedWithoutARequestStorm() throws {
        try lua("""
            local api = purecloud.GroupsApi.new()
            local g = api:post_groups{ name = "Mixed", type = "official", visibility = "public", rulesVisible = true }
            local ids = {}
            for member in api:each_group_member(api:get_groups{ page_size = 1 }.entities[1].id) do ids[#ids + 1] = member.id end
            local real = #ids
            for i = 1, 90 do ids[#ids + 1] = "ghost-" .. i end   -- more unknown ids than real ones
            local ok, err = pcall(api.add_members, api, g, ids)
            assert(api:get_group(g.id).memberCount == 0, "refused before the first write")
            assert(not ok and tostring(err):find("90 of the " .. #ids .. " users given cannot be used"), tostring(err))
            assert(tostring(err):find("ghost%-1 %(not found%)"), tostring(err))
            local report = api:add_members(g, ids, { skip_unknown = true })
            assert(report.added == real and #report.failed == 90, report.added .. " added, " .. #report.failed .. " failed")
            assert(report.failed[1].input == "ghost-1" and report.failed[1].error == "not found", report.failed[1].error)
            -- Two reads, the existence checks (100 ids a request), one search for the one-word entries
            -- that are no ids (they could be one-word names), one write per 50 real ids, no refused chunk.
            assert(report.requests == 2 + math.ceil(#ids / 100) + 1 + math.ceil(real / 50), "requests: " .. report.requests)
            assert(api:get_group(g.id).memberCount == real)
            """)
    }

    func testMistakesAreCaughtBeforeAnyWrite() throws {
        let writes = { try self.requestCount("post_group_members") + self.requestCount("delete_group_members") }
        let before = try writes()
        let cases: [(String, String)] = [
            ("api:add_members('no-such-group', { 'u1' })", "404"),
            ("api:add_members(nil, { 'u1' })", "bad argument #1 to 'add_members' (group id or group table expected, got nil)"),
            ("api:add_members('g', 'u1,u2')", "bad argument #2 to 'add_members' (array of users (ids, emails, names or user tables) expected, got string)"),
            ("api:add_members('g', { 'u1', 42 })", "item 2 must be a user id, email, name or user table, got number"),
            ("api:add_members('g', { ' ' })", "entry #1 is blank"),
            ("api:add_members('g', { 'a,b' })", "contains a comma"),
            ("api:sync_members('g', {}, { add_only = true, remove_only = true })", "cannot both be true"),
            ("api:sync_members('g', {}, { dryrun = true })", "unknown option 'dryrun' (did you mean 'dry_run'?)"),
        ]
        try expectErrors(cases, prelude: "local api = purecloud.GroupsApi.new()")
        XCTAssertEqual(try writes(), before)
    }
}

final class CSVTests: ModuleTestCase {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("t-\(UUID()).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testRowsAreKeyedByHeaderWithQuotesAndLineNumbers() throws {
        let path = try write("user_id,note\nu1,\"hello, world\"\n\nu2,\"two\nlines\"\nu3,\"say \"\"hi\"\"\"\n")
        try lua("""
            local got = {}
            for row, line in purecloud.csv.rows("\(path)") do got[#got + 1] = row.user_id .. "@" .. line .. "=" .. row.note end
            assert(table.concat(got, "|") == 'u1@2=hello, world|u2@4=two\\nlines|u3@6=say "hi"', table.concat(got, "|"))
            local rows, header = purecloud.csv.read("\(path)")
            assert(#rows == 3 and header[1] == "user_id" and header[2] == "note")
            """)
    }

    func testMalformedFilesNameFileLineAndColumn() throws {
        let cases: [(String, String)] = [
            ("a,b\n1,2\n3\n", "line 3, column 2: the row has 1 field, the header has 2"),
            ("a,b\n1,2,3\n", "line 2, column 3: the row has 3 fields"),
            ("a,b\n1,\"open\n2,3\n", "line 2, column 3: a quoted field is never closed"),
            ("a,b\n1,x\"y\n", "line 2, column 4: a quote in the middle of an unquoted field"),
            ("a,a\n1,2\n", "column 2: column 'a' appears twice"),
            ("a,,c\n1,2,3\n", "line 2, column 2: '2' is in a column without a name in the header"),
        ]
        for (text, expected) in cases {
            let path = try write(text)
            let message = try luaError("for row in purecloud.csv.rows('\(path)') do end")
            XCTAssertTrue(message.contains("\(path): \(expected)") || (!expected.hasPrefix("line") && message.contains(expected)), "\(text.debugDescription)\n  got: \(message)")
        }
        let missing = try luaError("purecloud.csv.read('/nonexistent/x.csv')")
        XCTAssertTrue(missing.contains("cannot read CSV file /nonexistent/x.csv: no such file"), missing)
    }

    func testWriteThenReadRoundTrips() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("w-\(UUID()).csv").path
        try lua("""
            local n = purecloud.csv.write("\(path)", { { id = "g1", name = "A, B", count = 3 }, { id = "g2", name = 'say "x"', count = 0 } }, { "id", "name", "count" })
            assert(n == 2)
            local rows = purecloud.csv.read("\(path)")
            assert(#rows == 2 and rows[1].name == "A, B" and rows[2].name == 'say "x"' and rows[1].count == "3")
            local ok, err = pcall(purecloud.csv.write, "\(path)", { { id = {} } }, { "id" })
            assert(not ok and err:find("row 1, column 'id': a table cannot be written"), err)
            """)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "id,name,count\ng1,\"A, B\",3\ng2,\"say \"\"x\"\"\",0\n")
    }

    func bytes(_ data: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("b-\(UUID()).csv").path
        try Data(data).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Files as admins have them: Excel's `;` (where the decimal mark is a comma) and tab exports,
    /// a byte-order mark and CRLF line ends.
    func testSeparatorIsDetectedOrGivenAndExcelsBomAndCrlfReadFine() throws {
        let semicolon = try bytes([0xEF, 0xBB, 0xBF] + Array("email;note\r\nana@example.com;\"a, b; c\"\r\nbob@example.com;x\r\n".utf8))
        let tabs = try write("email\tnote\nana@example.com\ta;b,c\n")
        let plain = try write("email,note\nana@example.com,\"x;y\"\n")
        let forced = try write("a;b\n1;2\n")
        try lua("""
            local rows = purecloud.csv.read("\(semicolon)")
            assert(#rows == 2 and rows[1].email == "ana@example.com" and rows[1].note == "a, b; c" and rows[2].note == "x", rows[1].note)
            rows = purecloud.csv.read("\(tabs)")
            assert(rows[1].email == "ana@example.com" and rows[1].note == "a;b,c")
            rows = purecloud.csv.read("\(plain)")
            assert(rows[1].note == "x;y")
            -- given, it wins over detection: here each line is one column
            local given = purecloud.csv.read("\(forced)", { delimiter = "," })
            assert(given[1]["a;b"] == "1;2", tostring(given[1]["a;b"]))
            local ok, err = pcall(purecloud.csv.read, "\(plain)", { delimiter = "|" })
            assert(not ok and err:find("'delimiter' must be"), err)
            """)
    }

    func testANonUtf8FileNamesItsLineAndHowToSaveIt() throws {
        let path = try bytes(Array("email\nana@example.com\n".utf8) + [0x4A, 0x6F, 0xE3, 0x6F, 0x0A])
        let message = try luaError("purecloud.csv.read('\(path)')")
        XCTAssertTrue(message.contains("\(path): line 3 is not UTF-8 text"), message)
        XCTAssertTrue(message.contains("save it as \"CSV UTF-8 (Comma delimited)\""), message)
    }

    func testWriteTakesASeparatorAndAnOptInByteOrderMark() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bom-\(UUID()).csv").path
        let plain = FileManager.default.temporaryDirectory.appendingPathComponent("nobom-\(UUID()).csv").path
        try lua("""
            purecloud.csv.write("\(path)", { { name = "João; Zoë" } }, { "name" }, { delimiter = ";", bom = true })
            purecloud.csv.write("\(plain)", { { name = "João" } }, { "name" })
            local rows = purecloud.csv.read("\(path)")
            assert(rows[1].name == "João; Zoë", rows[1].name)
            """)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF])
        XCTAssertEqual(String(decoding: data.dropFirst(3), as: UTF8.self), "name\n\"João; Zoë\"\n")
        XCTAssertEqual(try String(contentsOfFile: plain, encoding: .utf8), "name\nJoão\n", "no mark unless asked")
    }
}
