import Fluent
import Foundation
import Ledger
import SQLKit

struct BatchRow: Codable, Sendable {
    var id: UUID
    var company_id: UUID
    var item_id: UUID
    var name: String
    var manufactured_on: String?
    var expires_on: String?

    var expiry: CalendarDate? { expires_on.flatMap(CalendarDate.init) }
}

/// Batches of batch-wise items, with manufacturing and expiry dates. A receipt names its batch (created on first
/// receipt); an issue names one or lets `proposeFEFO` pick the batches that expire first.
enum Batches {
    static func find(item: UUID, name: String, on db: any Database) async throws -> BatchRow? {
        try await db.sql().raw("SELECT * FROM stock_batches WHERE item_id = \(bind: item) AND name = \(bind: name)").first(decoding: BatchRow.self)
    }

    static func create(item: ItemRow, name: String, manufactured: CalendarDate?, expires: CalendarDate?, on db: any Database) async throws -> BatchRow {
        let row = BatchRow(id: UUID(), company_id: item.company_id, item_id: item.id, name: name, manufactured_on: manufactured?.description,
                           expires_on: expires?.description)
        try await db.sql().insert(into: "stock_batches").model(row, nilEncodingStrategy: .asNil).run()
        return row
    }

    /// First expiry, first out: the unexpired batches with stock in `godown` on `date`, earliest expiry first
    /// (batches without an expiry last), taking from each until `quantity` is covered. Returns nil when all of
    /// them together do not hold enough.
    static func proposeFEFO(item: ItemRow, godown: UUID, quantity: Int64, on date: CalendarDate, db: any Database) async throws -> [(BatchRow, Int64)]? {
        struct Row: Decodable { var batch_id: UUID; var q: Int64 }
        let stock = try await db.sql().raw("""
            SELECT batch_id, CAST(SUM(quantity_milli) AS BIGINT) AS q FROM stock_movements
            WHERE item_id = \(bind: item.id) AND godown_id = \(bind: godown) AND batch_id IS NOT NULL AND active = \(bind: true)
              AND date <= \(bind: date.description)
            GROUP BY batch_id
            """).all(decoding: Row.self).filter { $0.q > 0 }
        guard !stock.isEmpty else { return nil }
        let batches = try await db.sql().select().column("*").from("stock_batches").where("id", .in, stock.map(\.batch_id)).all(decoding: BatchRow.self)
        let usable = batches.filter { ($0.expiry ?? date) >= date }
            .sorted { ($0.expires_on ?? "9999", $0.name) < ($1.expires_on ?? "9999", $1.name) }
        var left = quantity
        var picked: [(BatchRow, Int64)] = []
        for b in usable where left > 0 {
            let take = min(left, stock.first { $0.batch_id == b.id }?.q ?? 0)
            if take > 0 { picked.append((b, take)); left -= take }
        }
        return left == 0 ? picked : nil
    }
}
