import CLua
import CLuaShim
import Foundation

/// The one checked reader of the values that cross from Lua into Swift (issue 20.2): a number
/// becomes a Swift number only after its integer representation, range, NaN and infinities are
/// checked (`Int(x)` on a Double traps), a string only within a length, a table's array part
/// only when it is a sequence. It knows nothing of the host: callers give the ranges, and a
/// problem comes back as `LuaValueProblem`, which `LuaOptionTable` and `LuaArguments` word as
/// Lua errors naming the option or argument and what it must be.
public struct LuaValueProblem: Error, Sendable {
    /// What the value must be: "a whole number from 1 to 100".
    public let expected: String
    /// What it was, as Lua shows it: "1e+300", "nan", "a table", "a string of 10485760 bytes".
    public let got: String

    public init(expected: String, got: String) { (self.expected, self.got) = (expected, got) }
}

/// Numbers and text as Lua shows them in messages.
public enum LuaText {
    /// A float as `tostring` shows it: `%.14g`, and ".0" after what would read as an integer
    /// ("1e+300", "inf", "-nan", "3.0").
    public static func number(_ value: Double) -> String {
        let text = String(format: "%.14g", value)
        return text.allSatisfy({ "-0123456789".contains($0) }) ? text + ".0" : text
    }

    /// A name quoted in a message, cut when it is long (a 10 MB key must not make a 10 MB message).
    public static func shown(_ text: String, limit: Int = 60) -> String {
        let bytes = text.utf8.count
        guard bytes > limit else { return text }
        return String(text.prefix(limit)) + "... (\(bytes) bytes)"
    }
}

/// The limits the readers use unless told otherwise.
public enum LuaLimits {
    /// Longest string an option may be (names, URLs, ids, secrets and tokens are far shorter).
    public static let optionString = 64 * 1024
}

extension LuaCall {
    /// What the value at `index` is, for a message: "nil", "a table", "1e+300", "a string of N bytes".
    public func shownValue(at index: Int32) -> String {
        switch type(at: index) {
        case .none: return "no value"
        case .nil: return "nil"
        case .number:
            if isInteger(at: index), let i = integer(at: index) { return String(i) }
            return LuaText.number(number(at: index) ?? .nan)
        case .boolean: return boolean(at: index) ? "true" : "false"
        case .string: return "a string"
        default: return "a " + typeName(at: index)
        }
    }

    /// A whole number in `range`, or nil for nil or no value: a Lua integer, or a float whose value
    /// is a whole number (as `math.tointeger` reads it); never NaN, an infinity or out of range.
    public func checkedInteger(at index: Int32, in range: ClosedRange<Int>) throws(LuaValueProblem) -> Int? {
        let expected = "a whole number from \(range.lowerBound) to \(range.upperBound)"
        switch type(at: index) {
        case .none, .nil: return nil
        case .number: break
        default: throw LuaValueProblem(expected: expected, got: shownValue(at: index))
        }
        if isInteger(at: index), let value = integer(at: index) {
            guard value >= Int64(range.lowerBound), value <= Int64(range.upperBound) else {
                throw LuaValueProblem(expected: expected, got: String(value))
            }
            return Int(value)
        }
        let value = number(at: index) ?? .nan
        // Compared as doubles first: only a value known to be in range is converted.
        guard value.isFinite, value == value.rounded(), value >= Double(range.lowerBound), value <= Double(range.upperBound),
              let whole = Int(exactly: value), range.contains(whole) else {
            throw LuaValueProblem(expected: expected, got: LuaText.number(value))
        }
        return whole
    }

    /// A finite number in `range`, or nil for nil or no value.
    public func checkedNumber(at index: Int32, in range: ClosedRange<Double>) throws(LuaValueProblem) -> Double? {
        let expected = "a number from \(LuaText.number(range.lowerBound)) to \(LuaText.number(range.upperBound))"
        switch type(at: index) {
        case .none, .nil: return nil
        case .number: break
        default: throw LuaValueProblem(expected: expected, got: shownValue(at: index))
        }
        let value = isInteger(at: index) ? Double(integer(at: index) ?? 0) : (number(at: index) ?? .nan)
        guard value.isFinite, range.contains(value) else {
            throw LuaValueProblem(expected: expected, got: isInteger(at: index) ? String(integer(at: index) ?? 0) : LuaText.number(value))
        }
        return value
    }

    /// A string of at most `maxBytes` bytes, valid UTF-8 when `text` (else its bytes are repaired),
    /// or nil for nil or no value.
    public func checkedString(at index: Int32, maxBytes: Int = LuaLimits.optionString, text: Bool = true) throws(LuaValueProblem) -> String? {
        switch type(at: index) {
        case .none, .nil: return nil
        case .string: break
        default: throw LuaValueProblem(expected: "a string", got: shownValue(at: index))
        }
        var length = 0
        guard let pointer = pclua_tostringx(L, index, &length) else { return nil }
        guard length <= maxBytes else {
            throw LuaValueProblem(expected: "a string of at most \(maxBytes) bytes", got: "a string of \(length) bytes")
        }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
        if text {
            guard let valid = String(validating: bytes, as: UTF8.self) else {
                throw LuaValueProblem(expected: "UTF-8 text", got: "a string with bytes that are not UTF-8")
            }
            return valid
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A boolean, or nil for nil or no value.
    public func checkedBoolean(at index: Int32) throws(LuaValueProblem) -> Bool? {
        switch type(at: index) {
        case .none, .nil: return nil
        case .boolean: return boolean(at: index)
        default: throw LuaValueProblem(expected: "a boolean", got: shownValue(at: index))
        }
    }

    /// How many items the array at `index` holds: keys 1...n, nothing else, at most `maximum`
    /// (read raw: no `__len` or `__pairs` runs). `what` names the items in messages ("users").
    public func checkedArrayCount(at index: Int32, maximum: Int, what: String = "items") throws(LuaValueProblem) -> Int {
        guard type(at: index) == .table else { throw LuaValueProblem(expected: "an array of \(what)", got: shownValue(at: index)) }
        let table = absolute(index)
        let count = rawLength(table)
        guard count <= maximum else {
            throw LuaValueProblem(expected: "at most \(maximum) \(what)", got: "\(count)")
        }
        var entries = 0
        var problem: LuaValueProblem?
        forEach(table) {
            entries += 1
            guard problem == nil else { return }
            if type(at: -2) != .number || !isInteger(at: -2) {
                problem = LuaValueProblem(expected: "an array of \(what)", got: "a table with a key that is not a position (\(shownValue(at: -2)))")
            } else if let key = integer(at: -2), key < 1 || key > Int64(count) {
                problem = LuaValueProblem(expected: "an array of \(what) (positions 1 to \(count))", got: "a table with position \(key)")
            }
        }
        if let problem { throw problem }
        guard entries == count else {
            throw LuaValueProblem(expected: "an array of \(what) without holes", got: "\(entries) values under keys up to \(count)")
        }
        return count
    }
}

/// Positional arguments of a host function, read with the checks above; a problem is Lua's own
/// `bad argument #n to 'f' (... expected, got ...)`.
public struct LuaArguments {
    public let call: LuaCall
    public let function: String
    /// Stack index of the first argument the user counts (2 for a method called with a colon).
    public let first: Int32

    public init(_ call: LuaCall, function: String, first: Int32 = 1) {
        self.call = call
        self.function = function
        self.first = first
    }

    func index(_ position: Int) -> Int32 { first + Int32(position) - 1 }

    func checked<T>(_ position: Int, _ read: (Int32) throws(LuaValueProblem) -> T) throws -> T {
        do { return try read(index(position)) } catch {
            throw LuaArgumentError(position: position, function: function, message: "\(error.expected) expected, got \(error.got)")
        }
    }

    public func integer(_ position: Int, in range: ClosedRange<Int>) throws -> Int? {
        try checked(position) { i throws(LuaValueProblem) in try call.checkedInteger(at: i, in: range) }
    }

    public func number(_ position: Int, in range: ClosedRange<Double>) throws -> Double? {
        try checked(position) { i throws(LuaValueProblem) in try call.checkedNumber(at: i, in: range) }
    }

    public func string(_ position: Int, maxBytes: Int = LuaLimits.optionString, text: Bool = true) throws -> String? {
        try checked(position) { i throws(LuaValueProblem) in try call.checkedString(at: i, maxBytes: maxBytes, text: text) }
    }

    public func boolean(_ position: Int) throws -> Bool? {
        try checked(position) { i throws(LuaValueProblem) in try call.checkedBoolean(at: i) }
    }

    public func arrayCount(_ position: Int, maximum: Int, what: String) throws -> Int {
        try checked(position) { i throws(LuaValueProblem) in try call.checkedArrayCount(at: i, maximum: maximum, what: what) }
    }
}

/// A mistake in an option table, worded for the person who wrote it:
/// `configure: 'retry.max_attempts' must be a whole number from 1 to 100, got 1e+300`.
public struct LuaOptionError: Error, CustomStringConvertible, LuaPersonMessage {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// An option table (`configure{...}`, `GroupsApi.new{...}`, a helper's options): every key checked
/// against the known ones (an unknown one gets a suggestion), every value read with the checks
/// above, raw (no metamethod runs). Nested tables are read as option tables of their own, named
/// by their path (`retry.max_attempts`).
public struct LuaOptionTable {
    public let call: LuaCall
    public let index: Int32
    public let function: String
    public let known: [String]
    /// The keys above this table ("retry" for configure's retry table), for messages.
    public let path: String
    let suggest: (String, [String]) -> String?

    /// `position` is the argument number Lua users see; `suggest` finds a near miss of an unknown key.
    public init(_ call: LuaCall, index: Int32, function: String, position: Int, known: [String], path: String = "",
                suggest: @escaping (String, [String]) -> String? = { _, _ in nil }) throws {
        self.call = call
        self.index = call.absolute(index)
        self.function = function
        self.known = known
        self.path = path
        self.suggest = suggest
        guard call.type(at: index) == .table else {
            if path.isEmpty {
                throw LuaArgumentError(position: position, function: function, message: "table expected, got \(call.typeName(at: index))")
            }
            throw LuaOptionError("\(function): '\(path)' must be a table, got \(call.shownValue(at: index))")
        }
        var unknown: String?
        var badKey: String?
        call.forEach(self.index) {
            guard call.type(at: -2) == .string, let key = call.string(at: -2) else { badKey = badKey ?? call.shownValue(at: -2); return }
            if unknown == nil, !known.contains(key) { unknown = key }
        }
        let place = path.isEmpty ? "" : " in '\(path)'"
        if let badKey { throw LuaOptionError("\(function): option keys must be strings, got \(badKey)\(place)") }
        if let unknown {
            var message = "\(function): unknown option '\(LuaText.shown(unknown))'\(place)"
            if let guess = suggest(unknown, known) { message += " (did you mean '\(guess)'?)" }
            else { message += " (options: \(known.joined(separator: ", ")))" }
            throw LuaOptionError(message)
        }
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public func has(_ key: String) -> Bool {
        call.getField(index, key)
        defer { call.pop() }
        return call.type(at: -1) != .nil
    }

    func read<T>(_ key: String, _ body: (Int32) throws(LuaValueProblem) -> T) throws -> T {
        try call.balanced {
            call.getField(index, key)
            defer { call.pop() }
            do throws(LuaValueProblem) { return try body(call.absolute(-1)) } catch {
                throw LuaOptionError("\(function): '\(name(key))' must be \(error.expected), got \(error.got)")
            }
        }
    }

    public func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        try read(key) { i throws(LuaValueProblem) in try call.checkedInteger(at: i, in: range) }
    }

    public func number(_ key: String, in range: ClosedRange<Double>) throws -> Double? {
        try read(key) { i throws(LuaValueProblem) in try call.checkedNumber(at: i, in: range) }
    }

    public func string(_ key: String, maxBytes: Int = LuaLimits.optionString) throws -> String? {
        try read(key) { i throws(LuaValueProblem) in try call.checkedString(at: i, maxBytes: maxBytes) }
    }

    public func boolean(_ key: String) throws -> Bool? {
        try read(key) { i throws(LuaValueProblem) in try call.checkedBoolean(at: i) }
    }

    /// A nested option table, or nil when the key is absent. It stays on the stack while it is
    /// read; the caller's stack mark clears it.
    public func table(_ key: String, known: [String]) throws -> LuaOptionTable? {
        call.getField(index, key)
        guard call.type(at: -1) != .nil else { call.pop(); return nil }
        return try LuaOptionTable(call, index: -1, function: function, position: 1, known: known, path: name(key), suggest: suggest)
    }
}
