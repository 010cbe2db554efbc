import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// With default settings, nobody listening must fail in seconds, not minutes, and each retry must
/// be visible at the default log level; and cron must get the documented exit statuses.
final class FailFastTests: XCTestCase {
    let credentials = ["PURECLOUD_CLIENT_ID": "fail-fast-client", "PURECLOUD_SECRET": "fail-fast-secret-5d1e"]

    /// Runs one call with default timeouts and retries against `baseURL`.
    func call(_ baseURL: String) throws -> (PcluaProcess.Outcome, Double) {
        let started = Date()
        let outcome = try PcluaProcess.run(["--base-url", baseURL, "-e", "purecloud.GroupsApi.new():get_groups{}"],
                                           environment: credentials, timeout: 60)
        return (outcome, Date().timeIntervalSince(started))
    }

    func assertFailedFast(_ outcome: PcluaProcess.Outcome, _ seconds: Double, port: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(outcome.status, 1, outcome.stderr, file: file, line: line)
        // The bound is 5 s; the margin absorbs a loaded test machine.
        XCTAssertLessThan(seconds, 8, "nobody listening took \(seconds) s to fail", file: file, line: line)
        XCTAssertTrue(outcome.stderr.contains("network.unreachable: cannot connect to 127.0.0.1:\(port)"), outcome.stderr, file: file, line: line)
        let retries = outcome.stderr.components(separatedBy: "\n").filter { $0.contains("WARN") && $0.contains("retrying") }
        XCTAssertEqual(retries.count, 2, "each retry is reported at the default level: \(outcome.stderr)", file: file, line: line)
        XCTAssertFalse(outcome.stderr.contains("fail-fast-secret"), file: file, line: line)
    }

    func testARefusedConnectionFailsWithinSecondsNamingHostAndPort() throws {
        // A port that was just free: bound, then closed, so connecting to it is refused.
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        XCTAssertEqual(Self.bind(probe, &address), 0)
        let port = Self.port(of: probe)
        close(probe)
        let (outcome, seconds) = try call("http://127.0.0.1:\(port)")
        assertFailedFast(outcome, seconds, port: port)
        XCTAssertTrue(outcome.stderr.contains("connection refused"), outcome.stderr)
    }

    func testAConnectThatIsNeverAnsweredFailsWithinSeconds() throws {
        // A listener whose backlog is full drops further SYNs: the connect never completes, as
        // with an unroutable address, without leaving the machine.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        XCTAssertEqual(Self.bind(listener, &address), 0)
        XCTAssertEqual(listen(listener, 0), 0)
        let port = Self.port(of: listener)
        var fillers: [Int32] = []
        for _ in 0..<4 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var target = Self.loopback(port: port)
            _ = withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            fillers.append(filler)
        }
        usleep(200_000)
        defer { (fillers + [listener]).forEach { close($0) } }
        let (outcome, seconds) = try call("http://127.0.0.1:\(port)")
        assertFailedFast(outcome, seconds, port: port)
        XCTAssertTrue(outcome.stderr.contains("no answer to the connect"), outcome.stderr)
    }

    func testAnUnusableLockPathIsAUsageError() throws {
        let outcome = try PcluaProcess.run(["--emulator", "--lock", "/nonexistent/dir/x.lock", "-e", "print('ran')"])
        XCTAssertEqual(outcome.status, 2, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("cannot open the lock file /nonexistent/dir/x.lock"), outcome.stderr)
        XCTAssertFalse(outcome.stdout.contains("ran"))
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    static func bind(_ fd: Int32, _ address: inout sockaddr_in) -> Int32 {
        withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    }

    static func port(of fd: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
