import EmulatorTestSupport
import Foundation
import PureCloudEmulator
import XCTest

/// Runs the built `pclua` binary as a user would, and collects what it printed.
struct PcluaProcess {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String

        /// stderr without the line naming the org a run that can write talks to (issue 19), for
        /// tests about the other messages.
        var messages: String {
            stderr.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !($0.hasPrefix("pclua: run ") && $0.contains(" talks to org ")) }
                .joined(separator: "\n")
        }
    }

    /// The binary sits next to the test bundle in the build folder; PCLUA_BIN runs the cases
    /// against another build (to see them fail without a fix).
    static var binary: URL {
        if let other = ProcessInfo.processInfo.environment["PCLUA_BIN"] { return URL(fileURLWithPath: other) }
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [bundleDirectory, bundleDirectory.deletingLastPathComponent()].map { $0.appendingPathComponent("pclua") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
                    timeout: TimeInterval = 120) throws -> Outcome {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PURECLOUD_") && !$0.key.hasPrefix("GENESYSCLOUD_") }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Read both pipes while it runs so a chatty process cannot block on a full pipe.
        let collected = OutputCollector(out: out, err: err)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("pclua \(arguments) did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        let (stdout, stderr) = collected.finish()
        return Outcome(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

final class OutputCollector: @unchecked Sendable {
    private var out = Data(), err = Data()
    private let group = DispatchGroup()

    init(out: Pipe, err: Pipe) {
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                if isOut { self.out = data } else { self.err = data }
                self.group.leave()
            }
        }
    }

    func finish() -> (String, String) {
        let (out, err) = finishBytes()
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// The bytes as written, for tests of what reaches a terminal byte for byte.
    func finishBytes() -> (Data, Data) {
        group.wait()
        return (out, err)
    }
}

/// An in-process emulator shared by a test class; the binary reaches it over loopback.
class EmulatorBackedTestCase: XCTestCase {
    nonisolated(unsafe) static var instances: [String: (PureCloudEmulator, RunningEmulator)] = [:]

    class func configure(_ c: inout EmulatorConfiguration) {}

    override class func setUp() {
        instances[String(describing: self)] = ClassEmulator.start { configure(&$0) }
    }

    override class func tearDown() {
        ClassEmulator.stop(instances[String(describing: self)]?.1)
    }

    var emulator: PureCloudEmulator { Self.instances[String(describing: type(of: self))]!.0 }
    var baseURL: String { Self.instances[String(describing: type(of: self))]!.1.baseURL }
    var port: Int { Self.instances[String(describing: type(of: self))]!.1.port }

    var credentials: [String: String] {
        ["PURECLOUD_CLIENT_ID": EmulatorConfiguration.defaultClientId, "PURECLOUD_SECRET": EmulatorConfiguration.defaultClientSecret]
    }

    func pclua(_ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil) throws -> PcluaProcess.Outcome {
        try PcluaProcess.run(["--base-url", baseURL] + arguments, environment: environment ?? credentials, stdin: stdin)
    }

    /// The emulator's whole org, as JSON, from /_emulator/state.
    func state() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(emulator.exportedState().utf8)) as? [String: Any] ?? [:]
    }

    func groups() throws -> [[String: Any]] { try state()["groups"] as? [[String: Any]] ?? [] }
}
