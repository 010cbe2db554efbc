import CLua

/// What can go wrong when Swift runs Lua code.
public enum LuaError: Error, CustomStringConvertible {
    /// The chunk does not compile. `incomplete` is true when more input could complete it
    /// (the REPL then asks for another line, as lua.c does).
    case syntax(message: String, incomplete: Bool)
    /// The code raised. `message` is the error as text (through `__tostring` for tables);
    /// `traceback` is the stack when it was raised; `value` keeps a table or userdata error.
    case runtime(message: String, traceback: String?, value: LuaRef?)
    /// A message meant for a person (a `LuaPersonMessage` a host function raised, perhaps caught
    /// and raised again by a pcall): hosts show it as one line, without the traceback.
    /// `configuration` tells a mistake in the host's configuration (credentials) from one in
    /// the script's data.
    case person(message: String, traceback: String?, configuration: Bool)
    /// Lua ran out of memory or the state could not be created.
    case memory
    case interrupted

    public var description: String {
        switch self {
        case let .syntax(message, _): return message
        case let .runtime(message, _, _): return message
        case let .person(message, _, _): return message
        case .memory: return "not enough memory"
        case .interrupted: return "interrupted!"
        }
    }
}

/// A script file could not be opened or read: lauxlib's "cannot open x: reason" (or "cannot read").
public struct LuaFileError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Thrown by host functions for argument mistakes; rendered the way Lua's own are:
/// `bad argument #1 to 'get_group' (string expected, got nil)`.
public struct LuaArgumentError: Error, CustomStringConvertible {
    public var position: Int
    public var function: String
    public var message: String

    public init(position: Int, function: String, message: String) {
        (self.position, self.function, self.message) = (position, function, message)
    }

    public var description: String { "bad argument #\(position) to '\(function)' (\(message))" }
}

/// A Swift error that knows how to appear in Lua as a value other than a string (ApiError tables).
public protocol LuaRaisable: Error {
    /// Pushes exactly one value, the error value, onto the stack of `call`.
    func pushLuaValue(_ call: LuaCall)
}

/// An error whose text is meant for a person, not a programmer (a malformed file, a plan refused
/// before any write, a configuration mistake): hosts show it as one line without a traceback. A
/// host function that throws one raises its text located at the calling line, as any other, and
/// the text keeps its kind on its way back to the host (`LuaError.person`), whatever pcalls
/// caught and raised it again, without the host ever matching on the text.
public protocol LuaPersonMessage: Error {
    /// A mistake in the host's configuration (no credentials) rather than in what the script
    /// passed: a host may end with another status.
    var isConfiguration: Bool { get }
}

extension LuaPersonMessage {
    public var isConfiguration: Bool { false }
}
