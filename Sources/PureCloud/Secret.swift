/// A credential that never prints itself: any interpolation, log or dump shows `<redacted>`.
/// Only the transport reads `.exposed`, to put it on the wire.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let exposed: String

    public init(_ value: String) { exposed = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
    public var isEmpty: Bool { exposed.isEmpty }
}

/// How the client authenticates.
public enum Credentials: Sendable {
    /// OAuth client credentials: the client asks `/oauth/token` for tokens and renews them.
    case clientCredentials(id: String, secret: Secret)
    /// A token obtained elsewhere; it cannot be renewed.
    case accessToken(Secret)
}
