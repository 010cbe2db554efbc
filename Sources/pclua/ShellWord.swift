/// Words of a command line printed for a person to paste into a shell (bash, zsh, sh): left as
/// they are when they hold only characters no shell treats specially, else in single quotes,
/// where nothing is special (`!`, `$`, spaces, backslashes), a quote itself written as '\''.
enum ShellWord {
    static func quote(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "@%+=:,./_-".unicodeScalars.contains(scalar))
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func join(_ words: [String]) -> String { words.map(quote).joined(separator: " ") }
}
