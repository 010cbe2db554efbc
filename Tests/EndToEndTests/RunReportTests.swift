import Foundation
import PureCloudEmulator
import XCTest

/// Issue 19.3: whatever ends a run that changed something (an error in a later phase, os.exit,
/// SIGTERM), it says what it changed per group with the run id and how to finish or undo it, and
/// exits 4 (130 for a signal); never "nothing was changed" after a write of this run.
final class RunReportTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .demo(users: 300, groups: 4)
    }

    func users(_ range: Range<Int>) throws -> [String] {
        Array((try state()["users"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }[range])
    }

    func newGroup() throws -> String {
        let run = try pclua(["-e", "print(purecloud.GroupsApi.new():post_groups{ name = 'Report \(UUID().uuidString.prefix(8))', type = 'official', visibility = 'public', rulesVisible = true }.id)"])
        return run.stdout.trimmingCharacters(in: .newlines)
    }

    func testAnErrorInALaterPhaseReportsTheEarlierWritesAndExits4() throws {
        let group = try newGroup(), ids = try users(0..<120)
        let run = try pclua(["-e", """
            local api = purecloud.GroupsApi.new()
            api:add_members('\(group)', { '\(ids.joined(separator: "', '"))' })
            api:remove_members('\(group)', { '\(ids[0])' })
            api:get_group('no-such-group')
            """])
        XCTAssertEqual(run.status, 4, run.stderr)
        let runId = try XCTUnwrap(run.stderr.firstMatch(of: /run (\d{8}-\d{6}-[0-9a-f]{6}) talks to/)?.1)
        XCTAssertTrue(run.stderr.contains("get_group failed: HTTP 404"), run.stderr)
        XCTAssertTrue(run.stderr.contains("pclua: run \(runId) stopped before it finished; what it changed so far:"), run.stderr)
        XCTAssertTrue(run.stderr.contains("': 120 added, 1 removed"), run.stderr)
        XCTAssertTrue(run.stderr.contains("To finish, run the same command again"), run.stderr)
        XCTAssertFalse(run.stderr.contains("nothing was changed"), run.stderr)
    }

    func testOsExitWithAFailureAfterWritesReportsThemAndAnUndoCommand() throws {
        let group = try newGroup(), ids = try users(10..<20)
        let audit = try ShellRun.scratchDirectory().appendingPathComponent("audit log.jsonl").path
        let run = try pclua(["--audit-log", audit, "-e", "purecloud.GroupsApi.new():add_members('\(group)', { '\(ids.joined(separator: "', '"))' }); os.exit(3)"])
        XCTAssertEqual(run.status, 4, run.stderr)
        let runId = try XCTUnwrap(run.stderr.firstMatch(of: /run (\d{8}-\d{6}-[0-9a-f]{6}) talks to/)?.1)
        XCTAssertTrue(run.stderr.contains(": 10 added"), run.stderr)
        XCTAssertTrue(run.stderr.contains("pclua undo --audit-log '\(audit)' --run \(runId)"), run.stderr)
        // Finishing normally (or os.exit(0)) prints no report.
        let fine = try pclua(["-e", "purecloud.GroupsApi.new():add_members('\(group)', { '\(try users(30..<31)[0])' }); os.exit(0)"])
        XCTAssertEqual(fine.status, 0, fine.stderr)
        XCTAssertFalse(fine.stderr.contains("what it changed"), fine.stderr)
        // JSON logs get it as one record.
        let json = try pclua(["--log-format", "json", "-e", "purecloud.GroupsApi.new():add_members('\(group)', { '\(try users(40..<41)[0])' }); error('late')"])
        XCTAssertEqual(json.status, 4, json.stderr)
        XCTAssertTrue(json.stderr.split(separator: "\n").allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, json.stderr)
        XCTAssertTrue(json.stderr.contains("\"changes\":[{\"group_id\":\"\(group)\""), json.stderr)
    }
}

/// SIGTERM in the middle of the writes: the report says what was done, exit 130.
final class RunReportSignalTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .demo(users: 2_000, groups: 2)
        c.latencyMilliseconds = 40
    }

    func testSIGTERMDuringTheWritesReportsWhatWasChanged() async throws {
        let users = (try state()["users"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        let group = try pclua(["-e", "print(purecloud.GroupsApi.new():post_groups{ name = 'Signalled', type = 'official', visibility = 'public', rulesVisible = true }.id)"])
            .stdout.trimmingCharacters(in: .newlines)
        let process = Process()
        process.executableURL = PcluaProcess.binary
        process.arguments = ["--base-url", baseURL, "--concurrency", "1", "-e",
                             "purecloud.GroupsApi.new():add_members('\(group)', { '\(users.joined(separator: "', '"))' })"]
        process.environment = credentials
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let before = emulator.requestCount("post_group_members")
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while emulator.requestCount("post_group_members") - before < 5 && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        process.terminate()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(message.contains("was interrupted; what it changed so far:"), message)
        XCTAssertTrue(message.contains("'Signalled': "), message)
        let added = try XCTUnwrap(message.firstMatch(of: /'Signalled': ([0-9,]+) added/)?.1)
        let members = ((try groups().first { $0["id"] as? String == group })?["members"] as? [String] ?? []).count
        XCTAssertGreaterThanOrEqual(members, Int(added.replacingOccurrences(of: ",", with: "")) ?? -1, "never more than what happened")
    }
}
