import LuaKit
import PureCloud

/// `api:find_group(name)`: GroupLookup from Lua. The group table when exactly one group has the
/// name (case and surrounding spaces aside); `nil, message, suggestions` when none has it; an
/// error naming the candidates when several have it (never a guess).
enum GroupLookupHelper {
    static let name = "find_group"

    static func install(_ call: LuaCall, session: PurecloudSession) {
        call.push(function: name) { c in try find(c, session: session) }
        call.setField(-2, name)
    }

    static func find(_ call: LuaCall, session: PurecloudSession) throws -> Int32 {
        let handle = try ApiMethods.handle(GroupsAPI.definition, call, function: name, session: session)
        guard call.type(at: 2) == .string, let wanted = call.string(at: 2) else {
            throw LuaArgumentError(position: 1, function: name, message: "group name (string) expected, got \(call.typeName(at: 2))")
        }
        if call.type(at: 3) != .none && call.type(at: 3) != .nil {
            throw LuaArgumentError(position: 2, function: name, message: "no more arguments expected, got \(call.typeName(at: 3))")
        }
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
