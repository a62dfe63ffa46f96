import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import TallyXML

/// Writes the company as Tally import XML (reference §3.1): masters in dependency order, then vouchers of a date
/// range in pages, each object in its own `TALLYMESSAGE`. What came from Tally keeps its GUID; everything carries
/// a `REMOTEID` so importing it again updates instead of duplicating. Vouchers go out in Tally's accounting view,
/// or its invoice view when they moved stock; stock journals, orders and notes go too (TallyExporter+Inventory).
enum TallyExporter {
    enum What: String, CaseIterable, Sendable { case masters, vouchers, all }

    static func export(company: Company, what: What, from: CalendarDate, to: CalendarDate, on db: any Database,
                       write: (String) async throws -> Void) async throws {
        let companyID = try company.requireID()
        try await write(TallyWriter.header(what == .vouchers ? .vouchers : .allMasters, company: company.name))
        if what != .vouchers {
            for node in try await masters(company: company, on: db) { try await write(TallyWriter.message(node)) }
        }
        if what != .masters {
            // A week at a time, every kind of voucher merged by date (and within a day by `rank`), so an import of
            // the file meets stock before it is issued.
            let links = try await TallyLinks.byEntity(company: companyID, kind: "voucher", on: db)
            // Only the weeks that hold something: the range is open-ended by default.
            struct Span: Decodable { var first: String?; var last: String? }
            let spans = try await db.sql().raw("""
                SELECT MIN(date) AS first, MAX(date) AS last FROM vouchers WHERE company_id = \(bind: companyID) AND date >= \(bind: from.description) AND date <= \(bind: to.description)
                UNION ALL SELECT MIN(date), MAX(date) FROM trade_documents WHERE company_id = \(bind: companyID) AND date >= \(bind: from.description) AND date <= \(bind: to.description)
                UNION ALL SELECT MIN(date), MAX(date) FROM stock_journals WHERE company_id = \(bind: companyID) AND date >= \(bind: from.description) AND date <= \(bind: to.description)
                """).all(decoding: Span.self)
            var start = spans.compactMap { $0.first.flatMap(CalendarDate.init) }.min() ?? to.adding(days: 1)
            let last = spans.compactMap { $0.last.flatMap(CalendarDate.init) }.max() ?? from
            while start <= last {
                let end = min(start.adding(days: 6), last)
                var week: [Exported] = []
                var after: (String, String, UUID)? = nil
                while true {
                    let page = try await vouchers(company: companyID, from: start, to: end, after: after, links: links, on: db)
                    guard let last = page.last else { break }
                    week += page
                    after = (last.date, last.number, last.id)
                }
                week += try await tradeDocuments(company: companyID, from: start, to: end, on: db)
                week += try await stockJournals(company: companyID, from: start, to: end, on: db)
                let ordered = week.enumerated().sorted { ($0.element.date, $0.element.rank, $0.offset) < ($1.element.date, $1.element.rank, $1.offset) }
                for page in stride(from: 0, to: ordered.count, by: pageSize) {
                    try await write(ordered[page..<min(page + pageSize, ordered.count)].map { TallyWriter.message($0.element.node.node) }.joined())
                }
                start = end.adding(days: 1)
            }
        }
        try await write(TallyWriter.footer)
    }

    // MARK: Masters

    static func masters(company: Company, on db: any Database) async throws -> [TallyNode] {
        let companyID = try company.requireID()
        let sql = db.sql()
        var out: [TallyNode] = []
        func guid(_ links: [UUID: TallyLinkRow], _ id: UUID) -> String { links[id]?.guid ?? id.uuidString.lowercased() }

        let groupLinks = try await TallyLinks.byEntity(company: companyID, kind: "group", on: db)
        let groups = try await Chart.groups(company: companyID, on: db)
        let byID = Dictionary(uniqueKeysWithValues: groups.map { ($0.id, $0) })
        for g in parentsFirst(groups.filter { !$0.reserved && $0.active }, key: \.id, parent: \.parent_id) {
            var t = TallyGroup(header: TallyMasterHeader(name: g.name, guid: guid(groupLinks, g.id), parent: g.parent_id.flatMap { byID[$0]?.name }))
            if g.parent_id == nil {
                t.isRevenue = g.nature.isRevenue
                t.isDeemedPositive = g.nature.normalSide == .debit
                t.affectsGrossProfit = g.affects_gross_profit
            }
            out.append(t.node)
        }

        let ledgerLinks = try await TallyLinks.byEntity(company: companyID, kind: "ledger", on: db)
        struct Opening: Decodable { var ledger_id: UUID; var reference: String; var date: String; var due_date: String; var opening_paise: Int64 }
        let openings = Dictionary(grouping: try await sql.raw("""
            SELECT ledger_id, reference, date, due_date, opening_paise FROM bills WHERE company_id = \(bind: companyID) AND opening_paise <> 0 ORDER BY date, reference
            """).all(decoding: Opening.self), by: \.ledger_id)
        for l in try await Chart.ledgers(company: companyID, on: db) where l.active {
            var t = TallyLedger(header: TallyMasterHeader(name: l.name, guid: guid(ledgerLinks, l.id), parent: byID[l.group_id]?.name))
            t.openingBalance = l.opening_paise == 0 ? nil : -l.opening_paise
            t.isBillWise = l.bill_wise ? true : nil
            t.creditPeriodDays = l.credit_period_days
            t.gstin = l.gstin
            t.registrationType = l.registration_type.map { ["regular": "Regular", "composition": "Composition", "unregistered": "Unregistered",
                                                            "consumer": "Consumer", "sez": "SEZ", "overseas": "Overseas", "uin": "UIN Holders"][$0] ?? $0 }
            t.state = l.state_code.flatMap { StateCode($0) }?.name
            t.address = l.address.map { $0.split(separator: "\n").map(String.init) } ?? []
            t.pincode = l.pincode
            if let c = l.contact { t.extras.append(.leaf("LEDGERCONTACT", c)) }
            t.openingBills = try (openings[l.id] ?? []).map { b in
                let date = (try CalendarDate(stored: b.date))
                return TallyOpeningBill(name: b.reference, date: CalendarDateText(date), creditPeriodDays: CalendarDate(b.due_date).map { $0 - date },
                                        amount: -b.opening_paise)
            }
            out.append(t.node)
        }

        for row in try await sql.raw("SELECT * FROM voucher_types WHERE company_id = \(bind: companyID) AND reserved = \(bind: false) ORDER BY name")
            .all(decoding: VoucherTypeRow.self) {
            var t = TallySimpleMaster(tag: "VOUCHERTYPE", header: TallyMasterHeader(name: row.name, guid: row.id.uuidString.lowercased(), parent: row.kind.displayName))
            t.detail = row.automatic ? "Automatic" : "Manual"
            out.append(t.node)
        }

        // Units: every GST unit an item is kept in, then our compound units.
        let items = try await sql.raw("SELECT * FROM items WHERE company_id = \(bind: companyID) AND kind = 'goods' ORDER BY name").all(decoding: ItemRow.self)
        for uqc in Set(items.map(\.unit)).sorted() {
            var u = TallyUnit(header: TallyMasterHeader(name: uqc, guid: "uqc-" + uqc.lowercased()))
            u.uqc = uqc
            out.append(u.node)
        }
        for unit in try await Units.all(company: companyID, on: db) where unit.base_symbol != nil {
            var u = TallyUnit(header: TallyMasterHeader(name: unit.symbol, guid: unit.id.uuidString.lowercased()))
            u.isSimple = false
            u.baseUnit = unit.uqc
            u.additionalUnit = unit.base_symbol
            u.conversion = unit.conversion_milli
            out.append(u.node)
        }

        for (master, tag) in [(NestedMaster.godowns, "GODOWN"), (.stockGroups, "STOCKGROUP")] {
            let links = try await TallyLinks.byEntity(company: companyID, kind: tag == "GODOWN" ? "godown" : "stock-group", on: db)
            let rows = try await master.all(company: companyID, on: db)
            let names = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0.name) })
            for r in parentsFirst(rows.filter { $0.name != Godowns.main || tag != "GODOWN" }, key: \.id, parent: \.parent_id) {
                out.append(TallySimpleMaster(tag: tag, header: TallyMasterHeader(name: r.name, guid: guid(links, r.id), parent: r.parent_id.flatMap { names[$0] })).node)
            }
        }

        let itemLinks = try await TallyLinks.byEntity(company: companyID, kind: "stock-item", on: db)
        let stockGroups = Dictionary(uniqueKeysWithValues: try await NestedMaster.stockGroups.all(company: companyID, on: db).map { ($0.id, $0.name) })
        let rates = try await Items.rates(company: companyID, on: db)
        struct Opening2: Decodable { var item_id: UUID; var godown: String; var batch: String?; var expires_on: String?; var manufactured_on: String?; var quantity_milli: Int64; var value_paise: Int64 }
        let openingStock = Dictionary(grouping: try await sql.raw("""
            SELECT m.item_id, g.name AS godown, b.name AS batch, b.expires_on, b.manufactured_on, m.quantity_milli, m.value_paise
            FROM stock_movements m JOIN godowns g ON g.id = m.godown_id LEFT JOIN stock_batches b ON b.id = m.batch_id
            WHERE m.company_id = \(bind: companyID) AND m.source_kind = 'opening' AND m.active = \(bind: true) ORDER BY m.line_no
            """).all(decoding: Opening2.self), by: \.item_id)
        for item in items where item.active {
            var s = TallyStockItem(header: TallyMasterHeader(name: item.name, guid: guid(itemLinks, item.id), parent: item.stock_group_id.flatMap { stockGroups[$0] }))
            s.baseUnit = item.unit
            s.hsn = item.hsn
            s.taxability = ["taxable": "Taxable", "exempt": "Exempt", "nil-rated": "Nil Rated"][item.taxability]
            let rate = Items.schedule(rates[item.id] ?? []).entry(on: Format.today())?.rate.milli
            s.gstRateBasisPoints = rate.map { $0 / 10 }
            s.isBatchWise = item.batch_wise
            s.isPerishable = item.track_expiry
            s.costingMethod = item.valuation_method == "fifo" ? "FIFO" : "Avg. Cost"
            s.typeOfSupply = "Goods"
            s.openingBatches = (openingStock[item.id] ?? []).map { o in
                var b = TallyOpeningBatch(godown: o.godown, batch: o.batch, quantity: TallyQuantity(thousandths: o.quantity_milli, unit: item.unit),
                                          rate: TallyRate(paise: o.quantity_milli == 0 ? 0 : o.value_paise * 1_000 / o.quantity_milli, unit: item.unit), value: -o.value_paise)
                b.expiresOn = o.expires_on.flatMap(CalendarDate.init).map(CalendarDateText.init)
                b.manufacturedOn = o.manufactured_on.flatMap(CalendarDate.init).map(CalendarDateText.init)
                return b
            }
            out.append(s.node)
        }
        return out
    }

    // MARK: Vouchers

    struct Exported { var id: UUID; var date: String; var number: String; var node: TallyVoucher; var rank = 2 }

    static let pageSize = 500

    /// One page of vouchers after `after` (date, number, id), with their current entries and bill allocations.
    static func vouchers(company: UUID, from: CalendarDate, to: CalendarDate, after: (String, String, UUID)?, links: [UUID: TallyLinkRow],
                         only: UUID? = nil, on db: any Database) async throws -> [Exported] {
        let sql = db.sql()
        struct V: Decodable { var id: UUID; var type_name: String; var number: String; var date: String; var narration: String?; var reference: String?
            var status: String; var post_dated: Bool }
        let keyset: SQLQueryString = after.map { a in
            "AND (v.date > \(bind: a.0) OR (v.date = \(bind: a.0) AND (v.number > \(bind: a.1) OR (v.number = \(bind: a.1) AND v.id > \(bind: a.2)))))"
        } ?? ""
        let rows = try await BulkRows.all("""
            SELECT v.id, t.name AS type_name, v.number, v.date, v.narration, v.reference, v.status, v.post_dated
            FROM vouchers v JOIN voucher_types t ON t.id = v.voucher_type_id
            WHERE v.company_id = \(bind: company) AND v.date >= \(bind: from.description) AND v.date <= \(bind: to.description) \(keyset)
              \(only.map { "AND v.id = \(bind: $0)" } ?? "" as SQLQueryString)
            ORDER BY v.date, v.number, v.id LIMIT \(unsafeRaw: String(pageSize))
            """, on: db) { r in
            V(id: try r.uuid("id"), type_name: try r.string("type_name"), number: try r.string("number"), date: try r.string("date"),
              narration: try r.optionalString("narration"), reference: try r.optionalString("reference"), status: try r.string("status"), post_dated: try r.bool("post_dated"))
        }
        guard !rows.isEmpty else { return [] }
        let ids = rows.map(\.id)
        struct E: Decodable { var voucher_id: UUID; var line_no: Int; var ledger: String; var amount_paise: Int64; var nature: GroupNature }
        let entries = Dictionary(grouping: try await BulkRows.all("""
            SELECT e.voucher_id, e.line_no, l.name AS ledger, e.amount_paise, g.nature FROM voucher_entries e JOIN ledgers l ON l.id = e.ledger_id
            JOIN account_groups g ON g.id = l.group_id
            WHERE e.voucher_id IN (\(binds: ids)) AND e.superseded = \(bind: false) ORDER BY e.line_no
            """, on: db) { r in
            E(voucher_id: try r.uuid("voucher_id"), line_no: Int(try r.int("line_no")), ledger: try r.string("ledger"), amount_paise: try r.int("amount_paise"),
              nature: GroupNature(rawValue: try r.string("nature")) ?? .assets)
        }, by: \.voucher_id)
        struct A: Decodable { var voucher_id: UUID; var line_no: Int; var type: String; var reference: String?; var amount_paise: Int64; var due_date: String? }
        let allocations = Dictionary(grouping: try await BulkRows.all("""
            SELECT a.voucher_id, a.line_no, a.type, b.reference, a.amount_paise, b.due_date FROM bill_allocations a LEFT JOIN bills b ON b.id = a.bill_id
            WHERE a.voucher_id IN (\(binds: ids)) AND a.superseded = \(bind: false) ORDER BY a.id
            """, on: db) { r in
            A(voucher_id: try r.uuid("voucher_id"), line_no: Int(try r.int("line_no")), type: try r.string("type"), reference: try r.optionalString("reference"),
              amount_paise: try r.int("amount_paise"), due_date: try r.optionalString("due_date"))
        }, by: \.voucher_id)
        let stock = try await voucherStock(ids, on: db)
        return try rows.map { r in
            let date = (try CalendarDate(stored: r.date))
            var v = TallyVoucher(typeName: r.type_name, date: date, number: r.number)
            v.guid = links[r.id]?.guid ?? r.id.uuidString.lowercased()
            v.remoteID = v.guid
            v.narration = r.narration
            v.reference = r.reference
            v.isCancelled = r.status == "cancelled"
            v.isOptional = r.status == "optional"
            v.isPostDated = r.post_dated
            let bills = Dictionary(grouping: allocations[r.id] ?? [], by: \.line_no)
            v.ledgerEntries = (entries[r.id] ?? []).map { e in
                // Ours: debit positive. Tally's: debit negative.
                var entry = TallyLedgerEntry(ledger: e.ledger, amount: -e.amount_paise)
                entry.bills = (bills[e.line_no] ?? []).map { a in
                    let type = ["new": "New Ref", "against": "Agst Ref", "advance": "Advance"][a.type] ?? "On Account"
                    return TallyBillAllocation(name: a.reference, type: type, amount: -a.amount_paise,
                                               creditPeriodDays: a.type == "new" ? a.due_date.flatMap(CalendarDate.init).map { $0 - date } : nil)
                }
                return entry
            }
            if let moved = stock[r.id] { try invoiceView(&v, stock: moved, revenue: (entries[r.id] ?? []).map(\.nature.isRevenue)) }
            return Exported(id: r.id, date: r.date, number: r.number, node: v, rank: rank(v))
        }
    }
}
