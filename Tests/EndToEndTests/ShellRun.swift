import Foundation
import XCTest

/// Runs a shell command line that calls the built binary as `"$PCLUA"`, for what Process cannot
/// express: argument bytes that are not UTF-8, closed or full stderr, pipes and FIFOs as scripts.
/// Output is kept as bytes.
struct ShellRun {
    let status: Int32
    let signalled: Bool
    let stdout: Data
    let stderr: Data

    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }

    static func run(_ command: String, environment: [String: String] = [:], in directory: URL? = nil,
                    timeout: TimeInterval = 60) throws -> ShellRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = directory ?? PcluaProcess.packageRoot
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("PURECLOUD_") && !$0.key.hasPrefix("GENESYSCLOUD_") && !$0.key.hasPrefix("LUA_")
        }
        // PCLUA_BIN runs the cases against another build (to see them fail without a fix).
        env["PCLUA"] = ProcessInfo.processInfo.environment["PCLUA_BIN"] ?? PcluaProcess.binary.path
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let collected = OutputCollector(out: out, err: err)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            XCTFail("\(command) did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        let (stdout, stderr) = collected.finishBytes()
        return ShellRun(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                        stdout: stdout, stderr: stderr)
    }

    /// A fresh directory for files a test writes.
    static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pclua-host-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
