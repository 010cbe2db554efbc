import Foundation
import PureCloudEmulator
import LuaKit
import XCTest

/// Random and hostile values into every function of the module and into the CSV reader: the only
/// acceptable outcomes are a result or a Lua error (a string or an ApiError table). A crash ends
/// the test process; a hang trips the time limit.
final class FuzzTests: ModuleTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 20, groups: 4) }

    /// Tests/fuzz/module.lua: every function and constructor of the module, configure included.
    static let moduleFuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/module.lua")

    func testHostileValuesGiveLuaErrorsOnly() throws {
        let started = Date()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(UUID())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let state = try makeState()
        let script = try String(contentsOf: Self.moduleFuzz, encoding: .utf8)
        let base = state.top
        do {
            try state.run(script, name: "@module.lua", arguments: ["20261127", "3000", scratch])
        } catch {
            XCTFail("\(error)")
        }
        let calls = state.main.integer(at: base + 1), errors = state.main.integer(at: base + 2)
        XCTAssertEqual(calls, 3000)
        XCTAssertGreaterThan(errors ?? 0, 750)
        try lua("""
            local seed = 20261127
            local function random(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n + 1 end
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
