import LuaKit
import PureCloud

/// `api:add_members`, `api:remove_members`, `api:sync_members`: MembershipJob from Lua.
enum MembershipHelpers {
    static func install(_ call: LuaCall, session: PurecloudSession) {
        for (name, options) in [("add_members", ["dry_run"]), ("remove_members", ["dry_run"]),
                                ("sync_members", ["dry_run", "add_only", "remove_only", "remove"])] {
            call.push(function: name) { c in try run(name, options: options, c, session: session) }
            call.setField(-2, name)
        }
    }

    static func run(_ name: String, options: [String], _ call: LuaCall, session: PurecloudSession) throws -> Int32 {
        guard let handle = GroupsApiMethods.handle(call, anchors: session.anchors) else {
            throw LuaArgumentError(position: 1, function: name, message: "purecloud.GroupsApi expected, got \(call.typeName(at: 1)); call it with a colon: api:\(name)(...)")
        }
        let groupId = try groupArgument(name, call)
        let ids = try idsArgument(name, call)
        var dryRun: Bool?
        var mode: MembershipJob.Mode = name == "add_members" ? .add : name == "remove_members" ? .remove : .sync(add: true, remove: true)
        if call.type(at: 4) != .none && call.type(at: 4) != .nil {
            let reader = try OptionReader(call, index: 4, function: name, position: 3, known: options)
            dryRun = try reader.bool("dry_run")
            if case .sync = mode {
                let addOnly = try reader.bool("add_only") ?? (try reader.bool("remove") == false)
                let removeOnly = try reader.bool("remove_only") ?? false
                if addOnly && removeOnly { throw ConfigurationError("\(name): add_only and remove_only cannot both be true") }
                mode = .sync(add: !removeOnly, remove: !addOnly)
            }
        }
        let base = try session.client(handle: handle)
        let client = dryRun.map { base.with(dryRun: $0) } ?? base
        let report: MembershipReport
        let chosen = mode
        do {
            report = try session.bridge.run { try await MembershipJob(client: client).run(chosen, groupId: groupId, ids: ids) }
        } catch let stopped as MembershipJobError {
            session.recordBulkFailure()
            var error = stopped.cause
            error.message += " (\(stopped.report.added.count) added, \(stopped.report.removed.count) removed before it stopped; \(stopped.report.notDone.count) not confirmed: see err.report)"
            throw LuaApiError(error: error, anchors: session.anchors, report: stopped.report.json)
        } catch let error as APIError {
            throw LuaApiError(error: error, anchors: session.anchors)
        } catch is CancellationError {
            throw LuaError.interrupted
        }
        if !report.failed.isEmpty { session.recordBulkFailure() }
        LuaJSON(call, anchors: session.anchors).push(report.json)
        return 1
    }

    /// A group id, or a group table (as `get_group` returns) with an `id`.
    static func groupArgument(_ name: String, _ call: LuaCall) throws -> String {
        switch call.type(at: 2) {
        case .string:
            if let id = call.string(at: 2), !id.isEmpty { return id }
        case .table:
            call.getField(2, "id")
            defer { call.pop() }
            if let id = call.string(at: -1), !id.isEmpty { return id }
        default: break
        }
        throw LuaArgumentError(position: 1, function: name, message: "group id or group table expected, got \(call.typeName(at: 2))")
    }

    /// An array of user ids (strings).
    static func idsArgument(_ name: String, _ call: LuaCall) throws -> [String] {
        guard call.type(at: 3) == .table else {
            throw LuaArgumentError(position: 2, function: name, message: "array of user ids expected, got \(call.typeName(at: 3))")
        }
        let count = call.rawLength(3)
        var ids: [String] = []
        ids.reserveCapacity(count)
        var extra = false
        call.forEach(3) { if call.type(at: -2) != .number { extra = true } }
        if extra { throw LuaArgumentError(position: 2, function: name, message: "array of user ids expected, got a table with named fields") }
        for index in 0..<count {
            call.getIndex(3, index + 1)
            defer { call.pop() }
            if call.type(at: -1) == .table {  // a user table, as the members listings return
                call.getField(-1, "id")
                defer { call.pop() }
                guard let id = call.string(at: -1) else { throw LuaArgumentError(position: 2, function: name, message: "item \(index + 1) is a table without an id") }
                ids.append(id)
                continue
            }
            guard let id = call.string(at: -1) else {
                throw LuaArgumentError(position: 2, function: name, message: "item \(index + 1) must be a user id string, got \(call.typeName(at: -1))")
            }
            ids.append(id)
        }
        if ids.count != count || (count == 0 && call.rawLength(3) != 0) {
            throw LuaArgumentError(position: 2, function: name, message: "the id array has holes")
        }
        return try MembershipJob.normalize(ids)
    }
}
