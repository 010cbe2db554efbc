import Foundation
import LuaKit
import PureCloud

/// What the command line (or the REPL) hands to the module: where to connect and how.
public struct SessionSettings: Sendable {
    public var environment: Environment?
    public var credentials: Credentials?
    public var dryRun = false
    /// `--dry-run` on the command line: a dry run the script cannot switch off (`configure{
    /// dry_run = false }`, a helper's `dry_run = false`), because the person who typed it expects
    /// no write whatever the script does.
    public var dryRunRequired = false
    public var retry = RetryPolicy()
    public var requestTimeout = 60.0
    public var connectTimeout = ClientConfiguration.defaultConnectTimeout
    public var pacing = true
    /// A progress line on a terminal for long work (`--quiet` and `configure{ progress = false }` turn it off).
    public var progress = true
    /// Requests in flight at once, and tokens in the pool (`--concurrency`, `--token-pool`).
    public var concurrency = ClientConfiguration.defaultConcurrency
    public var tokenPool = 1
    /// The `gc` CLI's profiles, for `GroupsApi.new{ profile = ... }` and `configure{ profile = ... }`.
    public var profiles: ProfileFile?
    /// The run every client belongs to (its id, `--expect-org`, the line naming its org, the audit
    /// log and the ledger of what it changed); nil makes one per client.
    public var run: RunContext?
    /// Set for a rehearsal (`--emulator`, `--emulator-data`): the in-process emulator's address and
    /// credentials, which no `configure`, `authenticate_with_client_credentials` or `*Api.new{...}`
    /// can change. Nothing leaves the emulator, whatever the script calls (DESIGN.md §5b).
    public private(set) var sealed: Seal?

    public struct Seal: Sendable {
        public let environment: Environment
        public let credentials: Credentials
    }

    public init() {}

    /// Seals the session to its current environment and credentials (those of the in-process emulator).
    public mutating func seal() throws {
        guard let environment, let credentials else {
            throw ConfigurationError("a sealed session needs the emulator's address and credentials first")
        }
        sealed = Seal(environment: environment, credentials: credentials)
    }

    /// Takes environment and credentials from a profile of the `gc` config file.
    public mutating func use(profile name: String) throws {
        guard let profiles else {
            throw ConfigurationError("no profile file: create ~/.gc/config.toml (the Genesys Cloud CLI's) with a [\(name)] section")
        }
        let profile = try profiles.profile(name)
        credentials = try profile.credentials()
        if let environment = profile.environment { self.environment = try Environment.named(environment) }
    }

    public func clientConfiguration() throws -> ClientConfiguration {
        guard let credentials else {
            throw ConfigurationError("no credentials: pass --client-id and --client-secret (or --access-token), set PURECLOUD_CLIENT_ID and PURECLOUD_SECRET, use --emulator, or call purecloud.configure{ client_id = ..., client_secret = ... }")
        }
        var configuration = ClientConfiguration(environment: environment ?? .default, credentials: credentials)
        if let sealed {  // every client of a sealed session talks to its emulator, however it was built
            configuration.environment = sealed.environment
            configuration.credentials = sealed.credentials
        }
        configuration.dryRun = dryRun || dryRunRequired
        configuration.retry = retry
        configuration.requestTimeout = requestTimeout
        configuration.connectTimeout = connectTimeout
        configuration.pacing = pacing
        configuration.concurrency = concurrency
        if tokenPool > 1, case .accessToken = credentials {
            throw ConfigurationError("a token pool (token_pool = \(tokenPool), --token-pool) fetches tokens with client credentials; it cannot be used with an access token")
        }
        configuration.tokenPool = tokenPool
        return configuration
    }
}

/// A call found the session without what it needs (credentials): a message for a person, of the
/// configuration kind, so that it reaches the host as one (exit 2) whatever caught it on the way.
struct SessionNotConfigured: LuaPersonMessage, CustomStringConvertible {
    let error: ConfigurationError
    var description: String { error.description }
    var isConfiguration: Bool { true }
}

/// The module's state in one Lua state: settings, the clients of the API objects, the
/// bridge that runs their calls. Used on the Lua thread only.
public final class PurecloudSession {
    public private(set) var settings: SessionSettings
    public let log: EventLog
    public let bridge: BlockingBridge
    var anchors = ModuleAnchors()
    /// Client of `GroupsApi.new()` / `UsersApi.new()` without arguments; rebuilt after `configure`.
    private var defaultClient: APIClient?
    /// Clients of `*Api.new{...}` with their own configuration, by handle.
    private var clients: [Int: APIClient] = [:]
    private var nextHandle = 1

    public init(settings: SessionSettings, log: EventLog, bridge: BlockingBridge = BlockingBridge()) {
        self.settings = settings
        self.log = log
        self.bridge = bridge
    }

    func update(_ change: (inout SessionSettings) -> Void) {
        change(&settings)
        if let seal = settings.sealed {  // whatever changed, a sealed session stays on its emulator
            settings.environment = seal.environment
            settings.credentials = seal.credentials
        }
        defaultClient = nil
    }

    /// Who the default client's token belongs to, asked now if not yet known (one request), with
    /// `--expect-org` checked: what the REPL's banner and prompt name. Nil without credentials.
    public func identity() throws -> OrgIdentity? {
        guard settings.credentials != nil else { return nil }
        let client = try client(handle: 0)
        return try wait {
            let identity = try await client.transport.identity()
            try client.run.check(identity, operation: "get_tokens_me")
            return identity
        }
    }

    /// A sealed rehearsal points every connection at the emulator; say so when a script asked for
    /// another target (the keys only, never their values: they may be secrets).
    func noteSealed(ignoring keys: [String], by function: String) {
        guard let seal = settings.sealed, !keys.isEmpty else { return }
        log.warn("sealed rehearsal: \(function) asked to connect elsewhere (\(keys.joined(separator: ", "))); it stays on the in-process emulator, nothing leaves it",
                 [("emulator", .string(seal.environment.displayName))])
    }

    /// Handle 0 is the default client, resolved at each call so `configure` applies to it.
    func client(handle: Int) throws -> APIClient {
        if handle != 0 {
            guard let client = clients[handle] else { throw ConfigurationError("this API object was closed") }
            return client
        }
        if let defaultClient { return defaultClient }
        let configuration: ClientConfiguration
        do { configuration = try settings.clientConfiguration() } catch let error as ConfigurationError {
            throw SessionNotConfigured(error: error)
        }
        let client = APIClient(configuration: configuration, log: log, run: settings.run)
        defaultClient = client
        return client
    }

    func addClient(_ configuration: ClientConfiguration) -> Int {
        var configuration = configuration
        if let seal = settings.sealed {  // belt and braces: no client of a sealed session points elsewhere
            configuration.environment = seal.environment
            configuration.credentials = seal.credentials
        }
        let handle = nextHandle
        nextHandle += 1
        let client = APIClient(configuration: configuration, log: log, run: settings.run)
        clients[handle] = client
        return handle
    }

    /// Strings the REPL printer must never show: the configured client secret and access token,
    /// and tokens handed to the script by `authenticate_with_client_credentials`.
    public private(set) var knownSecrets: Set<String> = []

    func rememberSecret(_ value: String) { knownSecrets.insert(value) }

    public func isSecret(_ value: String) -> Bool {
        if knownSecrets.contains(value) { return true }
        switch settings.credentials {
        case let .clientCredentials(_, secret)?: return secret.exposed == value
        case let .accessToken(token)?: return token.exposed == value
        case nil: return false
        }
    }

    /// How many bulk helper calls reported failed ids or stopped early (for the exit status).
    public private(set) var bulkFailures = 0

    func recordBulkFailure() { bulkFailures += 1 }

    /// The status, code and operation of an ApiError value, if `ref` holds one, and whether it
    /// carries a bulk helper's report (the job stopped part way).
    public func apiError(_ ref: LuaRef) -> (status: Int, code: String, operation: String, hasReport: Bool)? {
        guard let state = ref.owner else { return nil }
        let call = state.main
        let top = call.top
        defer { call.settop(top) }
        call.push(ref)
        guard call.type(at: -1) == .table, call.getMetatable(-1) else { return nil }
        guard call.identity(at: -1) == anchors.errorMTIdentity else { return nil }
        call.pop()
        call.getField(-1, "status")
        let status = Int(call.integer(at: -1) ?? 0)
        call.getField(-2, "operation")
        let operation = call.string(at: -1) ?? ""
        let hasReport = call.getField(-3, "report") == .table
        call.getField(-4, "code")
        let code = call.string(at: -1) ?? ""
        return (status, code, operation, hasReport)
    }

    /// Runs async client work from the Lua thread.
    func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        try translatingErrors { try bridge.run(work) }
    }

    /// The tasks of `purecloud.spawn` and `purecloud.map` (issue 23).
    lazy var tasks = TaskScheduler(session: self)
    /// More than 0 while a task's code runs: its calls draw no progress line of their own (the
    /// scheduler's line counts tasks instead).
    var taskDepth = 0

    /// Async client work for a host function, the way its caller allows: inside a task (where the
    /// coroutine can be suspended) the work is started and the task waits for it while others run,
    /// and `then` runs in the host function's continuation when it has ended; elsewhere the Lua
    /// thread blocks as before and `then` runs at once. `then` gets the outcome as it came.
    func whenDone<T: Sendable>(_ call: LuaCall, _ work: @escaping @Sendable () async throws -> T,
                            then: @escaping (LuaCall, Result<T, any Error>) throws -> Int32) throws -> Int32 {
        guard call.canSuspend else {
            return try then(call, Result { try bridge.run(work) })
        }
        // Nothing new starts after Ctrl-C or SIGTERM, even before the task's hook sees it.
        if call.state.interruptRequested || bridge.isShuttingDown { throw LuaError.interrupted }
        return try whenDone(call, started: bridge.start(work), then: then)
    }

    /// The same for a call started earlier (the iterators' next page).
    func whenDone<T: Sendable>(_ call: LuaCall, started pending: BlockingBridge.Pending<T>,
                            then: @escaping (LuaCall, Result<T, any Error>) throws -> Int32) throws -> Int32 {
        let bridge = self.bridge
        guard call.canSuspend, bridge.watch(pending) else {  // elsewhere, or already ended
            return try then(call, Result { try bridge.finish(pending) })
        }
        tasks.noteRequest(pending.id) { bridge.abandon(pending) }
        return call.suspend(waitingFor: pending.id) { c in try then(c, Result { try bridge.finish(pending) }) }
    }

    /// `whenDone` for callers that take the value, client errors as the Lua values scripts catch.
    func valueWhenDone<T: Sendable>(_ call: LuaCall, _ work: @escaping @Sendable () async throws -> T,
                                 then: @escaping (LuaCall, T) throws -> Int32) throws -> Int32 {
        try whenDone(call, work) { c, outcome in try then(c, try self.translatingErrors { try outcome.get() }) }
    }

    /// The end of a chunk (a script, a `-e`, a REPL line): the tasks it started run to their end,
    /// and a task's error nobody waited for is raised (through `state`'s protected call, as any
    /// Lua error). A chunk that failed stops its tasks instead (`abandonTasks`).
    public func finishTasks(_ state: LuaState) throws {
        guard tasks.hasWork else { return }
        let call = state.main
        call.push(anchor: TaskFunctions.finisher)
        try state.protectedCall(nargs: 0, nresults: 0)
    }

    /// A chunk that failed (or a run that stops): every task still running is stopped, its
    /// requests cancelled and waited for, and what each finished is logged.
    public func abandonTasks(_ state: LuaState, why: String) {
        tasks.abandon(state.main, why: why)
    }

    /// Runs a chunk's call, then finishes its tasks, or stops them when it failed.
    public func finishingTasks(_ state: LuaState, _ body: () throws -> Void) throws {
        do {
            try body()
            try finishTasks(state)
        } catch {
            var why = "the chunk stopped with an error"
            if case LuaError.interrupted = error { why = "interrupted" }
            abandonTasks(state, why: why)
            throw error
        }
    }

    /// A bulk helper that Ctrl-C stopped raises the error saying what it did, not the bare
    /// "interrupted!" the pending interrupt would put in its place. Not in a task: there the
    /// interrupt must reach the scheduler, which stops every task (and the report is the run's).
    func withdrawInterrupt(_ call: LuaCall) {
        if taskDepth == 0 { call.state.withdrawInterrupt() }
    }

    /// Client errors as the Lua values scripts catch.
    func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as APIError {
            throw LuaApiError(error: error, anchors: anchors)
        } catch is CancellationError {
            throw LuaError.interrupted
        }
    }

    /// The progress line of the work running now, if it drew one: cleared before anything else is
    /// printed (results, errors, the REPL prompt, `print`), so it never garbles a line.
    private var progressLine: ProgressLine?

    /// A new progress line for a job starting now; nil when progress is off, and in a task.
    func startProgress() -> ProgressLine? {
        guard taskDepth == 0 else { return nil }
        return newProgressLine()
    }

    private func newProgressLine() -> ProgressLine? {
        progressLine?.finish()
        progressLine = settings.progress ? ProgressLine(log: log) : nil
        return progressLine
    }

    /// Whether the scheduler's line is the one drawn.
    private var tasksLineDrawn = false

    /// The scheduler's line: "tasks 12/300".
    func showTaskProgress(done: Int, total: Int) {
        if !tasksLineDrawn {
            _ = newProgressLine()
            tasksLineDrawn = true
        }
        progressLine?.update("tasks", done: done, total: total)
    }

    func endTaskProgress() {
        guard tasksLineDrawn else { return }
        tasksLineDrawn = false
        progressLine?.finish()
    }

    /// The reporting closure jobs take, drawing on a new progress line (nil when progress is off).
    func progressReporter() -> (@Sendable (String, Int, Int?) -> Void)? {
        guard let line = startProgress() else { return nil }
        return { what, done, total in line.update(what, done: done, total: total) }
    }

    /// Updates the current line (the iterators' pages, from the prelude); not from a task.
    func updateProgress(_ what: String, done: Int, total: Int?) {
        guard taskDepth == 0, !tasksLineDrawn else { return }
        progressLine?.update(what, done: done, total: total)
    }

    /// Clears the progress line, if one is drawn (not for a task's call: the scheduler's line stays).
    public func clearProgress() {
        guard taskDepth == 0 else { return }
        progressLine?.finish()
    }

    private var lookaheads: [Int: (BlockingBridge.Pending<APIResponse?>, PureCloud.Operation)] = [:]

    /// The org's groups as `find_group` last listed them, by client handle, so that a file with
    /// several unknown names lists the org once; dropped at any write (a group may be new).
    private var groupListings: [Int: [GroupLookup.Listed]] = [:]

    func groupListing(handle: Int) -> [GroupLookup.Listed]? { groupListings[handle] }
    func keepGroupListing(_ listing: [GroupLookup.Listed], handle: Int) {
        groupListings[handle] = listing
        for group in listing { noteGroupName(group.name) }
    }
    func forgetGroupListings() { groupListings.removeAll() }

    /// Group names met in answers so far, for the REPL's completion of `api:find_group("`: only
    /// when the REPL asks for them (`collectGroupNames`), and at most `maximumGroupNames`.
    public var collectGroupNames = false
    public private(set) var seenGroupNames: Set<String> = []
    static let maximumGroupNames = 50_000

    func noteGroupName(_ name: String) {
        guard collectGroupNames, !name.isEmpty, seenGroupNames.count < Self.maximumGroupNames else { return }
        seenGroupNames.insert(name)
    }

    /// A group (`name` at the top), or a page of them (`entities`, `results`).
    func noteGroupNames(in value: JSONValue) {
        guard collectGroupNames else { return }
        if let name = value["name"]?.stringValue, value["id"] != nil { noteGroupName(name) }
        for key in ["entities", "results"] {
            for group in value[key]?.arrayValue ?? [] { if let name = group["name"]?.stringValue { noteGroupName(name) } }
        }
    }

    func remember(_ pending: BlockingBridge.Pending<APIResponse?>, operation: PureCloud.Operation) -> Int {
        lookaheads[pending.id] = (pending, operation)
        return pending.id
    }

    func forget(_ id: Int) -> (BlockingBridge.Pending<APIResponse?>, PureCloud.Operation)? {
        lookaheads.removeValue(forKey: id)
    }
}
