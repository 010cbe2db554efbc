import LuaKit
import PureCloud

/// The methods of an API object (`GroupsApi`, `UsersApi`): one per operation of its entry in the
/// operation table, with the SDK's names and argument order (required arguments positional,
/// optional ones in a trailing options table). Nothing here is specific to one API.
enum ApiMethods {
    static func install(_ api: APIDefinition, _ call: LuaCall, session: PurecloudSession) {
        for op in api.operations {
            call.push(function: op.name) { c in try invoke(api, op, c, session: session) }
            call.setField(-2, op.name)
        }
        installLookahead(api, call, session: session)
        // api:stats(): what this connection's transport did so far (requests, retries, waits).
        call.setFunctions([method(api, "stats", parameters: [], session: session) { c in
            let handle = try self.handle(api, c, function: "stats", session: session)
            let counts = try session.client(handle: handle).transport.counts
            LuaJSON(c, anchors: session.anchors).push(.object([
                ("requests", .int(Int64(counts.requests))), ("writes", .int(Int64(counts.writes))), ("retries", .int(Int64(counts.retries))),
                ("rate_limited", .int(Int64(counts.rateLimited))), ("tokens_fetched", .int(Int64(counts.tokensFetched))),
                ("pace_waits", .int(Int64(counts.paceWaits))), ("seconds_waited", .double((counts.secondsWaited * 10).rounded() / 10)),
            ]))
            return 1
        }], in: -1)
    }

    /// A helper method of `api`'s objects (`api:find_group(name)`): its object is checked first (a
    /// call with a dot is told to use a colon), then its declared arguments, counted after the object.
    static func method(_ api: APIDefinition, _ name: String, parameters: [HostParameter], refusesExtraArguments: Bool = false,
                       session: PurecloudSession, _ body: @escaping HostFunction) -> HostFunctionSpec {
        HostFunctionSpec(name, parameters: parameters, refusesExtraArguments: refusesExtraArguments,
                         receiver: { c in _ = try handle(api, c, function: name, session: session) }, body)
    }

    /// `purecloud.GroupsApi.new()` (or `UsersApi.new()`) uses the session's configuration (flags,
    /// environment, configure); `.new{ environment = ..., client_id = ..., ... }` gets its own client.
    static func new(_ api: APIDefinition, _ call: LuaCall, session: PurecloudSession) throws -> Int32 {
        var handle = 0
        if call.type(at: 1) != .nil && call.type(at: 1) != .none {
            let reader = try OptionReader(call, index: 1, function: "\(api.name).new", position: 1, known: ConnectionOptions.keys)
            var settings = session.settings
            if settings.sealed == nil && (reader.has("client_id") || reader.has("access_token") || reader.has("profile")) {
                settings.credentials = nil  // an explicit login does not inherit the session's
            }
            session.noteSealed(ignoring: try ConnectionOptions.apply(reader, to: &settings), by: "\(api.name).new")
            handle = session.addClient(try settings.clientConfiguration())
        }
        let slot = call.newUserdata(size: MemoryLayout<Int>.size)!
        slot.storeBytes(of: handle, as: Int.self)
        call.push(anchor: ModuleAnchors.apiMT(api))
        call.setMetatable(-2)
        return 1
    }

    /// The client handle of the API object at index 1, or nil when it is not one of `api`'s: a
    /// userdata of the handle's size whose metatable is the API's (luaL_testudata's check, which a
    /// value handed in from Lua must pass before its bytes are read).
    static func handle(_ api: APIDefinition, _ call: LuaCall, anchors: ModuleAnchors) -> Int? {
        guard call.type(at: 1) == .userdata, call.rawLength(1) == MemoryLayout<Int>.size, call.getMetatable(1) else { return nil }
        defer { call.pop() }
        guard let identity = call.identity(at: -1), anchors.apiIdentities[api.name] == identity,
              let pointer = call.userdata(at: 1) else { return nil }
        return pointer.load(as: Int.self)
    }

    /// The handle, or the Lua-style error a method called without its object (or with a dot) gets.
    static func handle(_ api: APIDefinition, _ call: LuaCall, function: String, session: PurecloudSession) throws -> Int {
        guard let handle = handle(api, call, anchors: session.anchors) else {
            // A value that only borrows the name (the class's metatable, a table with that __name)
            // is said to be what it is.
            let expected = "purecloud.\(api.name)"
            var got = call.typeName(at: 1)
            if got == expected { got = "a \(call.type(at: 1).name) named \(expected), not an object of \(expected).new()" }
            throw LuaArgumentError(position: 1, function: function,
                                   message: "\(expected) expected, got \(got); call it with a colon: \(api.variable):\(function)(...)")
        }
        return handle
    }

    static func invoke(_ api: APIDefinition, _ op: Operation, _ call: LuaCall, session: PurecloudSession) throws -> Int32 {
        let handle = try handle(api, call, function: op.name, session: session)
        let json = LuaJSON(call, anchors: session.anchors)
        var arguments: [String: JSONValue] = [:]
        let positional = op.positional
        for (offset, name) in positional.enumerated() {
            let index = Int32(offset + 2)
            arguments[name] = try positionalArgument(op, name, call, index: index, position: offset + 1, json: json)
        }
        let optionsIndex = Int32(positional.count + 2)
        switch call.type(at: optionsIndex) {
        case .none, .nil: break
        case .table:
            try readOptions(op, call, index: optionsIndex, json: json, into: &arguments)
        default:
            let expected = op.optionKeys.isEmpty ? "no more arguments" : "options table"
            throw LuaArgumentError(position: positional.count + 1, function: op.name, message: "\(expected) expected, got \(call.typeName(at: optionsIndex))")
        }
        let client = try session.client(handle: handle)
        let (operation, request) = try client.prepare(op.name, arguments)
        if op.isWrite { session.forgetGroupListings() }
        // In a task the request is sent and the task waits for it while others run (issue 23).
        return try session.valueWhenDone(call, { try await client.perform(operation, request) }) { c, response in
            guard let response else { return 0 }
            noteGroupNames(op, response, session: session)
            return try push(response, LuaJSON(c, anchors: session.anchors))
        }
    }

    /// The REPL completes group names it has seen: those of answers that are groups or pages of them.
    static func noteGroupNames(_ op: Operation, _ response: APIResponse?, session: PurecloudSession) {
        guard session.collectGroupNames, let response, returnsGroups(op), let value = response.json else { return }
        session.noteGroupNames(in: value)
    }

    /// A Group, or a model with an array of them (a listing, a search page), per the operation table.
    static func returnsGroups(_ op: Operation) -> Bool {
        guard let response = op.response else { return false }
        if response == "Group" { return true }
        return Models.all[response]?.fields.contains { if case .array(.model("Group")) = $0.kind { true } else { false } } ?? false
    }

    static func push(_ response: APIResponse?, _ json: LuaJSON) throws -> Int32 {
        guard let response, !response.body.isEmpty else { return 0 }
        try json.push(jsonBytes: response.body)
        return 1
    }

    /// `api:_start(operation, ...)` checks the arguments and sends a read now, returning a handle
    /// for `api:_finish(handle)`; `api:_abandon(handle)` drops it. The iterators use these to fetch
    /// the next page while the script works through the current one. Reads only.
    static func installLookahead(_ api: APIDefinition, _ call: LuaCall, session: PurecloudSession) {
        call.push(function: "_start") { c in
            guard let name = c.string(at: 2), let op = api.operation(name), op.method == .get else {
                throw LuaArgumentError(position: 1, function: "_start", message: "a read operation's name expected")
            }
            c.remove(2)  // the rest is the operation's own argument list
            let handle = try handle(api, c, function: "_start", session: session)
            let json = LuaJSON(c, anchors: session.anchors)
            var arguments: [String: JSONValue] = [:]
            for (offset, parameter) in op.positional.enumerated() {
                arguments[parameter] = try positionalArgument(op, parameter, c, index: Int32(offset + 2), position: offset + 1, json: json)
            }
            let optionsIndex = Int32(op.positional.count + 2)
            if c.type(at: optionsIndex) == .table { try readOptions(op, c, index: optionsIndex, json: json, into: &arguments) }
            let client = try session.client(handle: handle)
            let (operation, request) = try client.prepare(op.name, arguments)
            let pending = session.bridge.start { try await client.perform(operation, request) }
            c.push(session.remember(pending, operation: op))
            return 1
        }
        call.setField(-2, "_start")
        call.push(function: "_finish") { c in
            guard let id = c.integer(at: 2), let (pending, op) = session.forget(Int(id)) else {
                throw LuaArgumentError(position: 1, function: "_finish", message: "a handle from _start expected")
            }
            return try session.whenDone(c, started: pending) { c, outcome in
                let response = try session.translatingErrors { try outcome.get() }
                noteGroupNames(op, response, session: session)
                return try push(response, LuaJSON(c, anchors: session.anchors))
            }
        }
        call.setField(-2, "_finish")
        call.push(function: "_abandon") { c in
            if let id = c.integer(at: 2), let (pending, _) = session.forget(Int(id)) { session.bridge.abandon(pending) }
            return 0
        }
        call.setField(-2, "_abandon")
    }

    static func positionalArgument(_ op: Operation, _ name: String, _ call: LuaCall, index: Int32, position: Int, json: LuaJSON) throws -> JSONValue {
        if name == op.body?.name {
            guard call.type(at: index) == .table else {
                throw LuaArgumentError(position: position, function: op.name, message: "\(op.body!.model) table expected, got \(call.typeName(at: index))")
            }
            return try json.value(at: index, path: op.body!.model)
        }
        let parameter = op.parameters.first { $0.name == name }!
        switch (parameter.kind, call.type(at: index)) {
        case (.string, .string), (.integer, .number):
            return try json.value(at: index, path: name)
        case (.stringList, .string), (.stringList, .table), (.commaSeparated, .string), (.commaSeparated, .table):
            return try json.value(at: index, path: name)
        case (.integer, _):
            throw LuaArgumentError(position: position, function: op.name, message: "number expected, got \(call.typeName(at: index))")
        case (.string, _):
            throw LuaArgumentError(position: position, function: op.name, message: "string expected, got \(call.typeName(at: index))")
        default:
            throw LuaArgumentError(position: position, function: op.name, message: "string or array of strings expected, got \(call.typeName(at: index))")
        }
    }

    /// Options are the optional parameters by their snake_case names; the camelCase wire name is
    /// accepted too, since scripts translated from other SDKs or the docs use either.
    static func readOptions(_ op: Operation, _ call: LuaCall, index: Int32, json: LuaJSON, into arguments: inout [String: JSONValue]) throws {
        let options = call.absolute(index)
        var keys: [String] = []
        var bad: String?
        call.forEach(options) {
            if let key = call.string(at: -2) { keys.append(key) } else { bad = call.typeName(at: -2) }
        }
        if let bad { throw ValidationError("\(op.name): option keys must be strings, got a \(bad)") }
        for key in keys.sorted() {
            let parameter = op.parameters.first { !$0.required && ($0.name == key || $0.wireName == key) }
            let name: String
            if let parameter { name = parameter.name }
            else if let body = op.body, !body.required, key == body.name { name = body.name }
            else {
                var message = "\(op.name): unknown option '\(Validator.shown(key))'"
                if let guess = Validator.closest(key, among: op.optionKeys) { message += " (did you mean '\(guess)'?)" }
                else { message += op.optionKeys.isEmpty ? " (\(op.name) takes no options)" : " (options: \(op.optionKeys.joined(separator: ", ")))" }
                throw ValidationError(message)
            }
            call.getField(options, key)
            defer { call.pop() }
            arguments[name] = try json.value(at: -1, path: name == op.body?.name ? op.body!.model : "\(op.name) option '\(key)'")
        }
    }
}
