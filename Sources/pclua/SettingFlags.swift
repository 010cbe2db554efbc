import ArgumentParser
import PureCloud
import PureCloudLua

/// The flags of the commands, as the declaration of every setting (PureCloud/Settings.swift)
/// says them: their help line and value name, and the checks of their values, so that `run`,
/// `snapshot`, `undo` and `restore` take the same values with the same message as `configure{...}`
/// (SettingFlagsTests runs every command against the declaration).
extension ArgumentHelp {
    static func setting(_ id: Setting.ID) -> ArgumentHelp {
        let setting = Settings[id]
        return ArgumentHelp(setting.help, valueName: setting.valueName)
    }
}

enum SettingFlags {
    /// Checks values as ArgumentParser typed them against their declaration (range, choices),
    /// said with the flag's name.
    static func check(_ values: [(Setting.ID, SettingValue)]) throws {
        for (id, value) in values {
            let setting = Settings[id]
            do { _ = try setting.check(value, as: setting.flag ?? id.rawValue) } catch {
                throw ArgumentParser.ValidationError(error.description)
            }
        }
    }

    /// How requests are sent (timeouts, retries, concurrency, the token pool), applied to the
    /// session as `configure{...}` applies the same keys.
    static func apply(_ values: [(Setting.ID, SettingValue)], to settings: inout SessionSettings) {
        for (id, value) in values { settings.set(id, value) }
    }
}

/// How requests are sent and logged: the flags `run` and every command that talks to an org
/// (ConnectionFlags) share, declared once here from the settings declaration.
struct TuningFlags: ParsableArguments {
    @Option(help: .setting(.logLevel)) var logLevel = "warn"
    @Option(help: .setting(.logFormat)) var logFormat = "text"
    @Option(help: .setting(.timeout)) var timeout = Settings.defaultSeconds(.timeout)
    @Option(help: .setting(.connectTimeout)) var connectTimeout = Settings.defaultSeconds(.connectTimeout)
    @Option(help: .setting(.maxAttempts)) var maxAttempts = Settings.defaultCount(.maxAttempts)
    @Option(help: .setting(.callBudget)) var callBudget = Settings.defaultSeconds(.callBudget)
    @Option(help: .setting(.concurrency)) var concurrency = Settings.defaultCount(.concurrency)
    @Option(help: .setting(.tokenPool)) var tokenPool = Settings.defaultCount(.tokenPool)

    /// The values `configure` also takes, applied to the session as it applies them.
    var values: [(Setting.ID, SettingValue)] {
        [(.timeout, .seconds(timeout)), (.connectTimeout, .seconds(connectTimeout)), (.maxAttempts, .integer(maxAttempts)),
         (.callBudget, .seconds(callBudget)), (.concurrency, .integer(concurrency)), (.tokenPool, .integer(tokenPool))]
    }

    func validate() throws {
        try SettingFlags.check([(.logLevel, .text(logLevel)), (.logFormat, .text(logFormat))] + values)
    }

    func apply(to settings: inout SessionSettings) { SettingFlags.apply(values, to: &settings) }

    /// The log the flags ask for (both were checked against their choices).
    var log: EventLog { EventLog(level: LogLevel(name: logLevel) ?? .warn, format: EventLog.Format(rawValue: logFormat) ?? .text) }
}
