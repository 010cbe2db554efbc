import Foundation
import XCTest

/// pclua as a Lua 5.4 host (issue 14): what lua5.4 prints, pclua prints. The expected texts are
/// lua5.4 5.4.4's, written out so the tests need no lua5.4. Numbers refer to the issue's cases.
final class LuaHostTests: XCTestCase {
    /// lua.c's progname: messages start with argv[0] as given, here the binary's path.
    static let progname = (ProcessInfo.processInfo.environment["PCLUA_BIN"] ?? PcluaProcess.binary.path) + ": "

    // 1. Bytes are bytes: main chunk, -e, stdin, script arguments, a non-UTF-8 script path.
    func testBytesReachLuaUnchanged() throws {
        let dir = try ShellRun.scratchDirectory()
        let run = try ShellRun.run("""
            printf 's="\\341" print(#s)\\n' > t.lua; "$PCLUA" t.lua
            "$PCLUA" -e "$(printf 'print(#"\\341")')"
            printf 'print(#"\\341")' | "$PCLUA" -
            printf 'print(#arg[1], #(...))' > args.lua; "$PCLUA" args.lua "$(printf '\\341')"
            printf 'print("odd path")' > "$(printf 'x\\341.lua')"; "$PCLUA" "$(printf 'x\\341.lua')"
            "$PCLUA" -e "$(printf 'io.write("\\341\\\\n")')"
            """, in: dir)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.stdout, Data("1\n1\n1\n1\t1\nodd path\n".utf8) + Data([0xE1, 0x0A]), run.out)
        let message = try ShellRun.run(#""$PCLUA" -e "$(printf 'error([[\341]], 0)')""#)
        XCTAssertEqual(message.stderr.prefix(Self.progname.utf8.count + 2), Data(Self.progname.utf8) + Data([0xE1, 0x0A]), "error messages keep their bytes too: \(message.err)")
    }

    // 2. Children get the default signal dispositions and mask: they can be stopped.
    func testChildrenOfOsExecuteAndPopenCanBeKilled() throws {
        let run = try ShellRun.run("""
            "$PCLUA" -e 'print(os.execute("kill -s TERM $$; echo survived"))'
            "$PCLUA" -e 'local f = io.popen("kill -s TERM $$; echo survived"); print(f:read("a") == "", f:close())'
            "$PCLUA" -e 'print(os.execute("exit 3")); print(io.popen("echo hi"):read("l")); print(os.execute())'
            "$PCLUA" -e 'io.open("/nonexistent"); print(os.execute("exit 4")); io.open("/nonexistent"); print(io.popen("exit 5"):close())'
            "$PCLUA" -e 'local f = io.popen("cat > /dev/null", "w"); f:write("x"); print(f:close())'
            "$PCLUA" -e 'print(pcall(io.popen, "true", "rw"))'
            "$PCLUA" -e 'print(os.execute("timeout 1 sleep 30"))'
            # the child's signal mask and ignored set are the ones pclua was started with
            shell=$(grep -E 'SigBlk|SigIgn' /proc/self/status)
            child=$("$PCLUA" -e 'os.execute("grep -E \\"SigBlk|SigIgn\\" /proc/self/status")')
            piped=$("$PCLUA" -e 'io.write(io.popen("grep -E \\"SigBlk|SigIgn\\" /proc/self/status"):read("a"))')
            [ "$shell" = "$child" ] && [ "$shell" = "$piped" ] && echo "same signal state"
            """)
        XCTAssertEqual(run.out, """
            nil\tsignal\t15
            true\tnil\tsignal\t15
            nil\texit\t3
            hi
            true
            nil\texit\t4
            nil\texit\t5
            true\texit\t0
            false\tbad argument #2 to 'io.popen' (invalid mode)
            nil\texit\t124
            same signal state

            """, run.err)
    }

    // 3. A second SIGTERM ends a long C call, as a second Ctrl-C ends lua.c; io.read blocked on
    //    a pipe returns at the first one and the run stops as interrupted.
    func testASecondSignalEndsALongCCall() throws {
        let started = Date()
        let run = try ShellRun.run("""
            "$PCLUA" -e 'string.find(string.rep("a", 1e5), ".*b")' & pid=$!
            sleep 1; kill -TERM $pid; sleep 0.5; kill -TERM $pid; wait $pid; echo "status $?"
            """)
        XCTAssertEqual(run.out, "status 143\n", run.err)  // killed by the second SIGTERM
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
    }

    func testACoroutineLoopEndsAtTheSecondCtrlC() throws {
        let run = try ShellRun.run("""
            "$PCLUA" -e 'coroutine.wrap(function() while true do end end)()' & pid=$!
            sleep 1; kill -INT $pid; sleep 0.5; kill -INT $pid; wait $pid; echo "status $?"
            """)
        XCTAssertEqual(run.out, "status 130\n", run.err)
    }

    func testABlockedReadIsInterrupted() throws {
        let run = try ShellRun.run("""
            mkfifo f; exec 3<>f
            "$PCLUA" -e 'print(io.read("l")); print("after the read")' <f & pid=$!
            sleep 1; kill -INT $pid; wait $pid; echo "status $?"
            """, in: try ShellRun.scratchDirectory())
        // lua.c raises "interrupted!" as io.read returns; pclua exits with its interrupted status.
        XCTAssertEqual(run.out, "status 130\n", run.err)
        XCTAssertTrue(run.err.contains("interrupted"), run.err)
    }

    // 4. A closed or full stderr: the error status, no crash.
    func testAClosedOrFullStderrIsNoCrash() throws {
        let run = try ShellRun.run("""
            "$PCLUA" -e 'error("x")' 2>&-; echo "closed $?"
            "$PCLUA" -e 'error("x")' 2>/dev/full; echo "full $?"
            "$PCLUA" --no-such-flag 2>&-; echo "usage $?"
            "$PCLUA" --log-format json -e 'error("x")' 2>&-; echo "json $?"
            "$PCLUA" -v -e 'print(1)' >/dev/full; echo "stdout full $?"
            ("$PCLUA" -v -e 'print(1)' >&-; echo "stdout closed $?" >&2) 2>&1
            """)
        XCTAssertEqual(run.out, "closed 1\nfull 1\nusage 2\njson 1\nstdout full 0\nstdout closed 0\n")
    }

    // 5. LUA_INIT_5_4, else LUA_INIT, a chunk or @file; -E ignores them.
    func testLuaInitRunsFirstUnlessE() throws {
        let dir = try ShellRun.scratchDirectory()
        let run = try ShellRun.run("""
            echo 'from_file = "file"' > init.lua
            LUA_INIT='x = "init"' "$PCLUA" -e 'print(x)'
            LUA_INIT='x = "init"' LUA_INIT_5_4='x = "5.4"' "$PCLUA" -e 'print(x)'
            LUA_INIT=@init.lua "$PCLUA" -e 'print(from_file)'
            LUA_INIT='x = "init"' "$PCLUA" -E -e 'print(x)'
            LUA_INIT='error("bad init")' "$PCLUA" -e 'print("not reached")'; echo "status $?"
            """, in: dir)
        XCTAssertEqual(run.out, "init\n5.4\nfile\nnil\nstatus 1\n")
        XCTAssertTrue(run.err.contains("LUA_INIT:1: bad init"), run.err)
    }

    // 6. BOM and `#` line, from a file and from stdin; pipes, FIFOs, /dev/stdin; a directory.
    func testScriptsFromAnySourceAreReadAsLuaCReadsThem() throws {
        let dir = try ShellRun.scratchDirectory()
        let run = try ShellRun.run("""
            printf '\\357\\273\\277#!/usr/bin/env pclua\\nprint("bom")\\n' > bom.lua; "$PCLUA" bom.lua
            printf '#!/usr/bin/env pclua\\nprint("stdin")\\n' | "$PCLUA" -
            printf '#!/usr/bin/env pclua\\nprint("implicit stdin")\\n' | "$PCLUA"
            "$PCLUA" <(echo 'print("pipe")')
            echo 'print("dev stdin")' | "$PCLUA" /dev/stdin
            mkfifo fifo; (echo 'print("fifo")' > fifo &) ; "$PCLUA" fifo
            printf 'print(1)\\nerror("line two")\\n' > lines.lua; printf '#x\\nerror("line two")\\n' > hash.lua
            "$PCLUA" hash.lua
            mkdir adir; "$PCLUA" adir; echo "status $?"
            """, in: dir)
        XCTAssertEqual(run.out, "bom\nstdin\nimplicit stdin\npipe\ndev stdin\nfifo\nstatus 2\n", run.err)
        XCTAssertTrue(run.err.contains("hash.lua:2: line two"), "the skipped line still counts: \(run.err)")
        XCTAssertTrue(run.err.contains("\(Self.progname)cannot read adir: Is a directory"), run.err)
    }

    // 7. lua.c's options, attached forms, and its usage errors.
    func testLuaCOptions() throws {
        let dir = try ShellRun.scratchDirectory()
        let run = try ShellRun.run("""
            echo 'return { name = "mymod" }' > mymod.lua
            "$PCLUA" -v
            LUA_PATH='./?.lua' "$PCLUA" -l mymod -e 'print(mymod.name)'
            LUA_PATH='./?.lua' "$PCLUA" -lmymod -e'print(mymod.name)'
            LUA_PATH='./?.lua' "$PCLUA" -l m=mymod -e 'print(m.name, mymod)'
            "$PCLUA" -W -e 'warn("careful")'
            "$PCLUA" -e 'warn("silent")'
            echo 'print("dash", ...)' > ./-; "$PCLUA" -- - a
            echo 'print("after dashes", ...)' > s.lua; "$PCLUA" -e 'x=1' -- s.lua b
            """, in: dir)
        XCTAssertEqual(run.out, "Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio\nmymod\nmymod\nmymod\tnil\ndash\ta\nafter dashes\tb\n", run.err)
        XCTAssertEqual(run.err, "Lua warning: careful\n")

        for (arguments, message) in [("-iv", "unrecognized option '-iv'"), ("-x", "unrecognized option '-x'"),
                                     ("-e", "'-e' needs argument"), ("-l -v", "'-l' needs argument"), ("-vE", "unrecognized option '-vE'"),
                                     ("---", "unrecognized option '---'"), ("-h", "unrecognized option '-h'")] {
            let usage = try ShellRun.run("\"$PCLUA\" \(arguments)")
            XCTAssertEqual(usage.status, 2, arguments)
            // lua.c's print_usage names the program as it was called (argv[0]), as messages do.
            XCTAssertTrue(usage.err.hasPrefix("\(Self.progname)\(message)\nusage: \(Self.progname.dropLast(2)) [options] [script [args]]\n"), usage.err)
            XCTAssertTrue(usage.err.contains("  -l g=mod  require library 'mod' into global 'g'\n"), usage.err)
        }
    }

    // 8. The arg table: negative indices hold the interpreter and the options.
    func testTheArgTableIsLuaCs() throws {
        let dir = try ShellRun.scratchDirectory()
        let run = try ShellRun.run("""
            echo 'for i = -4, 3 do io.write(tostring(arg[i]), " ") end print(select("#", ...))' > a.lua
            "$PCLUA" -e 'x=1' a.lua p q | sed "s#$PCLUA#PCLUA#"
            "$PCLUA" -e 'for i = -1, 3 do io.write(tostring(arg[i]), " ") end print()' | sed "s#$PCLUA#PCLUA#"
            echo 'print(...)' | "$PCLUA" -e 'arg[1] = 100' - x
            echo 'print(...)' | "$PCLUA" -e 'arg = 1' - x; echo "status $?"
            """, in: dir)
        XCTAssertTrue(run.err.contains("\(Self.progname)'arg' is not a table"), run.err)
        XCTAssertEqual(run.out, """
            nil PCLUA -e x=1 a.lua p q nil 2
            nil PCLUA -e for i = -1, 3 do io.write(tostring(arg[i]), " ") end print() nil 
            100
            status 1

            """, run.err)
    }

    // 9. A script's own "interrupted!" error is an ordinary error.
    func testAnErrorSayingInterruptedIsNotCtrlC() throws {
        let run = try ShellRun.run("\"$PCLUA\" -e 'error(\"interrupted! by the script\", 0)'")
        XCTAssertEqual(run.status, 1, run.err)
        XCTAssertTrue(run.err.hasPrefix("\(Self.progname)interrupted! by the script\nstack traceback:"), run.err)
    }

    // 10. Error objects are printed as lua.c prints them; the GC runs in generational mode.
    func testErrorObjectsAndGarbageCollectorMode() throws {
        let table = try ShellRun.run("\"$PCLUA\" -e 'error({})'")
        XCTAssertEqual(table.status, 1)
        XCTAssertTrue(table.err.hasPrefix("\(Self.progname)(error object is a table value)\nstack traceback:\n"), table.err)
        let named = try ShellRun.run("\"$PCLUA\" -e 'error(setmetatable({}, {__tostring = function() return \"custom\" end}))'")
        XCTAssertEqual(named.err, "\(Self.progname)custom\n")
        // __tostring runs while the stack that raised is still there, as in lua.c.
        let dir = try ShellRun.scratchDirectory()
        let early = try ShellRun.run("""
            printf 'local m = setmetatable({}, {__tostring = function() return "line " .. debug.getinfo(4).currentline end})\\n\\nerror(m)\\n' > e.lua
            "$PCLUA" e.lua
            """, in: dir)
        XCTAssertEqual(early.err, "\(Self.progname)line 3\n")
        let none = try ShellRun.run("\"$PCLUA\" -e 'error(nil)'")
        XCTAssertTrue(none.err.hasPrefix("\(Self.progname)(error object is a nil value)\nstack traceback:\n"), none.err)
        let number = try ShellRun.run("\"$PCLUA\" -e 'error(42)'")
        XCTAssertEqual(number.err, "\(Self.progname)42\nstack traceback:\n\t[C]: in function 'error'\n\t(command line):1: in main chunk\n\t[C]: in ?\n",
                       "lua5.4's text but for the program name")
        let gc = try ShellRun.run("\"$PCLUA\" -e 'print(collectgarbage(\"incremental\"))'")
        XCTAssertEqual(gc.out, "generational\n")
    }

    // 11. A file named like a subcommand runs when given as a path.
    func testAScriptNamedLikeASubcommandRunsByPath() throws {
        let dir = try ShellRun.scratchDirectory()
        let run = try ShellRun.run("""
            for name in help run emulator; do echo "print('script $name')" > $name; "$PCLUA" ./$name; done
            "$PCLUA" -e 'x=1' help
            """, in: dir)
        XCTAssertEqual(run.out, "script help\nscript run\nscript emulator\nscript help\n", run.err)
    }

    // Issue 20.1: finalizers run when the state closes at exit, as under lua5.4, whether they
    // print (to a terminal, a pipe or a file) or call the module; print is a C function.
    func testFinalizersRunAtExitAndMayPrintOrCallTheModule() throws {
        let dir = try ShellRun.scratchDirectory()
        let run = try ShellRun.run("""
            set -o pipefail
            "$PCLUA" -e 'setmetatable({}, {__gc = function() print("bye") end})'; echo "status $?"
            "$PCLUA" -e 'setmetatable({}, {__gc = function() print("piped bye") end})' | cat; echo "status $?"
            "$PCLUA" -e 'setmetatable({}, {__gc = function() print(purecloud.json.encode{a = 1}) end})'; echo "status $?"
            printf 'setmetatable({}, {__gc = function() io.write("script bye\\\\n") end})\nerror("boom", 0)' > gc.lua
            "$PCLUA" gc.lua 2>/dev/null; echo "status $?"
            "$PCLUA" -e 'print(debug.getinfo(print).what, pcall(string.dump, print))'
            """, in: dir)
        XCTAssertEqual(run.out, """
            bye
            status 0
            piped bye
            status 0
            {"a":1}
            status 0
            script bye
            status 1
            C\tfalse\tunable to dump given function

            """, run.err)
        XCTAssertFalse(run.err.contains("Fatal error"), run.err)
    }

    // Issue 20.2: no value a script passes traps pclua.
    func testHugeAndHostileNumbersInOptionsAreLuaErrors() throws {
        let run = try ShellRun.run("""
            "$PCLUA" -e 'purecloud.configure{ retry = { max_attempts = 1e300 } }'; echo "status $?"
            "$PCLUA" -e 'purecloud.GroupsApi.new{ retry = { max_attempts = 1e300 } }'; echo "status $?"
            "$PCLUA" -e 'print(pcall(purecloud.configure, { timeout = 0/0 }))'
            "$PCLUA" -e 'print(pcall(purecloud.configure, { connect_timeout = 1e300 }))'
            "$PCLUA" -e 'print(pcall(purecloud.configure, { concurrency = math.mininteger }))'
            """)
        XCTAssertEqual(run.out, """
            status 1
            status 1
            false\tconfigure: 'timeout' must be a number from 0.001 to 86400.0, got -nan
            false\tconfigure: 'connect_timeout' must be a number from 0.001 to 86400.0, got 1e+300
            false\tconfigure: 'concurrency' must be a whole number from 1 to 64, got -9223372036854775808

            """, run.err)
        XCTAssertTrue(run.err.contains("(command line):1: configure: 'retry.max_attempts' must be a whole number from 1 to 100, got 1e+300"), run.err)
        XCTAssertTrue(run.err.contains("(command line):1: GroupsApi.new: 'retry.max_attempts' must be a whole number from 1 to 100, got 1e+300"), run.err)
        XCTAssertFalse(run.err.contains("Fatal error"), run.err)
    }

    // Issue 20.4: what the debug library can reach is type-checked, as lua5.4's libraries check it.
    func testTheDebugLibraryCannotCrashTheHost() throws {
        let run = try ShellRun.run("""
            "$PCLUA" -e 'debug.getregistry()["pclua.hostbox"].__gc(io.stdout) print("stdout kept")'; echo "status $?"
            "$PCLUA" -e 'local gc = debug.getregistry()["pclua.hostbox"].__gc; gc(purecloud.GroupsApi.new()); gc(purecloud.null) print("api kept")'; echo "status $?"
            "$PCLUA" -e 'debug.setupvalue(purecloud.json.encode, 1, io.stdout) print(pcall(purecloud.json.encode, {}))'; echo "status $?"
            "$PCLUA" -e 'debug.setupvalue(purecloud.json.decode, 2, 42) print(pcall(purecloud.json.decode, "[1]"))'; echo "status $?"
            "$PCLUA" -e 'local _, box = debug.getupvalue(print, 1) debug.setupvalue(purecloud.json.encode, 1, debug.getregistry()["pclua.hostbox"]) print(pcall(purecloud.json.encode, {}))'
            """)
        XCTAssertEqual(run.out, """
            stdout kept
            status 0
            api kept
            status 0
            false\thost function's upvalue was replaced (debug.setupvalue); it can no longer be called
            status 0
            false\tJSON decode: the array metatable (purecloud.array_mt) was replaced by a number
            status 0
            false\thost function's upvalue was replaced (debug.setupvalue); it can no longer be called

            """, run.err)
    }

    // Issue 20.4: a timeout while the in-process emulator answers never brings the process down
    // (it died in about 1 run in 13 when the emulator was stopped by cancelling its task).
    func testATimeoutAgainstTheInProcessEmulatorNeverKillsTheProcess() throws {
        let run = try ShellRun.run("""
            for batch in $(seq 1 20); do
              for i in 1 2 3 4; do
                ("$PCLUA" --emulator -e 'purecloud.configure{ timeout = 0.001, retry = { max_attempts = 1 } } purecloud.GroupsApi.new():get_groups{}' >/dev/null 2>&1; echo "status $?") &
              done
              wait
            done | sort | uniq -c
            """, timeout: 300)
        XCTAssertEqual(run.out.trimmingCharacters(in: .whitespacesAndNewlines), "80 status 1", run.err)
    }

    // Issue 20.3: a script that fills memory gets lua5.4's error, and the module still works
    // (under a limit on the process's address space, as a cron job may have one): it is first
    // used, so built, once Lua's heap is full, and its calls (an HTTP request needs a thread the
    // runtime may start only then) answer from the room kept for the host. What the script keeps
    // of the answers goes in slots made before the fill (with the heap full to the last bytes,
    // the script itself can make nothing new), and is printed once the memory is freed.
    func testAfterFillingMemoryTheModuleStillAnswers() throws {
        let dir = try ShellRun.scratchDirectory()
        let run = try ShellRun.run("""
            cat > fill.lua <<'EOF'
            local t = {}; for i = 1, 100 do t[i] = { name = "g" .. i } end
            local said = { 0, 0, 0, 0, 0, 0 }
            local keep, n = {}, 0
            for _, size in ipairs { 1024 * 1024, 65536, 4096, 256, 16 } do
              pcall(function() while true do n = n + 1; keep[n] = string.rep("x", size - 24) .. n end end)
            end
            said[1], said[2] = pcall(string.rep, "z", 1 << 20)
            said[3], said[4] = pcall(purecloud.json.encode, t)
            local api = purecloud.GroupsApi.new()
            for i = 1, 3 do t[i] = select(2, pcall(api.get_group, api, "nope")).status end
            keep = nil; collectgarbage()
            print(said[1], said[2])
            print(said[3], said[4])
            for i = 1, 3 do print(t[i]) end
            print(#purecloud.json.encode({ 1, 2, 3 }))
            EOF
            (ulimit -v 1500000; "$PCLUA" --emulator fill.lua | cut -c1-40; echo "status ${PIPESTATUS[0]}")
            """, in: dir, timeout: 180)
        XCTAssertEqual(run.out, """
            false\tnot enough memory
            true\t[{"name":"g1"},{"name":"g2"},{"name
            404
            404
            404
            7
            status 0

            """, run.err)
    }

    // Issue 20.4: a method called with a dot says so at the caller's line, and a value that only
    // borrows an API's name is not taken for it.
    func testMisusedMethodsSayWhatIsWrong() throws {
        let dir = try ShellRun.scratchDirectory()
        let run = try ShellRun.run("""
            printf 'local api = purecloud.GroupsApi.new()\nfor g in api.each_group() do end\n' > dot.lua
            "$PCLUA" --emulator dot.lua 2>&1 | head -1
            "$PCLUA" --emulator -e 'local api = purecloud.GroupsApi.new() print(pcall(api.get_group, setmetatable({}, { __name = "purecloud.GroupsApi" }), "x"))'
            """, in: dir)
        XCTAssertEqual(run.out, """
            \(Self.progname)dot.lua:2: bad argument #1 to 'each_group' (purecloud.GroupsApi expected, got nil; call it with a colon: api:each_group(...))
            false\tbad argument #1 to 'get_group' (purecloud.GroupsApi expected, got a table named purecloud.GroupsApi, not an object of purecloud.GroupsApi.new(); call it with a colon: api:get_group(...))

            """, run.err)
    }

    // Issue 20.2: the module fuzz (Tests/fuzz/module.lua) through the binary, several seeds: every
    // run ends with its counts, none with a process death.
    func testTheModuleFuzzEndsWithNoProcessDeath() throws {
        let dir = try ShellRun.scratchDirectory()
        let fuzz = PcluaProcess.packageRoot.appendingPathComponent("Tests/fuzz/module.lua").path
        let run = try ShellRun.run("""
            for seed in 11 12 13 14 15 16; do
              "$PCLUA" --emulator -e "print(select('#', loadfile('\(fuzz)')('$seed', '3000', '\(dir.path)')))" 2>/dev/null | tail -1
              echo "status $?"
            done
            """, timeout: 600)
        XCTAssertEqual(run.out, String(repeating: "3\nstatus 0\n", count: 6), run.err)
    }
}
