import Foundation
import PureCloudEmulator
import XCTest

/// Errors meant for a person read as one line, without a traceback through pclua's internals;
/// errors in the user's own Lua keep their traceback, pointing at the user's lines (issue 15).
final class PersonMessageTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 30, groups: 6) }

    func script(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("person-\(UUID()).lua")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func lines(_ text: String) -> [Substring] { text.split(separator: "\n") }

    /// Messages start with the program name as it was invoked (lua.c's progname): here the full path.
    var prefix: String { PcluaProcess.binary.path + ": " }

    func testAnApiErrorAtTheTopIsOneLineAndDebugKeepsTheTraceback() throws {
        let plain = try pclua(["-e", "purecloud.GroupsApi.new():get_group('missing')"])
        XCTAssertEqual(plain.status, 1)
        XCTAssertEqual(lines(plain.messages).count, 1, plain.messages)
        XCTAssertTrue(plain.messages.hasPrefix(prefix + "get_group failed: HTTP 404"), plain.messages)

        let debug = try pclua(["--log-level", "debug", "-e", "purecloud.GroupsApi.new():get_group('missing')"])
        XCTAssertTrue(debug.messages.contains("stack traceback"), debug.messages)
    }

    func testARefusedSignInSaysSoWithoutPageNumbersOrTraceback() throws {
        let file = try script("local api = purecloud.GroupsApi.new()\nfor g in api:each_group() do print(g.name) end\n")
        let outcome = try pclua([file.path], environment: ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": "wrong"])
        XCTAssertEqual(outcome.status, 3, outcome.messages)
        XCTAssertEqual(lines(outcome.messages).count, 1, outcome.messages)
        XCTAssertTrue(outcome.messages.hasPrefix(prefix + "authentication refused: HTTP 401"), outcome.messages)
        XCTAssertTrue(outcome.messages.contains("check the client id and secret"), outcome.messages)
        XCTAssertFalse(outcome.messages.contains("page 1"), outcome.messages)
        XCTAssertFalse(outcome.messages.contains("wrong"), "the secret never appears: \(outcome.messages)")
    }

    func testConfigurationAndNetworkErrorsAreOneLine() throws {
        let missing = try PcluaProcess.run(["-e", "purecloud.GroupsApi.new():get_groups{}"], environment: ["HOME": NSTemporaryDirectory()])
        XCTAssertEqual(missing.status, 2, missing.messages)
        XCTAssertEqual(lines(missing.messages).count, 1, missing.messages)
        XCTAssertTrue(missing.messages.contains("no credentials"), missing.messages)

        let unreachable = try PcluaProcess.run(["--base-url", "http://127.0.0.1:1", "--max-attempts", "1", "-e", "purecloud.GroupsApi.new():get_groups{}"], environment: credentials)
        XCTAssertEqual(unreachable.status, 1, unreachable.messages)
        XCTAssertEqual(lines(unreachable.messages).count, 1, unreachable.messages)
        XCTAssertTrue(unreachable.messages.contains("network.unreachable"), unreachable.messages)
    }

    func testAnErrorInTheUsersCodeKeepsItsTracebackWithoutTheIteratorsInternals() throws {
        let file = try script("""
            local api = purecloud.GroupsApi.new()
            local function check(group)
              local missing = nil
              return missing.name .. group.name
            end
            for group in api:each_group{ page_size = 2 } do check(group) end
            """)
        let outcome = try pclua([file.path])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.messages.hasPrefix(prefix + "\(file.path):4: attempt to index a nil value"), outcome.messages)
        XCTAssertTrue(outcome.messages.contains("stack traceback"), outcome.messages)
        XCTAssertTrue(outcome.messages.contains("\(file.path):6:"), "the user's loop is in the traceback: \(outcome.messages)")
        XCTAssertFalse(outcome.messages.contains("prelude.lua"), outcome.messages)

        // An error raised inside pclua's own Lua is located at the user's line that called it.
        let inside = try pclua(["-e", "local x = 1\npurecloud.collect(42)"])
        XCTAssertTrue(inside.messages.hasPrefix(prefix + "(command line):2: "), inside.messages)
        XCTAssertFalse(inside.messages.contains("prelude.lua"), inside.messages)
    }

    func testAMalformedFileOrARefusedPlanIsOneLineEvenThroughPcall() throws {
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).csv")
        try "user,group\nann@example.com,\"Sales\n".write(to: csv, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: csv) }
        let file = try script("local ok, err = pcall(purecloud.csv.read, '\(csv.path)')\nerror(err, 0)\n")
        let outcome = try pclua([file.path])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(lines(outcome.messages).count, 1, outcome.messages)
        XCTAssertTrue(outcome.messages.contains(csv.lastPathComponent), outcome.messages)

        let refused = try pclua(["-e", "local api = purecloud.GroupsApi.new(); local g = api:get_groups{}.entities[1]; api:add_members(g, { 'nobody@example.com' })"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(lines(refused.messages).count, 1, refused.messages)
        XCTAssertTrue(refused.messages.contains("was not changed"), refused.messages)
    }

    func testPlainLuaErrorsKeepLuaCsMessageAndTraceback() throws {
        let outcome = try pclua(["-e", "error('boom')"])
        XCTAssertTrue(outcome.messages.hasPrefix(prefix + "(command line):1: boom\nstack traceback:\n"), outcome.messages)
    }
}
