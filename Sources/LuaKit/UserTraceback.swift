/// Error messages and tracebacks as a script's author reads them: the frames of a host's own Lua
/// chunks (pclua's prelude) left out, and a message raised inside them located at the user's line
/// that called them.
public enum UserTraceback {
    /// `traceback` without the frames of `internalChunk`.
    public static func frames(_ traceback: String, hiding internalChunk: String) -> String {
        traceback.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains(internalChunk) }
            .joined(separator: "\n")
    }

    /// `message` with a location in `internalChunk` replaced by the first user frame's.
    public static func location(_ message: String, traceback: String?, hiding internalChunk: String) -> String {
        guard message.hasPrefix(internalChunk + ":"), let traceback else { return message }
        let rest = message.drop { $0 != " " }.dropFirst()
        for line in traceback.split(separator: "\n").dropFirst() {
            let frame = line.trimmingCharacters(in: .whitespaces)
            guard !frame.contains(internalChunk), !frame.hasPrefix("[C]"), !frame.hasPrefix("(...tail calls"),
                  let end = frame.range(of: ": in ") else { continue }
            return "\(frame[..<end.lowerBound]): \(rest)"
        }
        return message
    }
}
