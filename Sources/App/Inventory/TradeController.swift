import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

/// `…/sales-orders`, `…/purchase-orders`, `…/delivery-notes`, `…/receipt-notes` and the order outstanding report.
enum TradeController {
    static func create(_ kind: TradeKind) -> @Sendable (Request) async throws -> Response {
        { req in
            let body = try req.decodeBody(TradeRequest.self)
            let (context, actor) = (try req.company, req.auditActor)
            try context.require(kind.voucherClass)
            let dto = try await req.write { db in
                try await TradeDocuments.post(kind, body, company: try await CompanyController.find(context, on: db), actor: actor, on: db)
            }
            return try await dto.encodeResponse(status: .created, for: req)
        }
    }

    static func list(_ kind: TradeKind) -> @Sendable (Request) async throws -> Page<TradeDTO> {
        { req in
            let company = try req.company.companyID
            let paging = try OffsetPaging(req)
            struct ID: Decodable { var id: UUID }
            let ids = try await req.db.sql().raw("""
                SELECT id FROM trade_documents WHERE company_id = \(bind: company) AND kind = \(bind: kind.rawValue) ORDER BY number DESC, id LIMIT \(bind: paging.limit + 1) OFFSET \(bind: paging.offset)
                """).all(decoding: ID.self)
            var items: [TradeDTO] = []
            for i in ids.prefix(paging.limit) { items.append(try await TradeDocuments.load(i.id, company: company, on: req.db)) }
            return Page(items: items, nextCursor: paging.next(fetched: ids.count))
        }
    }

    static func show(_ kind: TradeKind) -> @Sendable (Request) async throws -> TradeDTO {
        { req in
            let company = try req.company.companyID
            guard let row = try await TradeDocuments.find(req.parameters.get("documentID") ?? "", company: company, on: req.db), row.kind == kind.rawValue
            else { throw APIError.notFound(kind.title.capitalized) }
            return try await TradeDocuments.load(row.id, company: company, on: req.db)
        }
    }

    /// Cancelling a note takes its goods back out of (or into) stock; a note an invoice has taken over, or an order
    /// a note fulfils, is cancelled only after them.
    static func cancel(_ kind: TradeKind) -> @Sendable (Request) async throws -> TradeDTO {
        { req in
            let (member, actor) = (try req.company, req.auditActor)
            let company = member.companyID
            let ref = req.parameters.get("documentID") ?? ""
            return try await req.write { db in
                guard let row = try await TradeDocuments.find(ref, company: company, on: db), row.kind == kind.rawValue else { throw APIError.notFound(kind.title.capitalized) }
                try member.require(kind.voucherClass, .cancel, enteredBy: row.created_by)
                guard row.active else { throw APIError.conflict("\(kind.title.capitalized) \(row.number) is already cancelled.") }
                if row.invoice_id != nil { throw APIError.conflict("\(kind.title.capitalized) \(row.number) is invoiced; cancel the invoice first.") }
                struct Note: Decodable { var number: Int64 }
                if let note = try await db.sql().raw("SELECT number FROM trade_documents WHERE order_id = \(bind: row.id) AND active = \(bind: true)").first(decoding: Note.self) {
                    throw APIError.conflict("\(kind.title.capitalized) \(row.number) is fulfilled by note \(note.number); cancel the note first.")
                }
                struct Billed: Decodable { var number: String }
                if let invoice = try await db.sql().raw("""
                    SELECT i.number FROM order_invoice_lines l JOIN invoices i ON i.id = l.invoice_id JOIN vouchers v ON v.id = i.voucher_id
                    WHERE l.order_id = \(bind: row.id) AND v.status = 'active'
                    """).first(decoding: Billed.self) {
                    throw APIError.conflict("\(kind.title.capitalized) \(row.number) is billed by invoice \(invoice.number); cancel the invoice first.")
                }
                try await PeriodLocks.check(date: (try CalendarDate(stored: row.date)), company: company, on: db)
                let before = try await TradeDocuments.load(row.id, company: company, on: db)
                try await db.sql().update("trade_documents").set("active", to: false).where("id", .equal, row.id).run()
                try await Stock.deactivate(source: row.id, on: db)
                let after = try await TradeDocuments.load(row.id, company: company, on: db)
                try await AuditLog.append(AuditEvent(companyID: company, action: "\(kind.rawValue).cancel", entityType: kind.rawValue,
                                                     entityID: row.id.uuidString.lowercased(), before: try JSONValue(encoding: before),
                                                     after: try JSONValue(encoding: after)), by: actor, on: db)
                return after
            }
        }
    }

    struct OutstandingDTO: APIResponseBody {
        struct Row: Codable, Sendable {
            var orderId: UUID; var number: Int64; var date: String; var party: String; var item: String
            var ordered: String; var pending: String; var dueDate: String?
        }
        var kind: String
        var rows: [Row]
        static let schema = Schema.object([.required("kind", .string()), .required("rows", .array(.object([
            .required("orderId", .uuid), .required("number", .integer()), .required("date", .date), .required("party", .text()), .required("item", .text()),
            .required("ordered", .string()), .required("pending", .string()), .optional("dueDate", .nullable(.date)),
        ])))])
    }

    /// `?kind=sales|purchase`: every active order line with something still to deliver or receive, oldest first.
    @Sendable static func outstanding(req: Request) async throws -> OutstandingDTO {
        try await outstanding(company: try req.company.companyID, kind: req.query[String.self, at: "kind"] ?? "sales", on: req.db)
    }

    static func outstanding(company: UUID, kind raw: String, on db: any Database) async throws -> OutstandingDTO {
        guard let kind = ["sales": TradeKind.salesOrder, "purchase": .purchaseOrder][raw] else {
            throw APIError.validation(field: "kind", "must be sales or purchase")
        }
        struct ID: Decodable { var id: UUID }
        let orders = try await db.sql().raw("""
            SELECT id FROM trade_documents WHERE company_id = \(bind: company) AND kind = \(bind: kind.rawValue) AND active = \(bind: true) ORDER BY date, number
            """).all(decoding: ID.self)
        var rows: [OutstandingDTO.Row] = []
        for o in orders {
            let dto = try await TradeDocuments.load(o.id, company: company, on: db)
            for l in dto.lines where (l.pending ?? "0") != "0" {
                rows.append(.init(orderId: dto.id, number: dto.number, date: dto.date, party: dto.party, item: l.item, ordered: l.inItemUnit ?? l.quantity,
                                  pending: l.pending ?? "0", dueDate: l.dueDate))
            }
        }
        return OutstandingDTO(kind: raw, rows: rows)
    }
}
