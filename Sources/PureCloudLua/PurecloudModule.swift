import LuaKit
import PureCloud

/// Installs the `purecloud` module (DESIGN.md §4) into a Lua state: `require "purecloud"` and the
/// global `purecloud`. The table is built on its first use (CLuaShim's lazy.c): a script that never
/// touches it starts as fast as under lua5.4 (docs/benchmarks.md, figure 8). Each part is built by
/// a function of its own, in the order below: the shared values (anchors) first, then the module
/// table that refers to them, then the Lua prelude.
public enum PurecloudModule {
    public static func install(into state: LuaState, session: PurecloudSession) {
        let call = state.main
        let base = call.top
        defer { call.settop(base) }
        // Now, for every script: print clears the progress line first (as lua5.4's print otherwise),
        // and coroutines pass a task's waits on, also those a script makes before it first uses
        // the module and resumes after.
        do { try state.installPrint(before: clearProgressBeforeOutput) } catch {
            preconditionFailure("not enough memory to install print")  // at set-up: the heap is empty
        }
        if !call.installTaskCoroutines() { preconditionFailure("pclua's coroutine functions could not be installed") }
        // The builder is reachable from Lua (debug.getupvalue on the metamethods): it builds once,
        // into a table, whatever it is called with.
        let built = BuiltFlag()
        guard call.pushTableBuiltOnFirstUse(name: "purecloud", build: { c in
            guard c.type(at: 1) == .table, !built.value else { throw LuaError.runtime(message: "the purecloud module is built once, by its first use", traceback: nil, value: nil) }
            try build(c, module: 1, session: session)
            built.value = true
            return 0
        }) else { preconditionFailure("not enough memory to install the purecloud module") }
        state.registerModule("purecloud")
    }

    /// Builds the module now unless a use has: the terminal REPL walks its tables raw (completion)
    /// from its first prompt.
    public static func buildNow(in state: LuaState) {
        _ = try? state.run("local m = package.loaded.purecloud; local _ = type(m) == 'table' and m.null", name: "=purecloud")
    }

    /// Whether the module was built (only the Lua thread reads and sets it).
    private final class BuiltFlag { var value = false }

    /// Builds the module into the table at `module`, on the stack of the thread that first used
    /// it (`call`): a coroutine's, maybe, so nothing here touches another thread's stack.
    static func build(_ call: LuaCall, module: Int32, session: PurecloudSession) throws {
        let base = call.top
        defer { call.settop(base) }

        installNull(call, session: session)
        installArrayMetatable(call, session: session)
        installErrorMetatable(call, session: session)
        let methodTables = installAPIMetatables(call, session: session)

        // The module table.
        installValues(call, module: module)
        call.setFunctions(functions(session), in: module)
        installClasses(call, module: module, session: session)
        installJSON(call, module: module, session: session)
        installOperationNames(call, module: module)

        // Tasks (issue 23): purecloud.spawn, purecloud.map, and coroutine functions that pass a
        // task's waits on through the script's own coroutines.
        TaskFunctions.install(call, module: module, session: session)

        UtilityModules.installCSV(call, session: session)
        call.setField(module, "csv")
        UtilityModules.installLog(call, session: session)
        call.setField(module, "log")

        try installPrelude(call, module: module, methodTables: methodTables, session: session)
    }

    // MARK: Shared values (anchors)

    /// purecloud.null: a unique userdata that prints as "purecloud.null".
    private static func installNull(_ call: LuaCall, session: PurecloudSession) {
        _ = call.newUserdata(size: 1)
        call.newTable()
        call.push("purecloud.null"); call.setField(-2, "__name")
        call.push(function: "tostring") { c in c.push("purecloud.null"); return 1 }
        call.setField(-2, "__tostring")
        call.setMetatable(-2)
        session.anchors.nullIdentity = call.identity(at: -1)
        call.setAnchor(ModuleAnchors.null)
    }

    /// purecloud.array_mt: marks decoded arrays so `{}` goes back as [].
    private static func installArrayMetatable(_ call: LuaCall, session: PurecloudSession) {
        call.newTable()
        call.push("purecloud.array"); call.setField(-2, "__name")
        session.anchors.arrayMTIdentity = call.identity(at: -1)
        call.setAnchor(ModuleAnchors.arrayMT)
    }

    /// The ApiError metatable.
    private static func installErrorMetatable(_ call: LuaCall, session: PurecloudSession) {
        call.newTable()
        call.push("purecloud.ApiError"); call.setField(-2, "__name")
        call.push(function: "__tostring") { c in c.push(LuaApiError.describe(c)); return 1 }
        call.setField(-2, "__tostring")
        let anchorsForIs = { session.anchors }
        call.setFunctions([HostFunctionSpec("ApiError.is", parameters: [.optional(.any("value"))]) { c in
            var isError = false
            if c.type(at: 1) == .table, c.getMetatable(1) {
                isError = c.identity(at: -1) == anchorsForIs().errorMTIdentity
                c.pop()
            }
            c.push(isError)
            return 1
        }], in: -1)
        session.anchors.errorMTIdentity = call.identity(at: -1)
        call.setAnchor(ModuleAnchors.errorMT)
    }

    /// One metatable per API of the operation table (GroupsApi, UsersApi), whose __index is its
    /// methods table: the generated operations, then the helpers built on them. Returns the
    /// methods tables, for the prelude.
    private static func installAPIMetatables(_ call: LuaCall, session: PurecloudSession) -> [(APIDefinition, LuaRef)] {
        var methodTables: [(APIDefinition, LuaRef)] = []
        for api in OperationTable.apis {
            call.newTable()
            call.push(ModuleAnchors.apiMT(api)); call.setField(-2, "__name")
            call.newTable()
            ApiMethods.install(api, call, session: session)
            if api.name == GroupsAPI.definition.name {
                MembershipHelpers.install(call, session: session)
                GroupLookupHelper.install(call, session: session)
            }
            if api.name == UsersAPI.definition.name { ResolutionHelpers.install(call, session: session) }
            call.pushValue(-1)
            methodTables.append((api, call.ref()))
            call.setField(-2, "__index")
            call.push(function: "__tostring") { c in
                let handle = ApiMethods.handle(api, c, anchors: session.anchors) ?? 0
                let target = (try? session.client(handle: handle).configuration.environment.displayName) ?? "not configured"
                c.push("purecloud.\(api.name) (\(target))")
                return 1
            }
            call.setField(-2, "__tostring")
            session.anchors.apiIdentities[api.name] = call.identity(at: -1)
            call.setAnchor(ModuleAnchors.apiMT(api))
        }
        return methodTables
    }

    // MARK: The module table

    /// purecloud.version, and the shared values under their names.
    private static func installValues(_ call: LuaCall, module: Int32) {
        call.push(PurecloudVersion.current); call.setField(module, "version")
        call.push(anchor: ModuleAnchors.null); call.setField(module, "null")
        call.push(anchor: ModuleAnchors.arrayMT); call.setField(module, "array_mt")
        call.push(anchor: ModuleAnchors.errorMT); call.setField(module, "ApiError")
    }

    /// The module's own functions, their arguments declared (the binder checks them).
    static func functions(_ session: PurecloudSession) -> [HostFunctionSpec] {
        [configure(session), authenticate(session)]
    }

    /// purecloud.configure{...}: the session's settings.
    private static func configure(_ session: PurecloudSession) -> HostFunctionSpec {
        HostFunctionSpec("configure", parameters: [.table("options")]) { c in
            let reader = try OptionReader(c, index: 1, function: "configure", position: 1, known: ConnectionOptions.configureKeys)
            var settings = session.settings
            var ignored = try ConnectionOptions.apply(reader, to: &settings)
            if let progress = try reader.boolean("progress") { settings.progress = progress }
            // The SDK pattern (authenticate, then configure{ access_token = token }) under a
            // rehearsal hands back the emulator's own token: nothing to warn about.
            if let token = try reader.string("access_token"), session.knownSecrets.contains(token) { ignored.removeAll { $0 == "access_token" } }
            session.noteSealed(ignoring: ignored, by: "configure")
            session.update { $0 = settings }
            return 0
        }
    }

    /// purecloud.authenticate_with_client_credentials(id, secret [, environment]): the token.
    private static func authenticate(_ session: PurecloudSession) -> HostFunctionSpec {
        let name = "authenticate_with_client_credentials"
        let parameters: [HostParameter] = [
            .string("client_id", expected: "client id (string)"), .string("secret", expected: "client secret (string)"),
            .optional(.string("environment")),
        ]
        return HostFunctionSpec(name, parameters: parameters) { c in
            // Strings (checked by the spec), read as text within the options' length, and not empty.
            let arguments = LuaArguments(c, function: name)
            guard let id = try arguments.string(1), !id.isEmpty else {
                throw LuaArgumentError(position: 1, function: name, message: "client id (string) expected, got an empty string")
            }
            guard let secret = try arguments.string(2), !secret.isEmpty else {
                throw LuaArgumentError(position: 2, function: name, message: "client secret (string) expected, got an empty string")
            }
            var settings = session.settings
            if let environment = try arguments.string(3) {
                let named = try Environment.named(environment)
                if settings.sealed == nil { settings.environment = named }
            }
            if settings.sealed == nil {
                settings.credentials = .clientCredentials(id: id, secret: Secret(secret))
            } else {
                // A rehearsal: the token comes from the in-process emulator, whatever org was named.
                session.noteSealed(ignoring: ["client_id", "client_secret"] + (c.type(at: 3) == .string ? ["environment"] : []), by: name)
            }
            let configuration = try settings.clientConfiguration()
            let log = session.log
            let token = try session.wait {
                let transport = Transport(configuration: configuration, log: log)
                return try await transport.currentToken()
            }
            session.update { $0 = settings }
            session.rememberSecret(secret)
            session.rememberSecret(token.exposed)
            c.push(token.exposed)
            return 1
        }
    }

    /// purecloud.GroupsApi and purecloud.UsersApi, and the model constructors.
    private static func installClasses(_ call: LuaCall, module: Int32, session: PurecloudSession) {
        // purecloud.GroupsApi, purecloud.UsersApi
        for api in OperationTable.apis {
            call.newTable()
            call.setFunctions([HostFunctionSpec("\(api.name).new", parameters: [.optional(.table("options"))]) { c in
                try ApiMethods.new(api, c, session: session)
            }], in: -1)
            call.push(anchor: ModuleAnchors.apiMT(api)); call.setField(-2, "metatable")
            call.setField(module, api.name)
        }

        // Model constructors: purecloud.GroupCreate.new{...} validates and returns the table.
        for model in Models.requestModels {
            call.newTable()
            call.setFunctions([HostFunctionSpec("\(model).new", parameters: [.optional(.table("fields"))]) { c in
                try ModelConstructor.new(model, c, session: session)
            }], in: -1)
            call.push(model); call.setField(-2, "name")
            call.setField(module, model)
        }
    }

    /// purecloud.json: decode (C, CLuaShim's json_decode.c) and encode.
    private static func installJSON(_ call: LuaCall, module: Int32, session: PurecloudSession) {
        call.newTable()
        call.push(anchor: ModuleAnchors.null)
        call.push(anchor: ModuleAnchors.arrayMT)
        call.pushJSONDecodeFunction()  // C: it builds the tables under protection (and checks its own argument)
        call.setField(-2, "decode")
        call.setFunctions([jsonEncode(session)], in: -1)
        call.setField(module, "json")
    }

    /// purecloud.json.encode(value): any value (a missing one is null, as nil is).
    static func jsonEncode(_ session: PurecloudSession) -> HostFunctionSpec {
        HostFunctionSpec("json.encode", parameters: [.optional(.any("value"))]) { c in
            let value = try LuaJSON(c, anchors: session.anchors).value(at: 1, path: "value")
            c.push(value.text)
            return 1
        }
    }

    /// purecloud.operations: the names of every API's operations, for discovery.
    private static func installOperationNames(_ call: LuaCall, module: Int32) {
        call.newTable()
        for (i, op) in OperationTable.apis.flatMap(\.operations).enumerated() {
            call.push(op.name)
            call.setIndex(-2, i + 1)
        }
        call.setField(module, "operations")
    }

    // MARK: The prelude

    /// The Lua part: iterators and collect (Prelude.swift), generated from the table's paging facts.
    private static func installPrelude(_ call: LuaCall, module: Int32, methodTables: [(APIDefinition, LuaRef)], session: PurecloudSession) throws {
        let state = call.state
        try state.load(bytes: Prelude.source, name: Prelude.chunkName, on: call)
        call.pushValue(module)
        pushPreludeHooks(call, session: session)
        pushPagingFacts(call, methodTables: methodTables)
        // The host's own work, from the room kept for it: a script that filled Lua's heap before
        // its first use of the module still gets the module. It may fail for the script's reasons
        // (an interrupt, a hook of its own that raises): the first use's error, tried again later.
        try state.protectedCall(nargs: 3, nresults: 0, on: call, asHost: true)
    }

    /// The prelude's hooks into the session: the iterators' progress line, and error kinds.
    private static func pushPreludeHooks(_ call: LuaCall, session: PurecloudSession) {
        call.newTable()
        call.setFunctions([
            HostFunctionSpec("progress") { c in
                // Reachable from Lua (debug.getupvalue): every value checked like any other.
                let counts = 0...1_000_000_000_000_000
                if c.boolean(at: 4) { _ = session.startProgress() }
                let done = (try? c.checkedInteger(at: 2, in: counts)).flatMap { $0 } ?? 0
                let total = (try? c.checkedInteger(at: 3, in: counts)).flatMap { $0 }
                let what = (try? c.checkedString(at: 1, maxBytes: 200)).flatMap { $0 } ?? ""
                session.updateProgress(what, done: done, total: total)
                return 0
            },
            HostFunctionSpec("clear") { _ in session.clearProgress(); return 0 },
            HostFunctionSpec("columns") { c in c.push(TerminalWidth.columns()); return 1 },
        ], in: -1)
        // An error's kind (a message for a person, the interrupt) survives an iterator adding
        // the page it happened on.
        call.pushErrorKindFunction()
        call.setField(-2, "error_kind")
        call.pushMarkErrorFunction()
        call.setField(-2, "mark_error")
        call.push(LuaCall.interruptErrorKind)
        call.setField(-2, "interrupt_kind")
    }

    /// Per API: its methods table, metatable, class and variable names, and the paging facts of
    /// each operation that has an iterator.
    private static func pushPagingFacts(_ call: LuaCall, methodTables: [(APIDefinition, LuaRef)]) {
        call.newTable()
        for (api, methods) in methodTables {
            call.newTable()
            call.push(methods); call.setField(-2, "methods")
            call.push(anchor: ModuleAnchors.apiMT(api)); call.setField(-2, "metatable")
            call.push("purecloud.\(api.name)"); call.setField(-2, "class")
            call.push(api.variable); call.setField(-2, "variable")
            call.newTable()
            for op in api.operations {
                guard let paging = op.paging, let iterator = op.iterator else { continue }
                call.newTable()
                call.push(iterator); call.setField(-2, "iterator")
                call.push(paging == .entityListing ? "entities" : "results"); call.setField(-2, "key")
                call.push(op.iteratorPageSize ?? 25); call.setField(-2, "page_size")
                // Positional arguments before the options (a search's body counts as one).
                call.push(op.positional.count); call.setField(-2, "positional")
                if let body = op.body, body.required { call.push(body.model); call.setField(-2, "body_model") }
                if let next = op.nextPageOperation { call.push(next); call.setField(-2, "next_page") }
                call.setField(-2, op.name)
            }
            call.setField(-2, "paged")
            call.setField(-2, api.name)
        }
    }
}


/// print's hook (a C function pointer, so it captures nothing): a progress line on the terminal is
/// cleared before the text, wherever in the state's life print runs (finalizers at close included).
private func clearProgressBeforeOutput() {
    ProgressLine.clearForOtherOutput()
}
