import CLua
import Foundation
import LuaKit
import LuaREPL
import PureCloud
import PureCloudLua

/// Runs chunks and a script in one Lua state on a dedicated thread (the state never leaves it),
/// the way lua.c's pmain does: `arg` table, `...` for the script's arguments, message and
/// traceback on stderr, an exit status for cron. `@unchecked Sendable`: it is built on the main
/// task and handed to the Lua thread, which alone uses it from then on.
final class ScriptRunner: @unchecked Sendable {
    enum Source {
        case chunk(String)
        case file(path: String, arguments: [String])
        case standardInput(arguments: [String])
    }

    let sources: [Source]
    let session: PurecloudSession
    let scriptName: String?
    let scriptArguments: [String]
    /// After the sources, open the REPL on the same state, labelled with the org in use.
    let interactiveLabel: String?

    init(sources: [Source], session: PurecloudSession, scriptName: String?, scriptArguments: [String], interactiveLabel: String? = nil) {
        self.sources = sources
        self.session = session
        self.scriptName = scriptName
        self.scriptArguments = scriptArguments
        self.interactiveLabel = interactiveLabel
    }

    /// Runs everything on a new thread with a large stack and returns the exit status.
    func runOnLuaThread(onStart: @escaping @Sendable (LuaInterruptTarget) -> Void) async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let thread = Thread { continuation.resume(returning: self.run(onStart: onStart)) }
            thread.stackSize = 16 << 20
            thread.name = "lua"
            thread.start()
        }
    }

    func run(onStart: (LuaInterruptTarget) -> Void) -> Int32 {
        let state: LuaState
        do { state = try LuaState() } catch {
            printError("pclua: cannot create a Lua state: \(error)")
            return ExitStatus.scriptError
        }
        onStart(state.interruptTarget)
        PurecloudModule.install(into: state, session: session)
        setArgTable(state)
        for source in sources {
            let status = run(source, in: state)
            if status != ExitStatus.success && interactiveLabel == nil { return status }
        }
        if let label = interactiveLabel {
            let history = REPL.defaultHistoryPath(environment: ProcessInfo.processInfo.environment)
            return REPL(state: state, session: session, label: label, historyPath: history).run()
        }
        if session.bulkFailures > 0 {
            say("\(session.bulkFailures) bulk membership call\(session.bulkFailures == 1 ? "" : "s") reported ids that could not be changed (see the log)")
            return ExitStatus.partialFailure
        }
        return ExitStatus.success
    }

    private func run(_ source: Source, in state: LuaState) -> Int32 {
        let code: String
        let name: String
        var arguments: [String] = []
        switch source {
        case let .chunk(text):
            code = text
            name = "=(command line)"
        case let .file(path, args):
            guard let data = FileManager.default.contents(atPath: path) else {
                say("cannot open \(path): \(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")")
                return ExitStatus.usage
            }
            code = String(decoding: Self.skippingShebang(data), as: UTF8.self)
            name = "@" + path
            arguments = args
        case let .standardInput(args):
            code = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            name = "=stdin"
            arguments = args
        }
        let base = state.top
        defer { lua_settop(state.mainThread, base) }
        do {
            try state.load(code, name: name)
            for argument in arguments { state.main.push(argument) }
            try state.protectedCall(nargs: Int32(arguments.count), nresults: 0)
            return ExitStatus.success
        } catch let error as LuaError {
            return report(error)
        } catch {
            say("\(error)")
            return ExitStatus.scriptError
        }
    }

    /// A first line starting with `#` (a shebang) is skipped, as lua.c does; the newline stays so
    /// line numbers in messages match the file.
    static func skippingShebang(_ data: Data) -> Data {
        guard data.first == UInt8(ascii: "#") else { return data }
        guard let newline = data.firstIndex(of: UInt8(ascii: "\n")) else { return Data() }
        return data[newline...]
    }

    /// A message for the operator: plain text on stderr, or one JSON line with --log-format json.
    private func say(_ message: String, traceback: String? = nil) {
        if session.log.format == .json {
            session.log.log(.error, message, traceback.map { [("traceback", .string($0))] } ?? [])
        } else {
            printError("pclua: \(message)")
            if let traceback { printError(traceback) }
        }
    }

    private func report(_ error: LuaError) -> Int32 {
        switch error {
        case let .syntax(message, _):
            say(message)
            return ExitStatus.scriptError
        case .interrupted:
            say("interrupted")
            return ExitStatus.interrupted
        case .memory:
            say("not enough memory")
            return ExitStatus.scriptError
        case let .runtime(message, traceback, value):
            say(message, traceback: traceback)
            if session.bridge.isShuttingDown { return ExitStatus.interrupted }
            if let value, let failure = session.apiError(value) {
                if failure.operation == "authenticate", [400, 401].contains(failure.status) { return ExitStatus.authentication }
                if failure.hasReport { return ExitStatus.partialFailure }
            }
            if let configuration = session.lastConfigurationError, message.hasSuffix(configuration.description) { return ExitStatus.usage }
            return ExitStatus.scriptError
        }
    }

    /// `arg[0]` is the script, `arg[1..n]` its arguments, negative indices the interpreter and
    /// options (lua.c's convention).
    private func setArgTable(_ state: LuaState) {
        state.setGlobal("arg") { call in
            call.newTable(arrayCapacity: Int32(scriptArguments.count), recordCapacity: 2)
            call.push(CommandLine.arguments.first ?? "pclua")
            call.setIndex(-2, -1)
            call.push(scriptName ?? "")
            call.setIndex(-2, 0)
            for (index, argument) in scriptArguments.enumerated() {
                call.push(argument)
                call.setIndex(-2, index + 1)
            }
        }
    }
}
