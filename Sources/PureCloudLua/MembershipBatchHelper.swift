import LuaKit
import PureCloud

/// `api:apply_memberships(changes [, options])`: MembershipBatchJob from Lua. `changes` is an
/// array of `{ group = id or group table, add = users }` (or `remove = users`, or `sync = users`),
/// each group once; every group is checked before the first write, then groups are written side
/// by side (`concurrency` at a time), one writer per group. Returns the reports in order.
enum MembershipBatchHelper {
    static let name = "apply_memberships"
    static let options = ModuleSurface.helper(name)?.optionNames ?? []
    static let changesExpected = "array of changes ({ group = ..., add = {...} })"

    static func run(_ call: LuaCall, session: PurecloudSession) throws -> Int32 {
        let handle = try ApiMethods.handle(GroupsAPI.definition, call, function: name, session: session)
        var dryRun: Bool?
        var jobOptions = MembershipJob.Options()
        if call.type(at: 3) == .table {  // or nil: checked by the spec (MembershipHelpers)
            let reader = try OptionReader(call, index: 3, function: name, position: 2, known: options)
            (dryRun, jobOptions) = try MembershipHelpers.readJobOptions(reader, name: name, known: options)
        }
        let entries = try changesArgument(call, options: jobOptions)
        let base = try session.client(handle: handle)
        let client = dryRun.map { base.with(dryRun: $0 || session.settings.dryRunRequired) } ?? base
        var batch = MembershipBatchJob(client: client)
        batch.progress = session.progressReporter()
        return try session.whenDone(call, { [batch] in try await batch.run(entries, name: name) }) { c, outcome in
            defer { session.clearProgress() }
            return try finish(c, outcome, entries: entries, session: session)
        }
    }

    static func finish(_ call: LuaCall, _ outcome: Result<[MembershipReport], any Error>, entries: [MembershipBatchJob.Entry],
                       session: PurecloudSession) throws -> Int32 {
        let reports: [MembershipReport]
        do {
            reports = try outcome.get()
        } catch let stopped as MembershipBatchError {
            session.recordBulkFailure()
            // Ctrl-C stopped the writes: the error that says what was done takes its place.
            if stopped.cause.code == "interrupted" { session.withdrawInterrupt(call) }
            var error = stopped.cause
            let added = stopped.reports.reduce(0) { $0 + $1.added.count }, removed = stopped.reports.reduce(0) { $0 + $1.removed.count }
            let notDone = stopped.reports.reduce(0) { $0 + $1.notDone.count }
            error.message += " (group \(stopped.groupId); in all groups \(added) added, \(removed) removed before it stopped; \(notDone) not confirmed: see err.report, one report per change)"
            throw LuaApiError(error: error, anchors: session.anchors, report: .array(stopped.reports.map(\.json)))
        } catch let refusal as MembershipRefusal {
            throw MembershipHelpers.HelperRefusal(refusal)
        } catch let error as APIError {
            throw LuaApiError(error: MembershipHelpers.unknownGroup(error, ids: entries.map(\.groupId), name: name), anchors: session.anchors)
        } catch is CancellationError {
            throw LuaError.interrupted
        }
        if reports.contains(where: { !$0.failed.isEmpty }) { session.recordBulkFailure() }
        LuaJSON(call, anchors: session.anchors).push(.array(reports.map(\.json)))
        return 1
    }

    /// The array of changes, each checked: a group, and exactly one of add, remove, sync.
    static func changesArgument(_ call: LuaCall, options: MembershipJob.Options) throws -> [MembershipBatchJob.Entry] {
        guard call.type(at: 2) == .table else {
            throw LuaArgumentError(position: 1, function: name, message: "\(changesExpected) expected, got \(call.typeName(at: 2))")
        }
        let count = call.rawLength(2)
        guard count <= MembershipBatchJob.maximumEntries else {
            throw LuaArgumentError(position: 1, function: name, message: "\(count) changes is more than the \(MembershipBatchJob.maximumEntries) one call accepts")
        }
        var entries = 0
        var named = false
        call.forEach(2) {
            entries += 1
            if call.type(at: -2) != .number { named = true }
        }
        if named || entries != count {
            throw LuaArgumentError(position: 1, function: name, message: "an array of changes expected (no named fields, no holes)")
        }
        var out: [MembershipBatchJob.Entry] = []
        for index in 0..<count {
            call.getIndex(2, index + 1)
            defer { call.pop() }
            let item = call.absolute(-1)
            let what = "change \(index + 1)"
            guard call.type(at: item) == .table else {
                throw LuaArgumentError(position: 1, function: name, message: "\(what) must be a table { group = ..., add = {...} }, got \(call.typeName(at: item))")
            }
            var unknown: String?
            call.forEach(item) {
                let key = call.type(at: -2) == .string ? call.string(at: -2) ?? "?" : "?"
                if !["group", "add", "remove", "sync"].contains(key) { unknown = unknown ?? key }
            }
            if let unknown {
                throw LuaArgumentError(position: 1, function: name, message: "\(what) has an unknown key '\(unknown)' (keys: group, and one of add, remove, sync)")
            }
            let groupId = try group(call, item, what: what)
            var chosen: (MembershipJob.Mode, [UserReference])?
            for (key, mode) in [("add", MembershipJob.Mode.add), ("remove", .remove), ("sync", .sync(add: true, remove: true))] {
                call.getField(item, key)
                defer { call.pop() }
                guard call.type(at: -1) != .nil else { continue }
                guard chosen == nil else {
                    throw LuaArgumentError(position: 1, function: name, message: "\(what) has more than one of add, remove, sync; give each its own change (of another group) or call the helper twice")
                }
                chosen = (mode, try MembershipHelpers.usersArgument("\(name) \(what) \(key)", call, index: call.absolute(-1), position: 1))
            }
            guard let (mode, users) = chosen else {
                throw LuaArgumentError(position: 1, function: name, message: "\(what) has none of add, remove, sync")
            }
            out.append(.init(groupId: groupId, mode: mode, users: users, options: options))
        }
        return out
    }

    /// `group`: an id, or a group table with an id.
    static func group(_ call: LuaCall, _ item: Int32, what: String) throws -> String {
        call.getField(item, "group")
        defer { call.pop() }
        switch call.type(at: -1) {
        case .string:
            try MembershipHelpers.checkNotAName(call.string(at: -1) ?? "", "\(name) \(what)")
            if let id = call.string(at: -1), !UserIds.normalize(id).isEmpty { return UserIds.normalize(id) }
        case .table:
            call.getField(-1, "id")
            defer { call.pop() }
            if call.type(at: -1) == .string, let id = call.string(at: -1), !UserIds.normalize(id).isEmpty { return UserIds.normalize(id) }
        default: break
        }
        throw LuaArgumentError(position: 1, function: name, message: "\(what): 'group' must be a group id or a group table with an id, got \(call.typeName(at: -1))")
    }
}
