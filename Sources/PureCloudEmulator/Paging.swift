/// The entity-listing envelope (contract §4): relative URIs with pageSize first, then pageNumber,
/// then the other query parameters the client sent (carried over, the safe reading of an unknown);
/// `previousUri`/`nextUri` only when such a page exists; an empty page past the end.
struct PageRequest {
    var size: Int
    var number: Int
    /// Other parameters to repeat in the page URIs, already in wire form.
    var carried: [(String, String)] = []

    /// Page sizes: the default is 25; 500 is the largest the platform is known to serve for groups
    /// (contract §3), and the emulator applies the same ceiling to every listing.
    static let maximumSize = 500

    init(_ query: QueryParameters, carrying names: [String]) throws {
        size = try query.int("pageSize", default: 25, range: 1...PageRequest.maximumSize)
        number = try query.int("pageNumber", default: 1, range: 1...Int(Int32.max))
        for name in names {
            let values = query.list(name)
            if !values.isEmpty { carried.append((name, values.joined(separator: ","))) }
        }
    }

    func envelope(path: String, total: Int, entities: [JSON]) -> JSON {
        let pageCount = (total + size - 1) / size
        func uri(_ page: Int) -> JSON {
            var text = "\(path)?pageSize=\(size)&pageNumber=\(page)"
            for (name, value) in carried {
                text += "&\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? value)"
            }
            return .string(text)
        }
        return object([
            "entities": .array(entities),
            "pageSize": .int(size),
            "pageNumber": .int(number),
            "total": .int(total),
            "firstUri": uri(1),
            "selfUri": uri(number),
            "previousUri": number > 1 && number <= pageCount ? uri(number - 1) : nil,
            "nextUri": number < pageCount ? uri(number + 1) : nil,
            "lastUri": uri(max(pageCount, 1)),
            "pageCount": .int(pageCount),
        ])
    }

    func slice<T>(_ items: [T]) -> ArraySlice<T> {
        let start = (number - 1).multipliedReportingOverflow(by: size)
        guard !start.overflow, start.partialValue < items.count else { return [] }
        return items[start.partialValue..<min(items.count, start.partialValue + size)]
    }

    /// The page of a sorted list, read from the end when `descending`.
    func slice<T>(_ items: [T], descending: Bool) -> [T] {
        guard descending else { return Array(slice(items)) }
        let start = (number - 1).multipliedReportingOverflow(by: size)
        guard !start.overflow, start.partialValue < items.count else { return [] }
        let upper = items.count - start.partialValue
        return items[max(0, upper - size)..<upper].reversed()
    }
}

import Foundation

/// The `id` or the `jabberId` list of GET /groups and GET /users (not both), each at most
/// `maximum` values long (unpublished; contract §13).
struct ListingSelection {
    let ids: [String]
    let jabberIds: [String]

    init(_ query: QueryParameters, maximum: Int) throws {
        ids = query.list("id")
        jabberIds = query.list("jabberId")
        if !ids.isEmpty && !jabberIds.isEmpty {
            throw APIFailure.badRequest("The 'jabberId' parameter cannot be used with the 'id' parameter")
        }
        for (name, values) in [("id", ids), ("jabberId", jabberIds)] where values.count > maximum {
            throw APIFailure.badRequest("At most \(maximum) '\(name)' values are allowed, got \(values.count)")
        }
    }
}

extension CharacterSet {
    static let urlQueryValueAllowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+?")
        return set
    }()
}

/// `sortOrder` on listings: the published enum is `ascending, descending`, the published default
/// `ASC`; both spellings are accepted in any case (contract §12.3).
func parseSortOrder(_ query: QueryParameters) throws -> Bool {
    guard let raw = query.first("sortOrder"), !raw.isEmpty else { return false }
    switch raw.lowercased() {
    case "ascending", "asc": return false
    case "descending", "desc": return true
    default: throw APIFailure.invalidValue(field: "sortOrder", value: raw, allowed: ["ascending", "descending"])
    }
}
