import Foundation
import PureCloud
import PureCloudLua

/// The flags that say which org to reach and how, for the commands that talk to an org without
/// running a script (`pclua snapshot`, `undo`, `restore`). `pclua run` has the same flags under
/// the same names, declared once for both in PureCloud/Settings.swift.
struct ConnectionFlags {
    let org: OrgFlags
    let tuning: TuningFlags

    init(_ flags: CommandFlags) throws {
        org = try OrgFlags(flags)
        tuning = TuningFlags(flags)
    }

    var expectedOrg: String? { org.expectedOrg }

    var log: EventLog { tuning.log }

    /// The client configuration from flags, environment variables and the `gc` profile, in that order.
    func clientConfiguration(log: EventLog) throws -> ClientConfiguration {
        var settings = SessionSettings()
        tuning.apply(to: &settings)
        try CredentialSources.load(flags: org, into: &settings, log: log)
        return try settings.clientConfiguration()
    }
}

/// Which org, as whom: the flags every command that talks to an org takes (`run`, `snapshot`,
/// `undo`, `restore`), declared once; what `CredentialSources` reads.
struct OrgFlags {
    private let flags: CommandFlags

    init(_ flags: CommandFlags) throws {
        self.flags = flags
        if baseUrl != nil && environment != nil { throw CommandFlags.UsageError(description: "give --base-url or --environment, not both") }
    }

    var baseUrl: String? { flags.text(.baseURL) }
    var environment: String? { flags.text(.environment) }
    var clientId: String? { flags.text(.clientId) }
    var clientSecret: String? { flags.text(.clientSecret) }
    var accessToken: String? { flags.text(.accessToken) }
    var profile: String? { flags.text(.profile) }
    var expectOrg: String? { flags.text(.expectOrg) }

    /// `--expect-org`, else PCLUA_EXPECT_ORG.
    var expectedOrg: String? { expectOrg ?? ProcessEnvironment.value("PCLUA_EXPECT_ORG") }
}

/// How requests are sent and logged: the flags `run` and every command that talks to an org
/// share, applied to the session as `configure{...}` applies the same keys.
struct TuningFlags {
    let logLevel, logFormat: String
    let timeout, connectTimeout, callBudget: Double
    let maxAttempts, concurrency, tokenPool: Int

    init(_ flags: CommandFlags) {
        logLevel = flags.choice(.logLevel)
        logFormat = flags.choice(.logFormat)
        timeout = flags.seconds(.timeout)
        connectTimeout = flags.seconds(.connectTimeout)
        callBudget = flags.seconds(.callBudget)
        maxAttempts = flags.count(.maxAttempts)
        concurrency = flags.count(.concurrency)
        tokenPool = flags.count(.tokenPool)
    }

    /// The values `configure` also takes, applied to the session as it applies them.
    func apply(to settings: inout SessionSettings) {
        let values: [(Setting.ID, SettingValue)] = [
            (.timeout, .seconds(timeout)), (.connectTimeout, .seconds(connectTimeout)), (.maxAttempts, .integer(maxAttempts)),
            (.callBudget, .seconds(callBudget)), (.concurrency, .integer(concurrency)), (.tokenPool, .integer(tokenPool)),
        ]
        for (id, value) in values { settings.set(id, value) }
    }

    /// The log the flags ask for (both were checked against their choices).
    var log: EventLog { EventLog(level: LogLevel(name: logLevel) ?? .warn, format: EventLog.Format(rawValue: logFormat) ?? .text) }
}
