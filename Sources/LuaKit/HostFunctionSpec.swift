/// A host function declared as data: the name Lua's messages call it by, the arguments it takes,
/// and its body. A module lists its functions as specs and `LuaCall.setFunctions` installs them in
/// a loop; the declared arguments are checked before the body runs (as `luaL_check*` would), so a
/// body reads values already known to be of their kind.
public struct HostFunctionSpec {
    /// As Lua's messages call it: "csv.read", "configure". It is installed under its last part ("read").
    public let name: String
    /// The arguments, in order. Nil: none declared, the body reads them itself.
    public let parameters: [HostParameter]?
    /// Whether arguments after the declared ones are refused (`no more arguments expected`);
    /// by default they are passed on to the body (as Lua's own functions ignore them).
    public let refusesExtraArguments: Bool
    /// A method's check of its object (`api:find_group(...)`): it runs first, at stack index 1, and
    /// the declared arguments then start at index 2, counted from 1 in messages (as LuaArguments does).
    public let receiver: ((LuaCall) throws -> Void)?
    public let body: HostFunction

    public init(_ name: String, parameters: [HostParameter]? = nil, refusesExtraArguments: Bool = false,
                receiver: ((LuaCall) throws -> Void)? = nil, _ body: @escaping HostFunction) {
        self.name = name
        self.parameters = parameters
        self.refusesExtraArguments = refusesExtraArguments
        self.receiver = receiver
        self.body = body
    }

    /// The key it is installed under: the name's last part.
    public var key: String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }

    /// Stack index of the first declared argument.
    var first: Int32 { receiver == nil ? 1 : 2 }

    /// Checks the object and the declared arguments of a call, in order; the first mistake is thrown
    /// as Lua words it: `bad argument #1 to 'csv.read' (string expected, got nil)`.
    public func check(_ call: LuaCall) throws {
        try receiver?(call)
        guard let parameters else { return }
        let arguments = LuaArguments(call, function: name, first: first)
        for (offset, parameter) in parameters.enumerated() {
            try parameter.check(arguments, position: offset + 1)
        }
        guard refusesExtraArguments else { return }
        var position = parameters.count + 1
        while arguments.index(position) <= call.top {
            let index = arguments.index(position)
            if call.type(at: index) != .nil {
                throw LuaArgumentError(position: position, function: name, message: "no more arguments expected, got \(call.typeName(at: index))")
            }
            position += 1
        }
    }

    /// The function Lua calls: the checks, then the body.
    var checkedBody: HostFunction {
        guard parameters != nil || receiver != nil else { return body }
        return { [self] call in
            try check(call)
            return try body(call)
        }
    }
}

/// One declared argument of a host function: its name (for definitions and help) and its kind,
/// which says what the binder accepts and how a mistake is worded.
public struct HostParameter: Sendable {
    public enum Kind: Sendable {
        case string
        /// A whole number, read with `checkedInteger` (never a trap on 1e300 or NaN). Without a
        /// range, mistakes are worded as luaL_checkinteger words them.
        case integer(ClosedRange<Int>?)
        /// A number; with a range, a finite one in it (`checkedNumber`).
        case number(ClosedRange<Double>?)
        case boolean
        case table
        case function
        /// Any value, nil included, but not a missing one (luaL_checkany).
        case any
        /// A sequence of at most `maximum` items (`checkedArrayCount`); `what` names the items.
        case array(maximum: Int, what: String)
        /// Declared for the record, checked by the body itself (a value of several shapes).
        case unchecked
    }

    public let name: String
    public let kind: Kind
    /// nil and a missing value are accepted.
    public let isOptional: Bool
    /// What the message says is expected instead of the kind's own word: "group name (string)".
    public let expected: String?

    init(_ name: String, _ kind: Kind, optional: Bool = false, expected: String? = nil) {
        self.name = name
        self.kind = kind
        self.isOptional = optional
        self.expected = expected
    }

    public static func string(_ name: String, expected: String? = nil) -> HostParameter { .init(name, .string, expected: expected) }
    public static func integer(_ name: String, in range: ClosedRange<Int>? = nil) -> HostParameter { .init(name, .integer(range)) }
    public static func number(_ name: String, in range: ClosedRange<Double>? = nil) -> HostParameter { .init(name, .number(range)) }
    public static func boolean(_ name: String) -> HostParameter { .init(name, .boolean) }
    public static func table(_ name: String, expected: String? = nil) -> HostParameter { .init(name, .table, expected: expected) }
    public static func function(_ name: String) -> HostParameter { .init(name, .function) }
    public static func any(_ name: String) -> HostParameter { .init(name, .any) }
    public static func array(_ name: String, maximum: Int, what: String) -> HostParameter { .init(name, .array(maximum: maximum, what: what)) }
    public static func unchecked(_ name: String) -> HostParameter { .init(name, .unchecked) }
    /// The same parameter, which may also be nil or missing (luaL_opt*).
    public static func optional(_ parameter: HostParameter) -> HostParameter {
        .init(parameter.name, parameter.kind, optional: true, expected: parameter.expected)
    }

    /// Checks the argument at `position`; throws Lua's `bad argument` error when it is not of its kind.
    func check(_ arguments: LuaArguments, position: Int) throws {
        let call = arguments.call
        let index = arguments.index(position)
        let type = call.type(at: index)
        if isOptional && (type == .none || type == .nil) { return }
        func mistake(_ word: String) -> LuaArgumentError {
            LuaArgumentError(position: position, function: arguments.function, message: "\(expected ?? word) expected, got \(call.typeName(at: index))")
        }
        switch kind {
        case .unchecked: return
        case .any:
            if type == .none { throw LuaArgumentError(position: position, function: arguments.function, message: "\(expected ?? "value") expected") }
        case .string: if type != .string { throw mistake("string") }
        case .boolean: if type != .boolean { throw mistake("boolean") }
        case .table: if type != .table { throw mistake("table") }
        case .function: if type != .function { throw mistake("function") }
        case .number(nil): if type != .number { throw mistake("number") }
        case let .number(range?):
            guard try arguments.number(position, in: range) != nil else {
                throw mistake("a number from \(LuaText.number(range.lowerBound)) to \(LuaText.number(range.upperBound))")
            }
        case .integer(nil):
            if type != .number { throw mistake("number") }
            if (try? call.checkedInteger(at: index, in: Int.min...Int.max)) == nil {
                throw LuaArgumentError(position: position, function: arguments.function, message: "number has no integer representation")
            }
        case let .integer(range?):
            guard try arguments.integer(position, in: range) != nil else { throw mistake("a whole number from \(range.lowerBound) to \(range.upperBound)") }
        case let .array(maximum, what):
            _ = try arguments.arrayCount(position, maximum: maximum, what: what)
        }
    }
}

extension LuaCall {
    /// t[spec.key] = the function, for each spec in order, into the table at `table` (raw).
    public func setFunctions(_ specs: [HostFunctionSpec], in table: Int32) {
        let t = absolute(table)
        for spec in specs {
            push(spec)
            setField(t, spec.key)
        }
    }

    /// Pushes the function of one spec (its arguments checked before its body runs).
    public func push(_ spec: HostFunctionSpec) {
        push(function: spec.name, spec.checkedBody)
    }
}
