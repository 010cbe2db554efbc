import Foundation
import PureCloudEmulator
import XCTest

final class ScriptRunTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 60, groups: 12) }

    func testTheSDKParityExampleRunsAll14OperationsUnmodified() throws {
        var environment = credentials
        environment["PURECLOUD_ENVIRONMENT"] = "localhost:\(port)"
        let before = try groups().count
        let outcome = try PcluaProcess.run(["scripts/examples/sdk-parity.lua"], environment: environment)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        let operations = lines.compactMap { $0.split(separator: ":").first.map(String.init) }
        XCTAssertEqual(Set(operations).intersection(["post_groups", "get_groups", "get_group", "post_group_members", "get_group_members",
                                                     "get_group_individuals", "put_group", "get_group_profile", "get_profiles_groups",
                                                     "get_fieldconfig", "post_groups_search", "get_groups_search",
                                                     "delete_group_members", "delete_group"]).count, 14, outcome.stdout)
        XCTAssertTrue(lines.contains("get_group_members: 3 members"))
        XCTAssertTrue(lines.contains("put_group: version 3"))
        XCTAssertEqual(lines.last, "after delete: 404")
        XCTAssertEqual(try groups().count, before, "the example deletes what it created")
        for operation in ["post_groups", "get_groups_search", "get_fieldconfig", "delete_group_members"] {
            XCTAssertGreaterThan(emulator.requestCount(operation), 0, operation)
        }
    }

    func testAScriptGetsItsArgumentsAndItsWritesReachTheOrg() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("create-\(UUID()).lua")
        try """
            #!/usr/bin/env pclua
            local name, owner_email = ...
            assert(arg[0]:find("create%-"), arg[0])
            local api = purecloud.GroupsApi.new()
            local g = api:post_groups{ name = name, type = "official", visibility = "public", rulesVisible = true, description = arg[2] }
            print(g.id)
            """.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let outcome = try pclua([script.path, "Night Shift Leads", "made by a test"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let id = outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let group = try XCTUnwrap(groups().first { $0["id"] as? String == id })
        XCTAssertEqual(group["name"] as? String, "Night Shift Leads")
        XCTAssertEqual(group["description"] as? String, "made by a test")
    }

    func testExitStatusesTellFailuresApart() throws {
        let failing = try pclua(["-e", "local api = purecloud.GroupsApi.new()\napi:get_group('missing')"])
        XCTAssertEqual(failing.status, 1)
        XCTAssertTrue(failing.stderr.contains("get_group failed: HTTP 404"), failing.stderr)
        XCTAssertFalse(failing.stderr.contains("stack traceback"), "an API error is one line: \(failing.stderr)")

        let syntax = try pclua(["-e", "x = = 1"])
        XCTAssertEqual(syntax.status, 1)

        let usage = try pclua(["--no-such-flag"])
        XCTAssertEqual(usage.status, 2)

        let missingFile = try pclua(["does-not-exist.lua"])
        XCTAssertEqual(missingFile.status, 2)
        XCTAssertTrue(missingFile.stderr.contains("cannot open does-not-exist.lua"))

        let noCredentials = try pclua(["-e", "purecloud.GroupsApi.new():get_groups{}"], environment: [:])
        XCTAssertEqual(noCredentials.status, 2)
        XCTAssertTrue(noCredentials.stderr.contains("no credentials"), noCredentials.stderr)

        let badSecret = try pclua(["-e", "purecloud.GroupsApi.new():get_groups{}"],
                                  environment: ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": "not-the-secret"])
        XCTAssertEqual(badSecret.status, 3, badSecret.stderr)
        XCTAssertFalse(badSecret.stderr.contains("not-the-secret"), "the secret is never printed")

        let unknownEnvironment = try PcluaProcess.run(["--environment", "mypurecloud.mars", "-e", "x = 1"], environment: credentials)
        XCTAssertEqual(unknownEnvironment.status, 2)
        XCTAssertTrue(unknownEnvironment.stderr.contains("unknown environment"), unknownEnvironment.stderr)

        let plainHTTP = try PcluaProcess.run(["--base-url", "http://example.com", "-e", "x = 1"], environment: credentials)
        XCTAssertEqual(plainHTTP.status, 2)
        XCTAssertTrue(plainHTTP.stderr.contains("refusing plain http"), plainHTTP.stderr)
    }

    func testHelpShowsTheWaysToRunItAndTheExitStatuses() throws {
        for arguments in [["--help"], ["help"], ["run", "--help"]] {  // -h is lua.c's: an unknown option (LuaHostTests)
            let outcome = try PcluaProcess.run(arguments)
            XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
            for expected in ["pclua script.lua [args...]", "~/.gc/config.toml", "4    the run changed something and did not finish", "5    --lock is held", "6    --expect-org", "130  interrupted",
                             "--dry-run", "--emulator-data <file>", "--lock <path>", "--call-budget", "pclua snapshot --out", "pclua rehearse", "-l mod"] {
                XCTAssertTrue(outcome.stdout.contains(expected), "\(arguments) should mention \(expected): \(outcome.stdout)")
            }
            // Laid out for 80 columns, and nothing re-wrapped mid-sentence (a line holding only a word or two).
            for line in outcome.stdout.split(separator: "\n") {
                XCTAssertLessThanOrEqual(line.count, 80, "too wide: \(line)")
                XCTAssertFalse(line.trimmingCharacters(in: .whitespaces).hasPrefix("`"), "broken line: \(line)")
            }
        }
        XCTAssertEqual(try PcluaProcess.run(["--version"]).stdout, "pclua 0.1.0 (Lua 5.4)\n")
    }

    func testAnUnreachableHostFailsWithASpecificMessage() throws {
        let started = Date()
        let outcome = try PcluaProcess.run(
            ["--base-url", "http://127.0.0.1:9", "--connect-timeout", "1", "--call-budget", "5", "-e", "purecloud.GroupsApi.new():get_groups{}"],
            environment: credentials)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stderr.contains("network.unreachable") && outcome.stderr.contains("cannot connect to 127.0.0.1:9"), outcome.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 7, "connection failures are retried, within the configured call budget")
    }

    func testTheScriptCanComeFromStandardInputAndChunksRunFirst() throws {
        let outcome = try pclua(["-e", "greeting = 'hello'", "-"], stdin: "print(greeting, #purecloud.GroupsApi.new():get_groups{ page_size = 5 }.entities)")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "hello\t5\n")
    }

    func testTheEmulatorFlagNeedsNoCredentials() throws {
        let outcome = try PcluaProcess.run(["--emulator", "-e", "print(purecloud.GroupsApi.new():get_groups{}.total)"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "20\n")
    }
}
