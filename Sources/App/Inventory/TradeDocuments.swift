import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

enum TradeKind: String, Codable, CaseIterable, Sendable {
    /// Its row in the voucher half of the capability table.
    var voucherClass: VoucherClass {
        switch self {
        case .salesOrder: .salesOrder
        case .purchaseOrder: .purchaseOrder
        case .deliveryNote: .deliveryNote
        case .receiptNote: .receiptNote
        }
    }

    case salesOrder = "sales-order", purchaseOrder = "purchase-order", deliveryNote = "delivery-note", receiptNote = "receipt-note"

    var path: String { rawValue + "s" }
    var title: String { rawValue.replacingOccurrences(of: "-", with: " ") }
    /// Notes move stock (delivery out, receipt in); orders only promise it.
    var stockSign: Int64 { self == .deliveryNote ? -1 : self == .receiptNote ? 1 : 0 }
    /// The order a note fulfils.
    var orderKind: TradeKind? { self == .deliveryNote ? .salesOrder : self == .receiptNote ? .purchaseOrder : nil }
}

struct TradeRequest: APIRequestBody {
    struct Line: Codable, Sendable {
        var item: String
        var quantity: String
        var rate: String
        var godown: String?
        var batch: String?
        var expiryDate: String?
        var dueDate: String?
        /// A compound unit of the item's; quantity and rate are in it.
        var unit: String?
    }
    var date: String
    var party: String
    /// Notes: the order (id) they fulfil.
    var order: String?
    var narration: String?
    var lines: [Line]

    static let schema = Schema.object([
        .required("date", .date),
        .required("party", .string(.init(minLength: 1, maxLength: 200, description: "Party ledger: name or id"))),
        .optional("order", .string(.init(minLength: 1, maxLength: 60, description: "Notes: the order's id"))),
        .optional("narration", .text(min: 0)),
        .required("lines", .array(.object([
            .required("item", .string(.init(minLength: 1, maxLength: 200))),
            .required("quantity", .string(.init(minLength: 1, maxLength: 20))),
            .required("rate", .string(.init(minLength: 1, maxLength: 20, description: "Price per unit in rupees"))),
            .optional("godown", .string(.init(minLength: 1, maxLength: 200))),
            .optional("batch", .string(.init(minLength: 1, maxLength: 60))),
            .optional("expiryDate", .date),
            .optional("dueDate", .date),
            .optional("unit", .string(.init(minLength: 1, maxLength: 20, description: "The quantity's unit when not the item's own: a compound unit leading to it"))),
        ]))),
    ])
}

struct TradeDTO: APIResponseBody {
    struct Line: Codable, Sendable {
        var item: String; var itemId: UUID; var quantity: String; var unit: String?; var inItemUnit: String?; var rate: String; var dueDate: String?; var pending: String?
    }
    var id: UUID
    var kind: TradeKind
    var number: Int64
    var date: String
    var party: String
    var orderId: UUID?
    var invoiceId: UUID?
    var status: String
    var lines: [Line]
    static let schema = Schema.ref("TradeDocument", .object([
        .required("id", .uuid), .required("kind", .oneOf(TradeKind.self)), .required("number", .integer()), .required("date", .date),
        .required("party", .text()), .optional("orderId", .nullable(.uuid)), .optional("invoiceId", .nullable(.uuid)), .required("status", .string()),
        .required("lines", .array(.object([
            .required("item", .text()), .required("itemId", .uuid), .required("quantity", .string()),
            .optional("unit", .nullable(.string(.init(description: "The unit quantity and rate are in, when not the item's own")))),
            .optional("inItemUnit", .nullable(.string(.init(description: "With unit: the quantity in the item's own unit")))),
            .required("rate", .string()), .optional("dueDate", .nullable(.date)),
            .optional("pending", .nullable(.string(.init(description: "Orders: still to deliver or receive, in the item's own unit")))),
        ]))),
    ]))
}

/// Sales and purchase orders, delivery and receipt notes. Orders track what is still pending through the notes
/// that fulfil them; notes move stock; an invoice takes notes over once each and does not move their goods again.
enum TradeDocuments {
    struct Row: Codable { var id: UUID; var company_id: UUID; var kind: String; var number: Int64; var date: String; var party_ledger_id: UUID
        var order_id: UUID?; var invoice_id: UUID?; var narration: String?; var active: Bool; var created_by: UUID? = nil }
    struct LineRow: Codable { var id: UUID; var document_id: UUID; var company_id: UUID; var line_no: Int; var item_id: UUID; var quantity_milli: Int64
        var rate_paise: Int64; var due_date: String?
        /// Set when the line was entered in a compound unit: that unit and the quantity in it (rate_paise is per it).
        var unit: String? = nil; var entered_quantity_milli: Int64? = nil }

    static func find(_ ref: String, company: UUID, on db: any Database) async throws -> Row? {
        guard let id = UUID(uuidString: ref) else { return nil }
        return try await db.sql().raw("SELECT * FROM trade_documents WHERE company_id = \(bind: company) AND id = \(bind: id)").first(decoding: Row.self)
    }

    static func lines(_ ids: [UUID], on db: any Database) async throws -> [LineRow] {
        guard !ids.isEmpty else { return [] }
        return try await db.sql().select().column("*").from("trade_document_lines").where("document_id", .in, ids).orderBy("line_no").all(decoding: LineRow.self)
    }

    /// What each item of an order still awaits: ordered less what active notes against it carried.
    static func pending(order: UUID, on db: any Database) async throws -> [UUID: Int64] {
        var out: [UUID: Int64] = [:]
        for l in try await lines([order], on: db) { out[l.item_id, default: 0] += l.quantity_milli }
        struct Done: Decodable { var item_id: UUID; var q: Int64 }
        let done = try await db.sql().raw("""
            SELECT l.item_id, CAST(SUM(l.quantity_milli) AS BIGINT) AS q FROM trade_document_lines l JOIN trade_documents d ON d.id = l.document_id
            WHERE d.order_id = \(bind: order) AND d.active = \(bind: true) GROUP BY l.item_id
            """).all(decoding: Done.self)
        for d in done { out[d.item_id, default: 0] -= d.q }
        // Invoices that billed the order directly count while their voucher is active.
        let invoiced = try await db.sql().raw("""
            SELECT l.item_id, CAST(SUM(l.quantity_milli) AS BIGINT) AS q FROM order_invoice_lines l JOIN invoices i ON i.id = l.invoice_id
            JOIN vouchers v ON v.id = i.voucher_id WHERE l.order_id = \(bind: order) AND v.status = 'active' GROUP BY l.item_id
            """).all(decoding: Done.self)
        for d in invoiced { out[d.item_id, default: 0] -= d.q }
        return out
    }

    struct OrderInvoiceLine: Codable, Sendable { var id: UUID; var company_id: UUID; var order_id: UUID; var invoice_id: UUID; var item_id: UUID; var quantity_milli: Int64 }

    /// An invoice billing an order directly: a sale bills a sales order, a purchase a purchase order, of the same
    /// party, for no more of each item than the order still awaits. Notes already fulfil their order, so an
    /// invoice names notes or an order, not both.
    static func orderLines(for body: InvoiceRequest, computed: InvoicePosting.Computed, company: Company, on db: any Database) async throws -> [OrderInvoiceLine] {
        guard let ref = body.order else { return [] }
        let wanted: TradeKind? = body.kind == .sales ? .salesOrder : body.kind == .purchase ? .purchaseOrder : nil
        guard let wanted else { throw APIError.validation(field: "order", "only sales and purchase invoices bill an order") }
        if body.notes?.isEmpty == false { throw APIError.validation(field: "order", "the notes already fulfil their order; name either notes or an order") }
        let companyID = try company.requireID()
        guard let order = try await find(ref, company: companyID, on: db), order.kind == wanted.rawValue, order.active else {
            throw APIError.validation(field: "order", "no active \(wanted.title) '\(ref)'")
        }
        guard order.party_ledger_id == computed.invoice.party_ledger_id else { throw APIError.validation(field: "order", "\(wanted.title) \(order.number) is another party's") }
        var left = try await pending(order: order.id, on: db)
        var errors: [APIError.FieldError] = []
        var out: [OrderInvoiceLine] = []
        for (i, line) in computed.lines.enumerated() {
            guard let item = computed.items[line.item_id], item.kind == "goods" else { continue }
            let quantity = try Units.inItemUnit(line.quantity_milli, factor: computed.unitFactors[i] ?? 1_000)
            let awaits = left[item.id] ?? 0
            if quantity > awaits {
                errors.append(.init(field: "lines[\(i)].quantity", message: awaits > 0 ? "the order awaits only \(Quantity(thousandths: awaits)) of '\(item.name)'"
                                                                                        : "'\(item.name)' is not pending on the order"))
            }
            left[item.id] = awaits - quantity
            out.append(OrderInvoiceLine(id: UUID(), company_id: companyID, order_id: order.id, invoice_id: computed.invoice.id, item_id: item.id, quantity_milli: quantity))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return out
    }

    static func post(_ kind: TradeKind, _ body: TradeRequest, company: Company, actor: AuditActor, on db: any Database) async throws -> TradeDTO {
        let companyID = try company.requireID()
        guard let date = CalendarDate(body.date) else { throw APIError.validation(field: "date", "must be " + CalendarDate.acceptedDescription) }
        guard (1...1_000).contains(body.lines.count) else { throw APIError.validation(field: "lines", "give 1 to 1,000 lines, got \(body.lines.count)") }
        var errors: [APIError.FieldError] = []
        guard let party = try await Chart.ledger(body.party, company: companyID, on: db) else { throw APIError.validation(field: "party", "no ledger '\(body.party)' in this company") }
        var pending: [UUID: Int64]?
        var order: Row?
        if let ref = body.order {
            guard let orderKind = kind.orderKind else { throw APIError.validation(field: "order", "only delivery and receipt notes fulfil an order") }
            order = try await find(ref, company: companyID, on: db)
            guard let o = order, o.kind == orderKind.rawValue, o.active else { throw APIError.validation(field: "order", "no active \(orderKind.title) '\(ref)'") }
            if o.party_ledger_id != party.id { errors.append(.init(field: "party", message: "is not the party of the order")) }
            pending = try await Self.pending(order: o.id, on: db)
        }
        let items = try await Items.findMany(body.lines.map(\.item), company: companyID, on: db)
        let id = UUID()
        var rows: [LineRow] = []
        var moves: [Stock.Movement] = []
        for (i, line) in body.lines.enumerated() {
            let f = "lines[\(i)]"
            guard let item = items[line.item], item.active, item.kind == "goods" else {
                errors.append(.init(field: f + ".item", message: "no active goods item '\(line.item)' in this company")); continue
            }
            var entered: Int64 = 0, rate: Int64 = 0
            do { entered = try Quantity(parsing: line.quantity).thousandths } catch { errors.append(.init(field: f + ".quantity", message: error.description)); continue }
            let factor = try await Units.resolve(line.unit, item: item, field: f, company: companyID, errors: &errors, on: db)?.factor ?? 1_000
            let quantity = try Units.inItemUnit(entered, factor: factor)
            do { rate = try Money(parsing: line.rate).paise } catch { errors.append(.init(field: f + ".rate", message: error.description)) }
            if rate < 0 { errors.append(.init(field: f + ".rate", message: "must not be negative")) }
            if line.dueDate != nil && CalendarDate(line.dueDate ?? "") == nil { errors.append(.init(field: f + ".dueDate", message: "must be " + CalendarDate.acceptedDescription)) }
            if var p = pending {
                let left = p[item.id] ?? 0
                if quantity > left {
                    errors.append(.init(field: f + ".quantity", message: left > 0 ? "the order awaits only \(Quantity(thousandths: left)) of '\(item.name)'" : "'\(item.name)' is not pending on the order"))
                }
                p[item.id] = left - quantity
                pending = p
            }
            if kind.stockSign != 0 {
                let r = try await StockLines.movements(item: item, sign: kind.stockSign, quantity: quantity, value: Quantity(thousandths: entered).times(rate),
                                                       godown: line.godown, batch: line.batch, expiry: line.expiryDate, manufactured: nil, date: date,
                                                       lineNo: i, field: f, company: company, errors: &errors, on: db)
                moves += r.moves
            } else if line.godown != nil || line.batch != nil {
                errors.append(.init(field: f + (line.godown != nil ? ".godown" : ".batch"), message: "an order moves no stock; the note that fulfils it does"))
            }
            rows.append(LineRow(id: UUID(), document_id: id, company_id: companyID, line_no: i, item_id: item.id, quantity_milli: quantity, rate_paise: rate,
                                due_date: line.dueDate, unit: factor == 1_000 ? nil : line.unit?.uppercased(),
                                entered_quantity_milli: factor == 1_000 ? nil : entered))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        try await PeriodLocks.check(date: date, company: companyID, on: db)
        struct Max: Decodable { var n: Int64? }
        let number = (try await db.sql().raw("SELECT MAX(number) AS n FROM trade_documents WHERE company_id = \(bind: companyID) AND kind = \(bind: kind.rawValue)")
            .first(decoding: Max.self)?.n ?? 0) + 1
        try await db.sql().insert(into: "trade_documents").model(Row(id: id, company_id: companyID, kind: kind.rawValue, number: number, date: date.description,
                                                                     party_ledger_id: party.id, order_id: order?.id, invoice_id: nil, narration: body.narration,
                                                                     active: true, created_by: actor.userID), nilEncodingStrategy: .asNil).run()
        try await VoucherPosting.insert(rows, into: "trade_document_lines", on: db.sql())
        try await Stock.record(moves, sourceKind: kind.rawValue, sourceID: id, company: company, on: db)
        let dto = try await load(id, company: companyID, on: db)
        try await AuditLog.append(AuditEvent(companyID: companyID, action: "\(kind.rawValue).create", entityType: kind.rawValue,
                                             entityID: id.uuidString.lowercased(), after: try JSONValue(encoding: dto)), by: actor, on: db)
        return dto
    }

    static func load(_ id: UUID, company: UUID, on db: any Database) async throws -> TradeDTO {
        guard let row = try await find(id.uuidString, company: company, on: db), let kind = TradeKind(rawValue: row.kind) else { throw APIError.notFound("Document") }
        let lines = try await lines([id], on: db)
        let names = Dictionary(uniqueKeysWithValues: try await db.sql().select().column("*").from("items").where("id", .in, lines.map(\.item_id).isEmpty ? [UUID()] : lines.map(\.item_id))
            .all(decoding: ItemRow.self).map { ($0.id, $0.name) })
        let party = try await Chart.ledger(row.party_ledger_id.uuidString, company: company, on: db)?.name ?? ""
        var pending = kind.stockSign == 0 ? try await Self.pending(order: id, on: db) : nil
        return TradeDTO(id: id, kind: kind, number: row.number, date: row.date, party: party, orderId: row.order_id, invoiceId: row.invoice_id,
                        status: row.active ? "active" : "cancelled", lines: lines.map { l in
            // An order's pending quantity is shown against its lines in order, item by item.
            var left: String?
            if var p = pending {
                let here = min(max(p[l.item_id] ?? 0, 0), l.quantity_milli)
                p[l.item_id, default: 0] -= here
                pending = p
                left = Quantity(thousandths: here).description
            }
            return .init(item: names[l.item_id] ?? "", itemId: l.item_id, quantity: Quantity(thousandths: l.entered_quantity_milli ?? l.quantity_milli).description,
                         unit: l.unit, inItemUnit: l.unit == nil ? nil : Quantity(thousandths: l.quantity_milli).description, rate: Money(paise: l.rate_paise).description, dueDate: l.due_date, pending: left)
        })
    }

    /// The notes an invoice takes over: delivery notes for a sale, receipt notes for a purchase, of the same party,
    /// not cancelled and not yet invoiced. Returns their ids and how much of each item they already moved.
    static func notesForInvoice(_ body: InvoiceRequest, party: UUID, company: Company, on db: any Database) async throws -> (ids: [UUID], covered: [UUID: Int64]) {
        guard let refs = body.notes, !refs.isEmpty else { return ([], [:]) }
        let wanted: TradeKind? = body.kind == .sales ? .deliveryNote : body.kind == .purchase ? .receiptNote : nil
        guard let wanted else { throw APIError.validation(field: "notes", "only sales and purchase invoices take over delivery or receipt notes") }
        var errors: [APIError.FieldError] = []
        var ids: [UUID] = []
        for (i, ref) in refs.enumerated() {
            guard let note = try await find(ref, company: try company.requireID(), on: db), note.kind == wanted.rawValue, note.active else {
                errors.append(.init(field: "notes[\(i)]", message: "no active \(wanted.title) '\(ref)'")); continue
            }
            if note.party_ledger_id != party { errors.append(.init(field: "notes[\(i)]", message: "\(wanted.title) \(note.number) is another party's")); continue }
            if note.invoice_id != nil || ids.contains(note.id) {
                errors.append(.init(field: "notes[\(i)]", message: "\(wanted.title) \(note.number) is already invoiced")); continue
            }
            ids.append(note.id)
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        var covered: [UUID: Int64] = [:]
        for l in try await lines(ids, on: db) { covered[l.item_id, default: 0] += l.quantity_milli }
        return (ids, covered)
    }

    static func link(_ notes: [UUID], invoice: UUID, on db: any Database) async throws {
        guard !notes.isEmpty else { return }
        try await db.sql().update("trade_documents").set("invoice_id", to: invoice).where("id", .in, notes).run()
    }
}
