import Dispatch
import Foundation
import LuaKit
import PureCloud
import PureCloudLua
import Synchronization

/// The interactive loop (lua.c semantics with a better printer): an expression line prints its
/// value, `=expr` works, an incomplete chunk asks for more, `_` holds the last result, Ctrl-C
/// cancels the line at the prompt or the running call (HTTP included), Ctrl-D leaves.
public final class REPL {
    let state: LuaState
    let session: PurecloudSession
    let label: String
    let editor: LineEditor
    let colour: Bool
    private let phase = PhaseBox()
    private var signalSource: (any DispatchSourceSignal)?

    enum Phase { case prompt, running }

    /// Whether Lua code is running; read by the SIGINT handler on another thread.
    final class PhaseBox: Sendable {
        private let value = Mutex(Phase.prompt)
        private let interrupt = Mutex(false)
        func set(_ phase: Phase) { value.withLock { $0 = phase } }
        var current: Phase { value.withLock { $0 } }
        /// Whether Ctrl-C came while code ran (reset when the next code starts).
        var interrupted: Bool {
            get { interrupt.withLock { $0 } }
            set { interrupt.withLock { $0 = newValue } }
        }
    }

    /// `label` names the org in the prompt ("emulator", "mypurecloud.ie").
    public init(state: LuaState, session: PurecloudSession, label: String, historyPath: String) {
        self.state = state
        self.session = session
        self.label = label
        colour = isatty(STDOUT_FILENO) != 0 && ProcessEnvironment.value("NO_COLOR") == nil
        editor = LineEditor(historyPath: historyPath)
        PurecloudModule.buildNow(in: state)
        session.collectGroupNames = true  // for Tab in api:find_group(" (names from answers, never a request)
        var completion = Completion(state: state)
        completion.groupNames = { [session] in session.seenGroupNames }
        LineEditor.completer = { line, word in completion.candidates(line: line, word: word) }
        installHelp()
    }

    public static func defaultHistoryPath(environment: [String: String]) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".local/state")
        return (base as NSString).appendingPathComponent("pclua/history")
    }

    /// Runs until Ctrl-D; returns the exit status.
    public func run() -> Int32 {
        watchSignals()
        defer { signalSource?.cancel() }
        // The org the session talks to, asked once now: the banner and the prompt name it.
        var where_ = label
        var orgLabel = label
        if label != Self.notConnected {
            do {
                if let identity = try session.identity() {
                    where_ = "org \(identity.orgDescription)\n  at \(identity.environment)" + (identity.clientName.map { ", OAuth client '\($0)'" } ?? "")
                    if let name = identity.orgName, identity.orgId != nil { orgLabel = label == "emulator" ? "emulator: \(name)" : name }
                }
            } catch {
                session.clearProgress()
                print("cannot tell which org this session talks to: \(error)")
            }
        }
        print(Self.banner(label: where_))
        var chunk = ""
        while true {
            // A dry run shows in the prompt (configure{ dry_run = true } too): nothing typed here writes.
            let target = session.settings.dryRun ? "\(orgLabel), dry run" : orgLabel
            let prompt = chunk.isEmpty ? paintPrompt("1", "pclua[\(target)]> ") : paintPrompt("2", "...> ")
            switch editor.readLine(prompt: prompt) {
            case .endOfInput where !chunk.isEmpty:
                // lua.c: the end of input on a continuation line reports the unfinished chunk
                // ("... near <eof>") and the REPL goes on.
                print("")
                reportUnfinished(chunk)
                chunk = ""
                continue
            case .endOfInput:
                print("")
                return 0
            case .interrupted:
                if !chunk.isEmpty { print(paint("2", "(cancelled)")) }
                chunk = ""
                continue
            case let .line(text):
                chunk = chunk.isEmpty ? text : chunk + "\n" + text
            }
            if chunk.trimmingCharacters(in: .whitespaces).isEmpty { chunk = ""; continue }
            if evaluate(chunk) == .incomplete { continue }
            if !HistoryFilter.carriesSecret(chunk, isSecret: session.isSecret) { editor.remember(chunk) }
            chunk = ""
        }
    }

    /// The first line: where the session is connected, or what to do when it is not.
    static func banner(label: String) -> String {
        let version = "pclua \(PurecloudVersion.current) (Lua 5.4)"
        if label == notConnected {
            return "\(version), not connected: start it with --emulator for a demo org, or give credentials "
                + "(--client-id and PURECLOUD_SECRET, a ~/.gc/config.toml profile, or purecloud.configure{...}; pclua --help).\n"
                + "help() shows what you can do; Ctrl-D leaves."
        }
        return "\(version) on \(label)\nhelp() shows what you can do; Ctrl-D leaves."
    }

    /// The label RunCommand gives a session without credentials.
    public static let notConnected = "not connected"

    enum Outcome { case done, incomplete }

    /// lua.c's order: the line as `return <line>` first (so expressions print), then as a statement.
    func evaluate(_ chunk: String) -> Outcome {
        let code = chunk.hasPrefix("=") ? "return " + chunk.dropFirst() : chunk
        let base = state.top
        defer { state.main.settop(base) }
        do {
            do {
                try state.load("return " + code + ";", name: "=stdin")
            } catch LuaError.syntax {
                try state.load(code, name: "=stdin")
            }
        } catch let LuaError.syntax(message, incomplete) {
            if incomplete { return .incomplete }
            print(paint("31", message))
            return .done
        } catch {
            print(paint("31", "\(error)"))
            return .done
        }
        phase.interrupted = false
        phase.set(.running)
        defer { phase.set(.prompt) }
        do {
            defer { session.clearProgress() }  // results and errors start on a clean line
            // The tasks the line started run to their end before the prompt (or stop with it).
            try session.finishingTasks(state) { try state.protectedCall(nargs: 0, nresults: LuaCall.allResults) }
        } catch let error as LuaError {
            let failure = ScriptFailure(error, state: state, session: session)
            // The user's lines, never pclua's Lua internals (the iterators' prelude).
            print(paint("31", failure.message))
            // A message meant for a person (a bad file, a refused plan), an ApiError and the
            // interrupt need no traceback; error({}) has one, as in lua.c.
            switch failure.kind {
            case .script, .value(withTraceback: true):
                if let traceback = failure.userTraceback { print(paint("2", traceback)) }
            default:
                break
            }
            return .done
        } catch {
            print(paint("31", "\(error)"))
            return .done
        }
        let results = state.top - base
        guard results > 0 else { return .done }
        // The printer, `_` and the call need a few slots above however many results there are.
        guard state.main.ensureStack(8) else {
            print(paint("31", "(cannot print \(results) results: too many values)"))
            return .done
        }
        // `_` is the first result; the printer gets them all.
        state.setGlobal("_") { $0.pushValue(base + 1) }
        state.main.push(anchor: "pclua.printer")
        state.main.rotate(base + 1, 1)
        do {
            try state.protectedCall(nargs: results, nresults: 1)
            print(state.main.string(at: -1) ?? "")
        } catch {
            print(paint("31", "(cannot print the result: \(error))"))
        }
        return .done
    }

    /// The error lua.c reports when the input ends inside an unfinished chunk.
    private func reportUnfinished(_ chunk: String) {
        let base = state.top
        defer { state.main.settop(base) }
        do {
            try state.load(chunk, name: "=stdin")
        } catch {
            print(paint("31", "\(error)"))
        }
    }

    private func paint(_ code: String, _ text: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// Colour codes inside a prompt must be marked as taking no room on the screen, or the line
    /// editor counts (and, in libedit, mangles) them: readline's markers \u{1} and \u{2} around each
    /// code, which libedit's readline interface reads as "print these bytes as they are".
    private func paintPrompt(_ code: String, _ text: String) -> String {
        colour ? "\u{1}\u{1B}[\(code)m\u{2}\(text)\u{1}\u{1B}[0m\u{2}" : text
    }

    /// SIGINT: at the prompt it clears the line; while code runs it stops the code and cancels the
    /// HTTP request in flight, and the session goes on. SIGTERM ends the REPL like Ctrl-D.
    private func watchSignals() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let target = state.interruptTarget
        let bridge = session.bridge
        let editor = self.editor
        let phase = self.phase
        source.setEventHandler {
            if phase.current == .running {
                phase.interrupted = true
                target.interrupt()
                bridge.cancelCurrent()
            } else {
                editor.interrupt()
            }
        }
        source.resume()
        signalSource = source
    }

    /// The global `help(x)`.
    private func installHelp() {
        let session = self.session
        state.setGlobal("help") { call in
            call.push(function: "help") { c in
                var method: String?
                var model: String?
                if c.type(at: 1) == .function {
                    method = Self.methodName(of: 1, c, session: session)
                } else if c.type(at: 1) == .table {
                    c.getField(1, "name")
                    if let name = c.string(at: -1), Models.all[name] != nil { model = name }
                    c.pop()
                }
                if c.type(at: 1) == .none || c.type(at: 1) == .nil {
                    print(ModuleHelp.general)
                    return 0
                }
                if method == nil && model == nil || ModuleHelp.apiObject(at: 1, c) != nil {
                    if let text = Self.moduleHelp(c) {
                        print(text)
                    } else {
                        print("\(c.typeName(at: 1)): no help for this value. help() lists what there is.")
                    }
                    return 0
                }
                print(Help.text(for: c, methodName: method, modelName: model))
                return 0
            }
        }
        // The printer, loaded once and kept.
        do {
            try state.load(bytes: Printer.source, name: Printer.chunkName)
            state.pushGlobal("purecloud")
            state.main.push(colour)
            state.main.push(function: "is_secret") { c in
                c.push(c.string(at: 1).map(session.isSecret) ?? false)
                return 1
            }
            try state.protectedCall(nargs: 3, nresults: 1)
            state.setAnchor("pclua.printer")
        } catch {
            preconditionFailure("the REPL printer failed to load: \(error)")  // a bug in pclua, caught by the REPL tests
        }
    }

    /// Help for the module's other values: API objects and classes, csv, json, log, configure...
    static func moduleHelp(_ c: LuaCall) -> String? {
        if let api = ModuleHelp.apiObject(at: 1, c) { return ModuleHelp.api(api) }
        if c.typeName(at: 1) == "purecloud.Task" { return ModuleHelp.texts["purecloud.spawn"] }  // a task of spawn
        guard let path = ModuleHelp.path(of: 1, c) else { return nil }
        if let text = ModuleHelp.texts[path] { return text }
        let parts = path.split(separator: ".").map(String.init)
        if parts.count >= 2, let api = OperationTable.api(parts[1]) { return ModuleHelp.api(api) }  // purecloud.GroupsApi(.metatable)
        if parts.count >= 2, let model = Models.all[parts[1]] { return Help.model(model) }  // purecloud.GroupCreate.new
        if parts.count == 3, let group = ModuleHelp.texts[parts[0] + "." + parts[1]] { return group }  // purecloud.log.warn
        return nil
    }

    /// The name under which a function sits in an API's methods table, if it does (Help.swift).
    static func methodName(of index: Int32, _ call: LuaCall, session: PurecloudSession) -> String? {
        Help.methodName(of: index, call)
    }
}

