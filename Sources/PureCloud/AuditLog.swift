import Foundation
import Synchronization

/// `--audit-log PATH`: every write the client sends (create, update, delete, member add/remove)
/// as one JSON line: time, operation, target, ids, result, correlation id. Each line is written
/// and flushed to disk before the next write goes out, so after a crash or a kill the file still
/// lists everything that may have reached the org.
public final class AuditLog: Sendable {
    public let path: String
    private let handle: Mutex<FileHandle>

    public init(path: String) throws {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ConfigurationError("cannot create the audit log \(path)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ConfigurationError("cannot open the audit log \(path) for writing")
        }
        handle.seekToEndOfFile()
        self.handle = Mutex(handle)
    }

    public func record(operation: String, method: String, target: String, body: [UInt8]?, result: String, status: Int?, correlationId: String?) {
        var ids: [JSONValue] = []
        let parsed = body.flatMap { JSONValue.parse($0) }
        if let members = parsed?["memberIds"]?.arrayValue { ids = members }
        if let query = target.split(separator: "?", maxSplits: 1).dropFirst().first,
           let idsParam = query.split(separator: "&").first(where: { $0.hasPrefix("ids=") }) {
            let value = String(idsParam.dropFirst(4)).removingPercentEncoding ?? String(idsParam.dropFirst(4))
            ids = value.split(separator: ",").map { .string(String($0)) }
        }
        var line: [(key: String, value: JSONValue)] = [
            ("time", .string(EventLog.timestamp(Date()))), ("operation", .string(operation)), ("method", .string(method)),
            ("target", .string(String(target.split(separator: "?").first ?? ""))),
        ]
        if !ids.isEmpty { line.append(("ids", .array(ids))) }
        if let name = parsed?["name"]?.stringValue { line.append(("name", .string(name))) }
        line.append(("result", .string(result)))
        if let status { line.append(("status", .int(Int64(status)))) }
        if let correlationId { line.append(("correlation_id", .string(correlationId))) }
        let bytes = Data((JSONValue.object(line).text + "\n").utf8)
        let failure: String? = handle.withLock { handle in
            // The throwing calls: FileHandle's older write() traps on a full disk.
            do {
                try handle.write(contentsOf: bytes)
                try handle.synchronize()
                return nil
            } catch {
                return "\(error)"
            }
        }
        if let failure { StandardError.write("pclua: cannot write the audit log \(path): \(failure); the write above was sent\n") }
    }
}
