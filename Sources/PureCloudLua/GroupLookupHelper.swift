import LuaKit
import PureCloud

/// `api:find_group(name)`: GroupLookup from Lua. The group table when exactly one group has the
/// name (case and surrounding spaces aside); `nil, message, suggestions` when none has it; an
/// error naming the candidates when several have it (never a guess).
enum GroupLookupHelper {
    static let name = "find_group"

    static func install(_ call: LuaCall, session: PurecloudSession) {
        call.setFunctions(functions(session), in: -1)
    }

    /// Exactly one argument: a second one is refused (a name never comes with options).
    static func functions(_ session: PurecloudSession) -> [HostFunctionSpec] {
        [ApiMethods.method(GroupsAPI.definition, name, parameters: [.string("name", expected: "group name (string)")],
                           refusesExtraArguments: true, session: session) { c in try find(c, session: session) }]
    }

    static func find(_ call: LuaCall, session: PurecloudSession) throws -> Int32 {
        let handle = try ApiMethods.handle(GroupsAPI.definition, call, function: name, session: session)
        let wanted = call.string(at: 2) ?? ""  // a string, and nothing after it: checked by the spec
        let lookup = GroupLookup(client: try session.client(handle: handle))
        let kept = session.groupListing(handle: handle)
        return try session.valueWhenDone(call, { try await lookup.find(wanted, listing: kept) }) { call, found in
            let (outcome, listing) = found
            if let listing { session.keepGroupListing(listing, handle: handle) }
            let shown = wanted.trimmingCharacters(in: .whitespacesAndNewlines)
            switch outcome {
            case let .found(group):
                LuaJSON(call, anchors: session.anchors).push(group)
                session.noteGroupNames(in: group)
                return 1
            case let .absent(suggestions):
                call.pushNil()
                let hint = GroupLookup.didYouMean(suggestions)
                call.push("no group is named '\(shown)'" + (hint.isEmpty ? "" : "; " + hint))
                UtilityModules.pushArray(suggestions, call)
                return 3
            case let .ambiguous(groups):
                let candidates = groups.map { "\($0.id) ('\($0.name)')" }.joined(separator: ", ")
                throw ValidationError("\(name): \(groups.count) groups are named '\(shown)': \(candidates); give the id of the one you mean")
            }
        }
    }
}
