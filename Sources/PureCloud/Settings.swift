/// Every setting of pclua, once, as data (issue 22): its `--flag`, its `configure` key, the
/// environment variables and `gc` profile key it is read from, its type, range and default, where
/// it may stand on the command line, the commands that take it, and its help line. Every
/// subcommand's flags, their checks and help pages (pclua's CommandFlags and CommandHelp), the
/// lists of run's flags that LuaCommandLine needs, the keys and checks of `configure{...}` and `*Api.new{...}`,
/// `help(purecloud.configure)` and the reference tables of the docs are made from this table, as
/// requests and Lua methods are made from the operation table. (The environment variables and
/// profile keys are documented here; pclua's CredentialSources still reads them by name.)
public struct Setting: Sendable {
    /// Which setting; the table holds one entry per case.
    public enum ID: String, Sendable, CaseIterable {
        // Which org, as whom.
        case environment, baseURL = "base_url", clientId = "client_id", clientSecret = "client_secret"
        case accessToken = "access_token", profile, emulator, emulatorData = "emulator_data", expectOrg = "expect_org"
        // How requests are sent.
        case dryRun = "dry_run", timeout, connectTimeout = "connect_timeout", maxAttempts = "max_attempts"
        case callBudget = "call_budget", baseDelay = "base_delay", maxDelay = "max_delay", maxRetryAfter = "max_retry_after"
        case pacing, concurrency, tokenPool = "token_pool", progress
        // The run around them.
        case logLevel = "log_level", logFormat = "log_format", lock, auditLog = "audit_log"
        // The commands' own.
        case out, groups, snapshot, planOut = "plan_out", limit, rateLimit = "rate_limit", yes, maxRemovals = "max_removals"
        case undoAuditLog = "undo_audit_log", run, list, force, membersOnly = "members_only", deleteCreated = "delete_created"
        case allowUnknownOrg = "allow_unknown_org", planJSON = "plan_json", definitionsOut = "definitions_out"
        case replaceLuacheckrc = "replace_luacheckrc"
        // The emulator's (pclua emulator): what it serves and how it misbehaves on purpose.
        case port, host, emulatorFile = "emulator_file", seedUsers = "seed_users", seedGroups = "seed_groups"
        case acceptedClientId = "accepted_client_id", acceptedClientSecret = "accepted_client_secret", clientName = "client_name"
        case tokenTTL = "token_ttl", requestsPerMinute = "requests_per_minute", rateWindow = "rate_window"
        case faultRate = "fault_rate", dropRate = "drop_rate", latency, faultSeed = "fault_seed"
        case orgName = "org_name", orgId = "org_id", forbid, indexDelay = "index_delay"
    }

    public enum Value: Sendable, Equatable {
        /// On or off (the default given): a flag without a value on the command line, a boolean in Lua.
        case flag(default: Bool)
        case text
        case choice([String], default: String)
        /// A whole number.
        case count(ClosedRange<Int>, default: Int?)
        case seconds(ClosedRange<Double>, default: Double)
        /// A share of something, from 0 to 1.
        case fraction(default: Double)
    }

    /// Where the flag may stand on `pclua`'s command line (lua.c's: pclua's flags before the
    /// script name, the script's own after it).
    public enum Placement: Sendable {
        /// Before the script; after it, the flag is the script's argument (and named if the script refuses it).
        case beforeScript
        /// Honoured wherever it stands, and taken out of the script's arguments (`--dry-run`: a
        /// dry run is never lost).
        case anywhere
        /// Before the script; after it, refused: it decides where writes go, and as the script's
        /// argument it would silently leave the run going to the org the other flags name.
        case refusedAfterScript
    }

    /// Every subcommand of pclua: each one's flags are read by one parser from this table
    /// (pclua's CommandFlags), and its help lists them from here.
    public enum Command: String, Sendable, CaseIterable {
        case run, snapshot, rehearse, undo, restore, diff, emulator, definitions
    }

    /// Some commands, as bits: the table is read at every start, and a `Set` of the enum would
    /// cost a runtime conformance lookup there (docs/benchmarks.md, start-up).
    public struct CommandSet: ExpressibleByArrayLiteral, Equatable, Sendable, Sequence {
        private var bits: UInt32 = 0

        public init(arrayLiteral commands: Command...) {
            for command in commands { bits |= Self.bit(command) }
        }

        private static let order = Command.allCases

        static func bit(_ command: Command) -> UInt32 {
            UInt32(1) << UInt32(order.firstIndex(of: command) ?? 0)
        }

        public var isEmpty: Bool { bits == 0 }
        public func contains(_ command: Command) -> Bool { bits & Self.bit(command) != 0 }
        public func isSubset(of other: CommandSet) -> Bool { bits & ~other.bits == 0 }
        public func union(_ other: CommandSet) -> CommandSet {
            var union = self
            union.bits |= other.bits
            return union
        }

        public func makeIterator() -> IndexingIterator<[Command]> { Self.order.filter(contains).makeIterator() }
    }

    public let id: ID
    /// `--timeout`; nil for a setting of `configure` only.
    public let flag: String?
    /// `timeout`, `retry.max_attempts`; nil for a setting of the command line only.
    public let configure: String?
    /// Whether `GroupsApi.new{...}` and `UsersApi.new{...}` take it besides `configure`.
    public let perConnection: Bool
    /// Environment variables read for it, the first that is set and not empty winning.
    public let environment: [String]
    /// Its key in a profile of the `gc` CLI's `~/.gc/config.toml`.
    public let profileKey: String?
    public let value: Value
    /// For a flag: it turns the setting off (`--quiet` is `progress = false`).
    public let flagTurnsOff: Bool
    public let placement: Placement
    /// The commands whose command line takes the flag, and those that need it.
    public let commands: CommandSet
    public let required: CommandSet
    /// It says which org, or as whom: a rehearsal, which runs on its snapshot only, refuses it.
    public let choosesOrg: Bool
    /// What the flag's value is, in the help: `--lock <path>`.
    public let valueName: String?
    /// The flag may be given several times, each value kept (`--forbid`); otherwise the last wins.
    public let repeatable: Bool
    public let help: String

    init(_ id: ID, flag: String? = nil, configure: String? = nil, perConnection: Bool = false, environment: [String] = [],
         profileKey: String? = nil, _ value: Value, flagTurnsOff: Bool = false, placement: Placement = .beforeScript,
         commands: CommandSet = [], required: CommandSet = [], choosesOrg: Bool = false, valueName: String? = nil,
         repeatable: Bool = false, _ help: String) {
        self.id = id
        self.flag = flag
        self.configure = configure
        self.perConnection = perConnection
        self.environment = environment
        self.profileKey = profileKey
        self.value = value
        self.flagTurnsOff = flagTurnsOff
        self.placement = placement
        self.commands = commands
        self.required = required
        self.choosesOrg = choosesOrg
        self.valueName = valueName
        self.repeatable = repeatable
        self.help = help
    }
}

public enum Settings {
    /// The commands that talk to an org. `pclua rehearse` takes its own flags and those of `run`
    /// (it runs a script), and refuses those that choose an org.
    static let connecting: Setting.CommandSet = [.run, .snapshot, .undo, .restore]
    static let wayBack: Setting.CommandSet = [.undo, .restore]
    static let plans: Setting.CommandSet = [.rehearse, .undo, .restore]
    /// The commands that print a plan (`diff` reads two files, the others make one).
    static let printsPlans: Setting.CommandSet = plans.union([.diff])
    /// Seconds a timeout or budget may be: finite and at most a day, so no conversion to a duration can overflow.
    static let seconds: ClosedRange<Double> = 0.001...86_400
    static let delay: ClosedRange<Double> = 0...86_400
    static let manyPeople = 0...1_000_000

    /// In the order `pclua --help` lists them.
    public static let all: [Setting] = [
        Setting(.emulator, flag: "--emulator", .flag(default: false), placement: .refusedAfterScript, commands: [.run], choosesOrg: true,
                "Run against an in-process emulator seeded with a demo org (no credentials needed)."),
        Setting(.emulatorData, flag: "--emulator-data", .text, placement: .refusedAfterScript, commands: [.run], choosesOrg: true,
                valueName: "file", "Run against an in-process emulator loaded from this org file (see docs/emulator.md)."),
        Setting(.baseURL, flag: "--base-url", configure: "base_url", perConnection: true, .text, placement: .refusedAfterScript,
                commands: connecting, choosesOrg: true, valueName: "url",
                "API base URL, e.g. https://api.mypurecloud.ie or http://127.0.0.1:8787."),
        Setting(.environment, flag: "--environment", configure: "environment", perConnection: true,
                environment: ["PURECLOUD_ENVIRONMENT", "GENESYSCLOUD_REGION", "GENESYSCLOUD_ENVIRONMENT"], profileKey: "environment",
                .text, placement: .refusedAfterScript, commands: connecting, choosesOrg: true, valueName: "environment",
                "Genesys Cloud domain or region: mypurecloud.ie, eu_west_1, localhost:PORT."),
        Setting(.clientId, flag: "--client-id", configure: "client_id", perConnection: true,
                environment: ["PURECLOUD_CLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_ID"], profileKey: "client_credentials",
                .text, placement: .refusedAfterScript, commands: connecting, choosesOrg: true, valueName: "id",
                "OAuth client id (client credentials grant)."),
        Setting(.clientSecret, flag: "--client-secret", configure: "client_secret", perConnection: true,
                environment: ["PURECLOUD_SECRET", "PURECLOUD_CLIENT_SECRET", "GENESYSCLOUD_OAUTHCLIENT_SECRET"], profileKey: "client_secret",
                .text, placement: .refusedAfterScript, commands: connecting, choosesOrg: true, valueName: "secret",
                "OAuth client secret. Prefer PURECLOUD_SECRET: flags are visible to other users in ps."),
        Setting(.accessToken, flag: "--access-token", configure: "access_token", perConnection: true,
                environment: ["GENESYSCLOUD_ACCESS_TOKEN", "PURECLOUD_ACCESS_TOKEN"], profileKey: "access_token",
                .text, placement: .refusedAfterScript, commands: connecting, choosesOrg: true, valueName: "token",
                "An access token obtained elsewhere, instead of client credentials."),
        Setting(.profile, flag: "--profile", configure: "profile", perConnection: true, .text, placement: .refusedAfterScript,
                commands: connecting, choosesOrg: true, valueName: "name",
                "Profile of ~/.gc/config.toml to use, as a whole: credential environment variables are then ignored (default: DEFAULT, when the file has one)."),
        Setting(.expectOrg, flag: "--expect-org", environment: ["PCLUA_EXPECT_ORG"], .text, placement: .refusedAfterScript,
                commands: connecting, valueName: "org",
                "Stop before the first request unless the token belongs to this org (its id or name); also PCLUA_EXPECT_ORG. Exit status 6."),
        Setting(.dryRun, flag: "--dry-run", configure: "dry_run", perConnection: true, .flag(default: false), placement: .anywhere,
                commands: [.run, .undo, .restore],
                "Log writes instead of sending them; bulk helpers return their plan, undo and restore print theirs."),
        Setting(.progress, flag: "--quiet", configure: "progress", .flag(default: true), flagTurnsOff: true, commands: connecting,
                "No progress line for long work on a terminal (nor its info log lines)."),
        Setting(.lock, flag: "--lock", .text, placement: .refusedAfterScript, commands: [.run, .undo, .restore], valueName: "path",
                "Refuse to start while another run holds this lock file."),
        Setting(.auditLog, flag: "--audit-log", .text, placement: .refusedAfterScript, commands: [.run, .restore], valueName: "path",
                "Append every write (its intent, then its outcome) as a JSON line to this file."),
        Setting(.logLevel, flag: "--log-level", .choice(["debug", "info", "warn", "error"], default: "warn"), commands: connecting,
                valueName: "level", "Log level: debug, info, warn, error."),
        Setting(.logFormat, flag: "--log-format", .choice(["text", "json"], default: "text"), commands: connecting,
                valueName: "format", "Log format: text or json (one object per line on stderr)."),
        Setting(.timeout, flag: "--timeout", configure: "timeout", perConnection: true, .seconds(seconds, default: 60), commands: connecting,
                valueName: "seconds", "Seconds one request may take, the whole answer included."),
        Setting(.connectTimeout, flag: "--connect-timeout", configure: "connect_timeout", perConnection: true,
                .seconds(seconds, default: 1), commands: connecting, valueName: "seconds",
                "Seconds to open a connection, per try (a connection that never opens is tried 3 times)."),
        Setting(.maxAttempts, flag: "--max-attempts", configure: "retry.max_attempts", perConnection: true,
                .count(1...100, default: 8), commands: connecting, valueName: "n", "Most times one request is sent (1 turns retries off)."),
        Setting(.callBudget, flag: "--call-budget", configure: "retry.total_budget", perConnection: true,
                .seconds(seconds, default: 600), commands: connecting, valueName: "seconds",
                "Seconds one call may take with all its retries and waits."),
        Setting(.baseDelay, configure: "retry.base_delay", perConnection: true, .seconds(delay, default: 0.5),
                "Seconds of the first wait before a retry after a 5xx or a connection failure; doubled each time, with jitter."),
        Setting(.maxDelay, configure: "retry.max_delay", perConnection: true, .seconds(delay, default: 30), "Longest wait before one retry, in seconds."),
        Setting(.maxRetryAfter, configure: "retry.max_retry_after", perConnection: true, .seconds(delay, default: 180),
                "A Retry-After above this many seconds fails the call instead of waiting."),
        Setting(.pacing, configure: "pacing", perConnection: true, .flag(default: true),
                "Space requests by the inin-ratelimit-* headers so long jobs do not run into 429s (on unless false)."),
        Setting(.concurrency, flag: "--concurrency", configure: "concurrency", perConnection: true, .count(1...64, default: 8),
                commands: connecting, valueName: "n",
                "Most requests in flight at once (bulk helpers run groups and batches side by side under one pacer; purecloud.map runs this many tasks); 1 sends one at a time."),
        Setting(.tokenPool, flag: "--token-pool", configure: "token_pool", perConnection: true, .count(1...20, default: 1),
                commands: connecting, valueName: "n",
                "Fetch this many tokens with the client credentials and spread requests over them, each within its own rate limit (opt-in; see docs/cron.md)."),

        Setting(.out, flag: "--out", .text, commands: [.snapshot], required: [.snapshot], valueName: "file", "Where to write the data file."),
        Setting(.snapshot, flag: "--snapshot", .text, commands: [.rehearse, .restore], required: [.rehearse, .restore], valueName: "file",
                "The snapshot (pclua snapshot --out FILE): the org a rehearsal runs on, the state restore puts back."),
        Setting(.undoAuditLog, flag: "--audit-log", .text, commands: [.undo], required: [.undo], valueName: "file",
                "The audit log the run wrote (--audit-log of that run); the undo is recorded in it too."),
        Setting(.run, flag: "--run", .text, commands: [.undo], valueName: "id",
                "The run to undo: its id, or a unique start of it (default: the last run in the file)."),
        Setting(.list, flag: "--list", .flag(default: false), commands: [.undo], "List the runs in the file (time, org, what they changed) and stop."),
        Setting(.force, flag: "--force", .flag(default: false), commands: [.undo],
                "Also set back fields changed again since, and delete created groups that gained other members."),
        Setting(.groups, flag: "--groups", .text, commands: [.snapshot, .restore], valueName: "pattern",
                "Only groups whose name matches this shell pattern (e.g. 'Support*'); a snapshot also keeps the people they hold."),
        Setting(.membersOnly, flag: "--members-only", .flag(default: false), commands: [.restore], "Restore direct members only, not names, fields or owners."),
        Setting(.deleteCreated, flag: "--delete-created", .flag(default: false), commands: [.restore],
                "Also delete the groups (matching --groups) created after the snapshot."),
        Setting(.allowUnknownOrg, flag: "--allow-unknown-org", .flag(default: false), commands: [.restore],
                "Accept a snapshot that does not say which org it is of (written before snapshots recorded it)."),
        Setting(.yes, flag: "--yes", .flag(default: false), commands: wayBack, "Apply the plan without asking (needed when there is no terminal to ask on)."),
        Setting(.maxRemovals, flag: "--max-removals", .count(manyPeople, default: nil), commands: wayBack, valueName: "n",
                "Stop, writing nothing, if the plan removes more than this many members in all."),
        Setting(.planOut, flag: "--plan-out", .text, commands: plans, valueName: "file", "Also write the plan as JSON (mode 0600)."),
        Setting(.limit, flag: "--limit", .count(manyPeople, default: 10), commands: printsPlans, valueName: "n",
                "People listed per group and direction in the plan (0: all)."),
        Setting(.rateLimit, flag: "--rate-limit", .count(1...1_000_000, default: 300), commands: printsPlans, valueName: "n",
                "Requests a minute the real org allows, for the time estimate."),
        Setting(.planJSON, flag: "--json", .flag(default: false), commands: [.diff], "Print the plan as JSON instead of text."),
        Setting(.definitionsOut, flag: "--out", .text, commands: [.definitions], required: [.definitions], valueName: "dir",
                "The folder to write to (created if missing)."),
        Setting(.replaceLuacheckrc, flag: "--force", .flag(default: false), commands: [.definitions], "Replace a .luacheckrc that pclua did not write."),
    ] + emulatorSettings

    /// `pclua emulator`'s flags: the org it serves, the client it accepts, and its limits and faults.
    static let emulatorSettings: [Setting] = [
        Setting(.port, flag: "--port", .count(0...65_535, default: 8787), commands: [.emulator], valueName: "n", "Port to listen on (0 picks a free one)."),
        Setting(.host, flag: "--host", .text, commands: [.emulator], valueName: "address", "Address to listen on (default: 127.0.0.1)."),
        Setting(.emulatorFile, flag: "--data", .text, commands: [.emulator], valueName: "file",
                "Load the org from this JSON file (format in docs/emulator.md)."),
        Setting(.seedUsers, flag: "--seed-users", .count(manyPeople, default: 200), commands: [.emulator], valueName: "n",
                "Number of users of the generated demo org."),
        Setting(.seedGroups, flag: "--seed-groups", .count(0...100_000, default: 20), commands: [.emulator], valueName: "n",
                "Number of groups of the generated demo org."),
        Setting(.acceptedClientId, flag: "--client-id", .text, commands: [.emulator], valueName: "id",
                "OAuth client id accepted by /oauth/token (default: the demo client's, printed at start)."),
        Setting(.acceptedClientSecret, flag: "--client-secret", .text, commands: [.emulator], valueName: "secret",
                "OAuth client secret accepted by /oauth/token (default: the demo client's, printed at start)."),
        Setting(.clientName, flag: "--client-name", .text, commands: [.emulator], valueName: "name",
                "The OAuth client's name, as tokens/me gives it (default: the demo client's)."),
        Setting(.tokenTTL, flag: "--token-ttl", .count(1...31_536_000, default: 86_400), commands: [.emulator], valueName: "seconds",
                "Seconds an access token stays valid."),
        Setting(.requestsPerMinute, flag: "--rate-limit", .count(0...1_000_000, default: 300), commands: [.emulator], valueName: "n",
                "Requests per minute per token (0: no limit)."),
        Setting(.rateWindow, flag: "--rate-window", .count(1...86_400, default: 60), commands: [.emulator], valueName: "seconds",
                "Seconds in one rate-limit window (60 on the platform; shorter for quick tests)."),
        Setting(.faultRate, flag: "--fault-rate", .fraction(default: 0), commands: [.emulator], valueName: "share",
                "Share of API requests answered with a random 502/503/504 (0 to 1)."),
        Setting(.dropRate, flag: "--drop-rate", .fraction(default: 0), commands: [.emulator], valueName: "share",
                "Share of API requests whose connection is dropped without an answer (0 to 1)."),
        Setting(.latency, flag: "--latency-ms", .count(0...600_000, default: 0), commands: [.emulator], valueName: "ms",
                "Milliseconds added before every answer."),
        Setting(.faultSeed, flag: "--fault-seed", .count(0...4_294_967_295, default: 1), commands: [.emulator], valueName: "n",
                "Seed that makes the sequence of faults reproducible."),
        Setting(.orgName, flag: "--org-name", .text, commands: [.emulator], valueName: "name",
                "The org's name, as tokens/me and organizations/me give it (default: the data file's, else \"Demo Org\")."),
        Setting(.orgId, flag: "--org-id", .text, commands: [.emulator], valueName: "id", "The org's id (default: the data file's, else the demo org's)."),
        Setting(.forbid, flag: "--forbid", .text, commands: [.emulator], valueName: "operation", repeatable: true,
                "Answer this operation with 403 missing.permissions (SDK name, e.g. get_tokens_me; repeatable)."),
        Setting(.indexDelay, flag: "--index-delay", .seconds(delay, default: 0), commands: [.emulator], valueName: "seconds",
                "Seconds before a user created or changed through /_emulator/users is seen by user search (the platform's search is eventually consistent)."),
    ]

    public static subscript(_ id: Setting.ID) -> Setting {
        // The table has one entry per ID (SettingsTests): this lookup cannot miss. A search of
        // about 60 entries, not a dictionary: the table is read at every start, and a dictionary keyed
        // by the enum costs more to build (a runtime conformance lookup) than all the searches.
        all.first { $0.id == id }!
    }

    /// The declared default of a whole-number or seconds setting, for the structures that hold
    /// them (RetryPolicy, ClientConfiguration); SettingsTests checks each has one.
    public static func defaultCount(_ id: Setting.ID) -> Int { self[id].defaultValue?.integer ?? 0 }
    public static func defaultSeconds(_ id: Setting.ID) -> Double { self[id].defaultValue?.seconds ?? 0 }

    /// The declared range of a whole-number setting.
    public static func countRange(_ id: Setting.ID) -> ClosedRange<Int> {
        if case let .count(range, _) = self[id].value { return range }
        return 0...0
    }

    /// The settings a command's command line takes, in the order of the table.
    public static func flags(of command: Setting.Command) -> [Setting] {
        all.filter { $0.flag != nil && $0.commands.contains(command) }
    }

    /// The keys of `configure{...}` (`perConnection`: of `*Api.new{...}`) at one level: the top
    /// level (`prefix` ""), or a nested table (`prefix` "retry").
    public static func configureKeys(prefix: String = "", perConnection: Bool = false) -> [String] {
        var keys: [String] = []
        for setting in all {
            guard let key = setting.configure, !perConnection || setting.perConnection else { continue }
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            let name = prefix.isEmpty ? parts[0] : parts.count == 2 && parts[0] == prefix ? parts[1] : nil
            if let name, !keys.contains(name) { keys.append(name) }
        }
        return keys
    }
}
