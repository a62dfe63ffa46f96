import Vapor

/// `?limit=&cursor=` for lists paged by position. The cursor is the `nextCursor` the previous page returned;
/// anything else is refused with a field error rather than quietly restarting or reaching the database.
struct OffsetPaging: Sendable {
    var limit: Int
    var offset: Int

    init(_ req: Request, defaultLimit: Int, maxLimit: Int) throws {
        var errors: [APIError.FieldError] = []
        limit = defaultLimit
        offset = 0
        if let raw = req.query[String.self, at: "limit"] {
            if let n = Int(raw), (1...maxLimit).contains(n) { limit = n } else {
                errors.append(.init(field: "limit", message: "must be a whole number from 1 to \(maxLimit)"))
            }
        }
        if let raw = req.query[String.self, at: "cursor"] {
            if let n = Int(raw), n >= 0 { offset = n } else {
                errors.append(.init(field: "cursor", message: "is not a cursor this API returned"))
            }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
    }

    func next(fetched: Int) -> String? { fetched > limit ? String(offset + limit) : nil }

    /// Every list's bounds (ARCHITECTURE.md §5): 100 rows unless asked, never more than 500.
    static let defaultLimit = 100
    static let maxLimit = 500

    init(_ req: Request) throws { try self.init(req, defaultLimit: Self.defaultLimit, maxLimit: Self.maxLimit) }

    /// A page of rows already in hand (short master lists), with a real `nextCursor` while rows remain.
    func page<Item>(_ all: [Item]) -> Page<Item> {
        let start = min(offset, all.count), end = min(start + limit, all.count)
        return Page(items: Array(all[start..<end]), nextCursor: end < all.count ? String(end) : nil)
    }
}
