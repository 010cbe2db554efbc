import LuaKit
import PureCloud

/// `api:add_members`, `api:remove_members`, `api:sync_members`: MembershipJob from Lua. People are
/// named by id, email, name or user table, mixed; they are resolved before the first write.
enum MembershipHelpers {
    static func install(_ call: LuaCall, session: PurecloudSession) {
        call.setFunctions(functions(session), in: -1)
    }

    /// The helpers, their arguments declared. Their options are declared in ModuleSurface (which
    /// help, completion and definitions read). The group (an id or a group table) is checked by
    /// groupArgument, the people's items by usersArgument, the changes by changesArgument.
    static func functions(_ session: PurecloudSession) -> [HostFunctionSpec] {
        let api = GroupsAPI.definition
        let parameters: [HostParameter] = [.unchecked("group"), .table("people", expected: peopleExpected), .optional(.table("options"))]
        return ["add_members", "remove_members", "sync_members"].map { name in
            let options = ModuleSurface.helper(name)?.optionNames ?? []
            return ApiMethods.method(api, name, parameters: parameters, session: session) { c in try run(name, options: options, c, session: session) }
        } + [
            ApiMethods.method(api, MembershipBatchHelper.name, parameters: [
                .table("changes", expected: MembershipBatchHelper.changesExpected), .optional(.table("options")),
            ], session: session) { c in try MembershipBatchHelper.run(c, session: session) },
        ]
    }

    /// What a list of people must be, as argument errors say it.
    static let peopleExpected = "array of users (ids, emails, names or user tables)"

    static func run(_ name: String, options: [String], _ call: LuaCall, session: PurecloudSession) throws -> Int32 {
        let handle = try ApiMethods.handle(GroupsAPI.definition, call, function: name, session: session)
        let groupId = try groupArgument(name, call)
        let users = try usersArgument(name, call, index: 3, position: 2)
        var dryRun: Bool?
        var jobOptions = MembershipJob.Options()
        var mode: MembershipJob.Mode = name == "add_members" ? .add : name == "remove_members" ? .remove : .sync(add: true, remove: true)
        if call.type(at: 4) == .table {  // or nil: checked by the spec
            let reader = try OptionReader(call, index: 4, function: name, position: 3, known: options)
            (dryRun, jobOptions) = try readJobOptions(reader, name: name, known: options)
            if case .sync = mode {
                let addOnly = try reader.boolean("add_only") ?? (try reader.boolean("remove") == false)
                let removeOnly = try reader.boolean("remove_only") ?? false
                if addOnly && removeOnly { throw ConfigurationError("\(name): add_only and remove_only cannot both be true") }
                mode = .sync(add: !removeOnly, remove: !addOnly)
            }
        }
        let base = try session.client(handle: handle)
        let client = dryRun.map { base.with(dryRun: $0 || session.settings.dryRunRequired) } ?? base
        let chosen = mode, options = jobOptions
        var job = MembershipJob(client: client)
        job.progress = session.progressReporter()
        let started = job
        // In a task, the whole job runs while the task waits (its own requests still side by side).
        return try session.whenDone(call, { try await started.run(chosen, groupId: groupId, users: users, options: options, name: name) }) { c, outcome in
            defer { session.clearProgress() }
            let report: MembershipReport
            do {
                report = try outcome.get()
            } catch let stopped as MembershipJobError {
                session.recordBulkFailure()
                // Ctrl-C stopped the writes: the error that says what was done takes its place.
                if stopped.cause.code == "interrupted" { session.withdrawInterrupt(c) }
                var error = stopped.cause
                error.message += " (\(stopped.report.added.count) added, \(stopped.report.removed.count) removed before it stopped; \(stopped.report.notDone.count) not confirmed: see err.report)"
                throw LuaApiError(error: error, anchors: session.anchors, report: stopped.report.json)
            } catch let refusal as MembershipRefusal {
                throw HelperRefusal(refusal)
            } catch let error as APIError {
                throw LuaApiError(error: unknownGroup(error, ids: [groupId], name: name), anchors: session.anchors)
            } catch is CancellationError {
                throw LuaError.interrupted
            }
            if !report.failed.isEmpty { session.recordBulkFailure() }
            LuaJSON(c, anchors: session.anchors).push(report.json)
            return 1
        }
    }

    /// The options every bulk helper shares (`dry_run`, `plan_only`, `skip_unknown`, ...).
    static func readJobOptions(_ reader: OptionReader, name: String, known options: [String]) throws -> (dryRun: Bool?, MembershipJob.Options) {
        var jobOptions = MembershipJob.Options()
        let dryRun = try reader.boolean("dry_run")
        jobOptions.skipUnknown = try reader.boolean("skip_unknown") ?? false
        jobOptions.includeInactive = try reader.boolean("include_inactive") ?? false
        jobOptions.planOnly = try reader.boolean("plan_only") ?? false
        if options.contains("max_removals"), let limit = try reader.integer("max_removals", in: 0...MembershipJob.maximumIds) {
            jobOptions.maxRemovals = limit
        }
        jobOptions.allowRemoveAll = options.contains("allow_remove_all") ? (try reader.boolean("allow_remove_all") ?? false) : false
        return (dryRun, jobOptions)
    }

    /// A job's refusal said in the helpers' terms: the option that lets it go on. (Scripts say it
    /// with their flags: scripts/sync-group.lua, migrate-members.lua.)
    struct HelperRefusal: Error, CustomStringConvertible, LuaPersonMessage {
        let description: String

        init(_ refusal: MembershipRefusal) {
            switch refusal.reason {
            case .unusablePeople:
                description = refusal.message + ". Correct them, or pass skip_unknown = true to change the others and report these as failed."
            case let .overLimit(limit, removals):
                description = "\(refusal.helper): \(refusal.plan), more than max_removals = \(limit); '\(refusal.group)' was not changed. "
                    + "Raise it with max_removals = \(removals) if that is intended."
            case .everyMember:
                description = refusal.message + ". If that is intended, pass allow_remove_all = true."
            case let .moreThanHalf(removals):
                description = refusal.message + ". If that is intended, pass max_removals = \(removals)."
            }
        }
    }

    /// A 404 of the group's read says which id is unknown, and that a name is found another way.
    static func unknownGroup(_ error: APIError, ids: [String], name: String) -> APIError {
        guard error.status == 404, error.operation == "get_group" else { return error }
        var error = error
        let id = ids.count == 1 ? ids[0] : ids.first { error.message.lowercased().contains($0) }
        if let id {
            error.message = "\(name): no group has the id '\(id)' (a group's name? api:find_group(\"\(id)\") finds a group by its name)"
        }
        return error
    }

    /// A name where an id belongs ("Sales EMEA"): said before any request, with the way to a name.
    static func checkNotAName(_ text: String, _ name: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.contains(where: \.isWhitespace) else { return }
        throw ValidationError("\(name): '\(trimmed)' is a group name, not an id (ids have no spaces); api:find_group(\"\(trimmed)\") finds the group by its name: api:\(name)(api:find_group(\"\(trimmed)\"), ...)")
    }

    /// A group id, or a group table (as `get_group` returns) with an `id`.
    /// Ids are read as the platform reads them: trimmed, lower case.
    static func groupArgument(_ name: String, _ call: LuaCall) throws -> String {
        switch call.type(at: 2) {
        case .string:
            try checkNotAName(call.string(at: 2) ?? "", name)
            if let id = call.string(at: 2).map(UserIds.normalize), !id.isEmpty { return id }
        case .table:
            call.getField(2, "id")
            defer { call.pop() }
            if let id = call.string(at: -1).map(UserIds.normalize), !id.isEmpty { return id }
        default: break
        }
        throw LuaArgumentError(position: 1, function: name, message: "group id or group table expected, got \(call.typeName(at: 2))")
    }

    /// An array of people: ids, emails or names (strings), or user tables (as listings return them).
    static func usersArgument(_ name: String, _ call: LuaCall, index list: Int32, position: Int) throws -> [UserReference] {
        guard call.type(at: list) == .table else {
            throw LuaArgumentError(position: position, function: name, message: "\(peopleExpected) expected, got \(call.typeName(at: list))")
        }
        let count = call.rawLength(list)
        guard count <= MembershipJob.maximumIds else {
            throw LuaArgumentError(position: position, function: name, message: "\(count) users is more than the \(MembershipJob.maximumIds) one call accepts; split the list")
        }
        var extra = false
        var entries = 0
        call.forEach(list) {
            entries += 1
            if call.type(at: -2) != .number { extra = true }
        }
        if extra { throw LuaArgumentError(position: position, function: name, message: "array of users expected, got a table with named fields") }
        if entries != count { throw LuaArgumentError(position: position, function: name, message: "the array of users has holes") }
        var users: [UserReference] = []
        users.reserveCapacity(count)
        for index in 0..<count {
            call.getIndex(list, index + 1)
            defer { call.pop() }
            switch call.type(at: -1) {
            case .table:  // a user table, as the members listings return
                func field(_ key: String) -> String? {
                    call.getField(-1, key)
                    defer { call.pop() }
                    return call.type(at: -1) == .string ? call.string(at: -1) : nil
                }
                guard let id = field("id"), !id.isEmpty else {
                    throw LuaArgumentError(position: position, function: name, message: "item \(index + 1) is a table without an id")
                }
                users.append(.user(id: id, label: field("email") ?? field("name") ?? id))
            case .string:
                users.append(.text(call.string(at: -1) ?? ""))
            default:
                throw LuaArgumentError(position: position, function: name, message: "item \(index + 1) must be a user id, email, name or user table, got \(call.typeName(at: -1))")
            }
        }
        return users
    }
}
