import LuaKit
import PureCloud

/// `help(x)` for the module's values other than operations and models: found by where they sit in
/// the `purecloud` table (raw lookups only, nothing is called), or, for API objects, by their
/// metatable's name.
enum ModuleHelp {
    /// The dotted path (`purecloud.csv.rows`) of the value at `index`, searching the module two
    /// levels deep; nil when it is not one of the module's values.
    static func path(of index: Int32, _ call: LuaCall) -> String? {
        let top = call.top
        defer { call.settop(top) }
        let value = call.absolute(index)
        call.state.pushGlobal("purecloud")
        guard call.type(at: -1) == .table else { return nil }
        if call.rawEqual(-1, value) { return "purecloud" }
        let module = call.top
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
        var helpers = ["pages", "stats"]
        if api.name == GroupsAPI.definition.name { helpers = ["find_group", "add_members", "remove_members", "sync_members", "apply_memberships"] + helpers }
        if api.name == UsersAPI.definition.name { helpers = ["resolve"] + helpers }
        lines.append("  helpers:     " + wrap(helpers))
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

    /// Help by dotted path. Model constructors and API classes are handled by the caller.
    static let texts: [String: String] = [
        "purecloud": general,
        "purecloud.version": "purecloud.version  -- pclua's version, a string",
        "purecloud.null": """
            purecloud.null  -- JSON null. Decoded nulls are purecloud.null (a Lua nil would lose the key);
              send it to clear a field: api:put_group(id, { body = { description = purecloud.null, ... } })
            """,
        "purecloud.array_mt": """
            purecloud.array_mt  -- the metatable of decoded JSON arrays, so an empty one goes back as [].
              setmetatable({}, purecloud.array_mt) is an empty JSON array.
            """,
        "purecloud.ApiError": """
            purecloud.ApiError  -- what API failures raise: a table with status (0: no answer), code, message,
              operation, correlation_id, retry_after, attempts, body; tostring(err) is one line.
              local ok, err = pcall(api.get_group, api, id)
              if not ok and purecloud.ApiError.is(err) and err.status == 404 then ... end
            """,
        "purecloud.ApiError.is": "purecloud.ApiError.is(value)  -- true when value is an ApiError (what pcall caught from an API call)",
        "purecloud.configure": """
            purecloud.configure{ environment, base_url, client_id, client_secret, access_token, profile,
                                 dry_run, timeout, connect_timeout, pacing, retry = {...}, progress }
              Changes the session's connection (GroupsApi.new() / UsersApi.new() without arguments follow it).
              Usually nothing to do: pclua configures it from flags, environment or --emulator.
              progress = false turns the progress line of long work off (as --quiet does).
            """,
        "purecloud.authenticate_with_client_credentials": """
            purecloud.authenticate_with_client_credentials(client_id, secret[, environment])  -- the SDKs' way in:
              fetches a token, configures the session with these credentials, returns the token.
            """,
        "purecloud.GroupsApi.new": "purecloud.GroupsApi.new([options])  -- a Groups connection; options as configure's (help(purecloud.configure))",
        "purecloud.UsersApi.new": "purecloud.UsersApi.new([options])  -- a Users connection; options as configure's (help(purecloud.configure))",
        "purecloud.operations": "purecloud.operations  -- the names of every operation of every API (help(api.name) describes one)",
        "purecloud.collect": """
            purecloud.collect(iterator)  -- every item of an iterator in one array:
              local groups = purecloud.collect(api:each_group())   (reads every page; mind the size)
            """,
        "purecloud.spawn": """
            local task = purecloud.spawn(fn, ...)  -- runs fn(...) as a task: its API calls send their request and let
              other tasks run while it waits. task:wait() returns fn's results (or raises its error); tasks run
              while the script waits for them, and the tasks a line or script started end before it does.
            """,
        "purecloud.map": """
            local results, errors = purecloud.map(list, fn[, { concurrency = n }])  -- fn(item) for every item, as
              tasks, at most n at once (default --concurrency, 8): results[i] is fn(list[i])'s first value, in the
              list's order; errors[i] the error of an item that failed (the others still run). Requests of all
              tasks share the pacer: the rate limit is used, never exceeded. Ctrl-C stops them all.
            """,
        "purecloud.table": """
            purecloud.table(rows, { "name", "memberCount", ... })  -- prints an aligned table of those columns,
              one line per row, cut to the terminal's width. rows: a page (its entities or results), an
              array of entities, or purecloud.collect(...). A column may name a nested field ("division.name");
              without columns, the first row's fields that are plain values.
            """,
        "purecloud.json": "purecloud.json.encode(value), purecloud.json.decode(text)  -- JSON; null is purecloud.null, arrays keep purecloud.array_mt",
        "purecloud.json.encode": """
            purecloud.json.encode(value)  -- JSON text. purecloud.null is null; tables with purecloud.array_mt
              (and sequences) are arrays. Cycles, functions, NaN and invalid UTF-8 are errors.
            """,
        "purecloud.json.decode": "purecloud.json.decode(text)  -- a Lua value; null is purecloud.null, arrays carry purecloud.array_mt",
        "purecloud.csv": """
            purecloud.csv.rows(path[, { delimiter }])    for row, line in ... do (lazy; rows keyed by the header)
            purecloud.csv.read(path[, { delimiter }])    rows, header, info = ... (the whole file)
            purecloud.csv.write(path, rows, header[, { delimiter, bom }])
              The separator is the header's (, ; or tab) unless given. Excel's BOM and CRLF read fine;
              columns without a name in the header are ignored while empty, and blank rows are skipped.
            """,
        "purecloud.csv.rows": """
            for row, line in purecloud.csv.rows(path[, { delimiter = ";" }]) do ... end
              Lazily, one row at a time, keyed by the header; line is the file's line number. A malformed
              file fails naming file, line and column; a file that is not UTF-8 says to save it as "CSV UTF-8".
            """,
        "purecloud.csv.read": """
            local rows, header, info = purecloud.csv.read(path[, { delimiter }])  -- every row, keyed by the header,
              the header's names, and info.lines[i] (the line of row i) and info.blank_lines (rows whose
              fields are all empty, such as ;;; where rows were deleted: skipped).
            """,
        "purecloud.csv.write": """
            purecloud.csv.write(path, rows, header[, { delimiter = ";", bom = true }])
              Writes rows (tables keyed by the header's names) quoting as needed; bom = true for Excel.
            """,
        "purecloud.log": """
            purecloud.log.debug/info/warn/error(message[, fields])  -- the run's log on stderr, text or JSON lines
              (--log-format json), at or above --log-level (purecloud.log.level: the level in use).
            """,
        "purecloud.log.level": "purecloud.log.level  -- the run's log level (--log-level): debug, info, warn or error",
    ]

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
