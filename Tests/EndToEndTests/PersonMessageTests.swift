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
        XCTAssertEqual(lines(plain.stderr).count, 1, plain.stderr)
        XCTAssertTrue(plain.stderr.hasPrefix(prefix + "get_group failed: HTTP 404"), plain.stderr)

        let debug = try pclua(["--log-level", "debug", "-e", "purecloud.GroupsApi.new():get_group('missing')"])
        XCTAssertTrue(debug.stderr.contains("stack traceback"), debug.stderr)
    }

    func testARefusedSignInSaysSoWithoutPageNumbersOrTraceback() throws {
        let file = try script("local api = purecloud.GroupsApi.new()\nfor g in api:each_group() do print(g.name) end\n")
        let outcome = try pclua([file.path], environment: ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": "wrong"])
        XCTAssertEqual(outcome.status, 3, outcome.stderr)
        XCTAssertEqual(lines(outcome.stderr).count, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.hasPrefix(prefix + "authentication refused: HTTP 401"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("check the client id and secret"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("page 1"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("wrong"), "the secret never appears: \(outcome.stderr)")
    }

    func testConfigurationAndNetworkErrorsAreOneLine() throws {
        let missing = try PcluaProcess.run(["-e", "purecloud.GroupsApi.new():get_groups{}"], environment: ["HOME": NSTemporaryDirectory()])
        XCTAssertEqual(missing.status, 2, missing.stderr)
        XCTAssertEqual(lines(missing.stderr).count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("no credentials"), missing.stderr)

        let unreachable = try PcluaProcess.run(["--base-url", "http://127.0.0.1:1", "--max-attempts", "1", "-e", "purecloud.GroupsApi.new():get_groups{}"], environment: credentials)
        XCTAssertEqual(unreachable.status, 1, unreachable.stderr)
        XCTAssertEqual(lines(unreachable.stderr).count, 1, unreachable.stderr)
        XCTAssertTrue(unreachable.stderr.contains("network.unreachable"), unreachable.stderr)
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
        XCTAssertTrue(outcome.stderr.hasPrefix(prefix + "\(file.path):4: attempt to index a nil value"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("stack traceback"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("\(file.path):6:"), "the user's loop is in the traceback: \(outcome.stderr)")
        XCTAssertFalse(outcome.stderr.contains("purecloud.prelude"), outcome.stderr)

        // An error raised inside pclua's own Lua is located at the user's line that called it.
        let inside = try pclua(["-e", "local x = 1\npurecloud.collect(42)"])
        XCTAssertTrue(inside.stderr.hasPrefix(prefix + "(command line):2: "), inside.stderr)
        XCTAssertFalse(inside.stderr.contains("purecloud.prelude"), inside.stderr)
    }

    func testAMalformedFileOrARefusedPlanIsOneLineEvenThroughPcall() throws {
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).csv")
        try "user,group\nann@example.com,\"Sales\n".write(to: csv, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: csv) }
        let file = try script("local ok, err = pcall(purecloud.csv.read, '\(csv.path)')\nerror(err, 0)\n")
        let outcome = try pclua([file.path])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(lines(outcome.stderr).count, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(csv.lastPathComponent), outcome.stderr)

        let refused = try pclua(["-e", "local api = purecloud.GroupsApi.new(); local g = api:get_groups{}.entities[1]; api:add_members(g, { 'nobody@example.com' })"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(lines(refused.stderr).count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("nothing was changed"), refused.stderr)
    }

    func testPlainLuaErrorsKeepLuaCsMessageAndTraceback() throws {
        let outcome = try pclua(["-e", "error('boom')"])
        XCTAssertTrue(outcome.stderr.hasPrefix(prefix + "(command line):1: boom\nstack traceback:\n"), outcome.stderr)
    }
}
