import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import StockKit
import Vapor

struct ItemRow: Codable, Sendable {
    var id: UUID
    var company_id: UUID
    var name: String
    var name_key: String
    var hsn: String
    var unit: String
    var kind: String
    var taxability: String
    var sales_ledger_id: UUID?
    var purchase_ledger_id: UUID?
    var active: Bool
    // Inventory (migration 010).
    var batch_wise = false
    var track_expiry = false
    var valuation_method = "weighted-average"
    var reorder_level_milli: Int64?
    var minimum_order_milli: Int64?
    var stock_group_id: UUID?
}

struct ItemRateRow: Codable, Sendable {
    var item_id: UUID
    var company_id: UUID
    var from_date: String
    var rate_milli: Int64
    var cess_milli: Int64
    /// Specific cess in paise per unit of the item (migration 038).
    var cess_per_unit_paise: Int64 = 0
}

struct ItemRequest: APIRequestBody {
    var name: String?
    var hsn: String?
    var unit: String?
    var gstRate: String?
    var cessRate: String?
    /// Specific cess in rupees per unit of the item (e.g. per 1,000 cigarettes in THD): gst.md §A2.8.
    var cessPerUnit: String?
    /// The date the given rate applies from; earlier invoices keep the rate in force on their date.
    var rateFrom: String?
    var taxability: Taxability?
    var kind: String?
    var salesLedger: String?
    var purchaseLedger: String?
    var active: Bool?
    // Inventory fields.
    var batchWise: Bool?
    var trackExpiry: Bool?
    var valuationMethod: ValuationMethod?
    var reorderLevel: String?
    var minimumOrderQuantity: String?
    var stockGroup: String?
    var billOfMaterials: [BillsOfMaterials.Line]?
    var openingStock: [OpeningStock]?

    struct OpeningStock: Codable, Sendable {
        var godown: String?
        var batch: String?
        var quantity: String
        var rate: String
        var expiryDate: String?
        var manufacturingDate: String?
    }

    static let schema = Schema.object([
        .optional("name", .text(max: 200)),
        .optional("hsn", .string(.init(minLength: 1, maxLength: 8, description: "HSN or SAC digits (4, 6 or 8)"))),
        .optional("unit", .string(.init(minLength: 2, maxLength: 3, description: "UQC code, NA for services"))),
        .optional("gstRate", .string(.init(minLength: 1, maxLength: 6, description: "Percent, e.g. \"18\""))),
        .optional("cessRate", .string(.init(minLength: 1, maxLength: 6, description: "Percent"))),
        .optional("cessPerUnit", .string(.init(minLength: 1, maxLength: 20, description: "Specific cess in rupees per unit of the item"))),
        .optional("rateFrom", .date),
        .optional("taxability", .oneOf(Taxability.self)),
        .optional("kind", .string(.init(allowed: ["goods", "service"]))),
        .optional("salesLedger", .string(.init(minLength: 1, maxLength: 200))),
        .optional("purchaseLedger", .string(.init(minLength: 1, maxLength: 200))),
        .optional("active", .boolean),
        .optional("batchWise", .boolean),
        .optional("trackExpiry", .boolean),
        .optional("valuationMethod", .oneOf(ValuationMethod.self)),
        .optional("reorderLevel", .string(.init(minLength: 1, maxLength: 20, description: "Quantity, up to three decimals"))),
        .optional("minimumOrderQuantity", .string(.init(minLength: 1, maxLength: 20, description: "Quantity, up to three decimals"))),
        .optional("stockGroup", .string(.init(minLength: 1, maxLength: 200, description: "Stock group: name or id"))),
        .optional("billOfMaterials", .array(.object([
            .required("item", .string(.init(minLength: 1, maxLength: 200, description: "Component: name or id"))),
            .required("quantity", .string(.init(minLength: 1, maxLength: 20, description: "Per unit of this item"))),
        ]))),
        .optional("openingStock", .array(.object([
            .optional("godown", .string(.init(minLength: 1, maxLength: 200, description: "Name or id; Main Location when left out"))),
            .optional("batch", .string(.init(minLength: 1, maxLength: 60))),
            .required("quantity", .string(.init(minLength: 1, maxLength: 20))),
            .required("rate", .string(.init(minLength: 1, maxLength: 20, description: "Cost per unit in rupees"))),
            .optional("expiryDate", .date),
            .optional("manufacturingDate", .date),
        ]))),
    ])

    static let createSchema: Schema = {
        guard case .object(var properties) = schema else { return schema }
        for i in properties.indices where ["name", "hsn", "unit"].contains(properties[i].name) { properties[i].required = true }
        return .object(properties)
    }()
}

struct ItemDTO: APIResponseBody {
    struct Rate: Codable, Sendable { var from: String; var gstRate: String; var cessRate: String; var cessPerUnit: String }
    var id: UUID
    var name: String
    var hsn: String
    var unit: String
    var kind: String
    var taxability: Taxability
    var gstRate: String?
    var cessRate: String?
    var cessPerUnit: String?
    var rates: [Rate]
    var salesLedgerId: UUID?
    var purchaseLedgerId: UUID?
    var active: Bool
    var batchWise: Bool
    var trackExpiry: Bool
    var valuationMethod: ValuationMethod
    var reorderLevel: String?
    var minimumOrderQuantity: String?
    var stockGroupId: UUID?
    /// Shown for a single item (not in lists): components by id and quantity per unit.
    var billOfMaterials: [BillsOfMaterials.Line]?

    init(_ row: ItemRow, rates: [ItemRateRow], on date: CalendarDate) {
        id = row.id
        name = row.name
        hsn = row.hsn
        unit = row.unit
        kind = row.kind
        taxability = Taxability(rawValue: row.taxability) ?? .taxable
        let schedule = Items.schedule(rates)
        gstRate = schedule.entry(on: date)?.rate.description
        cessRate = schedule.entry(on: date)?.cess.description
        cessPerUnit = schedule.entry(on: date).map { Money(paise: $0.cessPerUnit).description }
        self.rates = schedule.entries.map {
            Rate(from: $0.from.description, gstRate: $0.rate.description, cessRate: $0.cess.description, cessPerUnit: Money(paise: $0.cessPerUnit).description)
        }
        salesLedgerId = row.sales_ledger_id
        purchaseLedgerId = row.purchase_ledger_id
        active = row.active
        batchWise = row.batch_wise
        trackExpiry = row.track_expiry
        valuationMethod = Stock.method(row)
        reorderLevel = row.reorder_level_milli.map { Quantity(thousandths: $0).description }
        minimumOrderQuantity = row.minimum_order_milli.map { Quantity(thousandths: $0).description }
        stockGroupId = row.stock_group_id
    }

    static let schema = Schema.ref("Item", .object([
        .required("id", .uuid), .required("name", .text()), .required("hsn", .string()), .required("unit", .string()),
        .required("kind", .string(.init(allowed: ["goods", "service"]))), .required("taxability", .oneOf(Taxability.self)),
        .optional("gstRate", .nullable(.string())), .optional("cessRate", .nullable(.string())), .optional("cessPerUnit", .nullable(.string())),
        .required("rates", .array(.object([.required("from", .date), .required("gstRate", .string()), .required("cessRate", .string()),
                                           .required("cessPerUnit", .string())]))),
        .optional("salesLedgerId", .nullable(.uuid)), .optional("purchaseLedgerId", .nullable(.uuid)), .required("active", .boolean),
        .required("batchWise", .boolean), .required("trackExpiry", .boolean), .required("valuationMethod", .oneOf(ValuationMethod.self)),
        .optional("reorderLevel", .nullable(.string())), .optional("minimumOrderQuantity", .nullable(.string())),
        .optional("stockGroupId", .nullable(.uuid)),
        .optional("billOfMaterials", .array(.object([.required("item", .string()), .required("quantity", .string())]))),
    ]))
}

/// Items and services: HSN/SAC, UQC, taxability and a rate history. Later the inventory issue adds stock fields.
enum Items {
    static func schedule(_ rates: [ItemRateRow]) -> RateSchedule {
        RateSchedule(rates.compactMap { r in
            CalendarDate(r.from_date).map {
                RateSchedule.Entry(from: $0, rate: TaxRate(milli: r.rate_milli), cess: TaxRate(milli: r.cess_milli), cessPerUnit: r.cess_per_unit_paise)
            }
        })
    }

    static func find(_ reference: String, company: UUID, on db: any Database) async throws -> ItemRow? {
        try await findMany([reference], company: company, on: db)[reference]
    }

    /// Items for many references (ids or names), keyed by the reference as given: from the company's snapshot when
    /// it is current (which then knows every item there is), else in one query.
    static func findMany(_ references: [String], company: UUID, on db: any Database) async throws -> [String: ItemRow] {
        guard !references.isEmpty else { return [:] }
        let byID: [UUID: ItemRow], byKey: [String: ItemRow]
        if let snapshot = try await CompanySnapshots.shared.current(company: company, on: db) {
            (byID, byKey) = (snapshot.items, snapshot.itemsByKey)
        } else {
            let ids = references.compactMap(UUID.init(uuidString:))
            let rows = try await db.sql().select().column("*").from("items").where("company_id", .equal, company)
                .where { $0.where("name_key", .in, references.map(Chart.nameKey)).orWhere("id", .in, ids.isEmpty ? [UUID()] : ids) }
                .all(decoding: ItemRow.self)
            byID = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            byKey = Dictionary(rows.map { ($0.name_key, $0) }, uniquingKeysWith: { a, _ in a })
        }
        // An id names the item it is; anything else is a name.
        return Dictionary(references.compactMap { reference in
            (UUID(uuidString: reference).flatMap { byID[$0] } ?? byKey[Chart.nameKey(reference)]).map { (reference, $0) }
        }, uniquingKeysWith: { a, _ in a })
    }

    /// Every rate history of the company's items, or of the items named (an invoice reads only its own): from the
    /// snapshot when it is current.
    static func rates(company: UUID, items: [UUID]? = nil, on db: any Database) async throws -> [UUID: [ItemRateRow]] {
        if let snapshot = try await CompanySnapshots.shared.current(company: company, on: db) {
            guard let items else { return snapshot.itemRates }
            return Dictionary(Set(items).compactMap { id in snapshot.itemRates[id].map { (id, $0) } }, uniquingKeysWith: { a, _ in a })
        }
        return try await storedRates(company: company, items: items, on: db)
    }

    /// The rate histories as stored.
    static func storedRates(company: UUID, items: [UUID]? = nil, on db: any Database) async throws -> [UUID: [ItemRateRow]] {
        let only: SQLQueryString = items.map { "AND item_id IN (\(binds: $0.isEmpty ? [UUID()] : Array(Set($0))))" } ?? ""
        let rows = try await db.sql().raw("SELECT * FROM item_rates WHERE company_id = \(bind: company) \(only)").all(decoding: ItemRateRow.self)
        return Dictionary(grouping: rows, by: \.item_id)
    }

    /// Checks a create or change and applies it to `row`; returns the rate entry to add, if any.
    static func apply(_ body: ItemRequest, to row: inout ItemRow, creating: Bool, company: Company,
                      on db: any Database) async throws -> ItemRateRow? {
        var errors: [APIError.FieldError] = []
        if let name = body.name?.trimmingCharacters(in: .whitespaces) {
            if name.isEmpty { errors.append(.init(field: "name", message: "must not be empty")) }
            row.name = name
            row.name_key = Chart.nameKey(name)
        }
        if let hsn = body.hsn {
            if let problem = HSNCode.problem(hsn) { errors.append(.init(field: "hsn", message: problem)) } else { row.hsn = hsn }
        }
        if let kind = body.kind { row.kind = kind } else if creating { row.kind = HSNCode.isService(row.hsn) ? "service" : "goods" }
        if errors.isEmpty, HSNCode.isService(row.hsn) != (row.kind == "service") {
            errors.append(.init(field: "kind", message: row.kind == "service" ? "a service needs a SAC starting with 99" : "HSN \(row.hsn) is a service code (99…); set kind to service"))
        }
        if let unit = body.unit?.uppercased() {
            if UQC.isValid(unit, service: row.kind == "service") { row.unit = unit } else {
                errors.append(.init(field: "unit", message: row.kind == "service" ? "must be NA for a service" : "'\(unit)' is not a UQC code (NOS, KGS, LTR, PCS…)"))
            }
        }
        if let t = body.taxability { row.taxability = t.rawValue }
        for (field, ref, group) in [("salesLedger", body.salesLedger, "Sales Accounts"), ("purchaseLedger", body.purchaseLedger, "Purchase Accounts")] {
            guard let ref else { continue }
            if let ledger = try await Chart.ledger(ref, company: row.company_id, on: db) {
                if field == "salesLedger" { row.sales_ledger_id = ledger.id } else { row.purchase_ledger_id = ledger.id }
            } else { errors.append(.init(field: field, message: "no ledger '\(ref)' (usually one under \(group))")) }
        }
        if let active = body.active { row.active = active }
        ItemStock.apply(body, to: &row, errors: &errors)
        if let ref = body.stockGroup {
            if let group = try await NestedMaster.stockGroups.find(ref, company: row.company_id, on: db) { row.stock_group_id = group.id }
            else { errors.append(.init(field: "stockGroup", message: "no stock group '\(ref)' in this company")) }
        }

        var rate: ItemRateRow?
        let taxability = Taxability(rawValue: row.taxability) ?? .taxable
        if body.gstRate != nil || body.cessRate != nil || body.cessPerUnit != nil || creating {
            let from = try body.rateFrom.flatMap(CalendarDate.init) ?? (CalendarDate(stored: company.booksBeginning))
            var gst = TaxRate.zero, cess = TaxRate.zero
            if let raw = body.gstRate {
                do { gst = try TaxRate(parsing: raw) } catch { errors.append(.init(field: "gstRate", message: error.description)) }
                if taxability != .taxable, gst != .zero { errors.append(.init(field: "gstRate", message: "must be 0 for a \(taxability.rawValue) item")) }
                if !TaxRate.isAllowed(gst, on: from) { errors.append(.init(field: "gstRate", message: "\(gst)% is not a GST rate on \(from)")) }
            } else if taxability == .taxable {
                errors.append(.init(field: "gstRate", message: "is required for a taxable item"))
            }
            if let raw = body.cessRate {
                do { cess = try TaxRate(parsing: raw) } catch { errors.append(.init(field: "cessRate", message: error.description)) }
            }
            var perUnit: Int64 = 0
            if let raw = body.cessPerUnit {
                do {
                    perUnit = try Money(parsing: raw).paise
                    if perUnit < 0 { errors.append(.init(field: "cessPerUnit", message: "must not be negative")) }
                } catch { errors.append(.init(field: "cessPerUnit", message: error.description)) }
                if perUnit != 0 && (row.kind == "service" || HSNCode.isService(row.hsn)) {
                    errors.append(.init(field: "cessPerUnit", message: "specific cess is charged per unit of goods, not on services"))
                }
                if perUnit != 0 && taxability != .taxable { errors.append(.init(field: "cessPerUnit", message: "must be 0 for a \(taxability.rawValue) item")) }
            }
            rate = ItemRateRow(item_id: row.id, company_id: row.company_id, from_date: from.description, rate_milli: gst.milli, cess_milli: cess.milli,
                               cess_per_unit_paise: perUnit)
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return rate
    }
}

enum ItemController {
    @Sendable static func list(req: Request) async throws -> Page<ItemDTO> {
        let company = try req.company.companyID
        let rows = try await req.db.sql().raw("SELECT * FROM items WHERE company_id = \(bind: company) ORDER BY name_key").all(decoding: ItemRow.self)
        let rates = try await Items.rates(company: company, on: req.db)
        return try OffsetPaging(req).page(rows.map { ItemDTO($0, rates: rates[$0.id] ?? [], on: Format.today()) })
    }

    @Sendable static func show(req: Request) async throws -> ItemDTO {
        let company = try req.company.companyID
        guard let row = try await Items.find(req.parameters.get("item") ?? "", company: company, on: req.db) else { throw APIError.notFound("Item") }
        var dto = ItemDTO(row, rates: try await Items.rates(company: company, items: [row.id], on: req.db)[row.id] ?? [], on: Format.today())
        let bom = try await BillsOfMaterials.lines(of: row.id, on: req.db)
        if !bom.isEmpty {
            dto.billOfMaterials = bom.map { .init(item: $0.component_id.uuidString.lowercased(), quantity: Quantity(thousandths: $0.quantity_milli).description) }
        }
        return dto
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(ItemRequest.self, schema: ItemRequest.createSchema)
        let context = try req.company
        let actor = req.auditActor
        let dto = try await req.write { db in try await insert(body, context: context, actor: actor, on: db) }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    /// Creating an item from the API or the items page.
    static func insert(_ body: ItemRequest, context: CompanyContext, actor: AuditActor, on db: any Database) async throws -> ItemDTO {
        let company = try await CompanyController.find(context, on: db)
        var row = ItemRow(id: UUID(), company_id: context.companyID, name: "", name_key: "", hsn: "", unit: "", kind: "goods",
                          taxability: Taxability.taxable.rawValue, active: true)
        let rate = try await Items.apply(body, to: &row, creating: true, company: company, on: db)
        if try await Items.find(row.name, company: context.companyID, on: db) != nil {
            throw APIError.validation(field: "name", "an item named '\(row.name)' already exists")
        }
        try await db.sql().insert(into: "items").model(row).run()
        if let rate { try await db.sql().insert(into: "item_rates").model(rate).run() }
        if let bom = body.billOfMaterials {
            try await BillsOfMaterials.save(try await BillsOfMaterials.check(bom, item: row, on: db), item: row, actor: actor, on: db)
        }
        try await ItemStock.recordOpening(body.openingStock ?? [], item: row, company: company, on: db)
        let dto = ItemDTO(row, rates: rate.map { [$0] } ?? [], on: Format.today())
        try await AuditLog.append(AuditEvent(companyID: context.companyID, action: "item.create", entityType: "item",
                                             entityID: row.id.uuidString.lowercased(), after: try JSONValue(encoding: dto)), by: actor, on: db)
        return dto
    }

    /// A new rate with `rateFrom` joins the history; a rate for a date already there corrects that entry.
    @Sendable static func update(req: Request) async throws -> ItemDTO {
        let body = try req.decodeBody(ItemRequest.self)
        let context = try req.company
        let reference = req.parameters.get("item") ?? ""
        let actor = req.auditActor
        return try await req.write { db in try await update(reference, with: body, context: context, actor: actor, on: db) }
    }

    static func update(_ reference: String, with body: ItemRequest, context: CompanyContext, actor: AuditActor, on db: any Database) async throws -> ItemDTO {
        let company = try await CompanyController.find(context, on: db)
        guard var row = try await Items.find(reference, company: context.companyID, on: db) else { throw APIError.notFound("Item") }
        let before = ItemDTO(row, rates: try await Items.rates(company: context.companyID, items: [row.id], on: db)[row.id] ?? [], on: Format.today())
        let oldKey = row.name_key
        let rate = try await Items.apply(body, to: &row, creating: false, company: company, on: db)
        if row.name_key != oldKey, try await Items.find(row.name, company: context.companyID, on: db) != nil {
            throw APIError.validation(field: "name", "an item named '\(row.name)' already exists")
        }
        let sql = db.sql()
        try await sql.update("items").set(model: row).where("id", .equal, row.id).run()
        if let bom = body.billOfMaterials {
            try await BillsOfMaterials.save(try await BillsOfMaterials.check(bom, item: row, on: db), item: row, actor: actor, on: db)
        }
        if let rate {
            // Correcting the rate of a date already in the history changes that entry (audited); nothing is removed.
            try await sql.insert(into: "item_rates").model(rate).onConflict(with: ["item_id", "from_date"]) {
                $0.set(excludedValueOf: "rate_milli").set(excludedValueOf: "cess_milli").set(excludedValueOf: "cess_per_unit_paise")
            }.run()
        }
        let after = ItemDTO(row, rates: try await Items.rates(company: context.companyID, items: [row.id], on: db)[row.id] ?? [], on: Format.today())
        try await AuditLog.append(AuditEvent(companyID: context.companyID, action: "item.update", entityType: "item",
                                             entityID: row.id.uuidString.lowercased(), before: try JSONValue(encoding: before),
                                             after: try JSONValue(encoding: after)), by: actor, on: db)
        return after
    }
}
