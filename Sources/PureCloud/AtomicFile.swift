import Foundation

/// Whole-file writes that a reader (or a crash) never sees half done: the bytes go to a temporary
/// file in the same folder (so the rename cannot cross file systems), are flushed to disk, and the
/// temporary file is renamed over the target. Created with mode 0600: the files written this way
/// (snapshots, plans) hold personal data.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to requested: String, mode: mode_t = 0o600) throws {
        let path = try target(requested)
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = "\(folder)/.\(url.lastPathComponent).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw OrgDataError("cannot write \(path): \(String(cString: strerror(errno)))") }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw OrgDataError("cannot write \(path): \(String(cString: strerror(failure)))")
        }
        // The rename replaced the target's entry; make sure its mode is ours even if an older file had another.
        chmod(path, mode)
    }

    /// Where the bytes really go: a symbolic link is followed (the file it names is replaced, not
    /// the link), and anything that exists but is not a regular file (a device such as /dev/stdout
    /// or /dev/full, a folder, a pipe) is refused: renaming over it would replace it.
    public static func target(_ path: String) throws -> String {
        var resolved = path
        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
            if let real = realpath(path, nil) {
                resolved = String(cString: real)
                free(real)
            } else {
                // A link to a file that does not exist yet: the file is created where it points.
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(path, &buffer, buffer.count - 1)
                guard length > 0 else { throw OrgDataError("cannot write \(path): \(String(cString: strerror(errno)))") }
                let destination = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                resolved = destination.hasPrefix("/") ? destination
                    : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(destination).path
            }
        }
        if stat(resolved, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
            throw OrgDataError("cannot write \(path): it is not a regular file")
        }
        let folder = URL(fileURLWithPath: resolved).deletingLastPathComponent().path
        guard access(folder, W_OK) == 0 else {
            throw OrgDataError("cannot write \(path): \(folder) \(errno == ENOENT ? "does not exist" : "is not writable")")
        }
        return resolved
    }
}
