import Foundation
import Synchronization

/// `--audit-log PATH`: a write-ahead ledger of every write (AuditRecords.swift has the lines). The
/// intent of a write is on disk (written and fsync'd) before the request goes out; if it cannot be
/// written the write is not sent. Its outcome follows the answer. So after a crash, a kill or a
/// full disk the file never lists less than what may have reached the org.
///
/// The file is opened without following a symbolic link and must be a regular file (a device such
/// as /dev/full, a pipe or a folder is refused). A torn last line left by a crash is closed with a
/// newline so the next record starts on its own line; readers skip it.
public final class AuditLog: Sendable {
    public let path: String
    private let descriptor: Int32
    private let state: Mutex<State>

    /// A write whose outcome is not known yet, from this run or an earlier one in the same file:
    /// the next full read of the group's members settles it (`reconcile`).
    struct Pending: Sendable {
        var runId: String
        var seq: Int
        var orgId: String?
        var environment: String
        var adds: Bool
        var ids: [String]
    }

    private struct State {
        var nextSeq: [String: Int] = [:]
        var startedRuns: Set<String> = []
        var pending: [String: [Pending]] = [:]
        var failed: String?
    }

    /// Lines of the existing file that are not records (a torn line), for a warning at start.
    public let skippedLines: [Int]

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link (pclua does not follow one it did not expect: give the file's own path)" : String(cString: strerror(errno))
            throw ConfigurationError("cannot open the audit log \(path): \(reason)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ConfigurationError("cannot use \(path) as the audit log: it is not a regular file (a device, a pipe or a folder cannot hold one)")
        }
        descriptor = fd
        // The file so far: writes of earlier runs whose outcome is still unknown, and whether the
        // last line was torn by a crash.
        let existing = Self.contents(of: path)
        let history = AuditHistory(bytes: existing)
        skippedLines = history.skippedLines
        var initial = State()
        for run in history.runs {
            for write in run.writes where write.isPending && !write.intent.ids.isEmpty {
                guard let group = write.intent.groupId else { continue }
                let adds = write.intent.operation == "post_group_members"
                initial.pending[UserIds.normalize(group), default: []].append(
                    Pending(runId: run.id, seq: write.intent.seq, orgId: write.intent.orgId, environment: write.intent.environment,
                            adds: adds, ids: write.settled.unknown))
            }
        }
        state = Mutex(initial)
        if let last = existing.last, last != UInt8(ascii: "\n") {
            try append(bytes: [UInt8(ascii: "\n")])
        }
    }

    deinit { close(descriptor) }

    private static func contents(of path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 { bytes += buffer[0..<count] } else if count < 0 && errno == EINTR { continue } else { break }
        }
        return bytes
    }

    /// Appends bytes and forces them to disk. A failure (full disk, I/O error) is thrown, and
    /// every later record fails too: a ledger with a hole in it must stop the run.
    private func append(bytes: [UInt8]) throws {
        try state.withLock { state in
            if let failed = state.failed { throw AuditFailure(path: path, reason: failed) }
            var offset = 0
            let failure: String? = bytes.withUnsafeBytes { buffer in
                while offset < buffer.count {
                    let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else {
                        return written < 0 ? String(cString: strerror(errno)) : "nothing could be written"
                    }
                }
                return fdatasync(descriptor) == 0 ? nil : String(cString: strerror(errno))
            }
            if let failure {
                state.failed = failure
                throw AuditFailure(path: path, reason: failure)
            }
        }
    }

    func append(_ record: AuditRecord) throws {
        try append(bytes: Array((record.json.text + "\n").utf8))
    }

    /// The run's first line, once per run, before its first intent.
    func startRun(_ run: RunContext, identity: OrgIdentity) throws {
        let first = state.withLock { $0.startedRuns.insert(run.id).inserted }
        guard first else { return }
        do {
            try append(.run(.init(runId: run.id, time: EventLog.timestamp(Date()), identity: identity, command: run.command)))
        } catch {
            state.withLock { _ = $0.startedRuns.remove(run.id) }
            throw error
        }
    }

    /// Records the intent of a write and returns its sequence number within the run.
    func recordIntent(_ intent: inout AuditRecord.Intent) throws {
        intent.seq = state.withLock { state in
            let next = state.nextSeq[intent.runId, default: 1]
            state.nextSeq[intent.runId] = next + 1
            return next
        }
        try append(.intent(intent))
    }

    /// Records an outcome; an unknown membership write is remembered until a read settles it.
    func recordOutcome(_ outcome: AuditRecord.Outcome, of intent: AuditRecord.Intent) throws {
        try append(.outcome(outcome))
        guard outcome.result == .unknown, let group = intent.groupId, !intent.ids.isEmpty else { return }
        let changing = intent.beforeKnown ? intent.ids.filter { !Set(intent.already).contains($0) } : intent.ids
        state.withLock {
            $0.pending[UserIds.normalize(group), default: []].append(
                Pending(runId: intent.runId, seq: intent.seq, orgId: intent.orgId, environment: intent.environment,
                        adds: intent.operation == "post_group_members", ids: changing))
        }
    }

    /// Whether a read of this group's members could settle an earlier write.
    func hasPending(group: String) -> Bool {
        state.withLock { !($0.pending[UserIds.normalize(group)]?.isEmpty ?? true) }
    }

    /// A complete read of a group's direct members (lower-case ids) settles the writes of that
    /// group whose outcome was unknown: an add applied to the ids now present, a remove to those
    /// now absent. Returns what was settled, for the run's report.
    func reconcile(group: String, members: Set<String>, by run: RunContext, identity: OrgIdentity) throws -> [(pending: Pending, applied: [String])] {
        let key = UserIds.normalize(group)
        let settled: [Pending] = state.withLock { state in
            let all = state.pending[key] ?? []
            let mine = all.filter { $0.environment == identity.environment && $0.orgId?.lowercased() == identity.orgId?.lowercased() }
            state.pending[key] = all.filter { entry in !mine.contains { $0.runId == entry.runId && $0.seq == entry.seq } }
            return mine
        }
        guard !settled.isEmpty else { return [] }
        try startRun(run, identity: identity)
        var out: [(Pending, [String])] = []
        for entry in settled {
            let applied = entry.ids.filter { members.contains($0) == entry.adds }
            let notApplied = entry.ids.filter { members.contains($0) != entry.adds }
            try append(.reconciled(.init(runId: run.id, ofRun: entry.runId, seq: entry.seq, time: EventLog.timestamp(Date()),
                                         orgId: identity.orgId, environment: identity.environment, applied: applied, notApplied: notApplied)))
            out.append((entry, applied))
        }
        return out
    }
}

/// The audit log could not be written: the write it was for is not sent (an intent), or the run
/// stops (an outcome, after the write went out).
public struct AuditFailure: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "cannot write the audit log \(path): \(reason)" }
}
