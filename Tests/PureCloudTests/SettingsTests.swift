import Foundation
@testable import PureCloud
import XCTest

/// The declaration of every setting (Sources/PureCloud/Settings.swift): consistent in itself, its
/// checked reader, the defaults the client's structures take from it, and the reference tables of
/// the docs, which are generated from it (`PCLUA_GENERATE=1 swift test --skip-build --filter
/// SettingsTests` rewrites them after a change to the table).
final class SettingsTests: XCTestCase {
    func testEverySettingIsDeclaredOnceAndConsistently() {
        XCTAssertEqual(Settings.all.map(\.id).sorted { $0.rawValue < $1.rawValue }, Setting.ID.allCases.sorted { $0.rawValue < $1.rawValue },
                       "one entry per setting")
        for command in Setting.Command.allCases {
            let flags = Settings.flags(of: command).compactMap(\.flag)
            XCTAssertEqual(flags.count, Set(flags).count, "\(command): a flag declared twice")
        }
        let keys = Settings.all.compactMap(\.configure)
        XCTAssertEqual(keys.count, Set(keys).count, "a configure key declared twice")
        for setting in Settings.all {
            let name = setting.id.rawValue
            XCTAssertTrue(setting.flag != nil || setting.configure != nil, "\(name) can be set nowhere")
            if let flag = setting.flag {
                XCTAssertTrue(flag.hasPrefix("--") && flag.dropFirst(2).allSatisfy { $0.isLowercase || $0 == "-" }, "\(name): \(flag)")
                XCTAssertFalse(setting.commands.isEmpty, "\(name): a flag of no command")
            } else {
                XCTAssertTrue(setting.commands.isEmpty && setting.environment.isEmpty, "\(name): commands or variables without a flag")
            }
            XCTAssertTrue(setting.required.isSubset(of: setting.commands), "\(name) is required where it is not taken")
            XCTAssertFalse(setting.help.isEmpty, name)
            XCTAssertTrue(setting.help.hasSuffix(".") || setting.help.hasSuffix(")"), "\(name): a help line is a sentence")
            switch setting.value {
            case .flag:
                XCTAssertNil(setting.valueName, "\(name): a flag takes no value")
            case .text:
                XCTAssertTrue(setting.flag == nil || setting.valueName != nil, "\(name): the help names its value")
            case let .choice(choices, chosen):
                XCTAssertTrue(choices.contains(chosen), name)
            case let .count(range, number):
                if let number { XCTAssertTrue(range.contains(number), name) }
            case let .seconds(range, number):
                XCTAssertTrue(range.contains(number) && range.upperBound <= 86_400, "\(name): finite, at most a day")
            case let .fraction(number):
                XCTAssertTrue((0...1).contains(number), name)
            }
            if setting.flagTurnsOff { XCTAssertEqual(setting.value, .flag(default: true), "\(name): only an on/off setting is turned off") }
            if setting.placement != .beforeScript { XCTAssertTrue(setting.commands.contains(.run), "\(name): a placement outside run") }
        }
    }

    func testTheClientsDefaultsAreTheDeclaredOnes() {
        let retry = RetryPolicy()
        XCTAssertEqual(retry.maxAttempts, 8)
        XCTAssertEqual(retry.totalBudget, 600)
        XCTAssertEqual(retry.baseDelay, 0.5)
        XCTAssertEqual(retry.maxDelay, 30)
        XCTAssertEqual(retry.maxRetryAfter, 180)
        let client = ClientConfiguration(environment: .default, credentials: nil)
        XCTAssertEqual(client.requestTimeout, 60)
        XCTAssertEqual(client.connectTimeout, 1)
        XCTAssertEqual(client.concurrency, 8)
        XCTAssertEqual(client.tokenPool, 1)
        XCTAssertEqual(ClientConfiguration.maximumConcurrency, 64)
        XCTAssertEqual(ClientConfiguration.maximumTokenPool, 20)
        XCTAssertEqual(OrgPlan.defaultRatePerMinute, 300)
    }

    func testTheCheckedReaderTakesOnlyWhatFits() throws {
        func read(_ id: Setting.ID, _ text: String) -> Result<SettingValue, SettingProblem> {
            let setting = Settings[id]
            return Result { () throws(SettingProblem) in try setting.read(text, as: setting.flag ?? id.rawValue) }
        }
        XCTAssertEqual(try read(.timeout, "2.5").get(), .seconds(2.5))
        XCTAssertEqual(try read(.concurrency, "64").get(), .integer(64))
        XCTAssertEqual(try read(.logLevel, "debug").get(), .text("debug"))
        for (id, text, message) in [
            (Setting.ID.timeout, "0", "--timeout must be between 0.001 and 86400 seconds, got 0"),
            (.timeout, "100000", "--timeout must be between 0.001 and 86400 seconds, got 100000"),
            (.timeout, "nan", "--timeout must be a number between 0.001 and 86400 seconds, got 'nan'"),
            (.callBudget, "inf", "--call-budget must be a number between 0.001 and 86400 seconds, got 'inf'"),
            (.connectTimeout, "1e300", "--connect-timeout must be between 0.001 and 86400 seconds, got 1e+300"),
            (.concurrency, "0", "--concurrency must be from 1 to 64, got 0"),
            (.tokenPool, "100", "--token-pool must be from 1 to 20, got 100"),
            (.maxAttempts, "1.5", "--max-attempts must be a whole number from 1 to 100, got '1.5'"),
            (.maxAttempts, "99999999999999999999", "--max-attempts must be a whole number from 1 to 100, got '99999999999999999999'"),
            (.logLevel, "loud", "--log-level must be debug, info, warn or error, got 'loud'"),
            (.profile, "", "--profile needs a value"),
            (.dryRun, "true", "--dry-run takes no value, got 'true'"),
        ] {
            switch read(id, text) {
            case .success(let value): XCTFail("\(id) \(text): read as \(value)")
            case .failure(let problem): XCTAssertEqual(problem.description, message)
            }
        }
        let huge = String(repeating: "x", count: Setting.maximumTextBytes + 1)
        XCTAssertThrowsError(try read(.lock, huge).get())
    }

    func testTheDocsReferenceTablesAreTheDeclaration() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        for (file, name, table) in [("docs/lua-api.md", "configure", SettingsTables.configure()), ("README.md", "flags", SettingsTables.flags())] {
            let url = root.appendingPathComponent(file)
            var text = try String(contentsOf: url, encoding: .utf8)
            let begin = "<!-- generated from Sources/PureCloud/Settings.swift: \(name) -->\n", end = "<!-- end of \(name) -->"
            guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else {
                return XCTFail("\(file) has no \(name) table between \(begin) and \(end)")
            }
            if ProcessInfo.processInfo.environment["PCLUA_GENERATE"] == "1" {
                text.replaceSubrange(start.upperBound..<stop.lowerBound, with: table)
                try text.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            XCTAssertEqual(String(text[start.upperBound..<stop.lowerBound]), table, "\(file)'s \(name) table differs from the declaration (PCLUA_GENERATE=1)")
        }
    }
}

/// The reference tables of the docs, from the declaration.
enum SettingsTables {
    /// docs/lua-api.md: the keys of `configure` and `*Api.new`.
    static func configure() -> String {
        var text = "| key | value | flag | meaning |\n|---|---|---|---|\n"
        for setting in Settings.all {
            guard let key = setting.configure else { continue }
            let flag = setting.flag.map { "`\($0)`" + (setting.flagTurnsOff ? " (sets it false)" : "") } ?? ""
            let only = setting.perConnection ? "" : " (`configure` only)"
            text += "| `\(key)` | \(value(setting)) | \(flag) | \(setting.help)\(only) |\n"
        }
        return text
    }

    /// README.md: every flag of every command that reads pclua's flags.
    static func flags() -> String {
        var text = "| flag | value | commands | after the script | meaning |\n|---|---|---|---|---|\n"
        var seen = Set<String>()
        for setting in Settings.all {
            guard let flag = setting.flag else { continue }
            let commands = Setting.Command.allCases.filter(setting.commands.contains).map { c in
                setting.required.contains(c) ? "\(c.rawValue) (required)" : c.rawValue
            }
            let placement: String = switch setting.placement {
            case _ where !setting.commands.contains(.run): ""
            case .beforeScript: "the script's"
            case .anywhere: "honoured"
            case .refusedAfterScript: "refused"
            }
            let from = setting.environment.isEmpty ? "" : "; also " + setting.environment.map { "`\($0)`" }.joined(separator: ", ")
            let shown = seen.insert(flag).inserted ? "`\(flag)`" : "`\(flag)` (\(setting.commands.map(\.rawValue).sorted().joined(separator: ", ")))"
            text += "| \(shown) | \(value(setting)) | \(commands.joined(separator: ", ")) | \(placement) | \(setting.help)\(from) |\n"
        }
        return text
    }

    static func value(_ setting: Setting) -> String {
        switch setting.value {
        case let .flag(on): return setting.flag != nil && setting.configure == nil ? "" : "boolean, default \(on)"
        case .text: return setting.valueName.map { "`<\($0)>`" } ?? "string"
        case let .choice(choices, chosen): return choices.map { "`\($0)`" }.joined(separator: ", ") + "; default `\(chosen)`"
        case let .count(range, number): return "\(range.lowerBound) to \(range.upperBound)" + (number.map { "; default \($0)" } ?? "")
        case let .seconds(range, number):
            return "\(ServerNumbers.format(range.lowerBound)) to \(ServerNumbers.format(range.upperBound)) s; default \(ServerNumbers.format(number))"
        case let .fraction(number): return "0 to 1; default \(ServerNumbers.format(number))"
        }
    }
}
