import PureCloud
import PureCloudLua

/// Where the cursor stands inside the calls and tables being typed, read from the operation table:
/// `api:post_groups{ na` is in GroupCreate, `api:put_group(id, { body = { vi` in GroupUpdate,
/// `purecloud.GroupCreate.new{ vis` in GroupCreate, `api:get_groups{ sort_order = "` at the values
/// of sort_order, `api:get_fieldconfig("` at the values of its first argument. Only the line is
/// read; nothing is evaluated.
enum TableContext {
    /// What may be typed at the cursor.
    enum Place: Equatable {
        /// Keys of a table: option keys and model fields, each offered as `key = `.
        case keys([String])
        /// Inside a string: the allowed values.
        case values([String])
    }

    /// The type of a value being typed.
    indirect enum Shape {
        /// The arguments of a call of this operation.
        case call(Operation)
        case options(Operation)
        /// The arguments of a helper or module function (ModuleSurface), then its options' keys.
        case helper(SurfaceEntry)
        case optionKeys([String])
        case model(Model)
        case array(Shape)
        case values([String])
        case other
    }

    /// One open bracket: what it is the value of, and how far its contents got.
    private struct Frame {
        var bracket: Character
        var shape: Shape
        /// Commas seen at this level (the argument or item number, from 0).
        var commas = 0
    }

    static func place(before text: String) -> Place? {
        var frames: [Frame] = []
        var quote: Character?
        var quoteStart = 0
        let chars = Array(text)
        var i = 0
        // The shape of what opens at position `i` (a bracket or a quote) in the innermost frame.
        func shapeOpening(at index: Int) -> Shape {
            let before = String(chars[..<index])
            if let frame = frames.last {
                if frame.bracket == "{", let key = Self.key(before) { return field(key, of: frame.shape) }
                if frame.bracket == "{" {
                    if case let .array(inner) = frame.shape { return inner }
                    return .other
                }
                // An argument of a call: the callee stands before the frame's "(".
                return frame.shape.argument(frame.commas)
            }
            return .other
        }
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\\" { i += 2; continue }
                if c == q { quote = nil }
                i += 1
                continue
            }
            switch c {
            case "\"", "'":
                quote = c
                quoteStart = i
            case "(", "{":
                let callee = Self.callee(String(chars[..<i]))
                if let callee {
                    // `f(` or `f{`: a call; `f{` is its first argument at once.
                    let call = Frame(bracket: "(", shape: calleeShape(callee))
                    if c == "(" { frames.append(call) } else { frames.append(Frame(bracket: "{", shape: call.shape.argument(0))) }
                } else if c == "{" {
                    frames.append(Frame(bracket: "{", shape: shapeOpening(at: i)))
                } else {
                    frames.append(Frame(bracket: "(", shape: .other))
                }
            case ")", "}":
                if !frames.isEmpty { frames.removeLast() }
            case ",", ";":
                if !frames.isEmpty { frames[frames.count - 1].commas += 1 }
            default: break
            }
            i += 1
        }
        if quote != nil {
            // Inside a string: its allowed values, or nothing (never global names).
            if case let .values(values) = shapeOpening(at: quoteStart) { return .values(values) }
            return .values([])
        }
        guard let frame = frames.last, frame.bracket == "{" else { return nil }
        // At a key: after "{" or ",", not after "=".
        let tail = String(chars).reversed().drop { $0 == " " || $0 == "\t" }.first
        guard tail == "{" || tail == "," || tail == ";" else { return nil }
        switch frame.shape {
        case let .options(op): return .keys(op.optionKeys)
        case let .optionKeys(keys): return .keys(keys)
        case let .model(model): return .keys(model.fields.filter { !$0.readOnly }.map(\.name))
        default: return nil
        }
    }

    /// `name =` at the end of `text` (the key a value is being given for).
    private static func key(_ text: String) -> String? {
        guard let range = text.range(of: #"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*$"#, options: .regularExpression) else { return nil }
        return String(text[range].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
    }

    /// The dotted name right before a bracket (`api:post_groups`, `purecloud.GroupCreate.new`).
    private static func callee(_ text: String) -> String? {
        guard let range = text.range(of: #"[A-Za-z_][A-Za-z0-9_.:]*\s*$"#, options: .regularExpression) else { return nil }
        let name = text[range].trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : name
    }

    /// `x:operation` is an operation; `Model.new` a model constructor.
    private static func calleeShape(_ callee: String) -> Shape {
        let parts = callee.split(whereSeparator: { $0 == "." || $0 == ":" }).map(String.init)
        if parts.count >= 2, parts.last == "new", let model = Models.all[parts[parts.count - 2]] { return .model(model) }
        if let name = parts.last, let op = OperationTable.operation(name) { return .call(op) }
        if let entry = ModuleSurface.value(callee) ?? parts.last.flatMap(ModuleSurface.helper), entry.isFunction { return .helper(entry) }
        return .other
    }

    private static func field(_ key: String, of shape: Shape) -> Shape {
        switch shape {
        case let .options(op):
            if let body = op.body, body.name == key, let model = Models.all[body.model] { return .model(model) }
            if let values = op.parameters.first(where: { $0.name == key })?.allowed { return .values(values) }
            return .other
        case let .model(model):
            guard let field = model.field(key) else { return .other }
            return Shape(field.kind)
        default:
            return .other
        }
    }
}

extension TableContext.Shape {
    init(_ kind: Field.Kind) {
        switch kind {
        case let .enumeration(values): self = .values(values)
        case let .model(name): self = Models.all[name].map { .model($0) } ?? .other
        case let .array(inner): self = .array(Self(inner))
        default: self = .other
        }
    }

    /// The shape of argument `index` (from 0) of a call: a model constructor takes its model; an
    /// operation its positional arguments (a body is its model, a string parameter its allowed
    /// values), then its options table.
    func argument(_ index: Int) -> Self {
        switch self {
        case .model: return index == 0 ? self : .other
        case let .call(op):
            let positional = op.positional
            guard index < positional.count else { return index == positional.count ? .options(op) : .other }
            let name = positional[index]
            if let body = op.body, body.name == name { return Models.all[body.model].map { .model($0) } ?? .other }
            return op.parameters.first { $0.name == name }?.allowed.map { .values($0) } ?? .other
        case let .helper(entry):
            return index == entry.arguments?.count && !entry.options.isEmpty ? .optionKeys(entry.optionNames) : .other
        default: return .other
        }
    }
}
