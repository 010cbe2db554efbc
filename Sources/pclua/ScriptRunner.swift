import Foundation
import LuaKit
import LuaREPL
import PureCloud
import PureCloudLua

/// Runs what lua.c's `pmain` runs, in its order, in one Lua state on a dedicated thread (the
/// state never leaves it): LUA_INIT, the `-e`/`-l`/`-W` options, the script with its `arg`
/// table and `...`, then the REPL (`-i`, or no script on a terminal) or standard input.
/// Messages and tracebacks go to stderr; the result is an exit status for cron.
/// `@unchecked Sendable`: it is built on the main thread and handed to the Lua thread, which alone
/// uses it from then on.
final class ScriptRunner: @unchecked Sendable {
    let line: LuaCommandLine
    /// The script's arguments: arg[1...] (and so `...`, read from `arg` when the script starts).
    let scriptArguments: [[UInt8]]
    let session: PurecloudSession
    let signals: SignalHandling
    /// After the script, open the REPL on the same state, labelled with the org in use.
    let interactiveLabel: String?
    /// No script, no `-e`, no `-v` and no terminal: the chunk is standard input (lua.c).
    let readsStandardInput: Bool
    /// Whether standard input is a terminal: the REPL is pclua's there, lua.c's plain loop elsewhere.
    let onTerminal = isatty(STDIN_FILENO) != 0
    /// What a run that stops before it finishes says about what it changed.
    let ending: RunEnding?

    init(line: LuaCommandLine, scriptArguments: [[UInt8]], session: PurecloudSession, signals: SignalHandling,
         interactiveLabel: String?, readsStandardInput: Bool, ending: RunEnding?) {
        self.ending = ending
        self.line = line
        self.scriptArguments = scriptArguments
        self.session = session
        self.signals = signals
        self.interactiveLabel = interactiveLabel
        self.readsStandardInput = readsStandardInput
    }

    /// Runs everything on a new thread with a large stack and returns the exit status.
    func runOnLuaThread() -> Int32 {
        var status = ExitStatus.scriptError
        // Not on this thread if none can be made: the main thread's stack may be smaller than Lua needs.
        if let reason = LuaThread.run({ status = self.run() }) {
            say("cannot start the thread Lua runs on: \(reason)")
        }
        return status
    }

    func run() -> Int32 {
        let status = runSteps()
        // A script or chunk that stopped part way says what it changed (os.exit reaches the same
        // report through its hook); the REPL's own calls report as they go.
        return interactiveLabel == nil ? ending?.finish(status) ?? status : status
    }

    private func runSteps() -> Int32 {
        // lua.c's -i implies -v; pclua's terminal REPL has its own banner instead.
        if line.showVersion || (interactiveLabel != nil && !onTerminal) {
            emit(LuaHost.copyright)
        }
        let state: LuaState
        do { state = try LuaState(ignoreEnvironment: line.ignoreEnvironment) } catch {
            say("cannot create a Lua state: \(error)")
            return ExitStatus.scriptError
        }
        guard state.installProcessFunctions() else {
            say("not enough memory")
            return ExitStatus.scriptError
        }
        if session.log.format == .json {  // warn() and -W: log lines, not "Lua warning: ..." text
            warningLog = session.log
            state.sendWarnings { message in
                guard let message else { return }
                warningLog?.warn("Lua warning: " + String(cString: message))
            }
        }
        signals.watch(state)
        // Under a process memory limit, the room kept for the host goes back to it before the
        // first request: the threads that request starts need it (CLuaShim's state.c).
        let room = HostRoom(state)
        session.bridge.beforeFirstCall { room.release() }
        defer {
            session.bridge.forgetBeforeFirstCall()  // nothing may touch the state once it is closed
            signals.stop()  // before the state closes: a late signal must not reach it
            state.close()   // pending finalizers run now, as at lua.c's exit (print works there)
        }
        PurecloudModule.install(into: state, session: session)
        // os.exit (in a task too) first cancels what is in flight and waits for it, so that the
        // audit log has each write's outcome before the run's report.
        let bridge = session.bridge
        RunEnding.beforeExit { bridge.cancelAll(); bridge.drain(seconds: 15) }
        do { try state.installExit(hook: RunEnding.exitHook) } catch {
            printError("\(ProgramName.current): not enough memory")
            return ExitStatus.scriptError
        }
        setArgTable(state)
        state.useGenerationalCollector()
        if !line.ignoreEnvironment {
            let status = runInit(state)
            if status != ExitStatus.success { return status }
        }
        for action in line.actions {
            let status = run(action, in: state)
            if status != ExitStatus.success { return status }
        }
        if let script = line.script {
            // "-" is standard input, unless it came after "--" (then it is a file named "-").
            let afterDoubleDash = line.scriptIndex.map { $0 > 1 && line.argv[$0 - 1] == Array("--".utf8) } ?? false
            let path: [UInt8]? = script == [UInt8(ascii: "-")] && !afterDoubleDash ? nil : script
            let status = execute(in: state, loadedArguments: 1, pushesCaller: true) {
                // f(script) reads the script's arguments from `arg` when it starts, as lua.c does.
                state.pushScriptCaller()
                try state.loadFile(path: path)
            }
            if status != ExitStatus.success { return status }
        } else if readsStandardInput {
            let status = execute(in: state) { try state.loadFile(path: nil) }
            if status != ExitStatus.success { return status }
        }
        if let label = interactiveLabel {
            // Off a terminal (`pclua -i < file`), lua.c's plain loop, as a program driving it expects.
            if !onTerminal { return PlainREPL(state: state, session: session).run() }
            let history = REPL.defaultHistoryPath(environment: ProcessInfo.processInfo.environment)
            let status = REPL(state: state, session: session, label: label, historyPath: history).run()
            // SIGTERM ends the REPL (the line editor gives up on it) as it ends lua5.4.
            return LuaHost.signalTaken == SIGTERM ? ExitStatus.interrupted : status
        }
        if session.bulkFailures > 0 {
            say("\(session.bulkFailures) bulk membership call\(session.bulkFailures == 1 ? "" : "s") reported ids that could not be changed (see the log)")
            return ExitStatus.partialFailure
        }
        return ExitStatus.success
    }

    /// LUA_INIT_5_4, else LUA_INIT: a chunk, or `@file` to run a file (lua.c's handle_luainit).
    private func runInit(_ state: LuaState) -> Int32 {
        var name = "LUA_INIT_5_4"
        var value = getenv(name)
        if value == nil {
            name = "LUA_INIT"
            value = getenv(name)
        }
        guard let value else { return ExitStatus.success }
        let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: strlen(value)))
        if bytes.first == UInt8(ascii: "@") {
            return execute(in: state) { try state.loadFile(path: Array(bytes.dropFirst())) }
        }
        return execute(in: state) { try state.load(bytes: bytes, name: "=" + name) }
    }

    private func run(_ action: LuaCommandLine.Action, in state: LuaState) -> Int32 {
        switch action {
        case let .chunk(code):
            return execute(in: state) { try state.load(bytes: code, name: "=(command line)") }
        case let .library(global, module):
            // global = require(module), called like any chunk so errors read the same.
            return execute(in: state, arguments: [global, module], pushesCaller: true) { state.pushRequireFunction() }
        case .warningsOn:
            state.turnWarningsOn()
            return ExitStatus.success
        }
    }

    /// Loads a function with `load` (which may push `loadedArguments` values after it), calls it
    /// with those and `arguments` (bytes, as given), and reports a failure. `pushesCaller`: the
    /// function `load` pushes is itself a C function (then no C caller is added).
    private func execute(in state: LuaState, arguments: [[UInt8]] = [], loadedArguments: Int32 = 0, pushesCaller: Bool = false,
                         load: () throws -> Void) -> Int32 {
        let base = state.top
        defer { state.main.settop(base) }
        do {
            // Called from C, as lua.c's pmain calls everything (unless `load` pushes a C caller).
            if !pushesCaller { state.pushChunkCaller() }
            try load()
            for argument in arguments { argument.withUnsafeBytes { state.main.push(bytes: $0) } }
            defer { session.clearProgress() }  // what is printed next starts on a clean line
            // The tasks the chunk started run to their end (or stop with it: issue 23).
            try session.finishingTasks(state) {
                try state.protectedCall(nargs: (pushesCaller ? 0 : 1) + loadedArguments + Int32(arguments.count), nresults: 0)
            }
            return ExitStatus.success
        } catch let error as LuaError {
            return report(error, state: state)
        } catch let error as LuaFileError {
            say(error.message)
            return ExitStatus.usage
        } catch {
            say("\(error)")
            return ExitStatus.scriptError
        }
    }

    /// A message for the operator: plain text on stderr, or one JSON line with --log-format json.
    /// `bytes`, when given, is the whole text (message and traceback) as Lua had it: printed as
    /// it is, as lua.c prints it, so a message with bytes that are not UTF-8 keeps them.
    private func say(_ message: String, traceback: String? = nil, bytes: [UInt8]? = nil) {
        if session.log.format == .json {
            session.log.log(.error, message, traceback.map { [("traceback", .string($0))] } ?? [])
        } else if let bytes, !bytes.isEmpty {
            writeStandardError(bytes: Array("\(ProgramName.current): ".utf8) + bytes + [UInt8(ascii: "\n")])
        } else {
            printError("\(ProgramName.current): \(message)")
            if let traceback { printError(traceback) }
        }
    }

    private func report(_ error: LuaError, state: LuaState) -> Int32 {
        let failure = ScriptFailure(error, state: state, session: session)
        // Errors meant for a person (the API's, the network's, configuration and credentials)
        // are one line; the traceback through pclua's internals helps only a developer.
        let debugging = session.log.enabled(.debug)
        switch failure.kind {
        case .syntax:
            say(failure.message, bytes: failure.bytes)
            return ExitStatus.scriptError
        case .interrupted:
            say("interrupted")
            return ExitStatus.interrupted
        case .memory:
            say("not enough memory")
            return ExitStatus.scriptError
        case let .api(status, code, operation, hasReport):
            say(failure.message, traceback: debugging ? failure.traceback : nil)
            if session.bridge.isShuttingDown { return ExitStatus.interrupted }
            if operation == "authenticate", [400, 401].contains(status) { return ExitStatus.authentication }
            if ["org.mismatch", "org.unknown"].contains(code) { return ExitStatus.wrongOrg }
            return hasReport ? ExitStatus.partialFailure : ExitStatus.scriptError
        case let .person(configuration):
            say(failure.message, traceback: debugging ? failure.traceback : nil)
            if session.bridge.isShuttingDown { return ExitStatus.interrupted }
            return configuration ? ExitStatus.usage : ExitStatus.scriptError
        case let .value(withTraceback):
            // lua.c's msghandler: __tostring's text alone, or "(error object is a T value)" with a traceback.
            say(failure.message, traceback: withTraceback ? failure.userTraceback : nil)
        case .script:
            if String(validating: failure.bytes, as: UTF8.self) == nil {
                // A message that is not UTF-8 goes out byte for byte, as lua.c prints it.
                say(failure.message, traceback: failure.traceback, bytes: failure.bytes)
            } else {
                // lua.c's message and traceback, with the user's lines first and pclua's Lua
                // internals (the prelude) left out.
                say(failure.message, traceback: debugging ? failure.traceback : failure.userTraceback)
            }
        }
        return session.bridge.isShuttingDown ? ExitStatus.interrupted : ExitStatus.scriptError
    }

    /// lua.c's `arg`: the script at index 0, its arguments at 1...n, the interpreter and every
    /// option before the script at negative indices; with no script, argv[0] is at index 0 and
    /// the options follow it. Bytes as given.
    private func setArgTable(_ state: LuaState) {
        let scriptIndex = line.scriptIndex ?? 0
        let entries = Array(line.argv[...scriptIndex]) + (line.scriptIndex == nil ? Array(line.argv.dropFirst()) : scriptArguments)
        state.setGlobal("arg") { call in
            call.newTable(arrayCapacity: Int32(max(0, entries.count - scriptIndex - 1)), recordCapacity: Int32(scriptIndex + 1))
            for (index, entry) in entries.enumerated() {
                entry.withUnsafeBytes { call.push(bytes: $0) }
                call.setIndex(-2, index - scriptIndex)
            }
        }
    }
}

/// The log Lua's warnings go to with --log-format json (read by a C callback, which captures nothing).
nonisolated(unsafe) private var warningLog: EventLog?

/// The state's room for the host, released from the bridge's first call (on the Lua thread, the
/// state's own: `@unchecked Sendable` only to be captured by that closure).
private struct HostRoom: @unchecked Sendable {
    let state: LuaState
    init(_ state: LuaState) { self.state = state }
    func release() { state.releaseHostRoom() }
}
