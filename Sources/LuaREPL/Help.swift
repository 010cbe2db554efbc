import LuaKit
import PureCloud

/// `help(x)`: what an operation takes and returns, what a model holds, from the operation table.
enum Help {
    static func text(for call: LuaCall, methodName: String?, modelName: String?) -> String {
        if let methodName, let op = GroupsAPI.operation(methodName) { return operation(op) }
        if let methodName, let text = helpers[methodName] { return text }
        if let modelName, let model = Models.all[modelName] { return self.model(model) }
        return general
    }

    static func operation(_ op: Operation) -> String {
        var lines = ["\(op.name)  \(op.method.rawValue) \(op.path)" + (op.deprecated ? "  (deprecated by Genesys)" : ""), "  \(op.summary)"]
        let positional = op.positional
        let optional = op.parameters.filter { !$0.required }
        lines.append("  call: api:\(op.name)(" + (positional + (op.optionKeys.isEmpty ? [] : ["{ options }"])).joined(separator: ", ") + ")")
        func describe(_ p: Parameter) -> String {
            var parts: [String] = []
            switch p.kind {
            case .string: parts.append("string")
            case .integer: parts.append("integer")
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
        if let iterator = iterators[op.name] { lines.append("  every page: api:\(iterator)(...) (see help(api.\(iterator)))") }
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

    /// The iterator that walks each paged operation (defined in PureCloudLua's prelude).
    static let iterators = ["get_groups": "each_group", "get_group_members": "each_group_member",
                            "get_profiles_groups": "each_profile_group", "post_groups_search": "each_search_result",
                            "get_groups_search": "each_search_result"]

    static let helpers: [String: String] = [
        "add_members": "add_members(group, ids, { dry_run = bool })\n  Adds users in chunks of 50, skipping members already there. Returns { added, removed, unchanged, failed, requests, ... }.",
        "remove_members": "remove_members(group, ids, { dry_run = bool })\n  Removes users in chunks of 50, skipping non-members. Returns a report like add_members.",
        "sync_members": "sync_members(group, ids, { add_only = bool, remove_only = bool, dry_run = bool })\n  Makes the group's direct members exactly `ids`. Returns a report.",
        "each_group": "each_group{ page_size, sort_order, id }  -- for group in api:each_group{} do ... end",
        "each_group_member": "each_group_member(group_id, { page_size, sort_order, expand })  -- lazy iterator",
        "each_profile_group": "each_profile_group{ ... }  -- lazy iterator over group profiles",
        "each_search_result": "each_search_result(GroupSearchRequest)  -- follows the search's next pages",
        "pages": "pages(operation, ...)  -- whole pages: for page in api:pages(\"get_groups\", { page_size = 100 }) do ... end",
        "stats": "stats()  -- requests, retries, rate-limit waits and token fetches of this connection",
    ]

    static let general = """
        pclua: the Genesys Cloud Groups API in Lua.
          api = purecloud.GroupsApi.new()        a connection (configured from flags, environment or profile)
          api:get_groups{ page_size = 10 }       any of the 14 operations; Tab completes names and options
          help(api.get_groups)                   an operation's arguments, options and result
          help(purecloud.GroupCreate)            a model's fields
          for g in api:each_group() do ... end   iterate every page
          =expr  or just expr                    print a value; _ is the last result
          Ctrl-C cancels the line or the running call; Ctrl-D leaves.
        """
}
