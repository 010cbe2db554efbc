import Foundation
import PureCloudEmulator
import XCTest

/// The client against a misbehaving emulator: rate limits, faults, dropped connections, expiring
/// tokens, slow answers, signals. Each test starts its own emulator with the faults it needs.
final class ReliabilityTests: XCTestCase {
    func start(_ configure: (inout EmulatorConfiguration) -> Void) async throws -> (PureCloudEmulator, RunningEmulator) {
        var configuration = EmulatorConfiguration()
        configure(&configuration)
        let emulator = try PureCloudEmulator(configuration: configuration)
        return (emulator, try await emulator.start())
    }

    let credentials = ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret]

    /// A CSV adding `count` users of the org to one group.
    func addAllCSV(_ emulator: PureCloudEmulator, count: Int, group: String) throws -> URL {
        let state = try JSONSerialization.jsonObject(with: Data(emulator.exportedState().utf8)) as! [String: Any]
        let users = (state["users"] as! [[String: Any]]).prefix(count).map { $0["id"] as! String }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("add-\(UUID()).csv")
        try ("user_id,from_group,to_group\n" + users.map { "\($0),,\(group)\n" }.joined()).write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    func saveState(_ emulator: PureCloudEmulator) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID()).json")
        try emulator.exportedState().write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func members(_ emulator: PureCloudEmulator, of name: String) throws -> Set<String> {
        let state = try JSONSerialization.jsonObject(with: Data(emulator.exportedState().utf8)) as! [String: Any]
        let group = (state["groups"] as! [[String: Any]]).first { $0["name"] as? String == name }
        return Set(group?["members"] as? [String] ?? [])
    }

    func testAFiveThousandMemberMigrationSurvivesFaultsDropsRateLimitsAndShortTokens() async throws {
        let (emulator, running) = try await start {
            $0.data = .demo(users: 5000, groups: 1)
            $0.rateLimit = 120
            $0.faultRate = 0.1
            $0.dropRate = 0.02
            $0.tokenTTL = 5
            $0.faultSeed = 7
        }
        let moves = try addAllCSV(emulator, count: 5000, group: "Sales 001")
        let before = try members(emulator, of: "Sales 001")
        let outcome = try PcluaProcess.run(
            ["--base-url", running.baseURL, "--log-level", "debug", "--log-format", "json", "scripts/migrate-members.lua", moves.path],
            environment: credentials, timeout: 300)
        XCTAssertEqual(outcome.status, 0, outcome.stderr.suffix(3000).description)
        let state = try members(emulator, of: "Sales 001")
        XCTAssertEqual(state.count, 5000)
        let expectedAdds = 5000 - before.count
        XCTAssertTrue(outcome.stdout.contains("5000 rows (5000 membership changes): \(expectedAdds) added, 0 removed"), outcome.stdout)
        let retries = outcome.stdout.firstMatch(of: /retries: (\d+)\), tokens fetched: (\d+)/)
        XCTAssertGreaterThan(Int(retries?.1 ?? "0") ?? 0, 0, "faults were met and retried: \(outcome.stdout)")
        XCTAssertGreaterThan(Int(retries?.2 ?? "0") ?? 0, 1, "the 5-second token was renewed")

        // Nothing secret in any line of the most verbose log, and every line is JSON.
        let secretsAndTokens = [EmulatorConfiguration.defaultClientSecret] + emulator.issuedTokens()
        for line in (outcome.stderr + outcome.stdout).split(separator: "\n") {
            for secret in secretsAndTokens { XCTAssertFalse(line.contains(secret), "a secret or token was printed: \(line)") }
        }
        for line in outcome.stderr.split(separator: "\n") {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)), "not JSON: \(line)")
        }
        XCTAssertTrue(outcome.stderr.contains("\"message\":\"retrying"), "retries are logged")
        await running.stop()
    }

    func testPacingKeepsALongJobAtTheAllowedRateWithout429s() async throws {
        // 120 requests a minute, in 10-second windows of 20, so several windows pass quickly.
        let (emulator, running) = try await start { $0.rateLimit = 120; $0.rateWindowSeconds = 10; $0.data = .demo(users: 10, groups: 1) }
        let started = Date()
        let outcome = try PcluaProcess.run(["--base-url", running.baseURL, "-e", """
            local api = purecloud.GroupsApi.new()
            local id = api:get_groups{}.entities[1].id
            for i = 1, 59 do api:get_group(id) end
            """], environment: credentials, timeout: 120)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(emulator.requestCount("get_group") + emulator.requestCount("get_groups"), 60, "no request was refused and retried")
        // Never faster than allowed (the pacer spaces requests by the headers); how close it gets
        // to the limit is benchmark figure 5's to measure, not a timed test's on a shared machine.
        let perMinute = 60 / elapsed * 60
        XCTAssertLessThanOrEqual(perMinute, 132, "achieved \(perMinute) requests a minute in \(elapsed) s")
        XCTAssertGreaterThan(perMinute, 60, "achieved \(perMinute) requests a minute in \(elapsed) s")
        await running.stop()
    }

    func testFaultsBeyondTheRetryBudgetFailClearlyAndSayWhatWasNotDone() async throws {
        // With 45 % faults and 2 attempts a run stops somewhere (a request fails for good one time
        // in five); which request fails first depends on the seed, so try seeds until one gets past
        // the seven reads before the first write (sign-in, tokens/me, groups, people) and stops in
        // the middle of the eight writes.
        for seed in UInt64(1)...40 {
            let (emulator, running) = try await start {
                $0.data = .demo(users: 400, groups: 1); $0.rateLimit = 0; $0.faultRate = 0.45; $0.faultSeed = seed
            }
            let moves = try addAllCSV(emulator, count: 400, group: "Sales 001")
            let outcome = try PcluaProcess.run(["--base-url", running.baseURL, "--max-attempts", "2", "scripts/migrate-members.lua", moves.path],
                                               environment: credentials, timeout: 120)
            XCTAssertTrue([1, 4].contains(outcome.status), "\(outcome.status): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("failed: HTTP 50") || outcome.stderr.contains("network."), outcome.stderr)
            guard outcome.status == 4 else { await running.stop(); continue }

            let done = try XCTUnwrap(outcome.stdout.firstMatch(of: /stopped: (\d+) added, 0 removed so far; (\d+) membership changes? not confirmed \(run the script again to finish/))
            let added = Int(done.1)!, notConfirmed = Int(done.2)!
            XCTAssertGreaterThan(added, 0)
            XCTAssertGreaterThan(notConfirmed, 0)
            // Everything reported done is in the org; of the rest, some may have landed without an answer.
            let count = try members(emulator, of: "Sales 001").count
            XCTAssertTrue((400 - notConfirmed...400).contains(count), "\(count) members, \(notConfirmed) not confirmed")
            XCTAssertTrue(outcome.stderr.contains("see err.report"), outcome.stderr)
            await running.stop()

            // The same job against a healthy org in that state finishes exactly.
            let saved = try saveState(emulator)
            let healthy = try await start { $0.rateLimit = 0; $0.data = .file(saved) }
            let again = try PcluaProcess.run(["--base-url", healthy.1.baseURL, "scripts/migrate-members.lua", moves.path], environment: credentials)
            XCTAssertEqual(again.status, 0, again.stderr)
            XCTAssertEqual(try members(healthy.0, of: "Sales 001").count, 400)
            await healthy.1.stop()
            return
        }
        XCTFail("no seed made the job stop part way")
    }

    func testASlowServerEndsWithinTheConfiguredBudget() async throws {
        let (_, running) = try await start { $0.latencyMilliseconds = 3000; $0.rateLimit = 0 }
        let started = Date()
        let outcome = try PcluaProcess.run(["--base-url", running.baseURL, "--timeout", "0.5", "--call-budget", "2",
                                            "-e", "purecloud.GroupsApi.new():get_groups{}"], environment: credentials, timeout: 60)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stderr.contains("request.timeout"), outcome.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 6, "bounded by --call-budget, not by the server")
        await running.stop()
    }

    func testSIGTERMCancelsTheRequestInFlightAndExitsWithTheInterruptedStatus() async throws {
        let (_, running) = try await start { $0.latencyMilliseconds = 20_000; $0.rateLimit = 0 }
        let process = Process()
        process.executableURL = PcluaProcess.binary
        process.arguments = ["--base-url", running.baseURL, "-e", "purecloud.GroupsApi.new():get_groups{}"]
        process.environment = credentials
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .milliseconds(800))
        let signalled = Date()
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(signalled), 3, "the 20 s request was cancelled, not waited for")
        XCTAssertEqual(process.terminationStatus, 130)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(message.contains("interrupted"), message)
        await running.stop()
    }

    /// The pipe that lets a signal cancel requests is read from the run's first request on (a run
    /// that makes none never starts that machinery): a SIGTERM that came before still cancels
    /// every call from then on, as it did when the pipe was read from the start.
    func testASIGTERMBeforeTheFirstRequestStillCancelsItsCalls() async throws {
        let (emulator, running) = try await start { $0.rateLimit = 0 }
        let process = Process()
        process.executableURL = PcluaProcess.binary
        process.arguments = ["--base-url", running.baseURL, "-e", """
            local deadline = os.time() + 20
            print(pcall(function() while os.time() < deadline do end end))
            local ok, err = pcall(function() return purecloud.GroupsApi.new():get_groups{} end)
            io.stderr:write("after the signal: ", tostring(ok), " ", tostring(err), "\\n")
            """]
        process.environment = credentials
        let err = Pipe(), out = Pipe()
        process.standardError = err
        process.standardOutput = out
        try process.run()
        try await Task.sleep(for: .milliseconds(800))
        process.terminate()  // SIGTERM, while the script loops, before it sends anything
        process.waitUntilExit()
        let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.hasPrefix("false"), "the loop was interrupted: \(printed)")
        XCTAssertTrue(said.contains("after the signal: false"), "the request after the signal was refused: \(said)")
        XCTAssertEqual(emulator.requestTotals().requests, 0, "nothing reached the org after the signal")
        await running.stop()
    }
}
