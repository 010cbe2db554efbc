import PureCloud

/// `pclua definitions`: the module as an editor and a linter see it, written from the declared
/// surface (the operation table, the models, ModuleSurface) and nothing else, so that it cannot say
/// less than pclua offers. `purecloud.d.lua` is a Lua Language Server definitions file (`---@meta`);
/// `.luacheckrc` gives luacheck a `pclua` standard (the module's fields, `arg`, the REPL's `help`).
public enum EditorDefinitions {
    public static func languageServer(version: String) -> String {
        var out = LuaDefinitionsWriter()
        out.line("---@meta purecloud")
        out.line("-- The `purecloud` module of pclua \(version), for the Lua Language Server (and editors that use it).")
        out.line("-- Written by `pclua definitions` from pclua's declared surface: write it again after upgrading pclua.")
        out.blank()
        out.moduleValues()
        for api in OperationTable.apis { out.api(api) }
        for name in Models.all.keys.sorted() { out.model(Models.all[name]!) }
        out.shapes()
        return out.text
    }

    /// luacheck's configuration: the Lua 5.4 standard plus pclua's globals, the module's fields
    /// spelled out so that `purecloud.GroupApi` (a typo) is reported.
    public static func luacheck(version: String) -> String {
        var tree = FieldTree()
        for entry in ModuleSurface.module { tree.insert(entry.path) }
        for api in OperationTable.apis {
            tree.insert("purecloud.\(api.name).new")
            tree.insert("purecloud.\(api.name).metatable")
        }
        for model in Models.requestModels {
            tree.insert("purecloud.\(model).new")
            tree.insert("purecloud.\(model).name")
        }
        return """
            -- luacheck's configuration for pclua scripts (pclua \(version)), written by `pclua definitions`.
            -- The pclua standard: Lua 5.4, the purecloud module (every field), the script's arg, the REPL's help.
            stds.pclua = {
              read_globals = {
                arg = { other_fields = true },
                help = {},
                purecloud = \(tree.lua(indent: "    ")),
              },
            }
            std = "lua54+pclua"

            """
    }
}

/// The dotted paths of the module as nested luacheck field tables.
private struct FieldTree {
    var children: [String: FieldTree] = [:]

    mutating func insert(_ path: String) {
        let parts = path.split(separator: ".").map(String.init).dropFirst()  // below `purecloud`
        insert(Array(parts)[...])
    }

    private mutating func insert(_ parts: ArraySlice<String>) {
        guard let first = parts.first else { return }
        children[first, default: FieldTree()].insert(parts.dropFirst())
    }

    func lua(indent: String) -> String {
        guard !children.isEmpty else { return "{}" }
        let inner = indent + "  "
        let fields = children.keys.sorted().map { "\(inner)\(LuaDefinitionsWriter.key($0)) = \(children[$0]!.lua(indent: inner + "  ")),\n" }
        return "{ fields = {\n" + fields.joined() + "\(indent)} }"
    }
}

/// The lines of purecloud.d.lua, section by section.
struct LuaDefinitionsWriter {
    private(set) var text = ""

    mutating func line(_ s: String) { text += s + "\n" }
    mutating func blank() { text += "\n" }

    /// A table key as Lua source: a name, or `["..."]`.
    static func key(_ name: String) -> String {
        let isName = name.first.map { $0.isLetter || $0 == "_" } == true && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return isName ? name : "[\"\(name)\"]"
    }

    /// Help text as `---` comment lines (the editor shows them on hover).
    mutating func comment(_ text: String) {
        for line in text.split(separator: "\n") { self.line("--- " + line.trimmingCharacters(in: .whitespaces)) }
    }

    mutating func moduleValues() {
        line("---@class purecloud.Null")
        line("---@class purecloud.Array")
        blank()
        line("purecloud = {}")
        blank()
        for entry in ModuleSurface.module {
            comment(entry.help)
            if entry.isFunction {
                function(entry.path, entry)
            } else if entry.returns == ["table"] {
                line("\(entry.path) = {}")
            } else {
                line("---@type \(entry.returns.first ?? "any")")
                line("\(entry.path) = nil")
            }
            blank()
        }
        line("---@class purecloud.ConnectionOptions")
        // *Api.new{} takes the settings of one connection; configure{} those of the session too.
        let perConnection = Set(ConnectionOptions.keys)
        for option in ModuleSurface.configureOptions where perConnection.contains(option.name) { field(option) }
        line("---@class purecloud.ConfigureOptions: purecloud.ConnectionOptions")
        for option in ModuleSurface.configureOptions where !perConnection.contains(option.name) { field(option) }
        blank()
    }

    mutating func field(_ option: SurfaceOption, optional: Bool = true) {
        line("---@field \(option.name)\(optional ? "?" : "") \(option.type)" + (option.summary.isEmpty ? "" : " \(option.summary)"))
    }

    /// A function of the module or a method of an API, with its options table as a class of its own.
    mutating func function(_ path: String, _ entry: SurfaceEntry, optionsClass: String? = nil) {
        var names: [String] = []
        for argument in entry.arguments ?? [] {
            let name = argument.name == "..." ? "..." : argument.name
            line("---@param \(name)\(argument.optional && name != "..." ? "?" : "") \(argument.type)" + (argument.summary.isEmpty ? "" : " \(argument.summary)"))
            names.append(name)
        }
        if !entry.options.isEmpty {
            let type = entry.path == "purecloud.configure" ? "purecloud.ConfigureOptions" : (optionsClass ?? path.replacingOccurrences(of: ":", with: ".") + ".Options")
            line("---@param options? \(type)")
            names.append("options")
        }
        for value in entry.returns { line("---@return \(value)") }
        line("function \(path)(\(names.joined(separator: ", "))) end")
        if !entry.options.isEmpty, entry.path != "purecloud.configure" {
            line("---@class \(optionsClass ?? path.replacingOccurrences(of: ":", with: ".") + ".Options")")
            for option in entry.options { field(option) }
        }
    }

    mutating func api(_ api: APIDefinition) {
        let cls = "purecloud.\(api.name)"
        comment(api.summary)
        line("---@class \(cls)")
        line("\(cls) = {}")
        line("---@type metatable")
        line("\(cls).metatable = nil")
        line("--- A connection to the \(api.name); without options it follows purecloud.configure.")
        line("---@param options? purecloud.ConnectionOptions")
        line("---@return \(cls)")
        line("function \(cls).new(options) end")
        blank()
        for op in api.operations {
            operation(op, cls: cls)
            blank()
        }
        for op in api.operations where op.iterator != nil {
            iterator(op, cls: cls)
            blank()
        }
        for helper in ModuleSurface.helpers(of: api.name) {
            comment(helper.help)
            function("\(cls):\(helper.name)", helper, optionsClass: "\(cls).\(helper.name).Options")
            blank()
        }
    }

    mutating func operation(_ op: Operation, cls: String) {
        comment("\(op.summary)\n\(op.method.rawValue) \(op.path)" + (op.permissions.isEmpty ? "" : "\npermissions: " + op.permissions.joined(separator: ", ")))
        if op.deprecated { line("---@deprecated") }
        var names: [String] = []
        for name in op.positional {
            if let body = op.body, body.name == name {
                line("---@param \(name) purecloud.\(body.model)")
            } else if let p = op.parameters.first(where: { $0.name == name }) {
                line("---@param \(name) \(Self.type(of: p)) \(p.summary)")
            }
            names.append(name)
        }
        let optionsClass = "\(cls).\(op.name).Options"
        if !op.optionKeys.isEmpty {
            line("---@param options? \(optionsClass)")
            names.append("options")
        }
        if let response = op.response { line("---@return purecloud.\(response)") }
        line("function \(cls):\(op.name)(\(names.joined(separator: ", "))) end")
        if !op.optionKeys.isEmpty {
            line("---@class \(optionsClass)")
            for p in op.parameters where !p.required { line("---@field \(p.name)? \(Self.type(of: p)) \(Self.describe(p))") }
            if let body = op.body, !body.required { line("---@field \(body.name)? purecloud.\(body.model)") }
        }
    }

    mutating func iterator(_ op: Operation, cls: String) {
        guard let name = op.iterator else { return }
        comment("Every item of \(op.name), page after page (lazy; break stops it): for item in api:\(name)(...) do ... end")
        var names: [String] = []
        for argument in op.positional {
            if let body = op.body, body.name == argument { line("---@param \(argument) purecloud.\(body.model)") } else { line("---@param \(argument) string") }
            names.append(argument)
        }
        if !op.optionKeys.isEmpty {
            line("---@param options? \(cls).\(op.name).Options")
            names.append("options")
        }
        line("---@return fun(): \(Self.itemType(of: op))")
        line("function \(cls):\(name)(\(names.joined(separator: ", "))) end")
    }

    mutating func model(_ model: Model) {
        comment(model.summary)
        line("---@class purecloud.\(model.name)")
        for field in model.fields {
            let notes = (field.readOnly ? "(read-only) " : "") + field.summary
            line("---@field \(Self.key(field.name))\(field.required ? "" : "?") \(Self.type(of: field.kind))" + (notes.isEmpty ? "" : " \(notes)"))
        }
        if Models.requestModels.contains(model.name) {
            line("purecloud.\(model.name) = {}")
            line("---@type string")
            line("purecloud.\(model.name).name = nil")
            line("--- Checks the fields against \(model.name) and marks the table as one.")
            line("---@param fields? purecloud.\(model.name)")
            line("---@return purecloud.\(model.name)")
            line("function purecloud.\(model.name).new(fields) end")
        }
        blank()
    }

    mutating func shapes() {
        for shape in ModuleSurface.shapes {
            comment(shape.summary)
            line("---@class purecloud.\(shape.name)")
            for field in shape.fields {
                let optional = field.type.hasSuffix("?")
                line("---@field \(field.name)\(optional ? "?" : "") \(optional ? String(field.type.dropLast()) : field.type)" + (field.summary.isEmpty ? "" : " \(field.summary)"))
            }
            blank()
        }
    }

    /// The item an iterator yields: the model of the listing's entities or results.
    static func itemType(of op: Operation) -> String {
        guard let response = op.response.flatMap({ Models.all[$0] }) else { return "table" }
        for key in ["entities", "results"] {
            if let field = response.field(key), case let .array(inner) = field.kind { return type(of: inner) }
        }
        return "table"
    }

    static func type(of kind: Field.Kind) -> String {
        switch kind {
        case .string, .dateTime: return "string"
        case .integer: return "integer"
        case .boolean: return "boolean"
        case let .enumeration(values): return values.map { "\"\($0)\"" }.joined(separator: "|")
        case let .array(inner):
            let element = type(of: inner)
            return element.contains("|") ? "(\(element))[]" : element + "[]"
        case let .model(name): return "purecloud.\(name)"
        case .map: return "table"
        }
    }

    static func type(of p: Parameter) -> String {
        // The published values and the spellings the platform also takes (`ASC` for `ascending`).
        let literal = p.allowed.map { ($0 + p.tolerated).map { "\"\($0)\"" }.joined(separator: "|") }
        switch p.kind {
        case .string: return literal ?? "string"
        case .integer: return "integer"
        case .boolean: return "boolean"
        case .stringList, .commaSeparated: return (literal.map { "(\($0))[]" } ?? "string[]") + "|string"
        }
    }

    static func describe(_ p: Parameter) -> String {
        var parts = [p.summary]
        if let d = p.defaultValue { parts.append("(default \(d))") }
        if let r = p.range { parts.append("(\(r.lowerBound)..\(r.upperBound))") }
        if let m = p.maximumCount { parts.append("(at most \(m))") }
        return parts.joined(separator: " ")
    }
}
