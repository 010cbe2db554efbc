import Foundation
import PureCloudEmulator
import XCTest

/// Issue 11, item 2: a pclua flag typed after the script name is never lost. `--dry-run` is
/// honoured wherever it stands; the flags that choose the org or the credentials are refused
/// there, before anything runs.
final class FlagPlacementTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 10, groups: 3) }

    private func writingScript() throws -> URL {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("write-\(UUID()).lua")
        try """
            local api = purecloud.GroupsApi.new()
            api:post_groups{ name = "Made by FlagPlacementTests", type = "official", visibility = "public", rulesVisible = true }
            print("arguments", select("#", ...), #arg, ...)
            """.write(to: script, atomically: true, encoding: .utf8)
        return script
    }

    func testDryRunAfterTheScriptNameIsHonouredAndNotPassedOn() throws {
        let script = try writingScript()
        let before = try groups().count
        for arguments in [[script.path, "moves.csv", "--dry-run"], [script.path, "--dry-run", "moves.csv"],
                          ["-e", "x = 1", script.path, "moves.csv", "--dry-run"]] {
            let outcome = try pclua(arguments)
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertEqual(outcome.stdout, "arguments\t1\t1\tmoves.csv\n", "the script does not see --dry-run")
        }
        XCTAssertEqual(try groups().count, before, "nothing was written")
        XCTAssertEqual(emulator.requestCount("post_groups"), 0)
    }

    func testFlagsThatChooseTheOrgAreRefusedAfterTheScriptName() throws {
        let script = try writingScript()
        let before = try groups().count
        for flag in [["--emulator"], ["--environment", "mypurecloud.ie"], ["--environment=mypurecloud.ie"], ["--base-url", baseURL],
                     ["--profile", "prod"], ["--emulator-data", "org.json"], ["--access-token", "t"], ["--client-id", "x"],
                     ["--dry-run=true"]] {
            let outcome = try pclua([script.path, "moves.csv"] + flag)
            XCTAssertEqual(outcome.status, 2, "\(flag): \(outcome.stderr)")
            let name = String(flag[0].prefix { $0 != "=" })
            XCTAssertTrue(outcome.stderr.contains("\(name) is pclua's option and must come before the script name"), outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("Nothing was run."), outcome.stderr)
            XCTAssertEqual(outcome.stdout, "", "the script did not run")
        }
        XCTAssertEqual(try groups().count, before)
    }

    func testOtherArgumentsStillReachTheScriptAsInLuaC() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("args-\(UUID()).lua")
        try "print(...)".write(to: script, atomically: true, encoding: .utf8)
        let outcome = try pclua([script.path, "--log-level", "debug", "-e", "--", "-"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "--log-level\tdebug\t-e\t--\t-\n")
    }

    func testFlagsBeforeTheScriptAndTheRunSubcommandStillWork() throws {
        let script = try writingScript()
        let before = try groups().count
        let outcome = try PcluaProcess.run(["run", "--dry-run", "--base-url", baseURL, script.path], environment: credentials)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "arguments\t0\t0\n")
        XCTAssertEqual(try groups().count, before)

        // Options with values among lua.c's options take their value, never the script name.
        let script2 = FileManager.default.temporaryDirectory.appendingPathComponent("args-\(UUID()).lua")
        try "print(...)".write(to: script2, atomically: true, encoding: .utf8)
        let options = try pclua(["--timeout", "5", "-e", "x = 1", "--log-level", "debug", "--max-attempts", "2", "--call-budget=30",
                                 "--connect-timeout", "3", "--log-format", "text", script2.path, "x"])
        XCTAssertEqual(options.status, 0, options.stderr)
        XCTAssertEqual(options.stdout, "x\n")
    }
}

/// Near misses of a safety flag after the script name must not turn into a real run.
final class FlagNearMissTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 10, groups: 3) }

    func testNearMissesOfDryRunAndCronFlagsAreRefused() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("near-\(UUID()).lua")
        try """
            purecloud.GroupsApi.new():post_groups{ name = "Near miss", type = "official", visibility = "public", rulesVisible = true }
            print(...)
            """.write(to: script, atomically: true, encoding: .utf8)
        for typed in ["--dryrun", "--dry_run", "--Dry-Run", "-dry-run", "\u{2014}dry-run", "--lock", "--audit-log"] {
            let outcome = try pclua([script.path, "moves.csv", typed, "x"])
            XCTAssertEqual(outcome.status, 2, "\(typed): \(outcome.stderr)")
            XCTAssertEqual(outcome.stdout, "", "\(typed): the script must not run")
        }
        XCTAssertEqual(emulator.requestCount("post_groups"), 0, "nothing was written")
        // After "--" the script's own arguments pass as they are, and --dry-run is still honoured.
        let passed = try pclua([script.path, "--", "--dryrun", "--dry-run"])
        XCTAssertEqual(passed.status, 0, passed.stderr)
        XCTAssertEqual(passed.stdout, "--\t--dryrun\n")
        XCTAssertEqual(emulator.requestCount("post_groups"), 0, "--dry-run after -- is still a dry run")
    }
}

/// `--dry-run` typed on the command line holds whatever the script asks for.
final class StickyDryRunTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 20, groups: 3) }

    func testAScriptCannotSwitchTheCommandLinesDryRunOff() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("sticky-\(UUID()).lua")
        try """
            local api = purecloud.GroupsApi.new()
            local users = purecloud.UsersApi.new()
            local group = api:get_groups{}.entities[1]
            local people = {}
            for u in users:each_user{} do people[#people + 1] = u.id end
            api:add_members(group.id, people, { dry_run = false })
            api:apply_memberships({ { group = group.id, add = people } }, { dry_run = false })
            purecloud.configure{ dry_run = false }
            purecloud.GroupsApi.new():post_groups{ name = "Sticky", type = "official", visibility = "public", rulesVisible = true }
            print("done")
            """.write(to: script, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: script) }
        let outcome = try pclua(["--dry-run", script.path])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "done\n")
        for write in ["post_groups", "post_group_members", "delete_group_members", "put_group", "delete_group"] {
            XCTAssertEqual(emulator.requestCount(write), 0, "\(write) was sent under --dry-run")
        }
    }
}
