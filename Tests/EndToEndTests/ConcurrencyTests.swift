import Foundation
import PureCloudEmulator
import XCTest

/// Migrations with several requests in flight (`--concurrency`, `--token-pool`): the org ends
/// exactly as the file says despite faults, re-runs converge, and the pacer keeps every token
/// within its limit so no 429 is ever answered. Speed itself is measured by scripts/bench.
final class ConcurrencyTests: XCTestCase {
    let credentials = ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret]

    func start(_ scenario: MigrationTests.Scenario, _ configure: (inout EmulatorConfiguration) -> Void) async throws -> (PureCloudEmulator, RunningEmulator) {
        var configuration = EmulatorConfiguration()
        configuration.data = .file(scenario.orgFile.path)
        configure(&configuration)
        let emulator = try PureCloudEmulator(configuration: configuration)
        return (emulator, try await emulator.start())
    }

    func migrate(_ running: RunningEmulator, _ scenario: MigrationTests.Scenario, _ flags: [String]) throws -> PcluaProcess.Outcome {
        try PcluaProcess.run(["--base-url", running.baseURL] + flags + ["scripts/migrate-members.lua", scenario.movesFile.path, "--max-removals", "4000"],
                             environment: credentials, timeout: 300)
    }

    func writes(_ emulator: PureCloudEmulator) -> Int {
        emulator.requestCount("post_group_members") + emulator.requestCount("delete_group_members")
    }

    func testGroupsWrittenSideBySideUnderFaultsEndExactlyAndASecondRunWritesNothing() async throws {
        let scenario = try MigrationTests.makeScenario(moves: 3_000)
        let (emulator, running) = try await start(scenario) {
            $0.rateLimit = 0; $0.faultRate = 0.1; $0.dropRate = 0.02; $0.faultSeed = 11; $0.latencyMilliseconds = 5
        }
        let first = try migrate(running, scenario, ["--concurrency", "6"])
        XCTAssertEqual(first.status, 0, first.stderr.suffix(3000).description)
        XCTAssertEqual(try MigrationTests.memberships(emulator), scenario.expected, "the org is exactly as the file says")
        XCTAssertGreaterThan(emulator.mostRequestsAtOnce, 1, "requests went side by side")
        XCTAssertGreaterThan(emulator.answerCount(status: 503) + emulator.answerCount(status: 502) + emulator.answerCount(status: 504)
                             + emulator.answerCount(status: 500), 0, "faults were met")

        let before = writes(emulator)
        let second = try migrate(running, scenario, ["--concurrency", "6"])
        XCTAssertEqual(second.status, 0, second.stderr.suffix(3000).description)
        XCTAssertTrue(second.stdout.contains("3000 rows (6000 membership changes): 0 added, 0 removed, 6000 already in place"), second.stdout)
        XCTAssertEqual(writes(emulator), before, "a second run sends no membership writes")
        await running.stop()
    }

    /// Short windows (20 requests per 5 s per token) so that a job of ~90 requests crosses several
    /// of them; with 8 in flight and three tokens, a pacer that did not count what is in flight, or
    /// mixed up the tokens' windows, would run into 429s.
    func testManyInFlightAndATokenPoolNeverRunIntoTheRateLimit() async throws {
        let scenario = try MigrationTests.makeScenario(moves: 1_000)
        for flags in [["--concurrency", "8"], ["--concurrency", "8", "--token-pool", "3"]] {
            let (emulator, running) = try await start(scenario) {
                $0.rateLimit = 240; $0.rateWindowSeconds = 5; $0.latencyMilliseconds = 30
            }
            let outcome = try migrate(running, scenario, flags)
            XCTAssertEqual(outcome.status, 0, outcome.stderr.suffix(3000).description)
            XCTAssertEqual(try MigrationTests.memberships(emulator), scenario.expected, "\(flags)")
            XCTAssertEqual(emulator.answerCount(status: 429), 0, "\(flags): the pacer let no request run into the limit")
            XCTAssertGreaterThan(emulator.mostRequestsAtOnce, 1, "\(flags)")
            if flags.contains("--token-pool") {
                XCTAssertEqual(emulator.requestCount("oauth_token"), 3, "one token per member of the pool")
            }
            await running.stop()
        }
    }

    func testConcurrencyAndTokenPoolAreCheckedBeforeAnythingIsSent() throws {
        for (flags, message) in [(["--concurrency", "0"], "--concurrency must be from 1 to 64"),
                                 (["--token-pool", "100"], "--token-pool must be from 1 to 20")] {
            let outcome = try PcluaProcess.run(["--base-url", "http://127.0.0.1:9"] + flags + ["-e", "print(1)"], environment: credentials)
            XCTAssertEqual(outcome.status, 2, outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains(message), outcome.stderr)
        }
        let lua = try PcluaProcess.run(["--base-url", "http://127.0.0.1:9", "-e", "purecloud.configure{ concurrency = 2.5 }"], environment: credentials)
        XCTAssertTrue(lua.stderr.contains("'concurrency' must be a whole number from 1 to 64, got 2.5"), lua.stderr)
        let token = try PcluaProcess.run(["--base-url", "http://127.0.0.1:9", "--access-token", "abc", "--token-pool", "2", "-e", "purecloud.GroupsApi.new():get_groups{}"], environment: [:])
        XCTAssertTrue(token.stderr.contains("cannot be used with an access token"), token.stderr)
    }
}
