import LuaKit
import PureCloud
import PureCloudLua

/// `help(x)`: what an operation takes and returns, what a model holds, from the operation table,
/// for every API in it.
enum Help {
    /// `methodName` is `Api:method` (as `methodName(of:)` finds it) or a bare method name.
    static func text(for call: LuaCall, methodName: String?, modelName: String?) -> String {
        if let methodName {
            let parts = methodName.split(separator: ":", maxSplits: 1).map(String.init)
            let api = parts.count == 2 ? OperationTable.api(parts[0]) : nil
            let name = parts.last ?? methodName
            if let op = api?.operation(name) ?? OperationTable.operation(name) { return operation(op) }
            if let iterator = iteratorHelp(name, api: api) { return iterator }
            if let helper = ModuleSurface.helper(name) { return surface(helper) }
        }
        if let modelName, let model = Models.all[modelName] { return self.model(model) }
        return ModuleHelp.general
    }

    /// Where a function sits in an API's methods table, as `Api:method`, if it does.
    static func methodName(of index: Int32, _ call: LuaCall) -> String? {
        ModuleHelp.inModule(index, call) { function, module in methodName(of: function, in: module, call) }
    }

    private static func methodName(of function: Int32, in module: Int32, _ call: LuaCall) -> String? {
        for api in OperationTable.apis {
            guard call.getField(module, api.name) == .table, call.getField(-1, "metatable") == .table,
                  call.getField(-1, "__index") == .table else { call.settop(module); continue }
            var found: String?
            call.forEach(call.top) {
                if found == nil, call.rawEqual(-1, function), let name = call.string(at: -2) { found = name }
            }
            call.settop(module)
            if let found { return "\(api.name):\(found)" }
        }
        return nil
    }

    /// The iterators come from the table (`Operation.iterator`): their help says what they walk.
    static func iteratorHelp(_ name: String, api: APIDefinition?) -> String? {
        let candidates = (api.map { [$0] } ?? OperationTable.apis).flatMap { api in
            api.operations.filter { $0.iterator == name }.map { (api, $0) }
        }
        guard !candidates.isEmpty else { return nil }
        return candidates.map { api, op in
            let arguments = op.positional.map { $0 == op.body?.name ? op.body!.model : $0 }
            let keys = op.optionKeys.filter { $0 != "page_number" }
            return "\(api.variable):\(name)(" + (arguments + (keys.isEmpty ? [] : ["{ " + keys.joined(separator: ", ") + " }"])).joined(separator: ", ")
                + ")  -- every item of \(op.name), page after page (lazy; break stops it)\n"
                + "  for item in \(api.variable):\(name)(...) do ... end; see help(\(api.variable).\(op.name))"
        }.joined(separator: "\n")
    }

    static func operation(_ op: Operation) -> String {
        var lines = ["\(op.name)  \(op.method.rawValue) \(op.path)" + (op.deprecated ? "  (deprecated by Genesys)" : ""), "  \(op.summary)"]
        let positional = op.positional
        let optional = op.parameters.filter { !$0.required }
        let variable = OperationTable.api(of: op.name)?.variable ?? "api"
        lines.append("  call: \(variable):\(op.name)(" + (positional + (op.optionKeys.isEmpty ? [] : ["{ options }"])).joined(separator: ", ") + ")")
        func describe(_ p: Parameter) -> String {
            var parts: [String] = []
            switch p.kind {
            case .string: parts.append("string")
            case .integer: parts.append("integer")
            case .boolean: parts.append("boolean")
            case .stringList: parts.append("array of strings (or \"a,b\")")
            case .commaSeparated: parts.append("comma-separated string or array")
            }
            if let d = p.defaultValue { parts.append("default \(d)") }
            if let r = p.range { parts.append("\(r.lowerBound)..\(r.upperBound)") }
            if let m = p.maximumCount { parts.append("at most \(m)") }
            if let a = p.allowed { parts.append("one of " + (a.count > 8 ? a.prefix(8).joined(separator: ", ") + ", ..." : a.joined(separator: ", "))) }
            return "    \(p.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(parts.joined(separator: ", ")). \(p.summary)"
        }
        let required = op.parameters.filter(\.required)
        if !required.isEmpty || op.body?.required == true {
            lines.append("  arguments:")
            lines += required.map(describe)
            if let body = op.body, body.required { lines.append("    body         \(body.model) table (see help(purecloud.\(body.model)))") }
        }
        if !optional.isEmpty || op.body?.required == false {
            lines.append("  options:")
            lines += optional.map(describe)
            if let body = op.body, !body.required { lines.append("    body         \(body.model) table (see help(purecloud.\(body.model)))") }
        }
        if let response = op.response, let model = Models.all[response] {
            lines.append("  returns \(response): " + model.fields.map(\.name).joined(separator: ", "))
        } else {
            lines.append("  returns nothing (the platform answers 202/200 without a body)")
        }
        lines.append("  permissions: " + (op.permissions.isEmpty ? "none listed" : op.permissions.joined(separator: ", ")))
        let walker = op.iterator ?? OperationTable.operations(continuedBy: op.name).first?.iterator
        if let iterator = walker { lines.append("  every page: \(variable):\(iterator)(...) (see help(\(variable).\(iterator)))") }
        return lines.joined(separator: "\n")
    }

    static func model(_ model: Model) -> String {
        var lines = ["\(model.name): \(model.summary)"]
        for field in model.fields where !field.readOnly {
            lines.append("  \(field.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(field.typeDescription)\(field.required ? " (required)" : "")\(field.summary.isEmpty ? "" : ". " + field.summary)")
        }
        let readOnly = model.fields.filter(\.readOnly).map(\.name)
        if !readOnly.isEmpty { lines.append("  read-only, set by the platform: " + readOnly.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }

    /// A helper's or module value's help, from the module's declared surface (ModuleSurface).
    static func surface(_ entry: SurfaceEntry) -> String {
        let prose = entry.help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if prose.count == 1 { return entry.usage + "  -- " + prose[0] }
        return ([entry.usage] + prose.filter { !$0.isEmpty }).joined(separator: "\n")
    }
}
