import LuaKit

/// An error that ended Lua code run by a host, sorted by kind: the one classifier the script
/// runner and both REPLs share (issue 20.3). It reads the kinds errors keep on their way back
/// (LuaError's cases: the interrupt, a message for a person, a configuration mistake; an ApiError
/// by its metatable), never their text; each host then words it its own way.
public struct ScriptFailure {
    public enum Kind: Equatable {
        case syntax
        /// Ctrl-C or SIGTERM, raised by the interrupt hook or a cancelled HTTP call.
        case interrupted
        case memory
        /// An ApiError value; `hasReport`: a bulk helper stopped part way (err.report).
        case api(status: Int, code: String, operation: String, hasReport: Bool)
        /// A message meant for a person (one line); `configuration`: about the host's configuration.
        case person(configuration: Bool)
        /// An error value that is not a string (error({}), a table with __tostring).
        case value(withTraceback: Bool)
        /// The script's own error.
        case script
    }

    public let kind: Kind
    /// The text to show: an ApiError's line (a refused sign-in worded for a person), lua.c's text
    /// for other values ("(error object is a table value)", or __tostring's), the message located
    /// at the user's line for a script error, else the message as raised.
    public let message: String
    /// The traceback as Lua made it (pclua's own frames included), if there is one.
    public let traceback: String?
    /// The error as Lua raised it, bytes (message and traceback), for hosts printing like lua.c.
    public let bytes: [UInt8]

    public init(_ error: LuaError, state: LuaState, session: PurecloudSession) {
        let bytes = state.lastErrorBytes
        switch error {
        case let .syntax(message, _):
            self.init(kind: .syntax, message: message, traceback: nil, bytes: bytes)
        case .interrupted:
            self.init(kind: .interrupted, message: "interrupted", traceback: nil, bytes: Array("interrupted!".utf8))
        case .memory:
            self.init(kind: .memory, message: "not enough memory", traceback: nil, bytes: Array("not enough memory".utf8))
        case let .person(message, traceback, configuration):
            self.init(kind: .person(configuration: configuration), message: message, traceback: traceback, bytes: bytes)
        case let .runtime(message, traceback, value?):
            let (text, withTraceback) = Self.errorText(of: value, in: state)
            if let failure = session.apiError(value) {
                self.init(kind: .api(status: failure.status, code: failure.code, operation: failure.operation, hasReport: failure.hasReport),
                          message: Self.personal(text, operation: failure.operation, status: failure.status), traceback: traceback,
                          bytes: Array(message.utf8))
            } else {
                self.init(kind: .value(withTraceback: withTraceback), message: text, traceback: traceback, bytes: Array(text.utf8))
            }
        case let .runtime(message, traceback, nil):
            self.init(kind: .script, message: Self.userLocation(message, traceback: traceback), traceback: traceback, bytes: bytes)
        }
    }

    init(kind: Kind, message: String, traceback: String?, bytes: [UInt8]) {
        self.kind = kind
        self.message = message
        self.traceback = traceback
        self.bytes = bytes
    }

    /// The traceback a script's author reads: without the frames of pclua's own Lua chunks.
    public var userTraceback: String? { traceback.map(Self.userFrames) }

    /// The chunk name of pclua's Lua part (iterators, collect): never what a user's error points at.
    public static var internalChunk: String { Prelude.shownName }

    public static func userFrames(_ traceback: String) -> String {
        UserTraceback.frames(traceback, hiding: internalChunk)
    }

    public static func userLocation(_ message: String, traceback: String?) -> String {
        UserTraceback.location(message, traceback: traceback, hiding: internalChunk)
    }

    /// An ApiError as a person reads it: an authentication failure says so first.
    static func personal(_ text: String, operation: String, status: Int) -> String {
        guard operation == "authenticate", status == 400 || status == 401 else { return text }
        let refused = "authentication refused: " + text.replacingOccurrences(of: "authenticate failed: ", with: "")
        // A refused access token's message already says what to do; client credentials get a hint.
        if text.contains("credentials.refused") || text.contains("credentials.expired") { return refused }
        return refused + "; check the client id and secret (--client-id, PURECLOUD_CLIENT_ID, PURECLOUD_SECRET, or the profile)"
    }

    /// The text lua.c prints for a non-string error value, and whether a traceback follows it.
    public static func errorText(of value: LuaRef, in state: LuaState) -> (String, Bool) {
        state.errorText(of: value)
    }
}
