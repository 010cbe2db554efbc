import LuaKit
import PureCloud

/// A Lua value that has no JSON form (a function, a cycle, a mixed table...).
struct ConversionError: Error, CustomStringConvertible {
    let description: String
}

/// Lua values <-> JSON, with the module's rules (DESIGN.md §4): `purecloud.null` is JSON null,
/// tables marked with `purecloud.array_mt` and sequences are arrays, string-keyed tables are objects.
struct LuaJSON {
    let call: LuaCall
    let nullIdentity: UnsafeRawPointer?
    let arrayMTIdentity: UnsafeRawPointer?
    /// The same depth the decoder accepts, so what decodes encodes again.
    static let maximumDepth = LuaCall.jsonMaximumDepth

    init(_ call: LuaCall, anchors: ModuleAnchors) {
        self.call = call
        nullIdentity = anchors.nullIdentity
        arrayMTIdentity = anchors.arrayMTIdentity
    }

    func isNull(_ index: Int32) -> Bool {
        call.type(at: index) == .userdata && call.identity(at: index) == nullIdentity
    }

    /// Converts the value at `index`; `path` names it in messages (`GroupCreate.ownerIds[2]`).
    func value(at index: Int32, path: String) throws -> JSONValue {
        var visiting = Set<UnsafeRawPointer>()
        return try call.balanced { try convert(call.absolute(index), path: path, depth: 0, visiting: &visiting) }
    }

    private func convert(_ index: Int32, path: String, depth: Int, visiting: inout Set<UnsafeRawPointer>) throws -> JSONValue {
        switch call.type(at: index) {
        case .nil, .none: return .null
        case .boolean: return .bool(call.boolean(at: index))
        case .number:
            if let i = call.integer(at: index), call.isInteger(at: index) { return .int(i) }
            let d = call.number(at: index) ?? 0
            guard d.isFinite else { throw ConversionError(description: "\(path): \(d) has no JSON form (numbers must be finite)") }
            return .double(d)
        case .string:
            let bytes = call.bytes(at: index) ?? []
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ConversionError(description: "\(path): string is not valid UTF-8")
            }
            return .string(text)
        case .userdata where isNull(index):
            return .null
        case .table:
            return try table(index, path: path, depth: depth, visiting: &visiting)
        case let other:
            throw ConversionError(description: "\(path): a \(other == .lightUserdata ? "userdata" : call.typeName(at: index)) cannot be sent as JSON")
        }
    }

    private func table(_ index: Int32, path: String, depth: Int, visiting: inout Set<UnsafeRawPointer>) throws -> JSONValue {
        guard depth < LuaJSON.maximumDepth, call.ensureStack(6) else {
            throw ConversionError(description: "\(path): tables nested more than \(LuaJSON.maximumDepth) deep")
        }
        guard let identity = call.identity(at: index) else { return .null }
        guard visiting.insert(identity).inserted else {
            throw ConversionError(description: "\(path): the table contains itself (a cycle cannot be sent as JSON)")
        }
        defer { visiting.remove(identity) }
        var markedArray = false
        if call.getMetatable(index) {
            markedArray = call.identity(at: -1) == arrayMTIdentity
            call.pop()
        }
        var stringKeys: [String] = []  // collected first, converted in sorted order
        var integerKeys = 0
        var maxInteger: Int64 = 0
        var badKey: String?
        call.forEach(index) {
            switch call.type(at: -2) {
            case .string:
                // A key that is not UTF-8 is refused, not repaired: repaired, it would name another
                // field and its value would be lost.
                guard let key = call.bytes(at: -2).flatMap({ String(validating: $0, as: UTF8.self) }) else {
                    badKey = badKey ?? "a key that is not UTF-8 text"
                    return
                }
                stringKeys.append(key)
            case .number where call.isInteger(at: -2):
                let key = call.integer(at: -2) ?? 0
                guard key >= 1 else {
                    badKey = badKey ?? "the key \(key) (array positions start at 1)"
                    return
                }
                integerKeys += 1
                maxInteger = max(maxInteger, key)
            default: badKey = badKey ?? "\(call.typeName(at: -2)) keys"
            }
        }
        if let badKey { throw ConversionError(description: "\(path): a table with \(badKey) cannot be sent as JSON") }
        if stringKeys.isEmpty && (markedArray || integerKeys > 0) {
            guard maxInteger == Int64(integerKeys) else {
                throw ConversionError(description: "\(path): the array has holes (keys up to \(maxInteger) but \(integerKeys) values); use purecloud.null for empty slots")
            }
            var items: [JSONValue] = []
            items.reserveCapacity(integerKeys)
            for i in 1...max(1, integerKeys) where integerKeys > 0 {
                call.getIndex(index, i)
                defer { call.pop() }
                items.append(try convert(call.absolute(-1), path: "\(path)[\(i)]", depth: depth + 1, visiting: &visiting))
            }
            return .array(items)
        }
        if integerKeys > 0 {
            throw ConversionError(description: "\(path): a table with both array items and named fields cannot be sent as JSON")
        }
        var members: [(key: String, value: JSONValue)] = []
        for key in stringKeys.sorted() {
            call.getField(index, key)
            defer { call.pop() }
            members.append((key, try convert(call.absolute(-1), path: "\(path).\(key)", depth: depth + 1, visiting: &visiting)))
        }
        return .object(members)
    }

    // MARK: JSON -> Lua

    /// Pushes the decoded JSON document (one value). Throws with the byte offset of a syntax error.
    func push(jsonBytes bytes: [UInt8]) throws {
        call.push(anchor: ModuleAnchors.null)
        call.push(anchor: ModuleAnchors.arrayMT)
        if let message = call.decodeJSON(bytes, null: -2, arrayMetatable: -1, maxDepth: 512) {
            call.pop(2)
            throw ConversionError(description: message)
        }
        // [null, array_mt, value] -> [value]
        call.rotate(-3, 1)
        call.pop(2)
    }

    /// Pushes a Swift-built JSON value (reports, plans). Room on the stack is reserved at each
    /// level (the values are the host's own, at most a few levels deep).
    func push(_ value: JSONValue) {
        call.balanced(1) { pushValue(value) }
    }

    private func pushValue(_ value: JSONValue) {
        guard call.ensureStack(4) else { return call.pushNil() }
        switch value {
        case .null: call.push(anchor: ModuleAnchors.null)
        case let .bool(b): call.push(b)
        case let .int(i): call.push(i)
        case let .double(d): call.push(d)
        case let .string(s): call.push(s)
        case let .array(items):
            call.newTable(arrayCapacity: Int32(items.count))
            call.push(anchor: ModuleAnchors.arrayMT)
            call.setMetatable(-2)
            for (i, item) in items.enumerated() {
                pushValue(item)
                call.setIndex(-2, i + 1)
            }
        case let .object(members):
            call.newTable(recordCapacity: Int32(members.count))
            for member in members {
                pushValue(member.value)
                call.setField(-2, member.key)
            }
        }
    }
}
