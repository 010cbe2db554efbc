import Foundation
import PureCloudEmulator
import LuaKit
import XCTest

/// Random and hostile values into every function of the module and into the CSV reader: the only
/// acceptable outcomes are a result or a Lua error (a string or an ApiError table). A crash ends
/// the test process; a hang trips the time limit.
final class FuzzTests: ModuleTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 20, groups: 4) }

    func testHostileValuesGiveLuaErrorsOnly() throws {
        let started = Date()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(UUID())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try lua("""
            local seed = 20261127
            local function random(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n + 1 end

            local cyclic = {}; cyclic.self = cyclic; cyclic[1] = cyclic
            local deep = {}; do local t = deep; for i = 1, 300 do t.x = {}; t = t.x end end
            local raising = setmetatable({}, {
              __index = function() error("index metamethod") end, __newindex = function() error("newindex") end,
              __pairs = function() error("pairs metamethod") end, __len = function() error("len metamethod") end,
              __tostring = function() error("tostring metamethod") end, __eq = function() error("eq") end,
            })
            local big = {}; for i = 1, 60 do big[i] = "user-" .. i end
            local values = {
              nil, true, false, 0, -1, 1.5, math.maxinteger, math.mininteger, math.huge, -math.huge, 0/0, 1e308,
              "", "x", "..", "../../etc/passwd", "a,b,c", " ", "\\0nul\\0", "\\xff\\xfe\\xfd", string.rep("A", 200000),
              "%2F%00", "group-id", "name", "ascending", "EXACT",
              {}, { 1, 2, 3 }, { 1, nil, 3 }, { [1.5] = true }, { [true] = 1 }, cyclic, deep, raising, big,
              { page_size = "x" }, { page_size = 0 }, { page_size = 3 }, { page_number = -5 }, { id = { 1, 2 } }, { expand = "presence,x" },
              { name = "Fuzz", type = "official", visibility = "public", rulesVisible = true },
              { name = cyclic }, { body = cyclic }, { body = deep }, { memberIds = big, version = 1 }, { query = { { type = "MATCH_ALL" } } },
              { query = "x" }, { dry_run = true }, { retry = { max_attempts = 0 } }, { environment = "\\0" }, { base_url = "ftp://x" },
              print, coroutine.create(print), io.stdout, purecloud.null, purecloud.array_mt, setmetatable({}, purecloud.array_mt),
              purecloud.GroupsApi.new(),
            }
            local nvalues = 64  -- values has holes (nil); index by position
            local function pick() return values[random(nvalues)] end

            local api = purecloud.GroupsApi.new()
            local targets = {}
            local function add(name, fn, self) targets[#targets + 1] = { name = name, fn = fn, self = self } end
            for name, fn in pairs(purecloud) do if type(fn) == "function" and name ~= "configure" then add(name, fn) end end
            for _, lib in ipairs { "json", "csv", "log" } do
              for name, fn in pairs(purecloud[lib]) do if type(fn) == "function" then add(lib .. "." .. name, fn) end end
            end
            for name, model in pairs(purecloud) do
              if type(model) == "table" and type(rawget(model, "new")) == "function" then add(name .. ".new", model.new) end
            end
            for name, fn in pairs(getmetatable(api).__index) do add("api:" .. name, fn, api) end
            add("ApiError.is", purecloud.ApiError.is)

            local calls, errors = 0, 0
            for round = 1, 4000 do
              local target = targets[random(#targets)]
              local args = {}
              local n = random(4) - 1
              for i = 1, n do args[i] = pick() end
              local ok, result
              if target.self and random(5) > 1 then
                ok, result = pcall(target.fn, target.self, table.unpack(args, 1, n))
              else
                ok, result = pcall(target.fn, table.unpack(args, 1, n))
              end
              calls = calls + 1
              if not ok then
                errors = errors + 1
                assert(type(result) == "string" or purecloud.ApiError.is(result),
                  target.name .. " raised a " .. type(result))
              end
              if type(result) == "function" then  -- an iterator: walk a little of it
                pcall(function() local i = 0; for _ in result do i = i + 1; if i > 30 then break end end end)
              end
            end
            assert(calls == 4000 and errors > 1000, calls .. " calls, " .. errors .. " errors")

            -- The CSV reader on random bytes.
            for i = 1, 300 do
              local path = "\(scratch)/f" .. i .. ".csv"
              local f = assert(io.open(path, "wb"))
              local parts = {}
              for j = 1, random(40) do
                local choice = random(8)
                parts[#parts + 1] = ({ ",", "\\"", "\\n", "\\r\\n", "a", "\\0", "\\xff", "x,y" })[choice]
              end
              f:write(table.concat(parts)); f:close()
              local ok, err = pcall(function() for row in purecloud.csv.rows(path) do end end)
              assert(ok or type(err) == "string", "csv: " .. type(err))
              ok, err = pcall(purecloud.csv.read, path)
              assert(ok or type(err) == "string", "csv.read: " .. type(err))
            end
            """)
        XCTAssertLessThan(Date().timeIntervalSince(started), 120, "no hang")
        try? FileManager.default.removeItem(atPath: scratch)
    }
}
