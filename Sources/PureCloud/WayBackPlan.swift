/// The way back (`pclua undo`, `pclua restore`): the groups involved as they are now (`current`)
/// and as they are to be (`target`), in the data file's form. The plan shown is
/// `OrgDiff.plan(current, target)`, the same renderer as `rehearse` and `diff`, and `ConvergeJob`
/// carries out exactly that difference. A group in `target` that is not in `current` is created
/// (its id is a placeholder, `new:...`: the platform gives the real one); a group of `current`
/// missing from `target` is deleted.
public struct WayBackPlan: Sendable {
    public var current: OrgData
    public var target: OrgData
    /// Changes made since that are left alone (listed with the plan; `--force` takes some of them).
    public var conflicts: [String] = []
    /// People the plan would add back but cannot: they no longer exist or are not active.
    public var skipped: [String] = []
    /// Anything else worth knowing before saying yes (new ids of re-created groups, groups created
    /// since a snapshot that are left as they are).
    public var notes: [String] = []

    public init(current: OrgData, target: OrgData) {
        self.current = current
        self.target = target
    }

    public var plan: OrgPlan { OrgDiff.plan(before: current, after: target) }

    /// Removals of members the plan makes (the `--max-removals` cap counts these).
    public var removals: Int { plan.peopleRemoved }

    static let newPrefix = "new:"

    public static func isNew(_ id: String) -> Bool { id.hasPrefix(newPrefix) }
}

/// The group fields the way back sets: what `put_group` takes and a data file keeps. `type` cannot
/// be changed after creation; `state`, `version` and `dateModified` are the platform's.
enum WayBackFields {
    static let settable = ["name", "description", "visibility", "rulesVisible", "rolesEnabled", "includeOwners", "callsEnabled", "email"]
    /// What `pclua restore` puts back unless `--members-only` (issue 24): the fields an admin sees.
    static let restored = ["description", "visibility", "rulesVisible"]
}
