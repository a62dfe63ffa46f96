import Fluent
import Foundation
import GSTKit
import Ledger
import NIOConcurrencyHelpers
import SQLKit
import StockKit
import Vapor

struct StockSummaryDTO: APIResponseBody {
    struct Row: Codable, Sendable {
        /// The item; for `by=group`, the group's name.
        var item: String
        var itemId: UUID?
        var group: String?
        var godown: String?
        var quantity: String
        var unit: String
        var rate: String
        var value: String
    }
    var asOf: String
    var by: String
    var rows: [Row]
    var totalValue: String
    static let schema = Schema.object([
        .required("asOf", .date), .required("by", .string()),
        .required("rows", .array(.object([
            .required("item", .text()), .optional("itemId", .nullable(.uuid)), .optional("group", .nullable(.text())),
            .optional("godown", .nullable(.text())), .required("quantity", .string(.init(description: "Empty for a group whose items have different units"))),
            .required("unit", .string()), .required("rate", .string()), .required("value", .string()),
        ]))),
        .required("totalValue", .string()),
    ])
}

struct StockLedgerDTO: APIResponseBody {
    struct Row: Codable, Sendable {
        var date: String
        var source: String
        var sourceId: UUID
        var godown: String
        var batch: String?
        var inward: String?
        var outward: String?
        /// Receipts: their cost; issues: the cost valuation took out; transfers: nothing.
        var value: String
        var balanceQuantity: String
        var balanceValue: String
    }
    var item: String
    var valuationMethod: ValuationMethod
    var from: String
    var to: String
    var openingQuantity: String
    var openingValue: String
    var rows: [Row]
    var closingQuantity: String
    var closingValue: String
    static let schema = Schema.object([
        .required("item", .text()), .required("valuationMethod", .oneOf(ValuationMethod.self)), .required("from", .date), .required("to", .date),
        .required("openingQuantity", .string()), .required("openingValue", .string()),
        .required("rows", .array(.object([
            .required("date", .date), .required("source", .string()), .required("sourceId", .uuid), .required("godown", .text()),
            .optional("batch", .nullable(.string())), .optional("inward", .nullable(.string())), .optional("outward", .nullable(.string())),
            .required("value", .string()), .required("balanceQuantity", .string()), .required("balanceValue", .string()),
        ]))),
        .required("closingQuantity", .string()), .required("closingValue", .string()),
    ])
}

/// Stock summary and stock ledger, both read from the movements and the items' daily positions.
enum StockReports {
    struct ItemPosition: Sendable { var item_id: UUID; var name: String; var unit: String; var quantity_milli: Int64; var value_paise: Int64 }

    /// Each item's last position on or before the day: one index seek per item, rows streamed (10,000 items decoded
    /// through Codable took most of the report's time).
    static func positions(company: UUID, asOf: CalendarDate, on db: any Database) async throws -> [ItemPosition] {
        let collected = NIOLockedValueBox<[ItemPosition]>([])
        try await BulkRows.stream("""
            SELECT i.id AS item_id, i.name, i.unit, p.quantity_milli, p.value_paise FROM items i
            JOIN stock_positions p ON p.item_id = i.id AND p.date = (
                SELECT MAX(q.date) FROM stock_positions q WHERE q.item_id = i.id AND q.date <= \(bind: asOf.description))
            WHERE i.company_id = \(bind: company) ORDER BY i.name_key
            """, on: db) { row in
            let p = ItemPosition(item_id: try row.uuid("item_id"), name: try row.string("name"), unit: try row.string("unit"),
                                 quantity_milli: try row.int("quantity_milli"), value_paise: try row.int("value_paise"))
            collected.withLockedValue { $0.append(p) }
        }
        return collected.withLockedValue { $0 }
    }

    /// What all the company's stock was worth at the end of `date`.
    static func value(company: UUID, asOf date: CalendarDate, on db: any Database) async throws -> Int64 {
        try Checked.sum(try await positions(company: company, asOf: date, on: db).map(\.value_paise))
    }

    /// The items' opening stock entered at books-beginning.
    static func openingValue(company: UUID, on db: any Database) async throws -> Int64 {
        struct Sum: Decodable { var v: Int64? }
        return try await db.sql().raw("""
            SELECT CAST(SUM(value_paise) AS BIGINT) AS v FROM stock_movements
            WHERE company_id = \(bind: company) AND source_kind = 'opening' AND active = \(bind: true)
            """).first(decoding: Sum.self)?.v ?? 0
    }

    /// Stock at the start of a period as the P&L shows it: the value at the end of the day before, except that a
    /// period starting on books-beginning opens with the items' opening stock (entered on that day).
    static func openingForPeriod(company: Company, from: CalendarDate, on db: any Database) async throws -> Int64 {
        let companyID = try company.requireID()
        if let beginning = CalendarDate(company.booksBeginning), from <= beginning { return try await openingValue(company: companyID, on: db) }
        return try await value(company: companyID, asOf: from.adding(days: -1), on: db)
    }

    static func quantityText(_ q: Int64) -> String { q < 0 ? "-" + Quantity(thousandths: -q).description : Quantity(thousandths: q).description }

    static func date(_ req: Request, _ name: String, default value: CalendarDate, errors: inout [APIError.FieldError]) -> CalendarDate {
        guard let raw = req.query[String.self, at: name] else { return value }
        guard let d = CalendarDate(raw) else { errors.append(.init(field: name, message: "must be " + CalendarDate.acceptedDescription)); return value }
        return d
    }

    /// `?asOf=&by=item|group|godown`: quantity, rate and value per item, per stock group (its own items; quantity
    /// only when they share a unit) or per item and godown, as of the end of a day. Value is the item's (FIFO or
    /// weighted average); a godown's share is its quantity at the item's rate.
    @Sendable static func summary(req: Request) async throws -> StockSummaryDTO {
        let company = try req.company.companyID
        var errors: [APIError.FieldError] = []
        let asOf = date(req, "asOf", default: Format.today(), errors: &errors)
        let by = req.query[String.self, at: "by"] ?? "item"
        if !["item", "group", "godown"].contains(by) { errors.append(.init(field: "by", message: "must be item, group or godown")) }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        let sql = req.db.sql()
        let positions = try await positions(company: company, asOf: asOf, on: req.db)
        func rate(_ p: ItemPosition) throws -> Int64 { p.quantity_milli > 0 ? try StockPosition.share(p.value_paise, of: p.quantity_milli, taking: 1000) : 0 }
        var rows: [StockSummaryDTO.Row] = []
        var total: Int64 = 0
        if by == "item" {
            for p in positions where p.quantity_milli != 0 || p.value_paise != 0 {
                rows.append(.init(item: p.name, itemId: p.item_id, group: nil, godown: nil, quantity: quantityText(p.quantity_milli), unit: p.unit,
                                  rate: Money(paise: try rate(p)).description, value: Money(paise: p.value_paise).description))
                total = try Checked.add(total, p.value_paise)
            }
        } else if by == "group" {
            let groups = Dictionary(uniqueKeysWithValues: try await NestedMaster.stockGroups.all(company: company, on: req.db).map { ($0.id, $0.name) })
            struct Member: Decodable { var id: UUID; var stock_group_id: UUID? }
            let membership = Dictionary(uniqueKeysWithValues: try await sql.raw("SELECT id, stock_group_id FROM items WHERE company_id = \(bind: company)")
                .all(decoding: Member.self).map { ($0.id, $0.stock_group_id) })
            let byGroup = Dictionary(grouping: positions.filter { $0.quantity_milli != 0 || $0.value_paise != 0 }) { membership[$0.item_id] ?? nil }
            for (groupID, members) in byGroup {
                let value = try Checked.sum(members.map(\.value_paise))
                let units = Set(members.map(\.unit))
                let quantity = try Checked.sum(members.map(\.quantity_milli))
                let name = groupID.flatMap { groups[$0] } ?? "(no group)"
                rows.append(.init(item: name, itemId: nil, group: name, godown: nil, quantity: units.count == 1 ? quantityText(quantity) : "",
                                  unit: units.count == 1 ? units.first! : "",
                                  rate: units.count == 1 && quantity > 0 ? Money(paise: try StockPosition.share(value, of: quantity, taking: 1000)).description : "",
                                  value: Money(paise: value).description))
                total = try Checked.add(total, value)
            }
            rows.sort { $0.item < $1.item }
        } else {
            struct Place: Decodable { var item_id: UUID; var godown: String; var q: Int64 }
            let places = try await sql.raw("""
                SELECT m.item_id, g.name AS godown, CAST(SUM(m.quantity_milli) AS BIGINT) AS q FROM stock_movements m JOIN godowns g ON g.id = m.godown_id
                WHERE m.company_id = \(bind: company) AND m.active = \(bind: true) AND m.date <= \(bind: asOf.description)
                GROUP BY m.item_id, g.name ORDER BY g.name
                """).all(decoding: Place.self)
            let byItem = Dictionary(uniqueKeysWithValues: positions.map { ($0.item_id, $0) })
            for place in places where place.q != 0 {
                guard let p = byItem[place.item_id] else { continue }
                let value = try Quantity(thousandths: max(place.q, 0)).times(rate(p))
                rows.append(.init(item: p.name, itemId: p.item_id, group: nil, godown: place.godown, quantity: quantityText(place.q), unit: p.unit,
                                  rate: Money(paise: try rate(p)).description, value: Money(paise: value).description))
                total = try Checked.add(total, value)
            }
        }
        return StockSummaryDTO(asOf: asOf.description, by: by, rows: rows, totalValue: Money(paise: total).description)
    }

    /// `?item=&from=&to=`: every movement of the item in the range with its value and the running balance, replayed
    /// from the item's position the day before `from`.
    @Sendable static func ledger(req: Request) async throws -> StockLedgerDTO {
        let company = try req.company.companyID
        var errors: [APIError.FieldError] = []
        let item = try await req.query[String.self, at: "item"].asyncMap { try await Items.find($0, company: company, on: req.db) } ?? nil
        if item == nil { errors.append(.init(field: "item", message: req.query[String.self, at: "item"] == nil ? "is required" : "no such item")) }
        let today = Format.today()
        let from = date(req, "from", default: today.financialYearStart, errors: &errors)
        let to = date(req, "to", default: today, errors: &errors)
        if from > to { errors.append(.init(field: "to", message: "is before from")) }
        guard errors.isEmpty, let item else { throw APIError.validation(errors) }
        var position = try await Stock.position(item, asOf: from.adding(days: -1), on: req.db)
        let opening = position
        struct Move: Decodable {
            var date: String; var source_kind: String; var source_id: UUID; var godown: String; var batch: String?
            var quantity_milli: Int64; var value_paise: Int64; var valued: Bool
        }
        let moves = try await req.db.sql().raw("""
            SELECT m.date, m.source_kind, m.source_id, g.name AS godown, b.name AS batch, m.quantity_milli, m.value_paise, m.valued
            FROM stock_movements m JOIN godowns g ON g.id = m.godown_id LEFT JOIN stock_batches b ON b.id = m.batch_id
            WHERE m.item_id = \(bind: item.id) AND m.active = \(bind: true) AND m.date >= \(bind: from.description) AND m.date <= \(bind: to.description)
            ORDER BY m.date, m.seq, m.id
            """).all(decoding: Move.self)
        var balanceQuantity = opening.quantity
        let rows = try moves.map { m -> StockLedgerDTO.Row in
            let value = m.valued ? try position.apply(StockMovement(quantity: m.quantity_milli, value: m.value_paise)) : 0
            balanceQuantity = try Checked.add(balanceQuantity, m.quantity_milli)
            return .init(date: m.date, source: m.source_kind, sourceId: m.source_id, godown: m.godown, batch: m.batch,
                         inward: m.quantity_milli > 0 ? quantityText(m.quantity_milli) : nil, outward: m.quantity_milli < 0 ? quantityText(-m.quantity_milli) : nil,
                         value: Money(paise: value).description, balanceQuantity: quantityText(balanceQuantity), balanceValue: Money(paise: position.value).description)
        }
        return StockLedgerDTO(item: item.name, valuationMethod: Stock.method(item), from: from.description, to: to.description,
                              openingQuantity: quantityText(opening.quantity), openingValue: Money(paise: opening.value).description, rows: rows,
                              closingQuantity: quantityText(position.quantity), closingValue: Money(paise: position.value).description)
    }

    struct BatchesDTO: APIResponseBody {
        struct Row: Codable, Sendable {
            var item: String; var itemId: UUID; var batch: String; var godown: String; var quantity: String
            var manufacturedOn: String?; var expiresOn: String?; var status: String
        }
        var asOf: String
        var expiringWithinDays: Int
        var rows: [Row]
        static let schema = Schema.object([
            .required("asOf", .date), .required("expiringWithinDays", .integer()),
            .required("rows", .array(.object([
                .required("item", .text()), .required("itemId", .uuid), .required("batch", .string()), .required("godown", .text()),
                .required("quantity", .string()), .optional("manufacturedOn", .nullable(.date)), .optional("expiresOn", .nullable(.date)),
                .required("status", .string(.init(allowed: ["expired", "expiring", "ok"]))),
            ]))),
        ])
    }

    /// `?asOf=&expiringWithinDays=`: batches with stock per godown, earliest expiry first, each marked expired,
    /// expiring (within the days given; the company's alert window by default) or ok.
    @Sendable static func batches(req: Request) async throws -> BatchesDTO {
        let context = try req.company
        var errors: [APIError.FieldError] = []
        let asOf = date(req, "asOf", default: Format.today(), errors: &errors)
        var days = try await CompanyController.find(context, on: req.db).expiryAlertDays
        if let raw = req.query[String.self, at: "expiringWithinDays"] {
            if let d = Int(raw), (0...3650).contains(d) { days = d } else { errors.append(.init(field: "expiringWithinDays", message: "must be a whole number of days, 0 to 3650")) }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        struct Row: Decodable { var item: String; var item_id: UUID; var batch: String; var godown: String; var manufactured_on: String?; var expires_on: String?; var q: Int64 }
        let rows = try await req.db.sql().raw("""
            SELECT i.name AS item, i.id AS item_id, b.name AS batch, g.name AS godown, b.manufactured_on, b.expires_on, CAST(SUM(m.quantity_milli) AS BIGINT) AS q
            FROM stock_movements m JOIN stock_batches b ON b.id = m.batch_id JOIN items i ON i.id = m.item_id JOIN godowns g ON g.id = m.godown_id
            WHERE m.company_id = \(bind: context.companyID) AND m.active = \(bind: true) AND m.date <= \(bind: asOf.description)
            GROUP BY i.name, i.id, b.name, g.name, b.manufactured_on, b.expires_on
            """).all(decoding: Row.self).filter { $0.q != 0 }
            .sorted { ($0.expires_on ?? "9999", $0.item, $0.batch, $0.godown) < ($1.expires_on ?? "9999", $1.item, $1.batch, $1.godown) }
        let horizon = asOf.adding(days: days)
        return BatchesDTO(asOf: asOf.description, expiringWithinDays: days, rows: rows.map { r in
            let expiry = r.expires_on.flatMap(CalendarDate.init)
            let status = expiry.map { $0 < asOf ? "expired" : $0 <= horizon ? "expiring" : "ok" } ?? "ok"
            return .init(item: r.item, itemId: r.item_id, batch: r.batch, godown: r.godown, quantity: quantityText(r.q), manufacturedOn: r.manufactured_on,
                         expiresOn: r.expires_on, status: status)
        })
    }

    struct ReorderDTO: APIResponseBody {
        struct Row: Codable, Sendable { var item: String; var itemId: UUID; var quantity: String; var reorderLevel: String; var suggestedOrder: String }
        var rows: [Row]
        static let schema = Schema.object([.required("rows", .array(.object([
            .required("item", .text()), .required("itemId", .uuid), .required("quantity", .string()), .required("reorderLevel", .string()),
            .required("suggestedOrder", .string(.init(description: "Up to the reorder level, at least the minimum order quantity"))),
        ])))])
    }

    /// Items at or below their reorder level today, with what to order: enough to reach the level again, and at
    /// least the minimum order quantity.
    @Sendable static func reorder(req: Request) async throws -> ReorderDTO {
        let company = try req.company.companyID
        let items = try await req.db.sql().raw("SELECT * FROM items WHERE company_id = \(bind: company) AND reorder_level_milli IS NOT NULL AND active = \(bind: true)")
            .all(decoding: ItemRow.self)
        let stock = Dictionary(uniqueKeysWithValues: try await positions(company: company, asOf: Format.today(), on: req.db).map { ($0.item_id, $0.quantity_milli) })
        return ReorderDTO(rows: items.compactMap { item -> ReorderDTO.Row? in
            guard let level = item.reorder_level_milli else { return nil }
            let q = stock[item.id] ?? 0
            guard q <= level else { return nil }
            let order = max((try? Checked.subtract(level, q)) ?? .max, item.minimum_order_milli ?? 0, 1)
            return .init(item: item.name, itemId: item.id, quantity: quantityText(q), reorderLevel: quantityText(level), suggestedOrder: quantityText(order))
        }.sorted { $0.item < $1.item })
    }
}
