import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

enum StockJournalKind: String, Codable, CaseIterable, Sendable {
    /// Between godowns: quantity moves, the item's value does not.
    case transfer
    /// Used up (or lost): issued at the item's cost.
    case consumption
    /// A correction in or out: `toGodown` with a rate receives, `fromGodown` issues.
    case adjustment
    /// Made from a bill of materials: components out of `fromGodown`, the product into `toGodown` at their cost.
    case production
    /// Posted by a physical stock count (`…/physical-stock`), not through this endpoint.
    case verification

    /// The kinds `POST …/stock-journals` accepts.
    static let entered: [StockJournalKind] = [.transfer, .consumption, .production, .adjustment]
}

struct StockJournalRequest: APIRequestBody {
    struct Line: Codable, Sendable {
        var item: String
        var quantity: String
        var batch: String?
        var fromGodown: String?
        var toGodown: String?
        var rate: String?
        var expiryDate: String?
        /// A compound unit of the item's (a BOX of 12 NOS); the quantity and rate are in it.
        var unit: String?
    }
    var date: String
    var kind: StockJournalKind
    var narration: String?
    var lines: [Line]

    static let schema = Schema.object([
        .required("date", .date),
        .required("kind", .string(.init(minLength: 1, maxLength: 20, allowed: StockJournalKind.entered.map(\.rawValue)))),
        .optional("narration", .text(min: 0)),
        .required("lines", .array(.object([
            .required("item", .string(.init(minLength: 1, maxLength: 200))),
            .required("quantity", .string(.init(minLength: 1, maxLength: 20))),
            .optional("batch", .string(.init(minLength: 1, maxLength: 60))),
            .optional("fromGodown", .string(.init(minLength: 1, maxLength: 200))),
            .optional("toGodown", .string(.init(minLength: 1, maxLength: 200))),
            .optional("rate", .string(.init(minLength: 1, maxLength: 20, description: "Adjustments in: cost per unit in rupees"))),
            .optional("expiryDate", .date),
            .optional("unit", .string(.init(minLength: 1, maxLength: 20, description: "The quantity's unit when not the item's own: a compound unit leading to it"))),
        ]))),
    ])
}

struct StockJournalDTO: APIResponseBody {
    struct Line: Codable, Sendable {
        var item: String; var quantity: String; var batch: String?; var fromGodown: String?; var toGodown: String?; var value: String
    }
    var id: UUID
    var number: Int64
    var date: String
    var kind: StockJournalKind
    var narration: String?
    var status: String
    var lines: [Line]
    static let schema = Schema.ref("StockJournal", .object([
        .required("id", .uuid), .required("number", .integer()), .required("date", .date), .required("kind", .oneOf(StockJournalKind.self)),
        .optional("narration", .nullable(.text())), .required("status", .string()),
        .required("lines", .array(.object([
            .required("item", .text()), .required("quantity", .string()), .optional("batch", .nullable(.string())),
            .optional("fromGodown", .nullable(.text())), .optional("toGodown", .nullable(.text())), .required("value", .string()),
        ]))),
    ]))
}

/// Stock journals: transfers between godowns, consumption and adjustments, each line checked field by field and
/// recorded through the same movements and valuation as invoices.
enum StockJournals {
    struct Row: Codable { var id: UUID; var company_id: UUID; var number: Int64; var date: String; var kind: String; var narration: String?; var active: Bool; var created_by: UUID? = nil }

    static func post(_ body: StockJournalRequest, company: Company, actor: AuditActor, on db: any Database) async throws -> StockJournalDTO {
        let companyID = try company.requireID()
        guard let date = CalendarDate(body.date) else { throw APIError.validation(field: "date", "must be " + CalendarDate.acceptedDescription) }
        var errors: [APIError.FieldError] = []
        if let beginning = CalendarDate(company.booksBeginning), date < beginning {
            errors.append(.init(field: "date", message: "is before books-beginning \(beginning)"))
        }
        guard (1...1_000).contains(body.lines.count) else { throw APIError.validation(field: "lines", "give 1 to 1,000 lines, got \(body.lines.count)") }
        let items = try await Items.findMany(body.lines.map(\.item), company: companyID, on: db)
        let id = UUID()
        var moves: [Stock.Movement] = []
        for (i, line) in body.lines.enumerated() {
            let f = "lines[\(i)]"
            guard let item = items[line.item], item.active, item.kind == "goods" else {
                errors.append(.init(field: f + ".item", message: items[line.item]?.kind == "service" ? "'\(line.item)' is a service: it is not kept in stock"
                                                                                                    : "no active item '\(line.item)' in this company"))
                continue
            }
            var entered: Int64 = 0
            do { entered = try Quantity(parsing: line.quantity).thousandths } catch { errors.append(.init(field: f + ".quantity", message: error.description)) }
            let factor = try await Units.resolve(line.unit, item: item, field: f, company: companyID, errors: &errors, on: db)?.factor ?? 1_000
            let quantity = try Units.inItemUnit(entered, factor: factor)
            func godown(_ field: String, _ ref: String?) async throws -> GodownRow? {
                guard let ref else { return nil }
                let g = try await Godowns.find(ref, company: companyID, on: db)
                if g == nil { errors.append(.init(field: f + "." + field, message: "no godown '\(ref)' in this company")) }
                return g
            }
            let from = try await godown("fromGodown", line.fromGodown ?? ([.consumption, .production].contains(body.kind) ? Godowns.main : nil))
            let to = try await godown("toGodown", line.toGodown ?? (body.kind == .production ? Godowns.main : nil))
            if body.kind == .production {
                guard let from, let to else { continue }
                moves += try await Production.moves(item: item, quantity: quantity, line: line, from: from, to: to, date: date, lineNo: i, field: f,
                                                    errors: &errors, on: db)
                continue
            }
            var batch: BatchRow?
            if let name = line.batch, item.batch_wise, body.kind != .adjustment || from != nil {
                batch = try await Batches.find(item: item.id, name: name, on: db)
                if batch == nil { errors.append(.init(field: f + ".batch", message: "'\(item.name)' has no batch '\(name)'")) }
            } else if item.batch_wise && from != nil {
                errors.append(.init(field: f + ".batch", message: "'\(item.name)' is kept in batches: name the batch"))
            } else if line.batch != nil && !item.batch_wise {
                errors.append(.init(field: f + ".batch", message: "'\(item.name)' is not kept in batches"))
            }
            switch body.kind {
            case .production, .verification:
                errors.append(.init(field: "kind", message: "'\(body.kind.rawValue)' is not entered here"))
            case .transfer:
                guard line.fromGodown != nil, line.toGodown != nil else {
                    errors.append(.init(field: f + (line.fromGodown == nil ? ".fromGodown" : ".toGodown"), message: "a transfer needs both godowns")); continue
                }
                guard let from, let to else { continue }
                if from.id == to.id { errors.append(.init(field: f + ".toGodown", message: "is the same godown as fromGodown (\(from.name))")); continue }
                moves.append(.init(item: item, godown: from, batch: batch, date: date, quantity: -quantity, valued: false, lineNo: i, field: f))
                moves.append(.init(item: item, godown: to, batch: batch, date: date, quantity: quantity, valued: false, lineNo: i, field: f))
            case .consumption:
                guard let from else { continue }
                moves.append(.init(item: item, godown: from, batch: batch, date: date, quantity: -quantity, lineNo: i, field: f))
            case .adjustment:
                if (from == nil) == (to == nil) {
                    if line.fromGodown == nil && line.toGodown == nil || (line.fromGodown != nil && line.toGodown != nil) {
                        errors.append(.init(field: f + ".toGodown", message: "an adjustment names either toGodown (stock found) or fromGodown (stock lost)"))
                    }
                    continue
                }
                if let from {
                    moves.append(.init(item: item, godown: from, batch: batch, date: date, quantity: -quantity, lineNo: i, field: f))
                } else if let to {
                    var rate: Int64 = 0
                    if let raw = line.rate {
                        do { rate = try Money(parsing: raw).paise } catch { errors.append(.init(field: f + ".rate", message: error.description)) }
                        if rate < 0 { errors.append(.init(field: f + ".rate", message: "must not be negative")) }
                    } else { errors.append(.init(field: f + ".rate", message: "is required for stock coming in: its cost per unit")) }
                    let inBatch = try await ItemStock.receiptBatch(item: item, name: line.batch, expiry: line.expiryDate, manufactured: nil, field: f,
                                                                   errors: &errors, on: db)
                    moves.append(.init(item: item, godown: to, batch: inBatch, date: date, quantity: quantity,
                                       value: try Quantity(thousandths: entered).times(rate), lineNo: i, field: f))
                }
            }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return try await save(id: id, kind: body.kind, date: date, narration: body.narration, moves: moves, company: company, actor: actor, on: db)
    }

    /// Numbers, stores and records a checked journal; every kind of journal ends here.
    static func save(id: UUID, kind: StockJournalKind, date: CalendarDate, narration: String?, moves: [Stock.Movement], company: Company,
                     actor: AuditActor, on db: any Database) async throws -> StockJournalDTO {
        let companyID = try company.requireID()
        try await PeriodLocks.check(date: date, company: companyID, on: db)
        struct Max: Decodable { var n: Int64? }
        let number = (try await db.sql().raw("SELECT MAX(number) AS n FROM stock_journals WHERE company_id = \(bind: companyID)").first(decoding: Max.self)?.n ?? 0) + 1
        let row = Row(id: id, company_id: companyID, number: number, date: date.description, kind: kind.rawValue, narration: narration, active: true, created_by: actor.userID)
        try await db.sql().insert(into: "stock_journals").model(row, nilEncodingStrategy: .asNil).run()
        try await Stock.record(moves, sourceKind: "stock-journal", sourceID: id, company: company, on: db)
        let dto = try await load(id, company: companyID, on: db)
        try await AuditLog.append(AuditEvent(companyID: companyID, action: "stock-journal.create", entityType: "stock-journal",
                                             entityID: id.uuidString.lowercased(), after: try JSONValue(encoding: dto)), by: actor, on: db)
        return dto
    }

    /// A journal as stored, its line values read back from the movements (issues at the cost valuation gave them).
    static func load(_ id: UUID, company: UUID, on db: any Database) async throws -> StockJournalDTO {
        let sql = db.sql()
        guard let row = try await sql.raw("SELECT * FROM stock_journals WHERE company_id = \(bind: company) AND id = \(bind: id)").first(decoding: Row.self)
        else { throw APIError.notFound("Stock journal") }
        struct Move: Decodable { var line_no: Int; var item: String; var godown: String; var batch: String?; var quantity_milli: Int64; var value_paise: Int64 }
        let moves = try await sql.raw("""
            SELECT m.line_no, i.name AS item, g.name AS godown, b.name AS batch, m.quantity_milli, m.value_paise FROM stock_movements m
            JOIN items i ON i.id = m.item_id JOIN godowns g ON g.id = m.godown_id LEFT JOIN stock_batches b ON b.id = m.batch_id
            WHERE m.source_id = \(bind: id) ORDER BY m.line_no, m.quantity_milli
            """).all(decoding: Move.self)
        let lines = Dictionary(grouping: moves, by: \.line_no).sorted { $0.key < $1.key }.map { _, parts -> StockJournalDTO.Line in
            let out = parts.first { $0.quantity_milli < 0 }, into = parts.first { $0.quantity_milli > 0 }
            let q = (into ?? out).map { abs($0.quantity_milli) } ?? 0
            // A production line issues components and receives the product: the line shows the product.
            return .init(item: (into ?? out)?.item ?? parts[0].item, quantity: Quantity(thousandths: q).description, batch: parts[0].batch, fromGodown: out?.godown,
                         toGodown: into?.godown, value: Money(paise: into?.value_paise ?? 0).description)
        }
        return StockJournalDTO(id: row.id, number: row.number, date: row.date, kind: StockJournalKind(rawValue: row.kind) ?? .adjustment,
                               narration: row.narration, status: row.active ? "active" : "cancelled", lines: lines)
    }
}

enum StockJournalController {
    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(StockJournalRequest.self)
        let context = try req.company
        let actor = req.auditActor
        try context.require(.stockJournal)
        let dto = try await req.write { db in
            try await StockJournals.post(body, company: try await CompanyController.find(context, on: db), actor: actor, on: db)
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    @Sendable static func show(req: Request) async throws -> StockJournalDTO {
        guard let id = UUID(uuidString: req.parameters.get("journalID") ?? "") else { throw APIError.notFound("Stock journal") }
        return try await StockJournals.load(id, company: try req.company.companyID, on: req.db)
    }

    @Sendable static func cancel(req: Request) async throws -> StockJournalDTO {
        guard let id = UUID(uuidString: req.parameters.get("journalID") ?? "") else { throw APIError.notFound("Stock journal") }
        let member = try req.company
        let company = member.companyID
        let actor = req.auditActor
        return try await req.write { db in
            struct Entered: Decodable { var created_by: UUID? }
            let entered = try await db.sql().raw("SELECT created_by FROM stock_journals WHERE company_id = \(bind: company) AND id = \(bind: id)").first(decoding: Entered.self)
            if let entered { try member.require(.stockJournal, .cancel, enteredBy: entered.created_by) }
            let before = try await StockJournals.load(id, company: company, on: db)
            guard before.status == "active" else { throw APIError.conflict("Stock journal \(before.number) is already cancelled.") }
            try await PeriodLocks.check(date: (try CalendarDate(stored: before.date)), company: company, on: db)
            try await db.sql().update("stock_journals").set("active", to: false).where("id", .equal, id).run()
            try await Stock.deactivate(source: id, on: db)
            let after = try await StockJournals.load(id, company: company, on: db)
            try await AuditLog.append(AuditEvent(companyID: company, action: "stock-journal.cancel", entityType: "stock-journal",
                                                 entityID: id.uuidString.lowercased(), before: try JSONValue(encoding: before),
                                                 after: try JSONValue(encoding: after)), by: actor, on: db)
            return after
        }
    }
}
