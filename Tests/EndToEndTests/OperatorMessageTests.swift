import Foundation
import PureCloudEmulator
import XCTest

/// Issue 21, part 2: what pclua says on the way, read as the person at the terminal reads it (or
/// the log shipper, with --log-format json): a flag on the wrong side of the script name, a
/// refused rehearsal, the command the emulator suggests.
final class OperatorMessageTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 30, groups: 3) }

    var program: String { PcluaProcess.binary.path }

    /// A moves file that moves one member of the first group to the second.
    func movesFile() throws -> String {
        let groups = try self.groups()
        let (from, to) = (groups[0], groups[1])
        let toMembers = Set(to["members"] as? [String] ?? [])
        let mover = try XCTUnwrap((from["members"] as? [String] ?? []).first { !toMembers.contains($0) })
        let email = try XCTUnwrap((try state()["users"] as? [[String: Any]])?.first { $0["id"] as? String == mover }?["email"] as? String)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("moves-\(UUID()).csv")
        try "user;from_group;to_group\r\n\(email);\(from["name"]!);\(to["name"]!)\r\n".write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    /// Runs a command line printed for a person, as they would paste it into bash.
    func paste(_ command: String) throws -> ShellRun {
        try ShellRun.run("printf '%s\\n' \"$LINE\" | bash --norc --noprofile -i 2>/dev/null", environment: credentials.merging(["LINE": command]) { $1 })
    }

    func testTheScriptsOptionBeforeTheScriptNameIsNamedWithTheCommandLineThatWorks() throws {
        let moves = try movesFile()
        let outcome = try pclua(["--max-removals", "400", "scripts/migrate-members.lua", moves])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertEqual(outcome.stderr, """
            \(program): --max-removals is an option of scripts/migrate-members.lua, not of pclua: it goes after the script name:
              \(program) --base-url \(baseURL) scripts/migrate-members.lua \(moves) --max-removals 400
            Nothing was run.

            """)
        XCTAssertFalse(outcome.stderr.contains("Usage: run"), "no `run` the user never typed")
        XCTAssertEqual(emulator.requestCount("post_group_members"), 0)

        let corrected = try paste("\(program) --base-url \(baseURL) scripts/migrate-members.lua \(moves) --max-removals 400")
        XCTAssertTrue(corrected.out.contains("1 row (2 membership changes): 1 added, 1 removed"), corrected.out + corrected.err)

        // A near miss of pclua's own flag is a typo, not the script's.
        let typo = try pclua(["--concurency", "4", "scripts/migrate-members.lua", moves])
        XCTAssertEqual(typo.status, 2)
        XCTAssertEqual(typo.stderr, "\(program): unknown option --concurency (did you mean --concurrency?); pclua --help lists pclua's options. Nothing was run.\n")
    }

    func testPcluasOptionAfterTheScriptNameIsNamedWhenTheScriptRefusesIt() throws {
        let moves = try movesFile()
        let outcome = try pclua(["scripts/migrate-members.lua", moves, "--concurrency", "4"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.stderr.hasPrefix("migrate-members.lua: unknown option '--concurrency'\nusage: pclua scripts/migrate-members.lua moves.csv"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.hasSuffix("""
            \(program): --concurrency is pclua's option, not the script's: it goes before the script name:
              \(program) --base-url \(baseURL) --concurrency 4 scripts/migrate-members.lua \(moves)

            """), outcome.stderr)
        // A script that takes the argument hears nothing of it.
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("echo-\(UUID()).lua")
        try "print(...)".write(to: script, atomically: true, encoding: .utf8)
        let echoed = try pclua([script.path, "--quiet"])
        XCTAssertEqual(echoed.status, 0)
        XCTAssertEqual(echoed.stdout, "--quiet\n")
        XCTAssertEqual(echoed.stderr, "")
    }

    func testARehearsalWithAnOrgFlagSaysThatIsTheReason() throws {
        let snapshot = FileManager.default.temporaryDirectory.appendingPathComponent("org-\(UUID()).json").path
        try emulator.exportedState().write(toFile: snapshot, atomically: true, encoding: .utf8)
        for flags in [["--profile", "prod", "--snapshot", snapshot], ["--snapshot", snapshot, "--profile=prod"]] {
            let outcome = try PcluaProcess.run(["rehearse"] + flags + ["scripts/export-groups.lua", "/dev/null"])
            XCTAssertEqual(outcome.status, 2)
            XCTAssertEqual(outcome.stderr, "pclua rehearse: a rehearsal runs on its snapshot only, never on a real org or another emulator; leave out --profile (it takes no org and no credentials)\n")
        }
        // Rehearse's own flags may stand among pclua's.
        let quiet = try PcluaProcess.run(["rehearse", "--quiet", "--snapshot", snapshot, "scripts/export-groups.lua", "/dev/null"])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertTrue(quiet.stdout.contains("3 groups written to /dev/null"), quiet.stdout)
    }

    func testWithLogFormatJsonEveryLineOfTheLogIsJSON() throws {
        let moves = try movesFile()
        let snapshot = FileManager.default.temporaryDirectory.appendingPathComponent("org-\(UUID()).json").path
        try emulator.exportedState().write(toFile: snapshot, atomically: true, encoding: .utf8)
        let runs: [[String]] = [
            ["--base-url", baseURL, "--log-format", "json", "--concurrency", "0", "-e", "x = 1"],         // an argument error
            ["--base-url", baseURL, "--log-format", "json", "--bogus", "-e", "x = 1"],                     // an unknown flag
            ["--log-format", "json", "-x"],                                                                // lua.c's usage
            ["--base-url", baseURL, "--log-format", "json", "--max-removals", "4", "scripts/migrate-members.lua", moves],
            ["--base-url", baseURL, "--log-format", "json", "scripts/migrate-members.lua", moves, "--timeout", "5"],
            ["--base-url", baseURL, "--log-format", "json", "scripts/migrate-members.lua"],               // the script's usage
            ["--log-format", "json", "-W", "-e", "warn('careful', ' now')"],                               // Lua's warnings
            ["rehearse", "--log-format", "json", "--profile", "prod", "--snapshot", snapshot, "-e", "x = 1"],
            ["rehearse", "--log-format", "json", "--snapshot", "/nonexistent.json", "-e", "x = 1"],
            ["snapshot", "--log-format", "json", "--environment", "localhost:1", "--out", "/dev/null"],
            ["--log-format", "json", "--log-level", "debug", "--base-url", baseURL, "--dry-run", "scripts/migrate-members.lua", moves],
        ]
        for arguments in runs {
            let outcome = try PcluaProcess.run(arguments, environment: arguments.contains("snapshot") ? [:] : credentials)
            let lines = outcome.stderr.split(separator: "\n")
            XCTAssertFalse(lines.isEmpty, "\(arguments) said nothing")
            for line in lines {
                XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)), "\(arguments): not JSON: \(line)")
            }
        }
        let warned = try PcluaProcess.run(["--log-format", "json", "-W", "-e", "warn('careful', ' now')"])
        XCTAssertTrue(warned.stderr.contains("\"level\":\"warn\",\"message\":\"Lua warning: careful now\""), warned.stderr)
        let plain = try PcluaProcess.run(["-W", "-e", "warn('careful', ' now')"])
        XCTAssertEqual(plain.stderr, "Lua warning: careful now\n", "text logs keep lua5.4's warning line")
    }

    func testTheEmulatorsSuggestedCommandQuotesItsSecretForTheShell() throws {
        let secret = "it's!a $ecret"
        let process = Process()
        process.executableURL = PcluaProcess.binary
        process.arguments = ["emulator", "--port", "0", "--seed-groups", "4", "--client-secret", secret]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        var text = ""
        while !text.contains("try: ") || !text.hasSuffix("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("try: ") })
        XCTAssertTrue(line.contains("--client-secret 'it'\\''s!a $ecret'"), String(line))
        let command = String(line.split(separator: "try: ", maxSplits: 1)[1]).replacingOccurrences(of: "pclua ", with: program + " ", options: .anchored)
        let pasted = try paste(command)
        XCTAssertEqual(pasted.out, "4\n", pasted.err)
    }
}
