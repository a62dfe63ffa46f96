@testable import App
import Fluent
import Foundation
import SQLKit
import Testing

/// Each place's running balance (stock_balances) answers "how much is here" when nothing moved there later, and
/// always equals the sum of the place's active movements.
@Suite struct StockBalanceTests {
    /// Every place whose running balance differs from the sum of its active movements, as text.
    static func mismatches(_ db: any Database) async throws -> [String] {
        struct Row: Decodable { var item_id: UUID; var godown_id: UUID; var batch_key: UUID; var q: Int64 }
        let sums = try await db.sql().raw("""
            SELECT item_id, godown_id, COALESCE(batch_id, \(bind: Stock.noBatch)) AS batch_key, CAST(SUM(quantity_milli) AS BIGINT) AS q
            FROM stock_movements WHERE active = \(bind: true) GROUP BY item_id, godown_id, batch_id
            """).all(decoding: Row.self)
        let kept = try await db.sql().raw("SELECT item_id, godown_id, batch_key, quantity_milli AS q FROM stock_balances").all(decoding: Row.self)
        func key(_ r: Row) -> String { "\(r.item_id)|\(r.godown_id)|\(r.batch_key)" }
        let a = Dictionary(uniqueKeysWithValues: sums.map { (key($0), $0.q) }), b = Dictionary(uniqueKeysWithValues: kept.map { (key($0), $0.q) })
        return Set(a.keys).union(b.keys).filter { (a[$0] ?? 0) != (b[$0] ?? 0) }.map { "\($0): movements \(a[$0] ?? 0), balance \(b[$0] ?? 0)" }
    }

    @Test func backdated_issues_see_the_stock_of_their_day_and_balances_follow_every_change() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            let first = try await g.invoice("sales", "Pune Retail", "2026-07-10", [GSTFixture.line("USB Keyboard", "10", "500.00")])
            #expect(first.status == .created)
            #expect(try await g.invoice("purchase", "Gujarat Supplies", "2026-08-01", [GSTFixture.line("USB Keyboard", "50", "300.00")],
                                        extra: ["number": "GS-1"]).status == .created)
            // 1,040 are here now, but only 990 were on 15 July: a backdated sale is held to that day's stock.
            let early = try await g.invoice("sales", "Pune Retail", "2026-07-15", [GSTFixture.line("USB Keyboard", "995", "500.00")])
            #expect(early.errorFields == ["lines[0].quantity"] && early.text.contains("only 990 of 'USB Keyboard'"), "\(early.text)")
            #expect(try await g.invoice("sales", "Pune Retail", "2026-08-02", [GSTFixture.line("USB Keyboard", "995", "500.00")]).status == .created)
            // Cancelling the first sale puts its ten back.
            #expect(try await g.f.post("vouchers/\(first.json["voucherId"]?.stringValue ?? "")/cancel", [:]).status == .ok)
            struct Q: Decodable { var quantity_milli: Int64 }
            let balance = try await app.db.sql().raw("SELECT b.quantity_milli FROM stock_balances b JOIN items i ON i.id = b.item_id WHERE i.name = 'USB Keyboard'")
                .first(decoding: Q.self)
            #expect(balance?.quantity_milli == 55_000)
            #expect(try await Self.mismatches(app.db) == [])
        }
    }
}
