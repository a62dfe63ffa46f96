import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import TallyXML

/// The stock side of the export: vouchers that moved stock go out in invoice view (the goods ledger's amount moved
/// into the stock lines' accounting allocations, reference §5.3), stock journals as Tally stock journals, orders
/// and notes as Tally's order and note vouchers. Every stock line is built from the movements we recorded, so an
/// import of the file moves the same quantities through the same godowns and batches.
extension TallyExporter {
    /// One recorded movement, with what the export needs beside it. `billed` is the line's taxable value when an
    /// invoice of ours moved it (an outward movement's own value is its cost, not what it sold for).
    struct StockRow {
        var owner: UUID; var line_no: Int; var item: String; var unit: String; var godown: String; var batch: String?
        var expires_on: String?; var manufactured_on: String?; var quantity_milli: Int64; var value_paise: Int64; var billed: Int64?

        init(_ r: any BulkRows.Row) throws {
            owner = try r.uuid("owner"); line_no = Int(try r.int("line_no")); item = try r.string("item"); unit = try r.string("unit")
            godown = try r.string("godown"); batch = try r.optionalString("batch"); expires_on = try r.optionalString("expires_on")
            manufactured_on = try r.optionalString("manufactured_on"); quantity_milli = try r.int("quantity_milli"); value_paise = try r.int("value_paise")
            billed = try r.optionalInt("billed")
        }
    }

    static let stockColumns: SQLQueryString = """
        m.line_no, it.name AS item, it.unit, g.name AS godown, b.name AS batch, b.expires_on, b.manufactured_on, m.quantity_milli, m.value_paise
        """
    static let stockJoins: SQLQueryString = """
        JOIN items it ON it.id = m.item_id JOIN godowns g ON g.id = m.godown_id LEFT JOIN stock_batches b ON b.id = m.batch_id
        """

    /// The movements of these vouchers: imported ones moved stock under the voucher, our invoices under the invoice.
    static func voucherStock(_ ids: [UUID], on db: any Database) async throws -> [UUID: [StockRow]] {
        let rows = try await BulkRows.all("""
            SELECT m.source_id AS owner, \(stockColumns), CAST(NULL AS BIGINT) AS billed, m.seq FROM stock_movements m \(stockJoins)
            WHERE m.source_kind = 'tally-voucher' AND m.active = \(bind: true) AND m.source_id IN (\(binds: ids))
            UNION ALL
            SELECT i.voucher_id AS owner, \(stockColumns), il.taxable_paise AS billed, m.seq FROM invoices i
            JOIN stock_movements m ON m.source_id = i.id AND m.source_kind = 'invoice' AND m.active = \(bind: true) \(stockJoins)
            LEFT JOIN invoice_lines il ON il.invoice_id = i.id AND il.line_no = m.line_no
            WHERE i.voucher_id IN (\(binds: ids))
            ORDER BY line_no, seq
            """, on: db, StockRow.init)
        return Dictionary(grouping: rows, by: \.owner)
    }

    /// The movements of stock journals or notes, by their id.
    static func sourceStock(_ ids: [UUID], on db: any Database) async throws -> [UUID: [StockRow]] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(grouping: try await BulkRows.all("""
            SELECT m.source_id AS owner, \(stockColumns), CAST(NULL AS BIGINT) AS billed FROM stock_movements m \(stockJoins)
            WHERE m.active = \(bind: true) AND m.source_id IN (\(binds: ids)) ORDER BY m.line_no, m.seq
            """, on: db, StockRow.init), by: \.owner)
    }

    /// Stock lines from movements: one per line, item and direction, a batch allocation per movement. The line's
    /// amount is what came in, what an invoice billed, or (`known` false) the issue's cost for want of better.
    static func inventoryEntries(_ rows: [StockRow], inList: String, outList: String) throws -> [(entry: TallyInventoryEntry, known: Bool, line: Int)] {
        var order: [String] = []
        var groups: [String: [StockRow]] = [:]
        for r in rows {
            let key = "\(r.line_no)|\(r.item)|\(r.quantity_milli > 0)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(r)
        }
        return try order.map { key in
            let parts = groups[key] ?? []
            let inward = parts[0].quantity_milli > 0, unit = parts[0].unit
            let quantity = try Checked.sum(parts.map { Int64(clamping: $0.quantity_milli.magnitude) })
            let cost = try Checked.sum(parts.map { Int64(clamping: $0.value_paise.magnitude) })
            let known = inward || parts[0].billed != nil
            let amount = inward ? cost : parts[0].billed ?? cost
            var e = TallyInventoryEntry(list: inward ? inList : outList, item: parts[0].item, inward: inward, rate: nil, amount: nil,
                                        quantity: TallyQuantity(thousandths: quantity, unit: unit))
            e.batches = parts.map { p in
                var b = TallyBatchAllocation(godown: p.godown, batch: p.batch, amount: nil, actualQuantity: TallyQuantity(thousandths: abs(p.quantity_milli), unit: unit))
                b.expiresOn = p.expires_on.flatMap(CalendarDate.init).map(CalendarDateText.init)
                b.manufacturedOn = p.manufactured_on.flatMap(CalendarDate.init).map(CalendarDateText.init)
                return b
            }
            try setAmount(&e, amount, inward ? parts.map(\.value_paise) : nil)
            return (e, known, parts[0].line_no)
        }
    }

    /// A stock line's amount in Tally's sign (stock in is a debit, negative), its rate, and its batches' shares
    /// (their own values when given, else by quantity with the last taking the remainder).
    static func setAmount(_ e: inout TallyInventoryEntry, _ amount: Int64, _ values: [Int64]? = nil) throws {
        let sign: Int64 = e.isInward ? -1 : 1
        let quantity = e.actualQuantity?.thousandths ?? 0
        e.amount = sign * amount
        e.rate = quantity == 0 ? nil : TallyRate(paise: try Checked.multiplyDivideTruncating(amount, 1_000, by: quantity), unit: e.actualQuantity?.unit ?? "")
        var left = amount
        for i in e.batches.indices {
            let share = try values.map { Int64(clamping: $0[i].magnitude) } ?? (i == e.batches.count - 1 ? left : quantity == 0 ? 0 : Checked.multiplyDivideTruncating(amount, e.batches[i].actualQuantity?.thousandths ?? 0, by: quantity))
            e.batches[i].amount = sign * share
            left = try Checked.subtract(left, share)
        }
    }

    /// Tally's invoice view of a voucher that moved stock: each stock line takes its amount out of the goods ledger
    /// lines (income or expense ledgers on the line's side) as accounting allocations, and only what is left of
    /// those lines stays a ledger entry, so the voucher's postings are the same amounts on the same ledgers.
    static func invoiceView(_ v: inout TallyVoucher, stock: [StockRow], revenue: [Bool]) throws {
        var lines = try inventoryEntries(stock, inList: "ALLINVENTORYENTRIES.LIST", outList: "ALLINVENTORYENTRIES.LIST")
        guard !lines.isEmpty else { return }
        var left = v.ledgerEntries.map(\.amount)
        func goods(_ j: Int, outward: Bool) -> Bool { revenue[j] && (outward ? left[j] > 0 : left[j] < 0) }
        // Lines whose sale value we do not keep (imported sales) share the largest goods line of their side by quantity.
        for outward in [true, false] {
            let unknown = lines.indices.filter { !lines[$0].known && lines[$0].entry.isInward != outward }
            guard !unknown.isEmpty, let pool = v.ledgerEntries.indices.filter({ goods($0, outward: outward) }).max(by: { abs(left[$0]) < abs(left[$1]) }) else { continue }
            let total = try Checked.sum(unknown.map { lines[$0].entry.actualQuantity?.thousandths ?? 0 })
            var rest = Int64(clamping: left[pool].magnitude)
            for (n, i) in unknown.enumerated() {
                let share = n == unknown.count - 1 || total == 0 ? rest
                    : try Checked.multiplyDivideTruncating(Int64(clamping: left[pool].magnitude), lines[i].entry.actualQuantity?.thousandths ?? 0, by: total)
                try setAmount(&lines[i].entry, share)
                rest = try Checked.subtract(rest, share)
            }
        }
        for i in lines.indices {
            let outward = !lines[i].entry.isInward, sign: Int64 = outward ? 1 : -1
            var need = abs(lines[i].entry.amount ?? 0)
            for j in v.ledgerEntries.indices where need > 0 && goods(j, outward: outward) {
                let take = min(need, abs(left[j]))
                lines[i].entry.accountingAllocations.append(TallyLedgerEntry(ledger: v.ledgerEntries[j].ledger, amount: sign * take))
                left[j] -= sign * take
                need -= take
            }
        }
        v.ledgerEntries = v.ledgerEntries.indices.compactMap { j in
            guard left[j] != 0 || v.ledgerEntries[j].amount == 0 else { return nil }
            var e = v.ledgerEntries[j]
            e.amount = left[j]
            return e
        }
        v.inventoryEntries = lines.map(\.entry)
        v.ledgerList = "LEDGERENTRIES.LIST"
        v.isInvoice = true
    }

    /// Where a voucher goes among others of its day, so an import finds the stock it issues: orders first, then
    /// what only brings stock in, then the rest, then what only takes it out.
    static func rank(_ v: TallyVoucher) -> Int {
        let ins = v.inventoryEntries.contains(where: \.isInward), outs = v.inventoryEntries.contains { !$0.isInward }
        return ins && !outs ? 1 : outs && !ins ? 3 : 2
    }

    /// Active stock journals of the range, as Tally stock journals (moves out, moves in).
    static func stockJournals(company: UUID, from: CalendarDate, to: CalendarDate, on db: any Database) async throws -> [Exported] {
        struct J: Decodable { var id: UUID; var number: Int64; var date: String; var narration: String? }
        let rows = try await db.sql().raw("""
            SELECT id, number, date, narration FROM stock_journals WHERE company_id = \(bind: company) AND active = \(bind: true)
              AND date >= \(bind: from.description) AND date <= \(bind: to.description) ORDER BY date, number
            """).all(decoding: J.self)
        guard !rows.isEmpty else { return [] }
        let links = try await TallyLinks.byEntity(company: company, kind: "stock-journal", on: db)
        let stock = try await sourceStock(rows.map(\.id), on: db)
        return try rows.compactMap { r in
            var v = TallyVoucher(typeName: "Stock Journal", date: (try CalendarDate(stored: r.date)), number: "SJ-\(r.number)")
            v.guid = links[r.id]?.guid ?? r.id.uuidString.lowercased()
            v.remoteID = v.guid
            v.view = "Consumption Voucher View"
            v.narration = r.narration
            v.inventoryEntries = try inventoryEntries(stock[r.id] ?? [], inList: "INVENTORYENTRIESIN.LIST", outList: "INVENTORYENTRIESOUT.LIST").map(\.entry)
            return v.inventoryEntries.isEmpty ? nil : Exported(id: r.id, date: r.date, number: v.number ?? "", node: v, rank: rank(v))
        }
    }

    /// Active orders and notes of the range. An order's lines carry its number (`ORDERNO`) and due date; a note's
    /// batches are its movements and name the order it fulfils.
    static func tradeDocuments(company: UUID, from: CalendarDate, to: CalendarDate, on db: any Database) async throws -> [Exported] {
        struct D: Decodable { var id: UUID; var kind: String; var number: Int64; var date: String; var party: String; var order_id: UUID?; var narration: String? }
        let sql = db.sql()
        let rows = try await sql.raw("""
            SELECT d.id, d.kind, d.number, d.date, l.name AS party, d.order_id, d.narration FROM trade_documents d JOIN ledgers l ON l.id = d.party_ledger_id
            WHERE d.company_id = \(bind: company) AND d.active = \(bind: true) AND d.date >= \(bind: from.description) AND d.date <= \(bind: to.description)
            ORDER BY d.date, d.number
            """).all(decoding: D.self)
        guard !rows.isEmpty else { return [] }
        var links: [UUID: TallyLinkRow] = [:]
        for kind in TradeKind.allCases { links.merge(try await TallyLinks.byEntity(company: company, kind: kind.rawValue, on: db)) { a, _ in a } }
        // An order's number as this export writes it, for the notes that name it (the order may be outside the range).
        struct O: Decodable { var id: UUID; var kind: String; var number: Int64 }
        let orderIDs = Array(Set(rows.compactMap(\.order_id) + rows.filter { TradeKind(rawValue: $0.kind)?.stockSign == 0 }.map(\.id)))
        let orders = orderIDs.isEmpty ? [] : try await sql.raw("SELECT id, kind, number FROM trade_documents WHERE id IN (\(binds: orderIDs))").all(decoding: O.self)
        func number(_ id: UUID, _ kind: String, _ n: Int64) -> String {
            links[id].map(\.name).flatMap { $0.isEmpty ? nil : $0 } ?? "\(["sales-order": "SO", "purchase-order": "PO", "delivery-note": "DN"][kind] ?? "RN")-\(n)"
        }
        let orderNumbers = Dictionary(uniqueKeysWithValues: orders.map { ($0.id, number($0.id, $0.kind, $0.number)) })
        struct L: Decodable { var document_id: UUID; var line_no: Int; var item: String; var unit: String; var quantity_milli: Int64; var rate_paise: Int64
            var due_date: String?; var entered_quantity_milli: Int64? }
        let lines = Dictionary(grouping: try await sql.raw("""
            SELECT l.document_id, l.line_no, i.name AS item, i.unit, l.quantity_milli, l.rate_paise, l.due_date, l.entered_quantity_milli
            FROM trade_document_lines l JOIN items i ON i.id = l.item_id WHERE l.document_id IN (\(binds: rows.map(\.id))) ORDER BY l.line_no
            """).all(decoding: L.self), by: \.document_id)
        let stock = try await sourceStock(rows.filter { TradeKind(rawValue: $0.kind)?.stockSign != 0 }.map(\.id), on: db)
        return try rows.compactMap { r in
            guard let kind = TradeKind(rawValue: r.kind) else { return nil }
            var v = TallyVoucher(typeName: kind.title.capitalized, date: (try CalendarDate(stored: r.date)), number: number(r.id, r.kind, r.number))
            v.guid = links[r.id]?.guid ?? r.id.uuidString.lowercased()
            v.remoteID = v.guid
            v.view = "Invoice Voucher View"
            v.isInvoice = true
            v.partyLedger = r.party
            v.narration = r.narration
            let docLines = lines[r.id] ?? []
            if kind.stockSign == 0 {
                v.inventoryEntries = try docLines.map { l in
                    let amount = try Quantity(thousandths: l.entered_quantity_milli ?? l.quantity_milli).times(l.rate_paise)
                    var e = TallyInventoryEntry(item: l.item, inward: kind == .purchaseOrder, rate: nil, amount: nil,
                                                quantity: TallyQuantity(thousandths: l.quantity_milli, unit: l.unit))
                    var b = TallyBatchAllocation(godown: nil, batch: nil, amount: nil, actualQuantity: e.actualQuantity)
                    b.orderNumber = v.number
                    b.orderDueDate = l.due_date.flatMap(CalendarDate.init).map(CalendarDateText.init)
                    e.batches = [b]
                    try setAmount(&e, amount)
                    return e
                }
            } else {
                let rates = Dictionary(try docLines.map { ($0.line_no, $0.quantity_milli == 0 ? 0 : try Checked.multiplyDivideTruncating(Quantity(thousandths: $0.entered_quantity_milli ?? $0.quantity_milli).times($0.rate_paise), 1_000, by: $0.quantity_milli)) },
                                       uniquingKeysWith: { a, _ in a })
                v.inventoryEntries = try inventoryEntries(stock[r.id] ?? [], inList: "ALLINVENTORYENTRIES.LIST", outList: "ALLINVENTORYENTRIES.LIST").map { line in
                    var e = line.entry
                    try setAmount(&e, Quantity(thousandths: e.actualQuantity?.thousandths ?? 0).times(rates[line.line] ?? 0))
                    for i in e.batches.indices { e.batches[i].orderNumber = r.order_id.flatMap { orderNumbers[$0] } }
                    return e
                }
            }
            return v.inventoryEntries.isEmpty ? nil : Exported(id: r.id, date: r.date, number: v.number ?? "", node: v, rank: kind.stockSign == 0 ? 0 : rank(v))
        }
    }
}
