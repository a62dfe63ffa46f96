@testable import App
import Foundation
import Testing
import Vapor

@Suite struct PagingTests {
    /// Walks a list to its end by `nextCursor`, returning every item's id.
    static func walk(_ f: BooksFixture, _ path: String, limit: Int) async throws -> (ids: [String], pages: Int) {
        var ids: [String] = [], cursor: String?, pages = 0
        repeat {
            let sep = path.contains("?") ? "&" : "?"
            let r = try await f.get("\(path)\(sep)limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(r.status == .ok, "\(path): \(r.text.prefix(200))")
            let items = r.json["items"]?.arrayValue ?? []
            #expect(items.count <= limit)
            ids += items.compactMap { $0["id"]?.stringValue }
            cursor = r.json["nextCursor"]?.stringValue
            pages += 1
        } while cursor != nil && pages < 100
        return (ids, pages)
    }

    @Test func the_day_book_pages_past_a_thousand_vouchers_until_they_run_out() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let one: JSONValue = ["type": "sales", "date": "2026-05-01",
                                  "entries": [BooksFixture.entry("Sharma Traders", dr: "1.00"), BooksFixture.entry("Sales", cr: "1.00")]]
            for _ in 0..<6 {
                let r = try await f.post("vouchers/batch", ["vouchers": .array(Array(repeating: one, count: 175))])
                #expect(r.status == .created, "\(r.text.prefix(200))")
            }
            let (ids, pages) = try await Self.walk(f, "reports/day-book?from=2026-05-01&to=2026-05-01", limit: 500)
            #expect(ids.count == 1_050 && Set(ids).count == 1_050)
            #expect(pages == 3)
            #expect(try await Self.walk(f, "vouchers", limit: 500).ids.count == 1_050)
        }
    }

    @Test func every_list_pages_and_refuses_bad_limits_and_cursors() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            // Masters are short lists but still page: 28 groups and 6 ledgers, two at a time.
            let groups = try await Self.walk(f, "groups", limit: 2)
            #expect(groups.ids.count >= 28 && Set(groups.ids).count == groups.ids.count && groups.pages == (groups.ids.count + 1) / 2)
            let ledgers = try await Self.walk(f, "ledgers", limit: 2)
            #expect(ledgers.ids.count == 6 && Set(ledgers.ids).count == 6)
            for path in ["vouchers", "reports/day-book", "ledgers", "groups", "items", "invoices", "sales-orders", "notifications", "units",
                         "godowns", "members", "voucher-types", "period-locks", "tally/imports", "audit-log"] {
                for bad in ["limit=0", "limit=100000", "limit=-1", "limit=abc", "cursor=forged", "cursor=-5"] {
                    let r = try await f.get("\(path)?\(bad)")
                    #expect(r.status == .unprocessableEntity, "\(path)?\(bad) answered \(r.status.code)")
                }
            }
        }
    }
}
