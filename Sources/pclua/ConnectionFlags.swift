import ArgumentParser
import Foundation
import PureCloud
import PureCloudLua

/// The flags that say which org to reach and how, for the commands that talk to an org without
/// running a script (`pclua snapshot`, `undo`, `restore`). `pclua run` has the same flags under
/// the same names, declared once for both in PureCloud/Settings.swift.
struct ConnectionFlags: ParsableArguments {
    @OptionGroup var org: OrgFlags
    @OptionGroup var tuning: TuningFlags

    var expectedOrg: String? { org.expectedOrg }

    var log: EventLog { tuning.log }

    /// The client configuration from flags, environment variables and the `gc` profile, in that order.
    func clientConfiguration(log: EventLog) throws -> ClientConfiguration {
        var settings = SessionSettings()
        tuning.apply(to: &settings)
        let environment = ProcessInfo.processInfo.environment
        settings.profiles = try ProfileFile.load(path: ProfileFile.defaultPath(home: environment["HOME"] ?? NSHomeDirectory()))
        if let warning = settings.profiles?.warning { log.warn(warning) }
        if let warning = try CredentialSources.apply(flags: org, environment: environment, to: &settings) { log.warn(warning) }
        return try settings.clientConfiguration()
    }
}

/// Which org, as whom: the flags every command that talks to an org takes (`run`, `snapshot`,
/// `undo`, `restore`), declared once; what `CredentialSources` reads.
struct OrgFlags: ParsableArguments {
    // The help lines, value names, defaults and ranges are the declaration's (PureCloud/Settings.swift).
    @Option(help: .setting(.baseURL)) var baseUrl: String?
    @Option(help: .setting(.environment)) var environment: String?
    @Option(help: .setting(.clientId)) var clientId: String?
    @Option(help: .setting(.clientSecret)) var clientSecret: String?
    @Option(help: .setting(.accessToken)) var accessToken: String?
    @Option(help: .setting(.profile)) var profile: String?
    @Option(help: .setting(.expectOrg)) var expectOrg: String?

    func validate() throws {
        if baseUrl != nil && environment != nil { throw ArgumentParser.ValidationError("give --base-url or --environment, not both") }
    }

    /// `--expect-org`, else PCLUA_EXPECT_ORG.
    var expectedOrg: String? { expectOrg ?? ProcessInfo.processInfo.environment["PCLUA_EXPECT_ORG"] }
}
