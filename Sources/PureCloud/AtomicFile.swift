import Foundation

/// Whole-file writes that a reader (or a crash) never sees half done: the bytes go to a temporary
/// file in the same folder (so the rename cannot cross file systems), are flushed to disk, and the
/// temporary file is renamed over the target. Created with mode 0600: the files written this way
/// (snapshots, plans) hold personal data.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws {
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
}
