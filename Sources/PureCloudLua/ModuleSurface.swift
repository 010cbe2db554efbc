import PureCloud

/// Everything the `purecloud` module offers besides what the operation table generates (operations,
/// iterators, model constructors), declared once as data: the bulk helpers with their options, the
/// module's functions and values, and the shapes of the tables they return. The helpers read their
/// option names from here, `help(x)` prints from here, and `pclua definitions` writes the editor's
/// definitions and luacheck's standard from here; ModuleSurfaceTests checks the live module against it.
public struct SurfaceEntry: Sendable {
    public enum Owner: Sendable, Equatable {
        /// `purecloud.csv.rows`: a value of the module table (the path says where).
        case module
        /// A method of the API objects of these APIs (`api:add_members`).
        case api([String])
    }

    /// `purecloud.csv.rows` for the module's values; the method's name for an API's.
    public let path: String
    public let owner: Owner
    /// The arguments (not the options table), nil for a value that is not a function.
    public let arguments: [SurfaceArgument]?
    /// The keys of the trailing options table, in the order help lists them.
    public let options: [SurfaceOption]
    /// What it returns (Lua Language Server types), or the value's type.
    public let returns: [String]
    /// What help says after the call line: what it does, with an example where one helps.
    public let help: String

    public var isFunction: Bool { arguments != nil }
    public var name: String { String(path.split(separator: ".").last ?? Substring(path)) }
    public var optionNames: [String] { options.map(\.name) }

    init(_ path: String, _ owner: Owner = .module, arguments: [SurfaceArgument]? = [], options: [SurfaceOption] = [],
         returns: [String] = [], _ help: String) {
        self.path = path
        self.owner = owner
        self.arguments = arguments
        self.options = options
        self.returns = returns
        self.help = help
    }

    /// The call as help shows it: `sync_members(group, people, { add_only, remove_only, ... })`.
    public var usage: String {
        guard let arguments else { return path }
        var parts = arguments.map { $0.optional ? "[\($0.name)]" : $0.name }
        if !options.isEmpty { parts.append("{ " + optionNames.joined(separator: ", ") + " }") }
        return "\(path)(" + parts.joined(separator: ", ") + ")"
    }
}

public struct SurfaceArgument: Sendable {
    public let name: String
    /// A Lua Language Server type: `string`, `string|purecloud.Group`, `(string|purecloud.User)[]`.
    public let type: String
    public let optional: Bool
    public let summary: String

    init(_ name: String, _ type: String, optional: Bool = false, _ summary: String = "") {
        self.name = name
        self.type = type
        self.optional = optional
        self.summary = summary
    }
}

public struct SurfaceOption: Sendable {
    public let name: String
    public let type: String
    public let summary: String

    init(_ name: String, _ type: String, _ summary: String) {
        self.name = name
        self.type = type
        self.summary = summary
    }
}

/// A table a helper returns, declared for the editor (`purecloud.MembershipReport`).
public struct SurfaceShape: Sendable {
    public let name: String
    public let summary: String
    public let fields: [SurfaceOption]
}

public enum ModuleSurface {
    static let groups = [GroupsAPI.definition.name]
    static let users = [UsersAPI.definition.name]
    static let everyAPI = [GroupsAPI.definition.name, UsersAPI.definition.name]

    static let group = SurfaceArgument("group", "string|purecloud.Group", "the group's id or the group table")
    static let people = SurfaceArgument("people", "(string|purecloud.User)[]", "ids, emails, full names or user tables, mixed")

    // The options every bulk membership helper takes; `removing` where it can remove people.
    static let common = [
        SurfaceOption("dry_run", "boolean", "plan and report, write nothing (true), or write despite the session's dry run (false)"),
        SurfaceOption("plan_only", "boolean", "return the plan without writing (no dry-run requests either)"),
        SurfaceOption("skip_unknown", "boolean", "report unknown, ambiguous, inactive or deleted people as failed instead of stopping"),
        SurfaceOption("include_inactive", "boolean", "accept inactive users"),
    ]
    static let removing = [
        SurfaceOption("max_removals", "integer", "most removals allowed (default: fewer than half of the direct members)"),
        SurfaceOption("allow_remove_all", "boolean", "allow removing every direct member"),
    ]
    static let syncOnly = [
        SurfaceOption("add_only", "boolean", "only add the missing people"),
        SurfaceOption("remove_only", "boolean", "only remove the people not listed"),
        SurfaceOption("remove", "boolean", "false: the same as add_only"),
    ]

    /// The helpers of the API objects (`api:add_members(...)`), by name.
    public static let helpers: [SurfaceEntry] = [
        SurfaceEntry(
            "find_group", .api(groups), arguments: [SurfaceArgument("name", "string", "the group's name, its case and surrounding spaces aside")],
            returns: ["purecloud.Group?", "string?", "string[]?"], """
              local group, message, suggestions = api:find_group("Sales EMEA")
              One exact search; when no group has the name: nil, a message with the closest names
              ("no group is named 'Sales EMAE'; did you mean 'Sales EMEA'?") and those names in an array.
              Two groups with the name are an error naming both ids (nothing is guessed).
              In the REPL, Tab inside find_group(" completes the group names seen so far.
            """),
        SurfaceEntry(
            "add_members", .api(groups), arguments: [group, people], options: common, returns: ["purecloud.MembershipReport"], """
              Adds people (ids, emails, full names or user tables, mixed) in chunks of 50, skipping members
              already there. Everyone is resolved first; an unknown, ambiguous, inactive or deleted entry
              stops it before any write (skip_unknown = true reports them as failed instead).
              Returns { added, removed, unchanged, failed, requests, names, ... }.
            """),
        SurfaceEntry(
            "remove_members", .api(groups), arguments: [group, people], options: common + removing, returns: ["purecloud.MembershipReport"], """
              Removes people in chunks of 50, skipping non-members. Refuses, before any write, to remove
              every member or more than half of them unless max_removals = n or allow_remove_all = true.
            """),
        SurfaceEntry(
            "sync_members", .api(groups), arguments: [group, people], options: common + removing + syncOnly,
            returns: ["purecloud.MembershipReport"], """
              Makes the group's direct members exactly `people`. The same checks as add_members and
              remove_members: an empty list, or removing everyone or more than half, stops with the numbers.
            """),
        SurfaceEntry(
            "apply_memberships", .api(groups),
            arguments: [SurfaceArgument("changes", "purecloud.MembershipChange[]", "{ group = g, add = people } (or remove =, sync =), each group once")],
            options: common + removing, returns: ["purecloud.MembershipReport[]"], """
              apply_memberships({ { group = g, add = people }, { group = h, remove = people }, ... }, { options })
              Many groups at once (one of add, remove, sync per change; each group once), with the options
              of the helpers above. Every group is checked before the first write to any, then up to
              `concurrency` groups are written side by side. Returns one report per change, in order.
            """),
        SurfaceEntry(
            "resolve", .api(users), arguments: [SurfaceArgument("list", "string[]", "emails, full names or ids")],
            options: [
                SurfaceOption("include_inactive", "boolean", "inactive users count as matched"),
                SurfaceOption("batch_size", "integer", "values per search request (1 to 100)"),
            ],
            returns: ["purecloud.Resolution"], """
              Emails (any case, trimmed), full names and ids (any case) to users, 100 per request.
              Returns { ids = { [input] = id }, users = { [id] = user }, matched, not_found, ambiguous =
              { [input] = { ids } }, inactive, deleted, not_indexed, requests }. Nothing is guessed.
            """),
        SurfaceEntry(
            "pages", .api(everyAPI), arguments: [SurfaceArgument("operation", "string", "a paged operation's name"), SurfaceArgument("...", "any", optional: true)],
            returns: ["fun(): table"],
            "whole pages: for page in api:pages(\"get_groups\", { page_size = 100 }) do ... end"),
        SurfaceEntry(
            "stats", .api(everyAPI), returns: ["purecloud.Stats"],
            "requests, retries, rate-limit waits and token fetches of this connection"),
    ]

    /// The module's own functions and values (`purecloud.x`, `purecloud.x.y`).
    public static let module: [SurfaceEntry] = [
        SurfaceEntry("purecloud.version", arguments: nil, returns: ["string"], "pclua's version, a string"),
        SurfaceEntry("purecloud.null", arguments: nil, returns: ["purecloud.Null"], """
              JSON null. Decoded nulls are purecloud.null (a Lua nil would lose the key);
              send it to clear a field: api:put_group(id, { body = { description = purecloud.null, ... } })
            """),
        SurfaceEntry("purecloud.array_mt", arguments: nil, returns: ["metatable"], """
              the metatable of decoded JSON arrays, so an empty one goes back as [].
              setmetatable({}, purecloud.array_mt) is an empty JSON array.
            """),
        SurfaceEntry("purecloud.ApiError", arguments: nil, returns: ["table"], """
              what API failures raise: a table with status (0: no answer), code, message,
              operation, correlation_id, retry_after, attempts, body; tostring(err) is one line.
              local ok, err = pcall(api.get_group, api, id)
              if not ok and purecloud.ApiError.is(err) and err.status == 404 then ... end
            """),
        SurfaceEntry("purecloud.ApiError.is", arguments: [SurfaceArgument("value", "any")], returns: ["boolean"],
                     "true when value is an ApiError (what pcall caught from an API call)"),
        SurfaceEntry(
            "purecloud.configure", arguments: [], options: configureOptions, returns: [], """
              Changes the session's connection (GroupsApi.new() / UsersApi.new() without arguments follow it).
              Usually nothing to do: pclua configures it from flags, environment or --emulator.
              progress = false turns the progress line of long work off (as --quiet does). The keys:
            """ + "\n" + ConnectionOptions.keyLines),
        SurfaceEntry(
            "purecloud.authenticate_with_client_credentials",
            arguments: [SurfaceArgument("client_id", "string"), SurfaceArgument("secret", "string"), SurfaceArgument("environment", "string", optional: true)],
            returns: ["string"], """
              the SDKs' way in: fetches a token, configures the session with these credentials, returns the token.
            """),
        SurfaceEntry("purecloud.operations", arguments: nil, returns: ["string[]"],
                     "the names of every operation of every API (help(api.name) describes one)"),
        SurfaceEntry("purecloud.collect", arguments: [SurfaceArgument("iterator", "function")], returns: ["table"], """
              every item of an iterator in one array:
              local groups = purecloud.collect(api:each_group())   (reads every page; mind the size)
            """),
        SurfaceEntry(
            "purecloud.spawn", arguments: [SurfaceArgument("fn", "function"), SurfaceArgument("...", "any", "fn's arguments")],
            returns: ["purecloud.Task"], """
              local task = purecloud.spawn(fn, ...)  -- runs fn(...) as a task: its API calls send their request and let
              other tasks run while it waits. task:wait() returns fn's results (or raises its error); tasks run
              while the script waits for them, and the tasks a line or script started end before it does.
            """),
        SurfaceEntry(
            "purecloud.map", arguments: [SurfaceArgument("list", "any[]", "the items (read when the call starts)"),
                                         SurfaceArgument("fn", "fun(item: any): any", "called with each item, as a task")],
            options: [SurfaceOption("concurrency", "integer", "most items at once, 1 to 64 (default: --concurrency)")],
            returns: ["any[]", "table<integer, any>"], """
              local results, errors = purecloud.map(list, fn[, { concurrency = n }])  -- fn(item) for every item, as
              tasks, at most n at once (default --concurrency, 8): results[i] is fn(list[i])'s first value, in the
              list's order; errors[i] the error of an item that failed (the others still run). Requests of all
              tasks share the pacer: the rate limit is used, never exceeded. Ctrl-C stops them all.
            """),
        SurfaceEntry(
            "purecloud.table", arguments: [SurfaceArgument("rows", "table"), SurfaceArgument("columns", "string[]", optional: true)], """
              prints an aligned table of those columns, one line per row, cut to the terminal's width.
              rows: a page (its entities or results), an array of entities, or purecloud.collect(...).
              A column may name a nested field ("division.name"); without columns, the first row's
              fields that are plain values.
            """),
        SurfaceEntry("purecloud.json", arguments: nil, returns: ["table"],
                     "purecloud.json.encode(value), purecloud.json.decode(text)  -- JSON; null is purecloud.null, arrays keep purecloud.array_mt"),
        SurfaceEntry("purecloud.json.encode", arguments: [SurfaceArgument("value", "any")], returns: ["string"], """
              JSON text. purecloud.null is null; tables with purecloud.array_mt (and sequences) are arrays.
              Cycles, functions, NaN and invalid UTF-8 are errors.
            """),
        SurfaceEntry("purecloud.json.decode", arguments: [SurfaceArgument("text", "string")], returns: ["any"],
                     "a Lua value; null is purecloud.null, arrays carry purecloud.array_mt"),
        SurfaceEntry("purecloud.csv", arguments: nil, returns: ["table"], """
              purecloud.csv.rows(path[, { delimiter }])    for row, line in ... do (lazy; rows keyed by the header)
              purecloud.csv.read(path[, { delimiter }])    rows, header, info = ... (the whole file)
              purecloud.csv.write(path, rows, header[, { delimiter, bom }])
              The separator is the header's (, ; or tab) unless given. Excel's BOM and CRLF read fine;
              columns without a name in the header are ignored while empty, and blank rows are skipped.
            """),
        SurfaceEntry(
            "purecloud.csv.rows", arguments: [SurfaceArgument("path", "string")], options: [delimiter],
            returns: ["fun(): table<string, string>?, integer?"], """
              for row, line in purecloud.csv.rows(path[, { delimiter = ";" }]) do ... end
              Lazily, one row at a time, keyed by the header; line is the file's line number. A malformed
              file fails naming file, line and column; a file that is not UTF-8 says to save it as "CSV UTF-8".
            """),
        SurfaceEntry(
            "purecloud.csv.read", arguments: [SurfaceArgument("path", "string")], options: [delimiter],
            returns: ["table<string, string>[]", "string[]", "purecloud.CSVInfo"], """
              local rows, header, info = purecloud.csv.read(path[, { delimiter }])  -- every row, keyed by the header,
              the header's names, and info.lines[i] (the line of row i) and info.blank_lines (rows whose
              fields are all empty, such as ;;; where rows were deleted: skipped).
            """),
        SurfaceEntry(
            "purecloud.csv.write",
            arguments: [SurfaceArgument("path", "string"), SurfaceArgument("rows", "table<string, any>[]"), SurfaceArgument("header", "string[]")],
            options: [delimiter, SurfaceOption("bom", "boolean", "start with a UTF-8 BOM, for Excel")], """
              Writes rows (tables keyed by the header's names) quoting as needed; bom = true for Excel.
            """),
        SurfaceEntry("purecloud.log", arguments: nil, returns: ["table"], """
              purecloud.log.debug/info/warn/error(message[, fields])  -- the run's log on stderr, text or JSON lines
              (--log-format json), at or above --log-level (purecloud.log.level: the level in use).
            """),
        SurfaceEntry("purecloud.log.level", arguments: nil, returns: ["\"debug\"|\"info\"|\"warn\"|\"error\""],
                     "the run's log level (--log-level): debug, info, warn or error"),
        SurfaceEntry("purecloud.log.format", arguments: nil, returns: ["\"text\"|\"json\""],
                     "the run's log format (--log-format): text or json"),
    ] + ["debug", "info", "warn", "error"].map { level in
        SurfaceEntry("purecloud.log.\(level)", arguments: [SurfaceArgument("message", "string"), SurfaceArgument("fields", "table", optional: true)],
                     "\(level == "info" || level == "error" ? "an" : "a") \(level) line of the run's log (text or JSON, --log-format), shown at --log-level \(level) or below")
    }

    static let delimiter = SurfaceOption("delimiter", "string", "the field separator: \",\", \";\" or \"\\t\" (default: the header's)")

    /// `configure{...}` and `*Api.new{...}`: the connection's settings, from the declaration of
    /// every setting (PureCloud/Settings.swift), in its order; the nested `retry` table is a shape.
    static let configureOptions: [SurfaceOption] = Settings.configureKeys().map { key in
        guard let setting = Settings.all.first(where: { $0.configure == key }) else {
            return SurfaceOption(key, "purecloud.\(key.prefix(1).uppercased() + key.dropFirst())Options",
                                 Settings.configureKeys(prefix: key).joined(separator: ", "))
        }
        return option(key, setting)
    }

    /// One setting as an option: its Lua type and its help line, with its range and default.
    static func option(_ name: String, _ setting: Setting) -> SurfaceOption {
        let type = switch setting.value {
        case .flag: "boolean"
        case .text, .choice: "string"
        case .count: "integer"
        case .seconds, .fraction: "number"
        }
        let only = setting.perConnection ? "" : " (configure only)"
        return SurfaceOption(name, type, "\(setting.help) [\(setting.valueSummary)]\(only)")
    }

    /// The tables helpers return, for the editor.
    public static let shapes: [SurfaceShape] = [
        SurfaceShape(name: "MembershipReport", summary: "What a membership helper did", fields: [
            SurfaceOption("group_id", "string", "the group changed"),
            SurfaceOption("added", "integer", "people added"), SurfaceOption("removed", "integer", "people removed"),
            SurfaceOption("unchanged", "integer", "people already as wanted"),
            SurfaceOption("failed", "{ id: string, input: string, error: string }[]", "people not changed, with why"),
            SurfaceOption("requests", "integer", "requests sent"), SurfaceOption("dry_run", "boolean", "nothing was written"),
            SurfaceOption("added_ids", "string[]", "ids added"), SurfaceOption("removed_ids", "string[]", "ids removed"),
            SurfaceOption("names", "table<string, string>", "names of the people, by id"),
            SurfaceOption("held_back", "string[]?", "ids a sync left alone"),
            SurfaceOption("not_done", "string[]?", "ids not confirmed when the job stopped"),
            SurfaceOption("stopped_by", "string?", "why the job stopped"),
        ]),
        SurfaceShape(name: "ApiError", summary: "What an API call raises when it fails (purecloud.ApiError.is(err))", fields: [
            SurfaceOption("status", "integer", "the HTTP status; 0 when no answer came"),
            SurfaceOption("code", "string", "the platform's error code"), SurfaceOption("message", "string", "what happened"),
            SurfaceOption("operation", "string", "the operation that failed"),
            SurfaceOption("correlation_id", "string?", "the platform's correlation id"),
            SurfaceOption("retry_after", "number?", "seconds the platform asked to wait"),
            SurfaceOption("attempts", "integer", "attempts made"), SurfaceOption("body", "any", "the answer's body"),
            SurfaceOption("page", "integer?", "the page an iterator was reading"),
            SurfaceOption("report", "purecloud.MembershipReport?", "what a bulk helper did before it stopped"),
        ]),
        SurfaceShape(name: "MembershipChange", summary: "One group's change for apply_memberships", fields: [
            SurfaceOption("group", "string|purecloud.Group", "the group"),
            SurfaceOption("add", "(string|purecloud.User)[]?", "people to add"),
            SurfaceOption("remove", "(string|purecloud.User)[]?", "people to remove"),
            SurfaceOption("sync", "(string|purecloud.User)[]?", "the group's direct members, exactly"),
        ]),
        SurfaceShape(name: "Resolution", summary: "What resolve found", fields: [
            SurfaceOption("ids", "table<string, string>", "input -> user id"),
            SurfaceOption("users", "table<string, purecloud.User>", "user id -> user"),
            SurfaceOption("matched", "table<string, string>", "input -> user id, for the inputs matched"),
            SurfaceOption("not_found", "string[]", "inputs no user has"),
            SurfaceOption("ambiguous", "table<string, string[]>", "input -> the ids of the users it names"),
            SurfaceOption("inactive", "string[]", "inputs naming an inactive user"),
            SurfaceOption("deleted", "string[]", "inputs naming a deleted user"),
            SurfaceOption("not_indexed", "string[]", "ids the search does not know yet"),
            SurfaceOption("requests", "integer", "requests sent"),
        ]),
        SurfaceShape(name: "Stats", summary: "What a connection's transport did so far", fields: [
            SurfaceOption("requests", "integer", ""), SurfaceOption("writes", "integer", ""),
            SurfaceOption("retries", "integer", ""), SurfaceOption("rate_limited", "integer", "429 answers"),
            SurfaceOption("tokens_fetched", "integer", ""), SurfaceOption("pace_waits", "integer", ""),
            SurfaceOption("seconds_waited", "number", ""),
        ]),
        SurfaceShape(name: "RetryOptions", summary: "configure's retry table", fields: Settings.configureKeys(prefix: "retry").compactMap { name in
            Settings.all.first { $0.configure == "retry." + name }.map { option(name, $0) }
        }),
        SurfaceShape(name: "Task", summary: "What purecloud.spawn returns", fields: [
            SurfaceOption("wait", "fun(self: purecloud.Task): any", "task:wait(): fn's results once it has ended, or its error raised"),
        ]),
        SurfaceShape(name: "CSVInfo", summary: "csv.read's third value", fields: [
            SurfaceOption("lines", "integer[]", "the file's line of each row"),
            SurfaceOption("blank_lines", "integer[]", "lines skipped because every field was empty"),
        ]),
    ]

    public static func helper(_ name: String) -> SurfaceEntry? { helpers.first { $0.path == name } }
    public static func value(_ path: String) -> SurfaceEntry? { module.first { $0.path == path } }

    /// The options a module function takes (its reader refuses any other key).
    static func optionNames(_ path: String) -> [String] { value(path)?.optionNames ?? [] }

    /// The helpers of one API, in the table's order.
    public static func helpers(of api: String) -> [SurfaceEntry] {
        helpers.filter { if case let .api(apis) = $0.owner { return apis.contains(api) } else { return false } }
    }
}
