import Foundation

/// `--lock PATH`: one run at a time. The lock is an flock(2) on the file, so it is released by the
/// kernel when the process ends however it ends: a lock file left by a dead run is simply taken
/// over. The holder's pid is written into the file for the message a second run prints.
final class LockFile {
    let path: String
    private let descriptor: Int32

    enum Failure: Error, CustomStringConvertible {
        case held(path: String, pid: String?)
        case cannotOpen(path: String, reason: String)

        var description: String {
            switch self {
            case let .held(path, pid):
                return "another run holds the lock \(path)" + (pid.map { " (pid \($0))" } ?? "") + "; not starting"
            case let .cannotOpen(path, reason):
                return "cannot open the lock file \(path): \(reason)"
            }
        }
    }

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw Failure.held(path: path, pid: holder?.isEmpty == false ? holder : nil)
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
