import Foundation

/// Which REPL entries may be written to the history file. A history file outlives the session
/// and is read by backups and by whoever gets the home directory next; a secret typed once must
/// not live there.
enum HistoryFilter {
    /// Words that, inside a name or a key, say the entry handles a secret:
    /// `client_secret = ...`, `access_token`, `password`, `authenticate_with_client_credentials(...)`.
    static let secretWords = ["secret", "token", "password", "passwd", "credential"]

    /// True when the entry names a secret, or holds a value the session knows to be one (the
    /// configured client secret or access token, tokens handed to the script).
    static func carriesSecret(_ entry: String, isSecret: (String) -> Bool) -> Bool {
        let lower = entry.lowercased()
        if secretWords.contains(where: { lower.contains($0) }) { return true }
        return candidates(entry).contains { isSecret($0) }
    }

    /// The quoted strings of the entry, and its words split at anything a Lua name cannot hold,
    /// so `'abc'`, `"abc"`, `[[abc]]` and `abc` are each checked whole.
    static func candidates(_ entry: String) -> [String] {
        var found: [String] = []
        var quote: Character?
        var current = ""
        for character in entry {
            if let open = quote {
                if character == open { found.append(current); current = ""; quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
            }
        }
        found += entry.components(separatedBy: CharacterSet(charactersIn: " \t\n\r'\"[](){},;=+*/<>~#"))
            .filter { !$0.isEmpty }
        return found
    }
}
