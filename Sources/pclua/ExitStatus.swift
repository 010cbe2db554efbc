import Foundation

/// Exit statuses, documented in `pclua --help` and the README.
enum ExitStatus {
    static let success: Int32 = 0
    /// The script raised an error (or a bulk helper's failure was raised).
    static let scriptError: Int32 = 1
    /// Bad command line or configuration: unknown flag, missing credential, unknown environment.
    static let usage: Int32 = 2
    /// The platform refused the credentials (bad client id or secret, revoked token).
    static let authentication: Int32 = 3
    /// A bulk membership helper stopped before it finished, or reported ids it could not change.
    static let partialFailure: Int32 = 4
    /// `--lock` is held by another run; nothing was done.
    static let lockHeld: Int32 = 5
    /// `--expect-org`: the token belongs to another org, or its org cannot be told; nothing was sent.
    static let wrongOrg: Int32 = 6
    /// Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
    static let interrupted: Int32 = 130
}

/// A line on stderr. A closed or full stderr is not an error worth dying for (lua.c ignores
/// it too): write(2) directly, and give up quietly when it fails. FileHandle would trap.
func printError(_ message: String) {
    writeStandardError(message + "\n")
}

func writeStandardError(_ text: String) {
    writeAll(STDERR_FILENO, Array(text.utf8))
}

func writeStandardError(bytes: [UInt8]) {
    writeAll(STDERR_FILENO, bytes)
}

/// Writes a line to standard output at once (print() buffers when stdout is a pipe, and a test
/// or a supervisor waiting for the start-up line would wait forever).
func emit(_ text: String, terminator: String = "\n") {
    writeAll(STDOUT_FILENO, Array((text + terminator).utf8))
}

private func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return  // closed (EBADF), full (ENOSPC), reader gone (EPIPE): nothing to do
            }
        }
    }
}

/// Ends a command with this exit status; whatever it had to say has been said.
struct ExitCode: Error {
    let rawValue: Int32

    init(_ rawValue: Int32) { self.rawValue = rawValue }
}
