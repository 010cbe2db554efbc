import Foundation
import LuaKit
import PureCloud

/// Tab completion that never calls a function or the API: it reads tables raw, follows `__index`
/// only when it is a table, and knows from the operation table the option keys, body fields and
/// enum values of whatever table or string is being typed (TableContext).
struct Completion {
    let state: LuaState
    /// Group names the session has met in answers (`api:find_group("` completes them).
    var groupNames: () -> Set<String> = { [] }

    func candidates(line: String, word: String) -> [String] {
        if let typed = Self.groupNameTyped(line) { return groupNameCandidates(typed: typed, word: word) }
        switch TableContext.place(before: String(line.dropLast(word.count))) {
        case let .keys(keys)?:
            // Option keys and body fields; a word that is none of them may be a variable.
            let matches = keys.filter { $0.hasPrefix(word) }.map { $0 + " = " }
            return matches.isEmpty ? pathCompletion(word) : matches
        case let .values(values)?:
            return values.filter { $0.hasPrefix(word) }
        case nil:
            return pathCompletion(word)
        }
    }

    /// The name typed so far inside `find_group("` (or `find_group '`) at the end of the line.
    static func groupNameTyped(_ line: String) -> String? {
        guard let match = line.firstMatch(of: #/find_group\s*\(?\s*(["'])([^"'\\]*)$/#) else { return nil }
        return String(match.2)
    }

    /// Names that begin with what is typed (case aside). libedit replaces only the last word (a
    /// name's spaces break words), so each candidate is given from where that word starts.
    private func groupNameCandidates(typed: String, word: String) -> [String] {
        let start = typed.count - word.count
        guard start >= 0 else { return [] }
        let prefix = typed.lowercased()
        return groupNames().filter { $0.lowercased().hasPrefix(prefix) && $0.count >= start }
            .sorted { $0.lowercased() < $1.lowercased() }
            .map { String($0.dropFirst(start)) }
    }

    /// `purecloud.Gro`, `api:get_gr`, `string.fo`, `pri`: walk the dotted path raw.
    private func pathCompletion(_ word: String) -> [String] {
        var parts: [String] = []
        var separators: [Character] = []
        var current = ""
        for character in word {
            if character == "." || character == ":" {
                parts.append(current)
                separators.append(character)
                current = ""
            } else {
                current.append(character)
            }
        }
        let partial = current
        let call = state.main
        let top = call.top
        defer { call.settop(top) }
        state.pushGlobal("_G")
        for part in parts {
            guard lookup(call, part) else { return [] }
        }
        let methodsOnly = separators.last == ":"
        var names = Set<String>()
        collectKeys(call, into: &names, functionsOnly: methodsOnly, depth: 0)
        let prefix = String(word.dropLast(partial.count))
        // Names starting with "_" are internal (metamethods, the iterators' lookahead calls).
        return names.filter { $0.hasPrefix(partial) && ($0.hasPrefix("_") == partial.hasPrefix("_")) && !$0.hasPrefix("__") }.sorted().map { prefix + $0 }
    }

    /// Replaces the value on top with its field `key` (raw, or through a table `__index`).
    private func lookup(_ call: LuaCall, _ key: String) -> Bool {
        let base = call.top
        if call.type(at: base) == .table {
            if call.getField(base, key) != .nil {
                call.replace(base)
                return true
            }
            call.settop(base)
        }
        guard call.getMetatable(base) else { return false }
        guard call.getField(-1, "__index") == .table, call.getField(-1, key) != .nil else {
            call.settop(base)
            return false
        }
        call.replace(base)
        call.settop(base)
        return true
    }

    private func collectKeys(_ call: LuaCall, into names: inout Set<String>, functionsOnly: Bool, depth: Int) {
        let index = call.top
        if call.type(at: index) == .table {
            call.forEach(index) {
                guard call.type(at: -2) == .string, let key = call.string(at: -2) else { return }
                if functionsOnly && call.type(at: -1) != .function { return }
                names.insert(key)
            }
        }
        guard depth < 3, call.getMetatable(index) else { return }
        if call.getField(-1, "__index") == .table {
            collectKeys(call, into: &names, functionsOnly: functionsOnly, depth: depth + 1)
        }
        call.settop(index)
    }
}
