import Foundation

/// Membership changes to many groups side by side (DESIGN.md §5): every group is read, its
/// people resolved and its plan checked before the first write to any of them (so a bad entry
/// changes nothing anywhere); then up to `concurrency` groups are written at once, each by one
/// writer, chunk after chunk, as the group's version demands. The client's pacer keeps the
/// total within the rate limit.
public struct MembershipBatchJob: Sendable {
    public struct Entry: Sendable {
        public var groupId: String
        public var mode: MembershipJob.Mode
        public var users: [UserReference]
        public var options: MembershipJob.Options

        public init(groupId: String, mode: MembershipJob.Mode, users: [UserReference], options: MembershipJob.Options) {
            self.groupId = groupId
            self.mode = mode
            self.users = users
            self.options = options
        }
    }

    public let client: APIClient
    /// Groups written at once: the client's `concurrency`.
    public var concurrency: Int
    /// Told what is being done and how far it got (for a progress line), by every group's job.
    public var progress: (@Sendable (_ what: String, _ done: Int, _ total: Int?) -> Void)?
    /// Most entries one call takes.
    public static let maximumEntries = 10_000

    public init(client: APIClient) {
        self.client = client
        concurrency = client.configuration.concurrency
    }

    /// The reports in the order of `entries`. Throws MembershipRefusal (nothing written) when an
    /// entry cannot be carried out, MembershipBatchError when a group's writes stopped midway.
    public func run(_ entries: [Entry], name: String) async throws -> [MembershipReport] {
        try Self.check(entries, name: name)
        var configured = MembershipJob(client: client)
        configured.progress = progress
        let job = configured
        let width = max(1, concurrency)

        // 1. Read and check everything; the first refusal stops the batch before any write.
        let plans = try await Self.eachSideBySide(entries.count, width: width) { index in
            let entry = entries[index]
            return try await job.plan(entry.mode, groupId: entry.groupId, users: entry.users, options: entry.options, name: name)
        }
        if entries.allSatisfy(\.options.planOnly) { return plans.map(\.report) }

        // 2. Write, one writer per group. A group that cannot go on stops the start of others;
        // those already writing finish, so every report says exactly what was done.
        var reports = plans.map(\.report)
        var started = Set<Int>()
        var stop: (group: String, cause: APIError)?
        try await withThrowingTaskGroup(of: (Int, Result<MembershipReport, MembershipJobError>).self) { group in
            var next = 0
            func launch() {
                let index = next
                next += 1
                started.insert(index)
                group.addTask {
                    do { return (index, .success(try await job.execute(plans[index]))) }
                    catch let stopped as MembershipJobError { return (index, .failure(stopped)) }
                }
            }
            while next < min(width, plans.count) { launch() }
            while let (index, outcome) = try await group.next() {
                switch outcome {
                case let .success(report): reports[index] = report
                case let .failure(stopped):
                    reports[index] = stopped.report
                    if stop == nil { stop = (entries[index].groupId, stopped.cause) }
                }
                if stop == nil && next < plans.count { launch() }
            }
        }
        guard let stop else { return reports }
        for index in plans.indices where !started.contains(index) {
            reports[index].notDone = plans[index].toAdd + plans[index].toRemove
            reports[index].stoppedBy = stop.cause
        }
        throw MembershipBatchError(reports: reports, cause: stop.cause, groupId: stop.group)
    }

    /// The whole input before anything is sent: not too many entries, each group once.
    static func check(_ entries: [Entry], name: String) throws {
        guard entries.count <= maximumEntries else {
            throw ValidationError("\(name): \(entries.count) entries is more than the \(maximumEntries) one call accepts")
        }
        var seen: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let key = entry.groupId.trimmingCharacters(in: .whitespaces).lowercased()
            guard !key.isEmpty else { throw ValidationError("\(name): entry \(index + 1) has an empty group id") }
            if let first = seen[key] {
                throw ValidationError("\(name): entries \(first + 1) and \(index + 1) both change group \(entry.groupId); give each group once (one writer per group)")
            }
            seen[key] = index
        }
    }

    /// Runs `work` for 0..<count, `width` at a time; results in index order. Every item runs (the
    /// plans are reads), and the error of the first failing item in input order is thrown, so the
    /// same input always gets the same message whichever answer came first.
    static func eachSideBySide<T: Sendable>(_ count: Int, width: Int, _ work: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
        var results = [Result<T, any Error>?](repeating: nil, count: count)
        await withTaskGroup(of: (Int, Result<T, any Error>).self) { group in
            var next = 0
            func launch() {
                let index = next
                next += 1
                group.addTask {
                    do { return (index, .success(try await work(index))) } catch { return (index, .failure(error)) }
                }
            }
            while next < min(width, count) { launch() }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < count { launch() }
            }
        }
        return try results.map { try $0!.get() }
    }
}

/// A batch stopped because one group's writes could not go on; every entry's report says what
/// was done (`not_done` lists what was not confirmed, including the groups never started).
public struct MembershipBatchError: Error, CustomStringConvertible, Sendable {
    public let reports: [MembershipReport]
    public let cause: APIError
    public let groupId: String

    public var description: String {
        let added = reports.reduce(0) { $0 + $1.added.count }, removed = reports.reduce(0) { $0 + $1.removed.count }
        let notDone = reports.reduce(0) { $0 + $1.notDone.count }
        return "\(cause.description) (group \(groupId)); \(added) added and \(removed) removed before it stopped, \(notDone) not confirmed"
    }
}
