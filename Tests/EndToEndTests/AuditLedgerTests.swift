import Foundation
import PureCloudEmulator
import XCTest

/// Issue 19.2: the audit log is a write-ahead ledger. What may reach the org is on disk before it
/// is sent, outcomes are exact (unknown ones settled by the next read), another writer's members
/// are not this run's adds, and the log and the lock never follow a link or overwrite a file.
final class AuditLedgerTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .demo(users: 300, groups: 6)
    }

    func scratch(_ name: String) throws -> String {
        try ShellRun.scratchDirectory().appendingPathComponent(name).path
    }

    /// Every line of the log, parsed; fails on a line that is not JSON.
    func lines(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            guard let object = try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
                XCTFail("not a JSON line: \($0)", file: file, line: line)
                return [:]
            }
            return object
        }
    }

    func fault(_ json: String) throws {
        try emulator.scriptFault(json)
    }

    /// A fresh group with `count` members, and `free` users who are in it not.
    func freshGroup(members count: Int, free: Int) throws -> (id: String, members: [String], free: [String]) {
        let users = (try state()["users"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        let name = "Ledger \(UUID().uuidString.prefix(8))"
        let run = try pclua(["-e", """
            local api = purecloud.GroupsApi.new()
            local g = api:post_groups{ name = '\(name)', type = 'official', visibility = 'public', rulesVisible = true }
            \(count > 0 ? "api:add_members(g.id, { '\(users.prefix(count).joined(separator: "', '"))' })" : "")
            print(g.id)
            """])
        XCTAssertEqual(run.status, 0, run.stderr)
        return (run.stdout.trimmingCharacters(in: .newlines), Array(users.prefix(count)), Array(users.dropFirst(count).prefix(free)))
    }

    func testEachWriteIsAnIntentBeforeItIsSentThenAnOutcomeAndEveryLineNamesRunOrgAndEnvironment() throws {
        let audit = try scratch("audit.jsonl")
        let group = try freshGroup(members: 5, free: 60)
        let run = try pclua(["--audit-log", audit, "-e", """
            local api = purecloud.GroupsApi.new()
            local id = '\(group.id)'
            api:add_members(id, { '\(group.free.joined(separator: "', '"))' })
            api:post_group_members(id, { memberIds = { '\(group.members[0])', '\(group.free[0])' }, version = api:get_group(id).version })
            api:put_group(id, { body = { version = api:get_group(id).version, description = 'changed' } })
            api:delete_group(id)
            """])
        XCTAssertEqual(run.status, 0, run.stderr)
        let records = try lines(audit)
        XCTAssertEqual(records.first?["type"] as? String, "run")
        let runId = records.first?["run_id"] as? String
        XCTAssertNotNil(runId)
        for record in records {
            XCTAssertEqual(record["run_id"] as? String, runId)
            XCTAssertEqual(record["org_id"] as? String, "5e1f3c2a-9d4b-4e6f-8a7c-0b1d2e3f4a5b")
            XCTAssertEqual(record["environment"] as? String, baseURL)
        }
        // intent n, then its outcome, for every write; the org's writes counted by the emulator
        let writes = records.filter { $0["type"] as? String == "intent" }
        let outcomes = records.filter { $0["type"] as? String == "outcome" }
        XCTAssertEqual(writes.map { $0["operation"] as? String ?? "" },
                       ["post_group_members", "post_group_members", "post_group_members", "put_group", "delete_group"])
        XCTAssertEqual(outcomes.map { $0["result"] as? String ?? "" }, Array(repeating: "applied", count: 5))
        for (n, intent) in writes.enumerated() {
            let intentLine = records.firstIndex { $0["type"] as? String == "intent" && $0["seq"] as? Int == n + 1 }!
            let outcomeLine = records.firstIndex { $0["type"] as? String == "outcome" && $0["seq"] as? Int == n + 1 }!
            XCTAssertLessThan(intentLine, outcomeLine)
            XCTAssertEqual(intent["group_id"] as? String, group.id)
        }
        // The helper knew who was in the group; the raw call's one existing member was read first.
        XCTAssertEqual(writes[0]["already"] as? [String], [])
        XCTAssertEqual(writes[2]["ids"] as? [String], [group.members[0], group.free[0]])
        XCTAssertEqual(writes[2]["already"] as? [String], [group.members[0], group.free[0]], "both were members already")
        // What a change replaces is recorded, so it can be put back.
        let before = writes[3]["before"] as? [String: Any]
        XCTAssertNotNil(before?["name"])
        XCTAssertNil(before?["description"], "the description it had: none")
        let deleted = writes[4]["before"] as? [String: Any]
        XCTAssertEqual(Set(deleted?["members"] as? [String] ?? []), Set(group.members + group.free))
    }

    func testAnAuditLogThatCannotBeWrittenStopsTheRunAndTheWriteIsNotSent() throws {
        // A device is refused before anything runs.
        let device = try pclua(["--audit-log", "/dev/full", "-e", "print('ran')"])
        XCTAssertEqual(device.status, 2, device.stderr)
        XCTAssertTrue(device.stderr.contains("cannot use /dev/full as the audit log: it is not a regular file"), device.stderr)
        XCTAssertFalse(device.stdout.contains("ran"))

        // A file that fills up (ulimit -f: 2 KB): the intent that does not fit is never sent.
        let group = try freshGroup(members: 0, free: 250)
        let audit = try scratch("full.jsonl")
        let writesBefore = emulator.requestCount("post_group_members")
        let chunk = (0..<5).map { "api:post_group_members('\(group.id)', { memberIds = { '\(group.free[$0 * 50..<($0 + 1) * 50].joined(separator: "', '"))' } })" }
        let full = try ShellRun.run("ulimit -f 8; \"$PCLUA\" --base-url \(baseURL) --audit-log \(audit) -e \"local api = purecloud.GroupsApi.new() \(chunk.joined(separator: " "))\"",
                                    environment: credentials)
        XCTAssertNotEqual(full.status, 0, full.err)
        XCTAssertTrue(full.err.contains("cannot write the audit log \(audit)") && full.err.contains("the write was not sent"), full.err)
        let sent = emulator.requestCount("post_group_members") - writesBefore
        let text = try String(contentsOfFile: audit, encoding: .utf8)
        let whole = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let intents = whole.filter { $0["type"] as? String == "intent" }.count
        XCTAssertLessThan(sent, 5, "the run stopped")
        XCTAssertEqual(sent, intents, "exactly the writes whose intent is on disk were sent")

        // The next run closes the torn line and says so; its own records are whole lines.
        let next = try pclua(["--audit-log", audit, "-e", "purecloud.GroupsApi.new():add_members('\(group.id)', { '\(group.free[249])' })"])
        XCTAssertEqual(next.status, 0, next.stderr)
        if !text.hasSuffix("\n") { XCTAssertTrue(next.stderr.contains("not a whole record"), next.stderr) }
        let after = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
        let last = try JSONSerialization.jsonObject(with: Data(after.last!.utf8)) as? [String: Any]
        XCTAssertEqual(last?["type"] as? String, "outcome")
    }

    func testTheAuditLogAndTheLockNeverFollowALinkNorOverwriteAFile() throws {
        let dir = try ShellRun.scratchDirectory()
        let data = dir.appendingPathComponent("precious.txt").path
        try "keep me\n".write(toFile: data, atomically: true, encoding: .utf8)
        let link = dir.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: data)
        let dangling = dir.appendingPathComponent("dangling").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: dir.appendingPathComponent("nothing-here").path)

        for path in [link, dangling] {
            let audited = try pclua(["--audit-log", path, "-e", "print('ran')"])
            XCTAssertEqual(audited.status, 2, audited.stderr)
            XCTAssertTrue(audited.stderr.contains("it is a symbolic link"), audited.stderr)
            let locked = try pclua(["--lock", path, "-e", "print('ran')"])
            XCTAssertEqual(locked.status, 2, locked.stderr)
            XCTAssertTrue(locked.stderr.contains("it is a symbolic link"), locked.stderr)
            XCTAssertFalse(audited.stdout.contains("ran") || locked.stdout.contains("ran"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("nothing-here").path), "nothing created through the link")
        let other = try pclua(["--lock", data, "-e", "print('ran')"])
        XCTAssertEqual(other.status, 2, other.stderr)
        XCTAssertTrue(other.stderr.contains("it holds something other than a pclua lock"), other.stderr)
        XCTAssertEqual(try String(contentsOfFile: data, encoding: .utf8), "keep me\n", "never overwritten")
        // A lock file of its own is taken, and says whose it is.
        let own = dir.appendingPathComponent("pclua.lock").path
        let ran = try pclua(["--lock", own, "-e", "print('ran')"])
        XCTAssertEqual(ran.status, 0, ran.stderr)
        XCTAssertTrue(try String(contentsOfFile: own, encoding: .utf8).hasPrefix("pclua lock\npid "))
        XCTAssertEqual(try pclua(["--lock", own, "-e", "print('again')"]).stdout, "again\n", "ours is taken again")
    }

    func testA502AfterTheWorkIsSettledAsAppliedInTheSameRunAndByTheRerun() throws {
        // In the run: the retry meets a 409 (the first attempt moved the version), the members are
        // read again and found: this run's adds, recorded as such.
        var group = try freshGroup(members: 0, free: 50)
        var audit = try scratch("same.jsonl")
        try fault(#"{"operation": "post_group_members", "status": 502, "after_work": true}"#)
        let run = try pclua(["--audit-log", audit, "-e", "local r = purecloud.GroupsApi.new():add_members('\(group.id)', { '\(group.free.joined(separator: "', '"))' }); print(r.added, r.unchanged)"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "50\t0\n", "the 50 are this run's adds, not already present")
        var records = try lines(audit)
        XCTAssertEqual(records.first { $0["type"] as? String == "outcome" }?["result"] as? String, "unknown")
        let settled = records.first { $0["type"] as? String == "reconciled" }
        XCTAssertEqual((settled?["applied"] as? [String])?.count, 50)
        XCTAssertEqual(settled?["of_run"] as? String, settled?["run_id"] as? String)

        // Across runs: one attempt only, so the run stops with the write unknown; the next run's
        // read of the group settles it as applied, and sends nothing more.
        group = try freshGroup(members: 0, free: 50)
        audit = try scratch("rerun.jsonl")
        try fault(#"{"operation": "post_group_members", "status": 502, "after_work": true}"#)
        let script = "purecloud.GroupsApi.new():add_members('\(group.id)', { '\(group.free.joined(separator: "', '"))' })"
        let first = try pclua(["--audit-log", audit, "--max-attempts", "1", "-e", script])
        XCTAssertEqual(first.status, 4, first.stderr)
        XCTAssertTrue(first.stderr.contains("50 not confirmed"), first.stderr)
        let writes = emulator.requestCount("post_group_members")
        let again = try pclua(["--audit-log", audit, "-e", script])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(emulator.requestCount("post_group_members"), writes, "already there: nothing sent")
        records = try lines(audit)
        let firstRun = records.first?["run_id"] as? String
        let outcome = records.first { $0["type"] as? String == "outcome" }
        XCTAssertEqual(outcome?["result"] as? String, "unknown")
        XCTAssertEqual(outcome?["status"] as? Int, 502)
        let reconciled = records.first { $0["type"] as? String == "reconciled" }
        XCTAssertEqual(reconciled?["of_run"] as? String, firstRun)
        XCTAssertNotEqual(reconciled?["run_id"] as? String, firstRun, "settled by the re-run")
        XCTAssertEqual((reconciled?["applied"] as? [String])?.count, 50)
    }

    func testAnotherWritersMembersAreAlreadyPresentNotThisRunsAdds() throws {
        let group = try freshGroup(members: 0, free: 10)
        let audit = try scratch("other.jsonl")
        try fault(#"{"operation": "post_group_members", "other_writer_adds": ["\#(group.free[0])", "\#(group.free[1])"]}"#)
        let run = try pclua(["--audit-log", audit, "-e", "local r = purecloud.GroupsApi.new():add_members('\(group.id)', { '\(group.free.joined(separator: "', '"))' }); print(r.added, r.unchanged)"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "8\t2\n", "two were added by another writer meanwhile")
        let records = try lines(audit)
        let intents = records.filter { $0["type"] as? String == "intent" }
        XCTAssertEqual(intents.count, 2)
        XCTAssertEqual(records.first { $0["type"] as? String == "outcome" }?["result"] as? String, "not_applied", "the 409 changed nothing")
        XCTAssertEqual(Set(intents[1]["ids"] as? [String] ?? []), Set(group.free.dropFirst(2)), "only the missing ones are sent again")
    }
}

/// Issue 19.2: SIGKILL at any moment of a migration writing 8 groups at once never leaves the org
/// ahead of the audit log, and the next run settles what was unknown and converges.
final class AuditLedgerKillTests: XCTestCase {
    func testSIGKILLAtConcurrency8NeverLeavesTheOrgAheadOfTheAuditLog() async throws {
        let dir = try ShellRun.scratchDirectory()
        // 3,200 people move from 16 old groups to 16 new ones: 6,400 membership changes in 128
        // writes, 8 groups written at once. Groups are named by id in the file (the kill rounds
        // then reach the writes sooner).
        let users = (0..<3_200).map { String(format: "k%05d-0000-4000-a000-000000000000", $0) }
        let old = (0..<16).map { String(format: "o%07d-0000-4000-a000-000000000000", $0) }
        let new = (0..<16).map { String(format: "n%07d-0000-4000-a000-000000000000", $0) }
        var groups: [[String: Any]] = []
        for (i, id) in old.enumerated() { groups.append(["id": id, "name": "Old \(i)", "members": Array(users[i * 200..<(i + 1) * 200])]) }
        for (i, id) in new.enumerated() { groups.append(["id": id, "name": "New \(i)", "members": [String]()]) }
        let orgFile = dir.appendingPathComponent("org.json")
        try JSONSerialization.data(withJSONObject: ["users": users.map { ["id": $0, "name": "K \($0.prefix(6))"] }, "groups": groups]).write(to: orgFile)
        let moves = dir.appendingPathComponent("moves.csv")
        try ("user_id,from_group,to_group\n" + users.enumerated().map { "\($1),\(old[$0 / 200]),\(new[$0 / 200])\n" }.joined())
            .write(to: moves, atomically: true, encoding: .utf8)
        let start = Dictionary(uniqueKeysWithValues: groups.map { ($0["id"] as! String, Set($0["members"] as! [String])) })

        var configuration = EmulatorConfiguration()
        configuration.rateLimit = 0
        configuration.latencyMilliseconds = 60
        configuration.data = .file(orgFile.path)
        let emulator = try PureCloudEmulator(configuration: configuration)
        let running = try await emulator.start()
        let audit = dir.appendingPathComponent("audit.jsonl").path
        let env = ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret]
        let arguments = ["--base-url", running.baseURL, "--concurrency", "8", "--audit-log", audit, "scripts/migrate-members.lua", moves.path, "--allow-remove-all"]

        func now() throws -> [String: Set<String>] {
            let state = try JSONSerialization.jsonObject(with: Data(emulator.exportedState().utf8)) as! [String: Any]
            return Dictionary(uniqueKeysWithValues: (state["groups"] as! [[String: Any]]).map { ($0["id"] as! String, Set($0["members"] as! [String])) })
        }
        func writes() -> Int { emulator.requestCount("post_group_members") + emulator.requestCount("delete_group_members") }
        var killed = 0
        // Each round is killed once it has sent this many writes (what earlier rounds did is skipped).
        for target in [3, 10, 18, 26, 34] {
            let process = Process()
            process.executableURL = PcluaProcess.binary
            process.currentDirectoryURL = PcluaProcess.packageRoot
            process.arguments = arguments
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let base = writes()
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning && writes() - base < target && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL); killed += 1 }
            process.waitUntilExit()
            try await Task.sleep(for: .milliseconds(300))  // requests already on their way land
            let delay = target

            // Every membership that changed is covered by an intent on disk; every write recorded
            // as applied is in the org.
            let history = try UnattendedRunTests.auditEntries(audit)
            var mayAdd: [String: Set<String>] = [:], mayRemove: [String: Set<String>] = [:]
            for write in history {
                let group = write["group_id"] as! String, ids = Set(write["ids"] as! [String])
                if write["operation"] as? String == "post_group_members" { mayAdd[group, default: []].formUnion(ids) } else { mayRemove[group, default: []].formUnion(ids) }
            }
            let org = try now()
            for (group, members) in org {
                let before = start[group] ?? []
                XCTAssertTrue(members.subtracting(before).isSubset(of: mayAdd[group] ?? []), "kill after \(delay) writes: \(group) has members no intent names")
                XCTAssertTrue(before.subtracting(members).isSubset(of: mayRemove[group] ?? []), "kill after \(delay) writes: \(group) lost members no intent names")
            }
            for write in history where write["result"] as? String == "applied" {
                let group = write["group_id"] as! String, ids = Set(write["ids"] as! [String])
                if write["operation"] as? String == "post_group_members" {
                    XCTAssertTrue(ids.isSubset(of: org[group] ?? []), "an applied add is in the org")
                } else {
                    XCTAssertTrue(ids.isDisjoint(with: org[group] ?? []), "an applied remove is done in the org")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(killed, 3, "the migration was killed part way several times")

        let finish = try PcluaProcess.run(arguments, environment: env)
        XCTAssertEqual(finish.status, 0, finish.stderr)
        let org = try now()
        for (i, id) in new.enumerated() { XCTAssertEqual(org[id], Set(users[i * 200..<(i + 1) * 200])) }
        for id in old { XCTAssertEqual(org[id], []) }
        // Every write whose outcome a kill left unknown was settled by a later read.
        let settledLines = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n").filter { $0.contains("\"type\":\"reconciled\"") }
        let history = try UnattendedRunTests.auditEntries(audit)
        let open = history.filter { $0["result"] == nil || $0["result"] as? String == "unknown" }
        let settledKeys = Set(settledLines.compactMap { line -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return "\(object["of_run"] as? String ?? "")#\(object["seq"] as? Int ?? 0)"
        })
        for write in open {
            XCTAssertTrue(settledKeys.contains("\(write["run_id"] as? String ?? "")#\(write["seq"] as? Int ?? 0)"), "a write left unknown was settled: \(write)")
        }
        await running.stop()
    }
}
