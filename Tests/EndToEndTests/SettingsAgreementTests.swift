import Foundation
import PureCloud
import XCTest

/// The command lines of the built binary agree with the declaration of every setting
/// (Sources/PureCloud/Settings.swift): each command's --help lists exactly its declared flags with
/// their help lines, and every number is checked against its declared range by every command that
/// takes it, with the same message (`pclua snapshot --timeout 100000` once passed where `pclua
/// --timeout 100000` stopped). The Lua side (configure, *Api.new, help) is SettingsLuaTests.
final class SettingsAgreementTests: XCTestCase {
    /// Each command, and the arguments it needs besides the flag under test (a required flag, so
    /// that the check of the flag is what stops it, before anything is read or sent).
    static let commands: [(Setting.Command, [String])] = [
        (.run, []), (.snapshot, ["snapshot", "--out", "/nonexistent/x.json"]),
        (.undo, ["undo", "--audit-log", "/nonexistent/audit.log"]), (.restore, ["restore", "--snapshot", "/nonexistent/org.json"]),
        (.diff, ["diff", "/nonexistent/a.json", "/nonexistent/b.json"]), (.emulator, ["emulator"]),
        (.definitions, ["definitions", "--out", "/nonexistent/dir"]),
    ]

    static func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    func testEveryCommandsHelpListsItsDeclaredFlags() throws {
        for (command, arguments) in Self.commands {
            let help = try PcluaProcess.run(Array(arguments.prefix(1)) + ["--help"]).stdout
            // The options part of the help: lines that start with a long flag.
            let options = help.components(separatedBy: "options")
            let listed = Set(options.dropFirst().joined().split(separator: "\n").compactMap { line -> String? in
                let word = line.drop { $0 == " " }.prefix { !$0.isWhitespace }
                return line.hasPrefix("  --") && word.count > 2 ? String(word) : nil
            }).subtracting(["--help", "--version"])
            let declared = Set(Settings.flags(of: command).compactMap(\.flag))
            XCTAssertEqual(listed, declared, "pclua \(command.rawValue) --help and the declaration")
            let flat = Self.words(help)
            for setting in Settings.flags(of: command) {
                XCTAssertTrue(flat.contains(Self.words(setting.help)), "\(command.rawValue) \(setting.flag ?? ""): its declared help line")
            }
        }
        let rehearse = try PcluaProcess.run(["rehearse", "--help"]).stdout
        for setting in Settings.flags(of: .rehearse) {
            XCTAssertTrue(rehearse.contains(setting.flag ?? "?"), "pclua rehearse --help names \(setting.flag ?? "")")
        }
    }

    func testEveryCommandChecksEveryNumberAgainstItsDeclaredRange() throws {
        for (command, arguments) in Self.commands + [(.rehearse, ["rehearse", "--snapshot", "/nonexistent/org.json"])] {
            for setting in Settings.flags(of: command) {
                guard let flag = setting.flag else { continue }
                let (given, value): (String, SettingValue)
                switch setting.value {
                case let .count(range, _): (given, value) = (String(range.upperBound + 1), .integer(range.upperBound + 1))
                case let .seconds(range, _): (given, value) = (String(Int(range.upperBound) * 2), .seconds(range.upperBound * 2))
                case .fraction: (given, value) = ("1.5", .fraction(1.5))
                default: continue
                }
                let expected: String
                do { _ = try setting.check(value, as: flag); return XCTFail("\(flag) \(given) is in its range") } catch { expected = error.description }
                let tail = command == .run || command == .rehearse ? ["-e", "print(1)"] : []
                let outcome = try PcluaProcess.run(arguments + [flag, given] + tail)
                XCTAssertEqual(outcome.status, 2, "\(command.rawValue) \(flag) \(given): \(outcome.stderr)")
                XCTAssertTrue(outcome.stderr.contains(expected), "\(command.rawValue) \(flag) \(given): \(outcome.stderr)")
            }
        }
    }

    /// One parser for every subcommand: the same forms (`--flag value`, `--flag=value`), the same
    /// refusals, said the same way, and `pclua help NAME` is NAME's own --help page.
    func testEveryCommandReadsItsFlagsTheSameWay() throws {
        for (command, arguments) in Self.commands where command != .run {
            let name = command.rawValue
            let page = try PcluaProcess.run([name, "--help"])
            XCTAssertEqual(page.status, 0, name)
            XCTAssertEqual(try PcluaProcess.run(["help", name]).stdout, page.stdout, "pclua help \(name)")
            let flag = try XCTUnwrap(Settings.flags(of: command).compactMap(\.flag).first)
            let typo = try PcluaProcess.run(arguments + [flag + "x"])
            XCTAssertEqual(typo.status, 2, "\(name) \(flag)x")
            XCTAssertTrue(typo.stderr.hasPrefix("pclua \(name): unknown option \(flag)x (did you mean"), typo.stderr)
            if let valued = Settings.flags(of: command).first(where: { !$0.isOnOff })?.flag {
                let missing = try PcluaProcess.run(Array(arguments.prefix(1)) + [valued])
                XCTAssertEqual(missing.status, 2)
                XCTAssertTrue(missing.stderr.hasPrefix("pclua \(name): \(valued) needs a value"), missing.stderr)
            }
            if let onOff = Settings.flags(of: command).first(where: \.isOnOff)?.flag {
                let valued = try PcluaProcess.run(arguments + [onOff + "=yes"])
                XCTAssertEqual(valued.status, 2)
                XCTAssertTrue(valued.stderr.hasPrefix("pclua \(name): \(onOff) takes no value, got 'yes'"), valued.stderr)
            }
        }
        // The required flag, and the `=` form of a value.
        let missing = try PcluaProcess.run(["restore", "--groups=Support*"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.hasPrefix("pclua restore: --snapshot <file> is required"), missing.stderr)
        let extra = try PcluaProcess.run(["diff", "a.json", "b.json", "c.json"])
        XCTAssertTrue(extra.stderr.hasPrefix("pclua diff: unexpected argument 'c.json'"), extra.stderr)
        // Which org, or which copy of it, given twice with two values: one was a mistake.
        for arguments in [["--environment", "mypurecloud.ie", "--environment=mypurecloud.de", "-e", "x = 1"],
                          ["rehearse", "--snapshot", "a.json", "--snapshot", "b.json", "-e", "x = 1"],
                          ["snapshot", "--out", "a.json", "--profile", "prod", "--profile", "test"]] {
            let twice = try PcluaProcess.run(arguments)
            XCTAssertEqual(twice.status, 2, "\(arguments)")
            XCTAssertTrue(twice.stderr.contains("is given twice, with two values; give it once"), twice.stderr)
        }
        XCTAssertEqual(try PcluaProcess.run(["--log-level", "debug", "--log-level", "warn", "-e", "print(1)"]).stdout, "1\n",
                       "another flag given twice: the last one wins, as getopt_long")
    }
}
