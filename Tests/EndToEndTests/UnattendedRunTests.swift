import Foundation
import PureCloudEmulator
import XCTest

/// Cron-style runs: profiles from a temporary HOME, locking, JSON logs, the audit trail, signals.
final class UnattendedRunTests: XCTestCase {
    func start(_ configure: (inout EmulatorConfiguration) -> Void = { _ in }) async throws -> (PureCloudEmulator, RunningEmulator) {
        var configuration = EmulatorConfiguration()
        configuration.rateLimit = 0
        configure(&configuration)
        let emulator = try PureCloudEmulator(configuration: configuration)
        return (emulator, try await emulator.start())
    }

    /// A HOME with ~/.gc/config.toml holding `text`, readable by the owner only.
    func home(_ text: String, mode: Int = 0o600) throws -> String {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID())")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".gc"), withIntermediateDirectories: true)
        let file = home.appendingPathComponent(".gc/config.toml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file.path)
        return home.path
    }

    func profile(_ name: String, port: Int, id: String = EmulatorConfiguration.defaultClientId, secret: String? = EmulatorConfiguration.defaultClientSecret) -> String {
        "[\(name)]\nenvironment = \"localhost:\(port)\"\nclient_credentials = \"\(id)\"\n" + (secret.map { "client_secret = \"\($0)\"\n" } ?? "") + "\n"
    }

    func testProfilesArePickedAndFlagsThenEnvironmentThenProfileWin() async throws {
        let (_, a) = try await start { $0.data = .demo(users: 10, groups: 3) }
        let (_, b) = try await start { $0.data = .demo(users: 10, groups: 7); $0.clientId = "eu-client"; $0.clientSecret = "eu-secret" }
        let home = try home(profile("DEFAULT", port: a.port) + profile("eu", port: b.port, id: "eu-client", secret: "eu-secret") + profile("broken", port: b.port, secret: nil))
        let count = ["-e", "print(purecloud.GroupsApi.new():get_groups{}.total)"]

        let byDefault = try PcluaProcess.run(count, environment: ["HOME": home])
        XCTAssertEqual(byDefault.stdout, "3\n", byDefault.stderr)
        XCTAssertFalse(byDefault.stderr.contains("can be read by other users"))
        let named = try PcluaProcess.run(["--profile", "eu"] + count, environment: ["HOME": home])
        XCTAssertEqual(named.stdout, "7\n", named.stderr)
        // An explicit profile is used as a whole: the environment's credentials are named, not used
        // (issue 19); without --profile the environment beats the DEFAULT profile; a flag beats both.
        let environmentVariables = ["HOME": home, "PURECLOUD_ENVIRONMENT": "localhost:\(a.port)",
                                    "PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret]
        let environment = try PcluaProcess.run(["--profile", "eu"] + count, environment: environmentVariables)
        XCTAssertEqual(environment.stdout, "7\n", environment.stderr)
        XCTAssertTrue(environment.stderr.contains("--profile eu is used as a whole; ignored the environment variables PURECLOUD_ENVIRONMENT, PURECLOUD_CLIENT_ID, PURECLOUD_SECRET"), environment.stderr)
        var towardsB = environmentVariables
        towardsB["PURECLOUD_ENVIRONMENT"] = "localhost:\(b.port)"
        towardsB["PURECLOUD_CLIENT_ID"] = "eu-client"
        towardsB["PURECLOUD_SECRET"] = "eu-secret"
        let environmentOverDefault = try PcluaProcess.run(count, environment: towardsB)
        XCTAssertEqual(environmentOverDefault.stdout, "7\n", environmentOverDefault.stderr)
        let flag = try PcluaProcess.run(["--profile", "eu", "--base-url", b.baseURL, "--client-id", "eu-client", "--client-secret", "eu-secret"] + count,
                                        environment: ["HOME": home, "PURECLOUD_ENVIRONMENT": "localhost:\(a.port)"])
        XCTAssertEqual(flag.stdout, "7\n", flag.stderr)

        let broken = try PcluaProcess.run(["--profile", "broken"] + count, environment: ["HOME": home])
        XCTAssertEqual(broken.status, 2)
        XCTAssertTrue(broken.stderr.contains("profile [broken] in \(home)/.gc/config.toml has 'client_credentials' but no 'client_secret'"), broken.stderr)
        let missing = try PcluaProcess.run(["--profile", "nope"] + count, environment: ["HOME": home])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no profile [nope]") && missing.stderr.contains("profiles: DEFAULT, broken, eu"), missing.stderr)

        let readable = try self.home(profile("DEFAULT", port: a.port), mode: 0o644)
        let warned = try PcluaProcess.run(count, environment: ["HOME": readable])
        XCTAssertEqual(warned.stdout, "3\n")
        XCTAssertTrue(warned.stderr.contains("can be read by other users and holds secrets"), warned.stderr)
        await a.stop(); await b.stop()
    }

    func testOneScriptTalksToTwoOrgsThroughTwoProfiles() async throws {
        let (source, a) = try await start { $0.data = .demo(users: 30, groups: 2) }
        let users = try Self.sameUsersFile(source)
        let (target, b) = try await start { $0.data = .file(users); $0.clientId = "eu-client"; $0.clientSecret = "eu-secret" }
        let home = try home(profile("us", port: a.port) + profile("eu", port: b.port, id: "eu-client", secret: "eu-secret"))
        let outcome = try PcluaProcess.run(["-e", """
            local us = purecloud.GroupsApi.new{ profile = "us" }
            local eu = purecloud.GroupsApi.new{ profile = "eu" }
            local from = us:get_groups{}.entities[1]
            local ids = {}
            for member in us:each_group_member(from.id) do ids[#ids + 1] = member.id end
            local copy = eu:post_groups{ name = from.name, type = from.type, visibility = from.visibility, rulesVisible = true }
            local report = eu:add_members(copy, ids)
            print(report.added, #ids, us:get_groups{}.total, eu:get_groups{}.total)
            """], environment: ["HOME": home])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let fields = outcome.stdout.split(whereSeparator: { $0 == "\t" || $0 == "\n" }).map(String.init)
        XCTAssertEqual(fields[0], fields[1])
        XCTAssertEqual(fields[2], "2", "nothing was written to the source org")
        XCTAssertEqual(fields[3], "1")
        let added = Int(fields[0]) ?? 0
        XCTAssertEqual(source.requestCount("post_group_members"), 0)
        XCTAssertEqual(target.requestCount("post_group_members"), (added + 49) / 50)
        await a.stop(); await b.stop()
    }

    /// The membership writes of an audit log: each intent with its outcome's `result`
    /// (`applied`, `not_applied`, `unknown`, or absent when the run died before the answer).
    static func auditEntries(_ path: String) throws -> [[String: Any]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        var writes: [[String: Any]] = []
        var index: [String: Int] = [:]
        for line in lines {
            let key = "\(line["run_id"] as? String ?? "")#\(line["seq"] as? Int ?? 0)"
            switch line["type"] as? String {
            case "intent"?:
                guard (line["operation"] as? String ?? "").hasSuffix("group_members") else { continue }
                index[key] = writes.count
                writes.append(line)
            case "outcome"?:
                guard let at = index[key] else { continue }
                writes[at]["result"] = line["result"]
                writes[at]["correlation_id"] = line["correlation_id"]
            default: continue
            }
        }
        return writes
    }

    /// Applies audit entries (member adds and removes) to user -> groups memberships.
    static func replay(_ entries: [[String: Any]], on start: [String: Set<String>]) -> [String: Set<String>] {
        var state = start
        for entry in entries {
            guard let group = entry["group_id"] as? String else { continue }
            for id in entry["ids"] as? [String] ?? [] {
                if entry["operation"] as? String == "post_group_members" { state[id, default: []].insert(group) }
                else { state[id]?.remove(group) }
            }
        }
        return state
    }

    /// The users of `emulator` with no groups, as a data file, so a second org knows the same people.
    static func sameUsersFile(_ emulator: PureCloudEmulator) throws -> String {
        let state = try JSONSerialization.jsonObject(with: Data(emulator.exportedState().utf8)) as! [String: Any]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("users-\(UUID()).json")
        try JSONSerialization.data(withJSONObject: ["users": state["users"]!, "groups": [Any]()]).write(to: file)
        return file.path
    }

    func testASecondRunWithTheSameLockExitsAtOnce() async throws {
        let (_, running) = try await start { $0.latencyMilliseconds = 1500 }
        let lock = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID())").path
        let env = ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret]
        let first = Process()
        first.executableURL = PcluaProcess.binary
        first.arguments = ["--base-url", running.baseURL, "--lock", lock, "-e", "purecloud.GroupsApi.new():get_groups{}"]
        first.environment = env
        try first.run()
        try await Task.sleep(for: .milliseconds(500))
        let started = Date()
        let second = try PcluaProcess.run(["--base-url", running.baseURL, "--lock", lock, "-e", "purecloud.GroupsApi.new():get_groups{}"], environment: env)
        XCTAssertEqual(second.status, 5)
        XCTAssertTrue(second.stderr.contains("another run holds the lock \(lock) (pid \(first.processIdentifier), run "), second.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 1, "it does not wait")
        first.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 0)
        // The lock file is still there, but nobody holds it: the next run takes it over.
        let third = try PcluaProcess.run(["--base-url", running.baseURL, "--lock", lock, "-e", "print('ran')"], environment: env)
        XCTAssertEqual(third.stdout, "ran\n", third.stderr)
        await running.stop()
    }

    func testJSONLogsAndTheAuditTrailOfAMigrationMatchTheOrg() async throws {
        let scenario = try MigrationTests.makeScenario(moves: 300)
        var configuration = EmulatorConfiguration()
        configuration.rateLimit = 0
        configuration.data = .file(scenario.orgFile.path)
        let emulator = try PureCloudEmulator(configuration: configuration)
        let running = try await emulator.start()
        let audit = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID()).jsonl").path
        let outcome = try PcluaProcess.run(
            ["--base-url", running.baseURL, "--log-format", "json", "--log-level", "debug", "--audit-log", audit,
             "scripts/migrate-members.lua", scenario.movesFile.path],
            environment: ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let logLines = outcome.stderr.split(separator: "\n")
        XCTAssertGreaterThan(logLines.count, 10)
        for line in logLines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertNotNil(object?["time"]); XCTAssertNotNil(object?["level"]); XCTAssertNotNil(object?["message"])
        }
        XCTAssertTrue(logLines.contains { $0.contains("\"correlation_id\"") && $0.contains("\"duration_ms\"") && $0.contains("\"status\"") })

        // Replay the audit trail on the starting org: it must give exactly the final state.
        let entries = try Self.auditEntries(audit)
        XCTAssertEqual(entries.count, emulator.requestCount("post_group_members") + emulator.requestCount("delete_group_members"))
        for entry in entries {
            XCTAssertEqual(entry["result"] as? String, "applied")
            XCTAssertNotNil(entry["correlation_id"])
        }
        let replayed = Self.replay(entries, on: try MigrationTests.startingMemberships(scenario))
        XCTAssertEqual(replayed.filter { !$0.value.isEmpty }, try MigrationTests.memberships(emulator).filter { !$0.value.isEmpty })
        await running.stop()
    }

    func testSIGTERMMidMigrationLeavesAnAuditTrailThatAgreesWithTheOrgAndASecondRunFinishes() async throws {
        let scenario = try MigrationTests.makeScenario(moves: 2_000)
        var configuration = EmulatorConfiguration()
        configuration.rateLimit = 0
        configuration.latencyMilliseconds = 20
        configuration.data = .file(scenario.orgFile.path)
        let emulator = try PureCloudEmulator(configuration: configuration)
        let running = try await emulator.start()
        let audit = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID()).jsonl").path
        let env = ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret]
        let process = Process()
        process.executableURL = PcluaProcess.binary
        process.currentDirectoryURL = PcluaProcess.packageRoot
        process.arguments = ["--base-url", running.baseURL, "--audit-log", audit, "scripts/migrate-members.lua", scenario.movesFile.path]
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while emulator.requestCount("post_group_members") < 10 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        process.terminate()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)

        try await Task.sleep(for: .milliseconds(300))  // let a request already on its way land
        let entries = try Self.auditEntries(audit)
        let confirmed = entries.filter { $0["result"] as? String == "applied" }
        let unknown = entries.filter { $0["result"] == nil || $0["result"] as? String == "unknown" }
        XCTAssertEqual(confirmed.count + unknown.count, entries.count)
        // Groups are written side by side (default --concurrency): at most one write per group, so
        // at most `concurrency` writes, was in flight, and only those may be unknown.
        XCTAssertLessThanOrEqual(unknown.count, 8 /* pclua's default --concurrency */, "at most the writes in flight are unknown")
        XCTAssertEqual(Set(unknown.map { $0["target"] as? String ?? "" }).count, unknown.count, "one writer per group")
        // The org is the starting org with the confirmed writes applied, and some of those in flight.
        let actual = try MigrationTests.memberships(emulator).filter { !$0.value.isEmpty }
        let withConfirmed = Self.replay(confirmed, on: try MigrationTests.startingMemberships(scenario))
        let agrees = (0..<(1 << unknown.count)).contains { subset in
            let landed = unknown.indices.filter { subset & (1 << $0) != 0 }.map { unknown[$0] }
            return Self.replay(landed, on: withConfirmed).filter { !$0.value.isEmpty } == actual
        }
        XCTAssertTrue(agrees, "the audit log and the org disagree")
        XCTAssertNotEqual(try MigrationTests.memberships(emulator), scenario.expected)

        let again = try PcluaProcess.run(["--base-url", running.baseURL, "--audit-log", audit, "scripts/migrate-members.lua", scenario.movesFile.path], environment: env)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try MigrationTests.memberships(emulator), scenario.expected)
        await running.stop()
    }
}
