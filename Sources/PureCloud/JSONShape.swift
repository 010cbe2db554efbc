/// A one-pass check that an answer's body is a whole JSON document: an object or array whose
/// brackets and strings close exactly at the end (what a cut connection or a proxy's HTML page
/// is not). It builds nothing: parsing every page a second time with JSONSerialization cost
/// more than the listing's own decoding (docs/benchmarks.md, figure 2). The decoder that reads
/// the body afterwards still reports any error inside a well-formed shape.
enum JSONShape {
    static func isComplete(_ array: [UInt8]) -> Bool {
        // On the raw buffer: every page of a listing passes through here, so no bounds checks.
        array.withUnsafeBufferPointer { isComplete(buffer: $0) }
    }

    private static func isComplete(buffer bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        while index < count && isSpace(bytes[index]) { index += 1 }
        guard index < count, bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "[") else {
            return false  // not a container: the caller decides with a full parse (small anyway)
        }
        var open: [UInt8] = []
        var inString = false, escaped = false
        while index < count {
            let byte = bytes[index]
            index += 1
            if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): open.append(byte)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard let last = open.popLast(), last == (byte == UInt8(ascii: "}") ? UInt8(ascii: "{") : UInt8(ascii: "[")) else { return false }
                if open.isEmpty {
                    while index < count && isSpace(bytes[index]) { index += 1 }
                    return index == count
                }
            default: break
            }
        }
        return false  // an open string or bracket: cut short
    }
}
