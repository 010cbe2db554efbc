import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately broken HTTP/1.1 server on 127.0.0.1 (an ephemeral port), written on raw
/// sockets so it can do what no real framework would: cut a JSON body short, stall after the
/// headers, stream 100 MB, send `Retry-After: -1`. Each request is answered by `handler`.
final class HostileServer: @unchecked Sendable {
    struct Request: Sendable {
        let method: String
        let path: String
        let headers: [String: String]
    }

    enum Reply: Sendable {
        /// A complete answer with a correct Content-Length; the connection stays open.
        case answer(status: Int, headers: [(String, String)] = [], body: String)
        /// `head` (status line and headers, without the blank line), then `total` bytes of `fill`
        /// or until the client hangs up; `declareLength` sends Content-Length, otherwise the body
        /// ends when the connection closes.
        case stream(status: Int, total: Int, declareLength: Bool)
        /// Headers promising `declared` bytes, `sent` of them, then silence until the server stops.
        case stall(declared: Int, sent: Int)
    }

    let port: Int
    private let listener: Int32
    private let handler: @Sendable (Request) -> Reply
    private let lock = NSLock()
    private var stopped = false
    private var counts: [String: Int] = [:]
    private var seenHeaders: [String] = []

    init(handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// How many requests came for a path (the query left out).
    func count(_ path: String) -> Int { lock.withLock { counts[path, default: 0] } }

    /// Every request header line received, for checking where credentials went.
    var headerLines: [String] { lock.withLock { seenHeaders } }

    func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        while !isStopped {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var buffer: [UInt8] = []
        while !isStopped {
            guard let request = readRequest(connection, &buffer) else { return }
            lock.withLock { counts[request.path, default: 0] += 1 }
            switch handler(request) {
            case let .answer(status, headers, body):
                var head = "HTTP/1.1 \(status) Hostile\r\nContent-Length: \(body.utf8.count)\r\n"
                for (name, value) in headers { head += "\(name): \(value)\r\n" }
                guard write(connection, Array((head + "\r\n" + body).utf8)) else { return }
            case let .stream(status, total, declareLength):
                var head = "HTTP/1.1 \(status) Hostile\r\nContent-Type: application/json\r\n"
                head += declareLength ? "Content-Length: \(total)\r\n" : "Connection: close\r\n"
                guard write(connection, Array((head + "\r\n").utf8)) else { return }
                let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
                var sent = 0
                while sent < total, !isStopped {
                    let piece = Array(chunk.prefix(min(chunk.count, total - sent)))
                    guard write(connection, piece) else { return }
                    sent += piece.count
                }
                return
            case let .stall(declared, sent):
                let head = "HTTP/1.1 200 Hostile\r\nContent-Type: application/json\r\nContent-Length: \(declared)\r\n\r\n"
                guard write(connection, Array(head.utf8) + Array(String(repeating: " ", count: sent).utf8)) else { return }
                while !isStopped { usleep(50_000) }
                return
            }
        }
    }

    /// Reads one request (head and a Content-Length body); nil when the client hung up.
    private func readRequest(_ connection: Int32, _ buffer: inout [UInt8]) -> Request? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        func headEnd() -> Int? {
            guard buffer.count >= 4 else { return nil }
            return (0...(buffer.count - 4)).first { Array(buffer[$0..<$0 + 4]) == separator }
        }
        while headEnd() == nil {
            var poller = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 100) <= 0 { if isStopped { return nil }; continue }
            let read = recv(connection, &chunk, chunk.count, 0)
            guard read > 0 else { return nil }
            buffer += chunk.prefix(read)
        }
        let end = headEnd()!
        let lines = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        lock.withLock { seenHeaders += lines }
        let bodyLength = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < end + 4 + bodyLength {
            let read = recv(connection, &chunk, chunk.count, 0)
            guard read > 0 else { return nil }
            buffer += chunk.prefix(read)
        }
        buffer.removeFirst(end + 4 + bodyLength)
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return nil }
        let path = String(parts[1].split(separator: "?", maxSplits: 1)[0])
        return Request(method: String(parts[0]), path: path, headers: headers)
    }

    /// False when the client has gone (MSG_NOSIGNAL: a closed socket must not kill the test run).
    private func write(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
