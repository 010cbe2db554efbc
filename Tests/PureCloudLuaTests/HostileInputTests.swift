import Foundation
import LuaKit
import XCTest

/// Issue 20.4: inputs a script can pass that made pclua slow (quadratic work, an unbounded
/// did-you-mean) or changed data silently. The time limits are far above what the work takes
/// now (well under a second) and far below what it took before (14 s to 374 s): they catch the
/// quadratic, not the machine's speed.
final class HostileInputTests: ModuleTestCase {
    private func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    private func timed(_ code: String, within seconds: TimeInterval, file: StaticString = #filePath, line: UInt = #line) throws {
        let started = Date()
        try lua(code, file: file, line: line)
        XCTAssertLessThan(Date().timeIntervalSince(started), seconds, file: file, line: line)
    }

    func testAHugeUnknownNameGetsItsAnswerAtOnce() throws {
        try timed("""
            local key = string.rep("n", 10 * 1024 * 1024)
            local ok, err = pcall(purecloud.GroupCreate.new, { [key] = 1 })
            assert(not ok and err:find("unknown field 'nnnnnnnn", 1, true) and #err < 1000, #err)
            ok, err = pcall(purecloud.configure, { [key] = 1 })
            assert(not ok and err:find("unknown option", 1, true) and #err < 1000, #err)
            ok, err = pcall(purecloud.GroupsApi.new().get_groups, purecloud.GroupsApi.new(), { [key] = 1 })
            assert(not ok and #err < 1000, #err)
            """, within: 10)
    }

    func testWideCSVFilesAndTablesTakeLinearTime() throws {
        let dir = try scratch()
        try timed("""
            local names, values = {}, {}
            for i = 1, 20000 do names[i] = "c" .. i; values[i] = tostring(i) end
            local f = assert(io.open("\(dir)/wide.csv", "w"))
            f:write(table.concat(names, ","), "\\n", table.concat(values, ","), "\\n")
            f:close()
            local rows, header = purecloud.csv.read("\(dir)/wide.csv")
            assert(#header == 20000 and rows[1].c20000 == "20000")
            """, within: 8)
        try timed("""
            local row, columns = {}, {}
            for i = 1, 100000 do row["c" .. i] = i; columns[i] = "c" .. i end
            local printed = {}
            local print_ = print
            print = function(text) printed[#printed + 1] = text end
            purecloud.table({ row }, columns)
            purecloud.table({ row })
            print = print_
            assert(printed[1]:find("columns did not fit"), printed[1])
            """, within: 8)
    }

    /// The module's functions check their declared arguments (issue 22's binder) before doing
    /// anything: Lua's own wording, the script's line, and no file written.
    func testDeclaredArgumentsAreCheckedBeforeTheFunctionRuns() throws {
        let dir = try scratch()
        let messages = try expectErrors([
            ("purecloud.csv.read(nil)", "bad argument #1 to 'csv.read' (string expected, got nil)"),
            ("purecloud.csv.rows('\(dir)/a.csv', ';')", "bad argument #2 to 'csv.rows' (table expected, got string)"),
            ("purecloud.csv.write('\(dir)/a.csv', { { name = 'a' } }, 'name')", "bad argument #3 to 'csv.write' (table expected, got string)"),
            ("purecloud.map({ 1 }, print, 'fast')", "bad argument #3 to 'map' (table expected, got string)"),
            ("purecloud.log.debug('x', 'not a table')", "bad argument #2 to 'log.debug' (table expected, got string)"),
            ("purecloud.GroupsApi.new():find_group('a', nil, 1)", "bad argument #3 to 'find_group' (no more arguments expected, got number)"),
        ])
        XCTAssertEqual(messages.first, "test.lua:1: bad argument #1 to 'csv.read' (string expected, got nil)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(dir)/a.csv"), "nothing written")
    }

    func testCSVFilesAreTextAndAnyReadableFileCanBeRead() throws {
        let dir = try scratch()
        try expectErrors([
            ("purecloud.csv.write('\(dir)/a.csv', { { ['\\xff'] = 'v' } }, { '\\xff' })", "column 1's name must be UTF-8 text"),
            ("purecloud.csv.write('\(dir)/a.csv', { { name = 'ok\\xff' } }, { 'name' })", "row 1, column 'name': the value is not UTF-8 text"),
            ("purecloud.csv.write('\(dir)/a.csv', { { name = 'a' }, nil, { name = 'c' } }, { 'name' })", "without holes"),
        ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(dir)/a.csv"), "nothing written")
        // A FIFO, as io.open reads it.
        XCTAssertEqual(mkfifo("\(dir)/fifo", 0o600), 0)
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: "\(dir)/fifo")
            handle?.write(Data("name,email\nAna,ana@example.com\n".utf8))
            try? handle?.close()
        }
        writer.start()
        try lua("""
            local rows, header = purecloud.csv.read("\(dir)/fifo")
            assert(#rows == 1 and rows[1].email == "ana@example.com" and header[2] == "email")
            """)
    }
}
