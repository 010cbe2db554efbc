/// How emails and names are compared with what a user typed: simple case folding, not Unicode
/// compatibility folding. ASCII letters ignore case; another letter folds to its lower-case form
/// only when that is not ASCII, so a Kelvin sign (U+212A) or a long s (U+017F) does not become `k`
/// or `s` and a look-alike address never matches another person's.
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                out.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar)
                continue
            }
            let lower = scalar.properties.lowercaseMapping.unicodeScalars
            if lower.count == 1, let only = lower.first, !only.isASCII { out.append(only) } else { out.append(scalar) }
        }
        return String(out)
    }

    /// Folded, without surrounding blanks: the key an input and a record are compared by.
    public static func key(_ text: String) -> String {
        fold(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
