import ArgumentParser
import Foundation
import PureCloud
import PureCloudLua

/// The flags that say which org to reach and how, for the commands that talk to an org without
/// running a script (`pclua snapshot`). `pclua run` has the same flags under the same names.
struct ConnectionFlags: ParsableArguments, CredentialFlags {
    @Option(help: "API base URL, e.g. https://api.mypurecloud.ie or http://127.0.0.1:8787.") var baseUrl: String?
    @Option(help: "Genesys Cloud domain or region: mypurecloud.ie, eu_west_1, localhost:PORT.") var environment: String?
    @Option(help: "OAuth client id (client credentials grant).") var clientId: String?
    @Option(help: "OAuth client secret. Prefer PURECLOUD_SECRET: flags are visible to other users in ps.") var clientSecret: String?
    @Option(help: "An access token obtained elsewhere, instead of client credentials.") var accessToken: String?
    @Option(help: "Profile of ~/.gc/config.toml to use (default: DEFAULT, when the file has one).") var profile: String?
    @Option(help: "Log level: debug, info, warn, error.") var logLevel = "warn"
    @Option(help: "Log format: text or json (one object per line on stderr).") var logFormat = "text"
    @Option(help: "Seconds one request may take.") var timeout: Double = 60
    @Option(help: "Most times one request is sent (1 turns retries off).") var maxAttempts = 8
    @Option(help: "Seconds one call may take with all its retries and waits.") var callBudget: Double = 600
    @Option(help: ArgumentHelp("Stop before the first request unless the token belongs to this org (its id or name); also PCLUA_EXPECT_ORG. Exit status 6.", valueName: "org")) var expectOrg: String?
    @Option(help: "Most requests in flight at once; 1 sends one at a time.") var concurrency = ClientConfiguration.defaultConcurrency
    @Option(help: "Fetch this many tokens with the client credentials and spread requests over them (opt-in; see docs/cron.md).") var tokenPool = 1

    func validate() throws {
        guard LogLevel(name: logLevel) != nil else { throw ArgumentParser.ValidationError("--log-level must be debug, info, warn or error, got '\(logLevel)'") }
        guard EventLog.Format(rawValue: logFormat) != nil else { throw ArgumentParser.ValidationError("--log-format must be text or json, got '\(logFormat)'") }
        guard timeout > 0, timeout.isFinite else { throw ArgumentParser.ValidationError("--timeout must be positive, got \(timeout)") }
        guard maxAttempts >= 1 else { throw ArgumentParser.ValidationError("--max-attempts must be at least 1, got \(maxAttempts)") }
        guard callBudget > 0, callBudget.isFinite else { throw ArgumentParser.ValidationError("--call-budget must be positive, got \(callBudget)") }
        if baseUrl != nil && environment != nil { throw ArgumentParser.ValidationError("give --base-url or --environment, not both") }
        guard (1...ClientConfiguration.maximumConcurrency).contains(concurrency) else {
            throw ArgumentParser.ValidationError("--concurrency must be from 1 to \(ClientConfiguration.maximumConcurrency), got \(concurrency)")
        }
        guard (1...ClientConfiguration.maximumTokenPool).contains(tokenPool) else {
            throw ArgumentParser.ValidationError("--token-pool must be from 1 to \(ClientConfiguration.maximumTokenPool), got \(tokenPool)")
        }
    }

    /// `--expect-org`, else PCLUA_EXPECT_ORG.
    var expectedOrg: String? { expectOrg ?? ProcessInfo.processInfo.environment["PCLUA_EXPECT_ORG"] }

    var log: EventLog { EventLog(level: LogLevel(name: logLevel) ?? .warn, format: EventLog.Format(rawValue: logFormat) ?? .text) }

    /// The client configuration from flags, environment variables and the `gc` profile, in that order.
    func clientConfiguration(log: EventLog) throws -> ClientConfiguration {
        var settings = SessionSettings()
        settings.requestTimeout = timeout
        settings.retry.maxAttempts = maxAttempts
        settings.retry.totalBudget = callBudget
        settings.concurrency = concurrency
        settings.tokenPool = tokenPool
        let environment = ProcessInfo.processInfo.environment
        settings.profiles = try ProfileFile.load(path: ProfileFile.defaultPath(home: environment["HOME"] ?? NSHomeDirectory()))
        if let warning = settings.profiles?.warning { log.warn(warning) }
        if let warning = try CredentialSources.apply(flags: self, environment: environment, to: &settings) { log.warn(warning) }
        return try settings.clientConfiguration()
    }
}

/// What `CredentialSources` reads from a command line.
protocol CredentialFlags {
    var baseUrl: String? { get }
    var environment: String? { get }
    var clientId: String? { get }
    var clientSecret: String? { get }
    var accessToken: String? { get }
    var profile: String? { get }
}
