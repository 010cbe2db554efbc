import EmulatorTestSupport
import Foundation
import PureCloudEmulator
import LuaKit
import PureCloud
import PureCloudLua
import XCTest

/// One emulator per test class; each test gets a fresh Lua state with the module installed and
/// runs real Lua against it. The test thread is the Lua thread (it is not a Swift-concurrency
/// thread, so blocking it on HTTP is allowed).
class ModuleTestCase: XCTestCase {
    nonisolated(unsafe) static var running: [String: RunningEmulator] = [:]
    nonisolated(unsafe) static var emulators: [String: PureCloudEmulator] = [:]

    class func configure(_ c: inout EmulatorConfiguration) {}

    override class func setUp() {
        let key = String(describing: self)
        (emulators[key], running[key]) = ClassEmulator.start { configure(&$0) }
    }

    override class func tearDown() {
        ClassEmulator.stop(running[String(describing: self)])
    }

    var baseURL: String { Self.running[String(describing: type(of: self))]!.baseURL }

    var logLines: [String] = []

    func makeState(secret: String = EmulatorConfiguration.defaultClientSecret, dryRun: Bool = false, level: LogLevel = .warn) throws -> LuaState {
        var settings = SessionSettings()
        settings.environment = try Environment.baseURL(baseURL)
        settings.credentials = .clientCredentials(id: EmulatorConfiguration.defaultClientId, secret: Secret(secret))
        settings.dryRun = dryRun
        settings.retry.baseDelay = 0.01
        let lines = LockedLines()
        collected = lines
        let log = EventLog(level: level, format: .text) { lines.append($0) }
        let state = try LuaState()
        PurecloudModule.install(into: state, session: PurecloudSession(settings: settings, log: log))
        return state
    }

    var collected: LockedLines?

    /// Runs Lua and fails the test with Lua's message and traceback if it raises.
    func lua(_ code: String, in state: LuaState? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let state = try state ?? makeState()
        do {
            try state.run(code, name: "=test")
        } catch let LuaError.runtime(message, traceback, _) {
            XCTFail("\(message)\n\(traceback ?? "")", file: file, line: line)
        }
    }

    /// Runs Lua that must fail, and returns the error message.
    func luaError(_ code: String, in state: LuaState? = nil) throws -> String {
        let state = try state ?? makeState()
        do {
            try state.run(code, name: "@test.lua")
        } catch let error as LuaError {
            return error.description
        }
        XCTFail("expected an error from: \(code)")
        return ""
    }

    /// Runs each chunk (after `prelude`, on the line before) and checks that it fails with a
    /// message containing the expected text; returns the messages.
    @discardableResult
    func expectErrors(_ cases: [(String, String)], prelude: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try cases.map { code, expected in
            let message = try luaError(prelude.map { $0 + "\n" + code } ?? code)
            XCTAssertTrue(message.contains(expected), "\(code)\n  expected: \(expected)\n  got: \(message)", file: file, line: line)
            return message
        }
    }

    /// What the emulator was asked, by operation.
    func requestCount(_ operation: String) throws -> Int {
        Self.emulators[String(describing: type(of: self))]!.requestCount(operation)
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
