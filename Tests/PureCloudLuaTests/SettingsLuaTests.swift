import LuaKit
import PureCloud
@testable import PureCloudLua
import XCTest

/// `purecloud.configure{...}`, `GroupsApi.new{...}` and `help(purecloud.configure)` agree with the
/// declaration of every setting (Sources/PureCloud/Settings.swift): every declared key is taken and
/// checked against its declared range (1e300 is an error naming the key, never a trap), every key
/// is in the help, and the session starts from the declared defaults. The command lines are
/// SettingsAgreementTests (EndToEndTests).
final class SettingsLuaTests: ModuleTestCase {
    /// `retry.max_attempts = v` -> `retry = { max_attempts = v }`.
    static func table(_ key: String, _ value: String) -> String {
        let parts = key.split(separator: ".", maxSplits: 1)
        return parts.count == 2 ? "{ \(parts[0]) = { \(parts[1]) = \(value) } }" : "{ \(key) = \(value) }"
    }

    func testEveryDeclaredNumberIsCheckedAgainstItsRangeByConfigureAndNew() throws {
        var checked = 0
        for setting in Settings.all {
            guard let key = setting.configure else { continue }
            let expected: String
            switch setting.value {
            case let .count(range, _): expected = "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound), got 1e+300"
            case let .seconds(range, _):
                expected = "'\(key)' must be a number from \(LuaText.number(range.lowerBound)) to \(LuaText.number(range.upperBound)), got 1e+300"
            default: continue
            }
            checked += 1
            try expectErrors([("purecloud.configure\(Self.table(key, "1e300"))", "configure: " + expected)])
            if setting.perConnection {
                try expectErrors([("purecloud.GroupsApi.new\(Self.table(key, "1e300"))", "GroupsApi.new: " + expected)])
            }
            // The declared default is taken.
            if case let .integer(value)? = setting.defaultValue { try lua("purecloud.configure\(Self.table(key, String(value)))") }
            if case let .seconds(value)? = setting.defaultValue { try lua("purecloud.configure\(Self.table(key, String(value)))") }
        }
        XCTAssertEqual(checked, 9, "timeout, connect_timeout, the five retry keys, concurrency, token_pool")
    }

    func testEveryDeclaredKeyIsKnownAndNoOther() throws {
        for setting in Settings.all {
            guard let key = setting.configure, case .flag = setting.value else { continue }
            try lua("purecloud.configure\(Self.table(key, "true"))")
        }
        XCTAssertEqual(Set(ConnectionOptions.configureKeys), Set(Settings.all.compactMap { $0.configure?.split(separator: ".").first.map(String.init) }))
        try expectErrors([("purecloud.configure{ retry = { max_attempt = 2 } }", "max_attempt")])
    }

    func testTheHelpOfConfigureListsEveryKey() {
        let help = ModuleSurface.value("purecloud.configure")?.help ?? ""
        for setting in Settings.all {
            guard let key = setting.configure else { continue }
            let name = key.split(separator: ".").last.map(String.init) ?? key
            XCTAssertTrue(help.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + " ") },
                          "help(purecloud.configure) lists \(key)")
            XCTAssertTrue(help.contains(setting.help), "help(purecloud.configure) says what \(key) is")
        }
    }

    func testTheSessionStartsFromTheDeclaredDefaults() {
        let settings = SessionSettings()
        XCTAssertEqual(settings.requestTimeout, Settings.defaultSeconds(.timeout))
        XCTAssertEqual(settings.connectTimeout, Settings.defaultSeconds(.connectTimeout))
        XCTAssertEqual(settings.concurrency, Settings.defaultCount(.concurrency))
        XCTAssertEqual(settings.tokenPool, Settings.defaultCount(.tokenPool))
        XCTAssertEqual(settings.retry.maxAttempts, Settings.defaultCount(.maxAttempts))
        XCTAssertEqual(settings.retry.totalBudget, Settings.defaultSeconds(.callBudget))
        XCTAssertEqual(settings.pacing, Settings[.pacing].defaultValue?.isOn)
        XCTAssertEqual(settings.progress, Settings[.progress].defaultValue?.isOn)
    }
}
