import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import StockKit
import Vapor

struct StockMovementRow: Codable, BoundRow {
    var id: UUID
    var company_id: UUID
    var item_id: UUID
    var godown_id: UUID
    var batch_id: UUID?
    var date: String
    var seq: Int64
    var quantity_milli: Int64
    var value_paise: Int64
    var valued: Bool
    var source_kind: String
    var source_id: UUID
    var line_no: Int
    var active: Bool

    static let columns = ["id", "company_id", "item_id", "godown_id", "batch_id", "date", "seq", "quantity_milli", "value_paise", "valued",
                          "source_kind", "source_id", "line_no", "active"]
    var values: [BoundValue] {
        [.uuid(id), .uuid(company_id), .uuid(item_id), .uuid(godown_id), BoundValue(batch_id), .text(date), .int(seq), .int(quantity_milli),
         .int(value_paise), .bool(valued), .text(source_kind), .uuid(source_id), .int(Int64(line_no)), .bool(active)]
    }
}

struct StockPositionRow: Codable, Sendable {
    var company_id: UUID
    var item_id: UUID
    var date: String
    var quantity_milli: Int64
    var value_paise: Int64
    var layers: String
    var last_rate: String

    init(company: UUID, item: UUID, date: String, _ p: StockPosition) {
        company_id = company
        item_id = item
        self.date = date
        quantity_milli = p.quantity
        value_paise = p.value
        layers = p.layers.map { "\($0.quantity):\($0.value)" }.joined(separator: ";")
        last_rate = "\(p.lastRate.value):\(p.lastRate.quantity)"
    }

    func position(_ method: ValuationMethod) -> StockPosition {
        func pair(_ s: Substring) -> (Int64, Int64) {
            let parts = s.split(separator: ":")
            return parts.count == 2 ? (Int64(parts[0]) ?? 0, Int64(parts[1]) ?? 0) : (0, 0)
        }
        let rate = pair(Substring(last_rate))
        return StockPosition(method: method, quantity: quantity_milli, value: value_paise,
                             layers: method == .fifo ? layers.split(separator: ";").map { let (q, v) = pair($0); return .init(quantity: q, value: v) } : [],
                             lastRate: (rate.0, rate.1))
    }
}

/// Stock movements and the valuation kept beside them. Quantities are per item, godown and batch; value is per
/// item (as Tally keeps it), held as the item's position at the end of each day it moved.
enum Stock {
    /// A movement about to be recorded. `field` names the request field to blame when it is refused.
    struct Movement {
        var item: ItemRow
        var godown: GodownRow
        var batch: BatchRow?
        var date: CalendarDate
        /// Signed thousandths: + in, − out.
        var quantity: Int64
        /// Receipts: their cost in paise.
        var value: Int64 = 0
        /// False for transfers, which move quantity between godowns and leave the item's value alone.
        var valued = true
        var lineNo: Int
        var field: String
    }

    static func method(_ item: ItemRow) -> ValuationMethod { ValuationMethod(rawValue: item.valuation_method) ?? .weightedAverage }

    /// The key of "no batch" in `stock_balances` (a unique key needs a value; NULLs never conflict).
    static let noBatch = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    struct Place: Hashable { var item: UUID, godown: UUID, batch: UUID? }
    struct BalanceRow: Decodable { var item_id: UUID; var godown_id: UUID; var batch_key: UUID; var quantity_milli: Int64; var last_date: String
        var place: Place { Place(item: item_id, godown: godown_id, batch: batch_key == Stock.noBatch ? nil : batch_key) } }

    /// Quantity of an item in a godown (and batch, for batch-wise items) at the end of `date`: the place's running
    /// balance when nothing moved there after `date` (the usual case), else the sum of its movements up to then.
    static func available(item: UUID, godown: UUID, batch: UUID?, on date: CalendarDate, db: any Database) async throws -> Int64 {
        let balance = try await db.sql().raw("""
            SELECT * FROM stock_balances WHERE item_id = \(bind: item) AND godown_id = \(bind: godown) AND batch_key = \(bind: batch ?? noBatch)
            """).first(decoding: BalanceRow.self)
        guard let balance else { return 0 }
        if balance.last_date <= date.description { return balance.quantity_milli }
        return try await summed(item: item, godown: godown, batch: batch, on: date, db: db)
    }

    /// The same from the movements themselves.
    static func summed(item: UUID, godown: UUID, batch: UUID?, on date: CalendarDate, db: any Database) async throws -> Int64 {
        struct Sum: Decodable { var q: Int64? }
        let batchClause: SQLQueryString = batch.map { "AND batch_id = \(bind: $0)" } ?? "AND batch_id IS NULL"
        return try await db.sql().raw("""
            SELECT CAST(SUM(quantity_milli) AS BIGINT) AS q FROM stock_movements
            WHERE item_id = \(bind: item) AND godown_id = \(bind: godown) \(batchClause) AND active = \(bind: true) AND date <= \(bind: date.description)
            """).first(decoding: Sum.self)?.q ?? 0
    }

    /// Adds movements to their places' running balances (negative quantities take them out again).
    struct BalanceChange: Encodable, BoundRow {
        var company_id: UUID; var item_id: UUID; var godown_id: UUID; var batch_key: UUID; var quantity_milli: Int64; var last_date: String
        static let columns = ["company_id", "item_id", "godown_id", "batch_key", "quantity_milli", "last_date"]
        var values: [BoundValue] { [.uuid(company_id), .uuid(item_id), .uuid(godown_id), .uuid(batch_key), .int(quantity_milli), .text(last_date)] }
    }

    static func addToBalances(_ rows: [StockMovementRow], on sql: any SQLDatabase) async throws {
        var changes: [Place: BalanceChange] = [:]
        for r in rows {
            let place = Place(item: r.item_id, godown: r.godown_id, batch: r.batch_id)
            var c = changes[place] ?? BalanceChange(company_id: r.company_id, item_id: r.item_id, godown_id: r.godown_id, batch_key: r.batch_id ?? noBatch,
                                             quantity_milli: 0, last_date: r.date)
            c.quantity_milli += r.quantity_milli
            c.last_date = max(c.last_date, r.date)
            changes[place] = c
        }
        try await BoundRows.upsert(Array(changes.values), into: "stock_balances", conflict: ["item_id", "godown_id", "batch_key"], update: [
            ("quantity_milli", "stock_balances.quantity_milli + excluded.quantity_milli"),
            ("last_date", "CASE WHEN excluded.last_date > stock_balances.last_date THEN excluded.last_date ELSE stock_balances.last_date END"),
        ], on: sql)
    }

    /// Records movements of one source (an invoice, a stock journal, an item's opening stock) and revalues every
    /// item they touch from the earliest date touched. Issues beyond the stock on hand are refused, each naming
    /// the item, godown, batch and what is available, unless the company allows negative stock.
    static func record(_ moves: [Movement], sourceKind: String, sourceID: UUID, company: Company, on db: any Database) async throws {
        try await record([(moves, sourceID)], sourceKind: sourceKind, company: company, on: db)
    }

    /// Movements of several sources at once (a chunk of vouchers imported from Tally): checked in order as if
    /// recorded one after another, written with one statement, and each item revalued once from its earliest date.
    static func record(_ sources: [(moves: [Movement], sourceID: UUID)], sourceKind: String, company: Company, on db: any Database) async throws {
        let all = sources.flatMap { s in s.moves.map { (move: $0, source: s.sourceID) } }
        guard !all.isEmpty else { return }
        let moves = all.map(\.move)
        let companyID = try company.requireID()
        try await lock(items: moves.map(\.item.id), on: db.sql())
        if !company.allowNegativeStock {
            var errors: [APIError.FieldError] = []
            var pending: [Place: Int64] = [:]  // what earlier lines (of this source, or of the sources before it) took or brought
            let issuing = Array(Set(moves.filter { $0.quantity < 0 }.map(\.item.id)))
            let balances = issuing.isEmpty ? [:] : Dictionary(try await db.sql().raw("""
                SELECT * FROM stock_balances WHERE item_id IN (\(binds: issuing))
                """).all(decoding: BalanceRow.self).map { ($0.place, $0) }, uniquingKeysWith: { a, _ in a })
            for m in moves {
                let place = Place(item: m.item.id, godown: m.godown.id, batch: m.batch?.id)
                defer { pending[place, default: 0] += m.quantity }
                guard m.quantity < 0 else { continue }
                var stock: Int64 = 0
                if let b = balances[place] {
                    stock = b.last_date <= m.date.description ? b.quantity_milli : try await summed(item: m.item.id, godown: m.godown.id, batch: m.batch?.id, on: m.date, db: db)
                }
                let have = stock + pending[place, default: 0]
                if have + m.quantity < 0 {
                    let batch = m.batch.map { " batch \($0.name)," } ?? ""
                    errors.append(.init(field: m.field + ".quantity", message: "only \(Quantity(thousandths: max(have, 0)).description) of '\(m.item.name)' in \(m.godown.name),\(batch) on \(m.date); \(Quantity(thousandths: -m.quantity).description) asked"))
                }
            }
            guard errors.isEmpty else { throw APIError.validation(errors) }
        }
        let sql = db.sql()
        // Movements are ordered by (date, seq): seq only has to grow within the item's day. One query finds where
        // each (item, day) of the batch stands. Two PostgreSQL transactions posting the same item and day at once
        // may read the same maximum; replays then break the tie by id, so every replay orders them the same way.
        struct Max: Decodable { var item_id: UUID; var date: String; var s: Int64? }
        var seqs: [String: Int64] = [:]
        for m in try await sql.raw("""
            SELECT item_id, date, MAX(seq) AS s FROM stock_movements
            WHERE item_id IN (\(binds: Array(Set(moves.map(\.item.id))))) AND date IN (\(binds: Array(Set(moves.map(\.date.description)))))
            GROUP BY item_id, date
            """).all(decoding: Max.self) { seqs["\(m.item_id)|\(m.date)"] = m.s ?? 0 }
        var rows: [StockMovementRow] = []
        for (m, source) in all {
            let day = "\(m.item.id)|\(m.date)"
            seqs[day, default: 0] += 1
            rows.append(StockMovementRow(id: .timeOrdered(), company_id: companyID, item_id: m.item.id, godown_id: m.godown.id, batch_id: m.batch?.id,
                                         date: m.date.description, seq: seqs[day]!, quantity_milli: m.quantity, value_paise: m.quantity > 0 ? m.value : 0,
                                         valued: m.valued, source_kind: sourceKind, source_id: source, line_no: m.lineNo, active: true))
        }
        try await VoucherPosting.insert(rows, into: "stock_movements", on: sql)
        try await addToBalances(rows, on: sql)
        let touched = Dictionary(grouping: moves, by: \.item.id)
        let latest = try await advance(items: touched.values.map { $0[0].item }, with: rows, on: db)
        for (id, group) in touched {
            try await noticeLowStock(group[0].item, change: group.filter(\.valued).reduce(0) { $0 + $1.quantity }, now: latest[id]?.quantity ?? 0, on: db)
        }
    }

    /// A notice when this change took the item from above its reorder level to at or below it: once per crossing,
    /// not on every sale while it stays low.
    static func noticeLowStock(_ item: ItemRow, change: Int64, now quantity: Int64, on db: any Database) async throws {
        guard let level = item.reorder_level_milli, change < 0, quantity <= level, quantity - change > level else { return }
        try await Notifications.raise(company: item.company_id, kind: "low-stock", key: "low-stock:\(item.id.uuidString.lowercased()):\(UUID().uuidString.lowercased())",
                                      title: "\(item.name) is at its reorder level",
                                      body: "\(Quantity(thousandths: max(quantity, 0))) left; reorder level \(Quantity(thousandths: level)).",
                                      link: "reports/reorder", on: db)
    }

    /// On PostgreSQL, holds the items' rows until commit (in id order, so two posts cannot deadlock): two
    /// transactions moving one item then take turns, and each checks stock against, and moves positions forward
    /// from, what the other committed. SQLite's single writer already serialises them.
    private static func lock(items: [UUID], on sql: any SQLDatabase) async throws {
        guard sql.dialect.name == "postgresql", !items.isEmpty else { return }
        try await sql.raw("SELECT id FROM items WHERE id IN (\(binds: Array(Set(items)))) ORDER BY id FOR UPDATE").run()
    }

    /// Takes a source's movements out of stock (a cancelled invoice or journal) and revalues their items.
    static func deactivate(source: UUID, on db: any Database) async throws {
        let sql = db.sql()
        let leaving = try await sql.raw("SELECT * FROM stock_movements WHERE source_id = \(bind: source) AND active = \(bind: true)").all(decoding: StockMovementRow.self)
        guard let from = leaving.compactMap({ CalendarDate($0.date) }).min() else { return }
        try await lock(items: leaving.map(\.item_id), on: sql)
        try await sql.update("stock_movements").set("active", to: false).where("source_id", .equal, source).run()
        try await addToBalances(leaving.map { var r = $0; r.quantity_milli = -r.quantity_milli; return r }, on: sql)
        let items = try await sql.select().column("*").from("items").where("id", .in, Array(Set(leaving.map(\.item_id)))).all(decoding: ItemRow.self)
        try await revalue(items: items, from: from, on: db)
    }

    /// The item's position at the end of `date` (empty before its first movement).
    static func position(_ item: ItemRow, asOf date: CalendarDate, on db: any Database) async throws -> StockPosition {
        try await db.sql().raw("""
            SELECT * FROM stock_positions WHERE item_id = \(bind: item.id) AND date <= \(bind: date.description) ORDER BY date DESC LIMIT 1
            """).first(decoding: StockPositionRow.self)?.position(method(item)) ?? StockPosition(method: method(item))
    }

    /// Replays the item's valued movements from `from` onward, starting at its position the day before, and
    /// rewrites its daily positions from that date. The work is the item's movements since `from`: a backdated
    /// purchase never touches other items or earlier days. Returns how many movements were replayed.
    @discardableResult
    static func revalue(item: ItemRow, from: CalendarDate, on db: any Database) async throws -> Int {
        try await revalue(items: [item], from: from, on: db).replayed
    }

    /// The same for several items from one day, in four statements whatever their number (a posting's lines, a
    /// chunk of imported vouchers). Returns how many movements were replayed and each item's latest position.
    @discardableResult
    static func revalue(items: [ItemRow], from: CalendarDate, on db: any Database) async throws -> (replayed: Int, latest: [UUID: StockPosition]) {
        guard !items.isEmpty else { return (0, [:]) }
        let sql = db.sql()
        let ids = items.map(\.id)
        let starts = Dictionary(try await sql.raw("""
            SELECT p.* FROM stock_positions p WHERE p.item_id IN (\(binds: ids)) AND p.date = (
                SELECT MAX(q.date) FROM stock_positions q WHERE q.item_id = p.item_id AND q.date <= \(bind: from.adding(days: -1).description))
            """).all(decoding: StockPositionRow.self).map { ($0.item_id, $0) }, uniquingKeysWith: { a, _ in a })
        let replays = Dictionary(uniqueKeysWithValues: items.map { item in
            (item.id, Replay(start: starts[item.id]?.position(method(item)) ?? StockPosition(method: method(item)), company: item.company_id, item: item.id))
        })
        try await BulkRows.stream("""
            SELECT item_id, date, quantity_milli, value_paise FROM stock_movements
            WHERE item_id IN (\(binds: ids)) AND active = \(bind: true) AND valued = \(bind: true) AND date >= \(bind: from.description)
            ORDER BY item_id, date, seq, id
            """, on: db) { row in try replays[row.uuid("item_id")]?.add(date: row.string("date"), quantity: row.int("quantity_milli"), value: row.int("value_paise")) }
        for r in replays.values { r.finish() }
        try await sql.delete(from: "stock_positions").where("item_id", .in, ids).where("date", .greaterThanOrEqual, from.description).run()
        try await VoucherPosting.insert(replays.values.flatMap(\.positions), into: "stock_positions", on: sql)
        return (replays.values.reduce(0) { $0 + $1.count }, replays.mapValues(\.position))
    }

    /// Moves each item's kept position forward by its new movements `rows` (just written). New movements sort after
    /// everything already on their day (their `seq` is the day's next), so when none is dated before the item's
    /// last position, that position plus the new movements is the replay's answer: no movement is read again.
    /// Only an item with a backdated movement replays, from its earliest new day. Returns each item's latest position.
    static func advance(items: [ItemRow], with rows: [StockMovementRow], on db: any Database) async throws -> [UUID: StockPosition] {
        guard !items.isEmpty else { return [:] }
        let sql = db.sql()
        let lasts = Dictionary(try await sql.raw("""
            SELECT p.* FROM stock_positions p WHERE p.item_id IN (\(binds: items.map(\.id))) AND p.date = (
                SELECT MAX(q.date) FROM stock_positions q WHERE q.item_id = p.item_id)
            """).all(decoding: StockPositionRow.self).map { ($0.item_id, $0) }, uniquingKeysWith: { a, _ in a })
        let moving = Dictionary(grouping: rows.filter { $0.valued && $0.active }, by: \.item_id)
        var latest: [UUID: StockPosition] = [:]
        var backdated: [ItemRow] = []
        var replays: [Replay] = []
        for item in items {
            let start = lasts[item.id]?.position(method(item)) ?? StockPosition(method: method(item))
            let moves = (moving[item.id] ?? []).sorted { ($0.date, $0.seq) < ($1.date, $1.seq) }
            guard let first = moves.first else { latest[item.id] = start; continue }
            if let last = lasts[item.id], first.date < last.date { backdated.append(item); continue }
            let replay = Replay(start: start, company: item.company_id, item: item.id)
            for m in moves { try replay.add(date: m.date, quantity: m.quantity_milli, value: m.value_paise) }
            replay.finish()
            replays.append(replay)
            latest[item.id] = replay.position
        }
        if !replays.isEmpty {
            // The last day's position is rewritten when the new movements share its day; later days are new rows.
            for r in replays {
                guard let from = r.positions.first?.date else { continue }
                try await sql.delete(from: "stock_positions").where("item_id", .equal, r.item).where("date", .greaterThanOrEqual, from).run()
            }
            try await VoucherPosting.insert(replays.flatMap(\.positions), into: "stock_positions", on: sql)
        }
        if let from = backdated.isEmpty ? nil : rows.filter({ r in backdated.contains { $0.id == r.item_id } }).compactMap({ CalendarDate($0.date) }).min() {
            for (id, position) in try await revalue(items: backdated, from: from, on: db).latest { latest[id] = position }
        }
        return latest
    }

    /// Every item's kept daily positions against a replay of all its movements from the first (verify-books).
    static func positionDifferences(company: UUID? = nil, on db: any Database) async throws -> [String] {
        let sql = db.sql()
        let filter: SQLQueryString = company.map { "AND company_id = \(bind: $0)" } ?? ""
        let items = try await sql.raw("SELECT * FROM items WHERE 1 = 1 \(filter)").all(decoding: ItemRow.self)
        let replays = Dictionary(uniqueKeysWithValues: items.map { item in
            (item.id, Replay(start: StockPosition(method: method(item)), company: item.company_id, item: item.id))
        })
        try await BulkRows.stream("""
            SELECT item_id, date, quantity_milli, value_paise FROM stock_movements
            WHERE active = \(bind: true) AND valued = \(bind: true) \(filter) ORDER BY item_id, date, seq, id
            """, on: db) { row in try replays[row.uuid("item_id")]?.add(date: row.string("date"), quantity: row.int("quantity_milli"), value: row.int("value_paise")) }
        func key(_ p: StockPositionRow) -> String { "\(p.item_id)|\(p.date)|\(p.quantity_milli)|\(p.value_paise)|\(p.layers)|\(p.last_rate)" }
        let expected = Set(replays.values.flatMap { r in r.finish(); return r.positions.map(key) })
        let kept = Set(try await sql.raw("SELECT * FROM stock_positions WHERE 1 = 1 \(filter)").all(decoding: StockPositionRow.self).map(key))
        return expected.symmetricDifference(kept).sorted().prefix(10).map { p in
            "stock position \(p) is \(kept.contains(p) ? "kept but not what the movements give" : "what the movements give but not kept")"
        }
    }

    /// Positions at each day's end, built as rows stream in one at a time and read once the query has finished.
    private final class Replay: @unchecked Sendable {
        var position: StockPosition
        let company: UUID, item: UUID
        var day: String?
        var positions: [StockPositionRow] = []
        var count = 0
        init(start: StockPosition, company: UUID, item: UUID) {
            position = start
            self.company = company
            self.item = item
        }
        func add(date: String, quantity: Int64, value: Int64) throws {
            if let day, day != date { positions.append(StockPositionRow(company: company, item: item, date: day, position)) }
            day = date
            try position.apply(StockMovement(quantity: quantity, value: value))
            count += 1
        }
        func finish() {
            if let day { positions.append(StockPositionRow(company: company, item: item, date: day, position)) }
        }
    }
}
