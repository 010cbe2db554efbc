/// One page of a search answer (GroupsSearchResponse, UsersSearchResponse): the counts, the q64
/// page links and the results, with the platform's link rules (contract §5): on page 1
/// previousPage repeats currentPage, and nextPage is on every page, even the last; clients stop on
/// pageNumber >= pageCount. Page numbers are range-checked on the way in; the slice arithmetic
/// still cannot overflow.
extension SearchRequest {
    /// The hits sorted by `sortKey` (ascending or descending as asked), then by id, and the page asked for.
    func page<Hit>(_ hits: [Hit], sortKey: (Hit) -> String, id: (Hit) -> String, render: (Hit) -> JSON) -> JSON {
        let sorted = hits.map { (key: sortKey($0), id: id($0), hit: $0) }.sorted { a, b in
            if a.key == b.key { return a.id < b.id }
            return sortDescending ? a.key > b.key : a.key < b.key
        }.map(\.hit)
        let total = sorted.count
        let pageCount = (total + pageSize - 1) / pageSize
        let start = (pageNumber - 1).multipliedReportingOverflow(by: pageSize)
        let page = !start.overflow && start.partialValue < total
            ? sorted[start.partialValue..<min(total, start.partialValue + pageSize)] : []
        func uri(_ n: Int) -> JSON {
            guard case var .object(members) = normalized else { return .string(dialect.path) }
            members.removeAll { $0.0 == "pageNumber" }
            members.append(("pageNumber", .int(n)))
            members.sort { $0.0 < $1.0 }
            return .string("\(dialect.path)?q64=\(Q64.encode(.object(members)))")
        }
        return object([
            "total": .int(total),
            "pageCount": .int(pageCount),
            "pageSize": .int(pageSize),
            "pageNumber": .int(pageNumber),
            "previousPage": uri(max(1, pageNumber - 1)),
            "currentPage": uri(pageNumber),
            "nextPage": uri(min(pageNumber, Int(Int32.max) - 1) + 1),
            "types": .array([.string(dialect.resultType)]),
            "results": .array(page.map(render)),
        ])
    }
}
