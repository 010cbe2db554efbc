import Foundation
import PureCloudEmulator
import XCTest

/// Issue 23: `purecloud.spawn` and `purecloud.map` through the real binary. A task's API calls
/// send their request and let the other tasks run; results come back in the order of the input,
/// errors by index; an error in one task is never lost nor leaves others running; `os.exit` in a
/// task ends the run with the audit log complete. Speed is scripts/bench's (figure 9).
final class TaskTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .demo(users: 300, groups: 12)
        c.latencyMilliseconds = 30
    }

    func groupIds() throws -> [String] {
        try groups().compactMap { $0["id"] as? String }
    }

    func testMapGivesResultsInInputOrderAndErrorsByIndexWhateverOrderTheyEndIn() throws {
        let ids = try groupIds()
        // Item i makes (i % 3) + 1 calls, so they end out of order; item 4 asks for a group that
        // does not exist (an ApiError), item 7 raises a Lua error, item 9 returns nothing.
        let run = try pclua(["-e", """
            local api = purecloud.GroupsApi.new()
            local ids = { '\(ids.joined(separator: "', '"))' }
            ids[4] = 'no-such-group'
            local ended = {}
            local results, errors = purecloud.map(ids, function(id)
              local i
              for n, x in ipairs(ids) do if x == id then i = n end end
              if i == 7 then error('item seven fails') end
              local group
              for _ = 1, (i % 3) + 1 do group = api:get_group(id) end
              ended[#ended + 1] = i
              if i == 9 then return nil end
              return i .. '=' .. group.name
            end, { concurrency = 4 })
            for i = 1, #ids do print(i, tostring(results[i]), errors[i] and (purecloud.ApiError.is(errors[i]) and 'status ' .. errors[i].status or errors[i]) or '-') end
            print('ended ' .. table.concat(ended, ','))
            """])
        XCTAssertEqual(run.status, 0, run.stderr)
        let names = try groups().reduce(into: [String: String]()) { $0[$1["id"] as? String ?? ""] = $1["name"] as? String }
        let lines = run.stdout.split(separator: "\n").map(String.init)
        for (offset, id) in ids.enumerated() {
            let i = offset + 1
            let expected: String
            switch i {
            case 4: expected = "4\tnil\tstatus 404"
            case 7: expected = "7\tnil\t(command line):8: item seven fails"
            case 9: expected = "9\tnil\t-"
            default: expected = "\(i)\t\(i)=\(names[id] ?? "?")\t-"
            }
            XCTAssertEqual(lines[offset], expected, run.stdout)
        }
        let ended = lines.last?.dropFirst("ended ".count).split(separator: ",").compactMap { Int($0) } ?? []
        XCTAssertEqual(Set(ended), Set(1...ids.count).subtracting([4, 7]), run.stdout)
        XCTAssertNotEqual(ended, ended.sorted(), "the tasks ended out of order, and the results are still in order: \(run.stdout)")
        XCTAssertGreaterThan(emulator.mostRequestsAtOnce, 1, "tasks' requests went side by side")
    }

    func testSpawnReturnsATaskWhoseWaitGivesItsResultsOrRaisesItsError() throws {
        let ids = try groupIds()
        let run = try pclua(["-e", """
            local api = purecloud.GroupsApi.new()
            local a = purecloud.spawn(function(id, extra) return api:get_group(id).name, extra end, '\(ids[0])', 42)
            local b = purecloud.spawn(api.get_group, api, 'no-such-group')
            local c = purecloud.spawn(function() return #purecloud.collect(api:each_group_member('\(ids[1])')) end)
            print(tostring(a):match('^purecloud.Task %d+ %((%a+)%)$'))
            print(a:wait())
            print(a:wait())
            local ok, err = pcall(b.wait, b)
            print(ok, purecloud.ApiError.is(err), err.status)
            print(c:wait() > 0, tostring(c):match('%((%a+)%)$'))
            -- map inside a task: the task waits for its items
            local outer = purecloud.spawn(function()
              local r = purecloud.map({ '\(ids[2])', '\(ids[3])' }, function(id) return api:get_group(id).id end)
              return r[1] .. ' ' .. r[2]
            end)
            print(outer:wait())
            print(pcall(purecloud.spawn, 'not a function'))
            print(pcall(a.wait, {}))
            local me
            me = purecloud.spawn(function() api:get_group('\(ids[0])'); return pcall(me.wait, me) end)
            print(me:wait())
            """])
        XCTAssertEqual(run.status, 0, run.stderr)
        let names = try groups().reduce(into: [String: String]()) { $0[$1["id"] as? String ?? ""] = $1["name"] as? String }
        XCTAssertEqual(run.stdout.split(separator: "\n").map(String.init), [
            "running",
            "\(names[ids[0]] ?? "?")\t42",
            "\(names[ids[0]] ?? "?")\t42",
            "false\ttrue\t404",
            "true\treturned",
            "\(ids[2]) \(ids[3])",
            "false\tbad argument #1 to 'spawn' (function expected, got string)",
            "false\tbad argument #1 to 'wait' (purecloud.Task expected, got table; call it with a colon: task:wait())",
            "false\ttask:wait(): a task cannot wait for itself",
        ])
    }

    func testAFailedTaskNobodyWaitedForEndsTheRunAndStopsTheOthers() throws {
        let ids = try groupIds()
        let run = try pclua(["-e", """
            local api = purecloud.GroupsApi.new()
            purecloud.spawn(function() api:get_group('\(ids[0])'); error('lost in a task') end)
            purecloud.spawn(function() for _ = 1, 50 do api:get_group('\(ids[1])') end; print('the long task finished') end)
            print('main done')
            """])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(run.stdout, "main done\n", "the other task was stopped, not finished")
        XCTAssertTrue(run.stderr.contains("(command line):2: lost in a task"), run.stderr)
        XCTAssertTrue(run.stderr.contains("tasks stopped (a task failed): 1 of 2 finished (0 returned, 1 failed), 1 stopped while waiting"), run.stderr)

        // The chunk's own error stops the tasks still running, and says so.
        let failing = try pclua(["-e", """
            local api = purecloud.GroupsApi.new()
            for i = 1, 3 do purecloud.spawn(function() for _ = 1, 50 do api:get_group('\(ids[2])') end end) end
            error('main fails')
            """])
        XCTAssertEqual(failing.status, 1, failing.stderr)
        XCTAssertTrue(failing.stderr.contains("(command line):3: main fails"), failing.stderr)
        XCTAssertTrue(failing.stderr.contains("tasks stopped (the chunk stopped with an error): 0 of 3 finished"), failing.stderr)

        // A task that fails before its first call is not lost either.
        let atOnce = try pclua(["-e", "purecloud.spawn(function() error('failed at once') end); print('main done')"])
        XCTAssertEqual(atOnce.status, 1, atOnce.stderr)
        XCTAssertTrue(atOnce.stderr.contains("(command line):1: failed at once"), atOnce.stderr)

        // Tasks nobody waits for run to their end when the chunk ends well.
        let quiet = try pclua(["-e", """
            local api = purecloud.GroupsApi.new()
            local ids = { '\(ids[1])', '\(ids[2])', '\(ids[3])' }
            for i = 1, 3 do purecloud.spawn(function() api:get_group(ids[i]); print('task ' .. i) end) end
            """])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(Set(quiet.stdout.split(separator: "\n")), ["task 1", "task 2", "task 3"])
    }

    func testOsExitInATaskEndsTheRunWithEveryWriteInTheAuditLog() throws {
        let ids = try groupIds()
        let users = (try state()["users"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        let audit = try ShellRun.scratchDirectory().appendingPathComponent("audit.jsonl").path
        let run = try pclua(["--audit-log", audit, "-e", """
            local api = purecloud.GroupsApi.new()
            local groups = { '\(ids[4])', '\(ids[5])', '\(ids[6])', '\(ids[7])', '\(ids[8])', '\(ids[9])' }
            local people = { '\(users[290])', '\(users[291])', '\(users[292])', '\(users[293])', '\(users[294])', '\(users[295])' }
            purecloud.map({ 1, 2, 3, 4, 5, 6 }, function(i)
              if i == 6 then for _ = 1, 4 do api:get_group(groups[1]) end; os.exit(3) end
              local g = api:get_group(groups[i])
              api:post_group_members(groups[i], { memberIds = { people[i] }, version = g.version })
            end)
            """])
        XCTAssertEqual(run.status, 4, "a run that changed something and exits with a failure: \(run.stderr)")
        let lines = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let intents = lines.filter { $0["type"] as? String == "intent" }.compactMap { $0["seq"] as? Int }
        let outcomes = lines.filter { $0["type"] as? String == "outcome" }.compactMap { $0["seq"] as? Int }
        XCTAssertFalse(intents.isEmpty, run.stderr)
        XCTAssertEqual(Set(intents), Set(outcomes), "every write sent has its outcome: \(lines)")
        XCTAssertTrue(run.stderr.contains("stopped before it finished; what it changed so far:"), run.stderr)

        let fine = try pclua(["-e", "purecloud.map({ 1, 2 }, function(i) purecloud.GroupsApi.new():get_group('\(ids[0])'); if i == 2 then os.exit(0) end end); print('not reached')"])
        XCTAssertEqual(fine.status, 0, fine.stderr)
        XCTAssertEqual(fine.stdout, "")
    }

    func testMapChecksItsArgumentsBeforeAnythingRuns() throws {
        for (chunk, message) in [
            ("purecloud.map('x', print)", "bad argument #1 to 'map' (an array of items expected, got a string)"),
            ("purecloud.map({ 1, nil, 3 }, print)", "bad argument #1 to 'map' (an array of items"),
            ("purecloud.map({ 1 }, 'print')", "bad argument #2 to 'map' (function expected, got string)"),
            ("purecloud.map({ 1 }, print, { concurency = 2 })", "map: unknown option 'concurency' (did you mean 'concurrency'?)"),
            ("purecloud.map({ 1 }, print, { concurrency = 0 })", "map: 'concurrency' must be a whole number from 1 to 64, got 0"),
            ("purecloud.map({ 1 }, print, { concurrency = 0/0 })", "map: 'concurrency' must be a whole number from 1 to 64, got"),
        ] {
            let run = try pclua(["-e", chunk])
            XCTAssertEqual(run.status, 1, chunk)
            XCTAssertTrue(run.stderr.contains(message), "\(chunk): \(run.stderr)")
        }
    }
}

/// A script's own coroutines inside a task keep Lua's semantics, and their API calls still let
/// the other tasks run (the wait passes through them to the scheduler): an emulator of its own,
/// so that its count of requests at once is this test's.
final class TaskUserCoroutineTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .demo(users: 200, groups: 8)
        c.latencyMilliseconds = 80
    }

    func testCoroutinesInsideTasksKeepLuaSemanticsAndTheirCallsDoNotBlockTheOthers() throws {
        let ids = try groups().compactMap { $0["id"] as? String }
        let run = try pclua(["-e", """
            local api = purecloud.GroupsApi.new()
            local ids = { '\(ids.joined(separator: "', '"))' }
            local results, errors = purecloud.map(ids, function(id)
              -- a generator over the members, the API called inside coroutine.wrap
              local members = coroutine.wrap(function()
                for m in api:each_group_member(id) do coroutine.yield(m.id) end
              end)
              local n = 0
              for _ in members do n = n + 1 end
              -- values through resume and yield around an API call
              local co = coroutine.create(function(x)
                local y = coroutine.yield(x + 1, coroutine.isyieldable())
                local name = api:get_group(id).name
                return y * 2, name, coroutine.status(coroutine.running())
              end)
              local ok1, a, yieldable = coroutine.resume(co, 10)
              local ok2, b, name, status = coroutine.resume(co, 21)
              assert(ok1 and a == 11 and yieldable == true, 'first resume')
              assert(ok2 and b == 42 and type(name) == 'string' and status == 'running', 'second resume')
              assert(coroutine.status(co) == 'dead' and not coroutine.resume(co), 'dead after return')
              -- an error in a wrapped coroutine that waited: position added, as lua5.4 does
              local ok, err = pcall(coroutine.wrap(function() api:get_group(id); error('inner', 1) end))
              assert(not ok and err:find('inner'), tostring(err))
              return n
            end, { concurrency = 8 })
            if next(errors) then error(tostring(select(2, next(errors)))) end
            for i, n in ipairs(results) do io.write(n, i < #ids and ',' or '\\n') end
            -- the same counted by a plain loop outside any task
            for i, id in ipairs(ids) do io.write(#purecloud.collect(api:each_group_member(id)), i < #ids and ',' or '\\n') end
            -- a coroutine waiting for its call, seen from another task: running (normal), not resumable
            local waiting
            local a = purecloud.spawn(function()
              waiting = coroutine.create(function() return api:get_group(ids[1]).id end)
              return coroutine.resume(waiting)
            end)
            local b = purecloud.spawn(function()
              local closed, why = pcall(coroutine.close, waiting)
              return coroutine.status(waiting), select(2, coroutine.resume(waiting)), why
            end)
            print(b:wait())
            print(a:wait())
            -- a task's own coroutine belongs to the scheduler
            local t = purecloud.spawn(function() api:get_group(ids[1]); return 1 end)
            local inner = purecloud.spawn(function() return coroutine.running() end):wait()
            print(coroutine.status(inner), coroutine.resume(inner))
            t:wait()
            """])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, lines.dropFirst().first, "the same counts in tasks as in a plain loop: \(run.stdout)")
        XCTAssertFalse(lines.first?.split(separator: ",").contains("0") ?? true, run.stdout)
        XCTAssertEqual(lines.dropFirst(2).first, "normal\tcannot resume non-suspended coroutine\tcannot close a normal coroutine")
        XCTAssertEqual(lines.dropFirst(3).first, "true\t\(ids[0])")
        XCTAssertEqual(lines.dropFirst(4).first, "dead\tfalse\tcannot resume dead coroutine")
        // Every call above was made inside a script's own coroutine; they still went side by side.
        XCTAssertGreaterThanOrEqual(emulator.mostRequestsAtOnce, 4, "the waits passed through the user's coroutines")
    }
}

/// Many tasks under a small rate limit (40 requests per 5 s window per token): the one pacer per
/// token keeps them all within it, with one token and with a pool; each run needs two windows.
final class TaskRateLimitTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .demo(users: 100, groups: 10)
        c.rateLimit = 480
        c.rateWindowSeconds = 5
        c.latencyMilliseconds = 20
    }

    func testAMapOfManyTasksNeverRunsIntoTheRateLimit() throws {
        let ids = try groups().compactMap { $0["id"] as? String }
        for (flags, count) in [(["--concurrency", "8"], 60), (["--concurrency", "8", "--token-pool", "3"], 150)] {
            let tokensBefore = emulator.requestCount("oauth_token")
            let run = try pclua(flags + ["-e", """
                local api = purecloud.GroupsApi.new()
                local ids = { '\(ids.joined(separator: "', '"))' }
                local list = {}
                for i = 1, \(count) do list[i] = ids[(i - 1) % #ids + 1] end
                local results, errors = purecloud.map(list, function(id) return api:get_group(id).id end)
                if next(errors) then error(tostring(select(2, next(errors)))) end
                for i = 1, #list do assert(results[i] == list[i]) end
                local stats = api:stats()
                print(stats.requests, stats.rate_limited, stats.pace_waits > 0)
                """])
            XCTAssertEqual(run.status, 0, "\(flags): \(run.stderr)")
            XCTAssertTrue(run.stdout.hasSuffix("\t0\ttrue\n"), "\(flags): no 429 met, the pacer held requests back: \(run.stdout)")
            XCTAssertEqual(emulator.answerCount(status: 429), 0, "\(flags)")
            if flags.contains("--token-pool") {
                XCTAssertEqual(emulator.requestCount("oauth_token") - tokensBefore, 3, "every token of the pool was used")
            }
        }
        XCTAssertGreaterThan(emulator.mostRequestsAtOnce, 1, "the tasks' requests went side by side (and still met no 429)")
    }
}

/// Ctrl-C or SIGTERM in the middle of a map of writes: nothing new starts, the requests in flight
/// end and are recorded in the audit log, and the run says what the tasks finished and what
/// it changed.
final class TaskCancellationTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .demo(users: 400, groups: 6)
        c.latencyMilliseconds = 150
    }

    func testASignalMidMapStopsEveryTaskAndTheAuditLogHasEveryOutcome() async throws {
        let ids = try groups().compactMap { $0["id"] as? String }
        let users = (try state()["users"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        let audit = try ShellRun.scratchDirectory().appendingPathComponent("audit.jsonl").path
        for signal in [SIGINT, SIGTERM] {
            let people = users[(signal == SIGINT ? 300 : 350)...].prefix(48)
            let process = Process()
            process.executableURL = PcluaProcess.binary
            process.arguments = ["--base-url", baseURL, "--audit-log", audit, "--concurrency", "4", "-e", """
                local api = purecloud.GroupsApi.new()
                local groups = { '\(ids.joined(separator: "', '"))' }
                local people = { '\(people.joined(separator: "', '"))' }
                local groupOf = {}
                for i, user in ipairs(people) do groupOf[user] = groups[i % #groups + 1] end
                purecloud.map(people, function(user)
                  local group = groupOf[user]
                  local g = api:get_group(group)
                  api:post_group_members(group, { memberIds = { user }, version = g.version })
                end, { concurrency = 4 })
                print('finished')
                """]
            process.environment = credentials
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            let collected = OutputCollector(out: out, err: err)
            let before = emulator.requestCount("post_group_members")
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while emulator.requestCount("post_group_members") - before < 6 && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
            kill(process.processIdentifier, signal)
            let atSignal = emulator.requestCount("post_group_members") + emulator.requestCount("get_group")
            process.waitUntilExit()
            let (stdout, stderr) = collected.finish()
            XCTAssertEqual(process.terminationStatus, 130, stderr)
            XCTAssertEqual(stdout, "", "the map did not finish")
            let after = emulator.requestCount("post_group_members") + emulator.requestCount("get_group")
            XCTAssertLessThanOrEqual(after - atSignal, 4, "nothing new started after the signal (at most what was on its way)")
            let stopped = try XCTUnwrap(stderr.firstMatch(of: /tasks stopped \(interrupted\): (\d+) of 48 finished \((\d+) returned, (\d+) failed\), (\d+) stopped while waiting, (\d+) not started/), stderr)
            XCTAssertGreaterThan(Int(stopped.5) ?? 0, 0, "items were left unstarted: \(stderr)")
            XCTAssertEqual((Int(stopped.1) ?? 0) + (Int(stopped.4) ?? 0) + (Int(stopped.5) ?? 0), 48, stderr)
            XCTAssertTrue(stderr.contains("was interrupted; what it changed so far:"), stderr)
            let lines = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let intents = lines.filter { $0["type"] as? String == "intent" }.compactMap { ($0["run_id"] as? String ?? "") + "/" + String($0["seq"] as? Int ?? -1) }
            let outcomes = lines.filter { $0["type"] as? String == "outcome" }.compactMap { ($0["run_id"] as? String ?? "") + "/" + String($0["seq"] as? Int ?? -1) }
            XCTAssertEqual(Set(intents), Set(outcomes), "every write sent has its outcome in the audit log")
            XCTAssertLessThan(intents.count, 96, "not every write was made")
        }
        XCTAssertGreaterThan(emulator.mostRequestsAtOnce, 1, "the signal stopped several tasks' requests in flight at once")
    }
}
