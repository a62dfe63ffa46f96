import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

struct NotificationDTO: APIResponseBody {
    var id: UUID
    var kind: String
    var title: String
    var body: String
    var link: String?
    var createdAt: Date
    var read: Bool
    static let schema = Schema.ref("Notification", .object([
        .required("id", .uuid), .required("kind", .string()), .required("title", .text()), .required("body", .text()),
        .optional("link", .nullable(.string())), .required("createdAt", .dateTime), .required("read", .boolean),
    ]))
}

/// The company's notification centre. Features raise notices through `raise`, each under a key that makes it
/// happen once; low stock and expiring batches are the first, overdue invoices and sync failures will follow.
enum Notifications {
    struct Row: Codable { var id: UUID; var company_id: UUID; var kind: String; var key: String; var title: String; var body: String
        var link: String?; var created_at: Date; var read_at: Date? }

    /// Adds the notice unless one with the same key exists.
    static func raise(company: UUID, kind: String, key: String, title: String, body: String, link: String?, on db: any Database) async throws {
        let row = Row(id: UUID(), company_id: company, kind: kind, key: key, title: title, body: body, link: link, created_at: Date(), read_at: nil)
        try await db.sql().insert(into: "notifications").model(row, nilEncodingStrategy: .asNil).ignoringConflicts(with: ["company_id", "key"]).run()
    }

    /// Batches with stock that expire within the company's alert window: one notice per batch, ever.
    static func checkExpiringBatches(company: Company, today: CalendarDate, on db: any Database) async throws {
        let companyID = try company.requireID()
        struct Batch: Decodable { var id: UUID; var item: String; var name: String; var expires_on: String; var q: Int64 }
        let soon = try await db.sql().raw("""
            SELECT b.id, i.name AS item, b.name, b.expires_on, CAST(SUM(m.quantity_milli) AS BIGINT) AS q
            FROM stock_batches b JOIN items i ON i.id = b.item_id JOIN stock_movements m ON m.batch_id = b.id AND m.active = \(bind: true)
            WHERE b.company_id = \(bind: companyID) AND b.expires_on IS NOT NULL
              AND b.expires_on <= \(bind: today.adding(days: company.expiryAlertDays).description)
            GROUP BY b.id, i.name, b.name, b.expires_on
            """).all(decoding: Batch.self)
        for b in soon where b.q > 0 {
            let expired = (CalendarDate(b.expires_on) ?? today) < today
            try await raise(company: companyID, kind: "batch-expiry", key: "batch-expiry:\(b.id.uuidString.lowercased())",
                            title: "\(b.item), batch \(b.name) \(expired ? "expired" : "expires") on \(b.expires_on)",
                            body: "\(Quantity(thousandths: b.q)) in stock.", link: "reports/batches", on: db)
        }
    }

    static func list(company: UUID, unreadOnly: Bool, limit: Int = 200, offset: Int = 0, on db: any Database) async throws -> [NotificationDTO] {
        let unread: SQLQueryString = unreadOnly ? "AND read_at IS NULL" : ""
        return try await db.sql().raw("""
            SELECT * FROM notifications WHERE company_id = \(bind: company) \(unread) ORDER BY created_at DESC, id LIMIT \(bind: limit) OFFSET \(bind: offset)
            """).all(decoding: Row.self).map {
            NotificationDTO(id: $0.id, kind: $0.kind, title: $0.title, body: $0.body, link: $0.link, createdAt: $0.created_at, read: $0.read_at != nil)
        }
    }
}

enum NotificationController {
    /// Lists the notices, newest first, after checking for batches that have come within the alert window (the check
    /// adds each notice once, so asking again changes nothing).
    @Sendable static func list(req: Request) async throws -> Page<NotificationDTO> {
        let context = try req.company
        let unread = req.query[Bool.self, at: "unread"] ?? false
        let paging = try OffsetPaging(req)
        try await req.write { db in
            try await Notifications.checkExpiringBatches(company: try await CompanyController.find(context, on: db), today: Format.today(), on: db)
        }
        let rows = try await Notifications.list(company: context.companyID, unreadOnly: unread, limit: paging.limit + 1, offset: paging.offset, on: req.db)
        return Page(items: Array(rows.prefix(paging.limit)), nextCursor: paging.next(fetched: rows.count))
    }

    @Sendable static func markRead(req: Request) async throws -> NotificationDTO {
        let company = try req.company.companyID
        guard let id = UUID(uuidString: req.parameters.get("notificationID") ?? "") else { throw APIError.notFound("Notification") }
        return try await req.write { db in
            let sql = db.sql()
            struct Found: Decodable { var id: UUID }
            guard try await sql.raw("SELECT id FROM notifications WHERE company_id = \(bind: company) AND id = \(bind: id)")
                .first(decoding: Found.self) != nil
            else { throw APIError.notFound("Notification") }
            try await sql.raw("UPDATE notifications SET read_at = \(bind: Date()) WHERE id = \(bind: id) AND read_at IS NULL").run()
            guard let dto = try await Notifications.list(company: company, unreadOnly: false, on: db).first(where: { $0.id == id }) else {
                throw APIError.notFound("Notification")
            }
            return dto
        }
    }
}
