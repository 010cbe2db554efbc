import Synchronization

/// What one run changed in its orgs, kept in memory from the same facts the audit log records
/// (whether or not there is an audit log): members added and removed per group, groups created,
/// changed and deleted, and writes whose outcome is unknown. Whatever ends a run, its report comes
/// from here, so it never says less than what happened.
public final class RunLedger: Sendable {
    public struct GroupChanges: Sendable, Equatable {
        public var id: String
        public var name: String?
        public var added: Set<String> = []
        public var removed: Set<String> = []
        /// Members sent but found already present (another writer, a chunk sent again after a 409).
        public var alreadyPresent: Set<String> = []
        /// Member ids of writes sent without an answer that says, not yet settled by a read.
        public var unknown: Set<String> = []
        public var created = false
        public var updated = 0
        public var deleted = false
        /// Group writes (create, update, delete) sent without an answer that says.
        public var unknownGroupWrites = 0

        public var changed: Bool { !added.isEmpty || !removed.isEmpty || created || updated > 0 || deleted }
        public var uncertain: Bool { !unknown.isEmpty || unknownGroupWrites > 0 }
    }

    private let groups = Mutex<(order: [String], byId: [String: GroupChanges])>(([], [:]))

    public init() {}

    private func update(_ groupId: String, name: String?, _ change: (inout GroupChanges) -> Void) {
        let key = UserIds.normalize(groupId)
        groups.withLock { state in
            if state.byId[key] == nil {
                state.order.append(key)
                state.byId[key] = GroupChanges(id: groupId)
            }
            if let name { state.byId[key]!.name = name }
            change(&state.byId[key]!)
        }
    }

    /// A write's outcome: `applied` ids are this run's changes, `present` ids were already in the
    /// wanted state, `unknown` ids may or may not have changed.
    func members(of groupId: String, name: String?, adds: Bool, applied: [String], present: [String] = [], unknown: [String] = []) {
        update(groupId, name: name) { g in
            if adds { g.added.formUnion(applied) } else { g.removed.formUnion(applied) }
            g.alreadyPresent.formUnion(present)
            g.unknown.formUnion(unknown)
            g.unknown.subtract(applied)
        }
    }

    /// A read settled unknown member writes: `applied` changed, the rest of `ids` did not.
    func settled(_ groupId: String, adds: Bool, ids: [String], applied: [String]) {
        update(groupId, name: nil) { g in
            g.unknown.subtract(ids)
            if adds { g.added.formUnion(applied) } else { g.removed.formUnion(applied) }
        }
    }

    enum GroupWrite { case create, update, delete }

    func group(_ groupId: String, name: String?, _ write: GroupWrite, known: Bool) {
        update(groupId, name: name) { g in
            guard known else { g.unknownGroupWrites += 1; return }
            switch write {
            case .create: g.created = true
            case .update: g.updated += 1
            case .delete: g.deleted = true
            }
        }
    }

    public var changes: [GroupChanges] {
        groups.withLock { state in state.order.compactMap { state.byId[$0] } }
    }

    /// Whether the run changed anything, or may have.
    public var isEmpty: Bool { !changes.contains { $0.changed || $0.uncertain } }

    /// One line per group this run changed (or may have): "'Support EU': 1,400 added, 3 removed,
    /// 50 not confirmed", in the order the groups were first written.
    public var lines: [String] {
        changes.filter { $0.changed || $0.uncertain }.map { g in
            var parts: [String] = []
            if g.created { parts.append("created") }
            if !g.added.isEmpty { parts.append("\(g.added.count.grouped) added") }
            if !g.removed.isEmpty { parts.append("\(g.removed.count.grouped) removed") }
            if g.updated > 0 { parts.append("changed") }
            if g.deleted { parts.append("deleted") }
            if !g.unknown.isEmpty { parts.append("\(g.unknown.count.grouped) not confirmed (sent without an answer; the platform may have applied them)") }
            if g.unknownGroupWrites > 0 { parts.append("\(g.unknownGroupWrites) group write\(g.unknownGroupWrites == 1 ? "" : "s") not confirmed") }
            return (g.name.map { "'\($0)'" } ?? "group \(g.id)") + ": " + parts.joined(separator: ", ")
        }
    }
}
