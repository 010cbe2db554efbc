import LuaKit
import PureCloud
import PureCloudLua

/// `help(x)` for the module's values other than operations and models: found by where they sit in
/// the `purecloud` table (raw lookups only, nothing is called), or, for API objects, by their
/// metatable's name.
enum ModuleHelp {
    /// The dotted path (`purecloud.csv.rows`) of the value at `index`, searching the module two
    /// levels deep; nil when it is not one of the module's values.
    static func path(of index: Int32, _ call: LuaCall) -> String? {
        inModule(index, call) { value, module in path(of: value, in: module, call) }
    }

    /// `body(value, module)` with the value at `index` and the `purecloud` table on the stack
    /// (absolute indices); the stack as it was afterwards. Nil when there is no module table.
    static func inModule(_ index: Int32, _ call: LuaCall, _ body: (Int32, Int32) -> String?) -> String? {
        let top = call.top
        defer { call.settop(top) }
        let value = call.absolute(index)
        call.state.pushGlobal("purecloud")
        guard call.type(at: -1) == .table else { return nil }
        return body(value, call.top)
    }

    private static func path(of value: Int32, in module: Int32, _ call: LuaCall) -> String? {
        if call.rawEqual(module, value) { return "purecloud" }
        var found: String?
        var tables: [String] = []
        call.forEach(module) {
            guard found == nil, call.type(at: -2) == .string, let key = call.string(at: -2) else { return }
            if call.rawEqual(-1, value) { found = "purecloud.\(key)" } else if call.type(at: -1) == .table { tables.append(key) }
        }
        if let found { return found }
        for key in tables.sorted() {
            call.getField(module, key)
            let inner = call.top
            call.forEach(inner) {
                guard found == nil, call.type(at: -2) == .string, let name = call.string(at: -2) else { return }
                if call.rawEqual(-1, value) { found = "purecloud.\(key).\(name)" }
            }
            call.settop(module)
            if let found { return found }
        }
        return nil
    }

    /// The API an object (`purecloud.GroupsApi.new()`) belongs to, by its metatable's name.
    static func apiObject(at index: Int32, _ call: LuaCall) -> APIDefinition? {
        let top = call.top
        defer { call.settop(top) }
        guard call.getMetatable(index) else { return nil }
        call.getField(-1, "__name")
        guard let name = call.string(at: -1), name.hasPrefix("purecloud.") else { return nil }
        return OperationTable.api(String(name.dropFirst("purecloud.".count)))
    }

    /// What an API object offers: its operations, iterators and helpers, in a few lines.
    static func api(_ api: APIDefinition) -> String {
        let v = api.variable
        var lines = ["\(v) = purecloud.\(api.name).new(): a connection to the \(api.name.replacingOccurrences(of: "Api", with: "")) API. help(\(v).name) tells more of each."]
        lines.append("  operations:  " + wrap(api.operations.map(\.name)))
        let iterators = api.operations.compactMap(\.iterator)
        if !iterators.isEmpty {
            let example = api.operations.first { $0.iterator != nil && $0.positional.isEmpty }?.iterator ?? iterators[0]
            lines.append("  iterators:   " + wrap(Array(Set(iterators)).sorted()) + "  (for x in \(v):\(example)() do ... end)")
        }
        lines.append("  helpers:     " + wrap(ModuleSurface.helpers(of: api.name).map(\.name)))
        return lines.joined(separator: "\n")
    }

    private static func wrap(_ names: [String]) -> String {
        var lines: [String] = []
        var current = ""
        for name in names {
            let item = current.isEmpty ? name : current + ", " + name
            if item.count > 64 && !current.isEmpty {
                lines.append(current + ",")
                current = name
            } else {
                current = item
            }
        }
        lines.append(current)
        return lines.joined(separator: "\n               ")
    }

    /// Help by dotted path, from the module's declared surface. Model constructors and API classes
    /// are handled by the caller.
    static let texts: [String: String] = {
        var texts = ["purecloud": general]
        for entry in ModuleSurface.module { texts[entry.path] = Help.surface(entry) }
        for api in OperationTable.apis where api.name == GroupsAPI.definition.name || api.name == UsersAPI.definition.name {
            texts["purecloud.\(api.name).new"] = "purecloud.\(api.name).new([options])  -- a connection of the \(api.name); options as configure's (help(purecloud.configure))"
        }
        return texts
    }()

    /// `help()`: what there is, by task.
    static let general = """
        pclua: the Genesys Cloud Groups and Users APIs in Lua. help(x) describes any value below.
        Connect
          api = purecloud.GroupsApi.new()          groups (configured from flags, environment, profile)
          users = purecloud.UsersApi.new()         users
          purecloud.configure{ ... }               change the connection, dry_run, progress
        Read
          api:get_groups{ page_size = 10 }         any operation; Tab completes names, options, fields
          for g in api:each_group() do ... end     every page (help(api) lists the iterators)
          purecloud.collect(api:each_group())      every item in one array
          purecloud.table(rows, { "name", "memberCount" })   an aligned table of chosen columns
          api:find_group("Sales EMEA")             a group by name (nil and did-you-mean when none)
          purecloud.map(ids, function(id) ... end) many calls at once (also purecloud.spawn, task:wait)
        Change members (checked first, chunked, idempotent; dry_run = true shows the plan)
          api:add_members(group, people)           people: ids, emails, names or user tables
          api:remove_members(group, people)        api:sync_members(group, people)
          users:resolve{ "ana@example.com" }       emails, names, ids -> users
        Files, data, log
          purecloud.csv.rows(path), .read, .write  CSV as Excel writes it
          purecloud.json.encode/decode             purecloud.null is JSON null
          purecloud.log.info(message, fields)      the run's log
        Errors
          purecloud.ApiError.is(err)               what API failures raise (status, code, message...)
        Describe
          help(api), help(api.get_groups), help(purecloud.GroupCreate), help(purecloud.csv.rows)
          =expr or just expr prints a value; _ is the last result
          Ctrl-C cancels the line or the running call; Ctrl-D leaves.
        """
}
