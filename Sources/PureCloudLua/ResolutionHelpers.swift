import LuaKit
import PureCloud

/// `users:resolve(list, opts)`: ResolutionJob from Lua. Emails, names, ids and user tables in; the
/// users they name out, and every entry that names nobody, several people, or someone inactive
/// or deleted, reported by the input as given.
enum ResolutionHelpers {
    static func install(_ call: LuaCall, session: PurecloudSession) {
        call.setFunctions(functions(session), in: -1)
    }

    /// The list's items are checked by MembershipHelpers.usersArgument.
    static func functions(_ session: PurecloudSession) -> [HostFunctionSpec] {
        let parameters: [HostParameter] = [.table("list", expected: MembershipHelpers.peopleExpected), .optional(.table("options"))]
        return [ApiMethods.method(UsersAPI.definition, "resolve", parameters: parameters, session: session) { c in try resolve(c, session: session) }]
    }

    static func resolve(_ call: LuaCall, session: PurecloudSession) throws -> Int32 {
        let name = "resolve"
        let handle = try ApiMethods.handle(UsersAPI.definition, call, function: name, session: session)
        let references = try MembershipHelpers.usersArgument(name, call, index: 2, position: 1)
        var job = ResolutionJob(client: try session.client(handle: handle))
        if call.type(at: 3) == .table {  // or nil: checked by the spec
            let reader = try OptionReader(call, index: 3, function: name, position: 2, known: ModuleSurface.helper(name)?.optionNames ?? [])
            job.includeInactive = try reader.boolean("include_inactive") ?? false
            if let size = try reader.integer("batch_size", in: 1...UsersAPI.maximumValuesPerCriterion) {
                job.batchSize = size
            }
        }
        job.progress = session.progressReporter()
        let chosen = job
        return try session.valueWhenDone(call, { try await chosen.run(references) }) { c, resolution in
            defer { session.clearProgress() }
            LuaJSON(c, anchors: session.anchors).push(resolution.json)
            return 1
        }
    }
}
