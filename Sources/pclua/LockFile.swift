import Foundation

/// `--lock PATH`: one run at a time. The lock is an flock(2) on the file, so it is released by the
/// kernel when the process ends however it ends: a lock file left by a dead run is simply taken
/// over. The holder's pid and run id are written into the file for the message a second run
/// prints. The path is opened without following a symbolic link, must be a regular file, and a
/// file that is not a pclua lock file (it holds something else) is refused, never overwritten.
final class LockFile {
    let path: String
    private let descriptor: Int32
    static let marker = "pclua lock"

    enum Failure: Error, CustomStringConvertible {
        case held(path: String, holder: String?)
        case cannotOpen(path: String, reason: String)
        case notALockFile(path: String, reason: String)

        var description: String {
            switch self {
            case let .held(path, holder):
                return "another run holds the lock \(path)" + (holder.map { " (\($0))" } ?? "") + "; not starting"
            case let .cannotOpen(path, reason):
                return "cannot open the lock file \(path): \(reason)"
            case let .notALockFile(path, reason):
                return "refusing \(path) as the lock file: \(reason)"
            }
        }
    }

    init(path: String, runId: String) throws {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link (pclua does not follow one it did not expect: give the file's own path)" : String(cString: strerror(errno))
            throw Failure.cannotOpen(path: path, reason: reason)
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw Failure.notALockFile(path: path, reason: "it is not a regular file")
        }
        let content = Self.contents(fd)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Failure.held(path: path, holder: Self.holder(content))
        }
        guard Self.isLockFile(content) else {
            close(fd)
            throw Failure.notALockFile(path: path, reason: "it holds something other than a pclua lock (\(info.st_size) bytes); it was left as it is. Give a path of its own to --lock")
        }
        descriptor = fd
        let text = "\(Self.marker)\npid \(getpid())\nrun \(runId)\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Empty (new), one of ours, or the bare pid older pclua versions wrote.
    static func isLockFile(_ content: String) -> Bool {
        let text = content.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty || text.hasPrefix(marker) || text.allSatisfy(\.isNumber) && text.count <= 10
    }

    /// "pid 4242, run 20261203-...", from the file the holder wrote.
    static func holder(_ content: String) -> String? {
        let lines = content.split(separator: "\n").map(String.init)
        if lines.first == marker {
            let parts = lines.dropFirst().filter { $0.hasPrefix("pid ") || $0.hasPrefix("run ") }
            return parts.isEmpty ? nil : parts.joined(separator: ", ")
        }
        let bare = content.trimmingCharacters(in: .whitespacesAndNewlines)
        return !bare.isEmpty && bare.allSatisfy(\.isNumber) ? "pid \(bare)" : nil
    }

    private static func contents(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
    }
}
