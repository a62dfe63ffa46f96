import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import StockKit
import Vapor

/// `finsync bench stock`: items × godowns with N movements spread over a year (one item, the "hot" one, carrying
/// a tenth of them), written in bulk and valued item by item; then the stock summary timed as of random days,
/// and one purchase backdated to the year's start for the hot item, whose revaluation replays every later
/// movement of that item and nothing else. Prints figures; asserts nothing.
struct StockBench {
    let app: Application
    let items: Int
    let godowns: Int
    let movements: Int
    var figures = BenchFigures()

    func run(print: @escaping @Sendable (String) -> Void) async throws -> String {
        try await DatabaseStartup.migrate(app)
        let actor = AuditActor(userID: nil, requestID: "bench-stock", clientAddress: "local")
        let fyStart = Format.today().financialYearStart
        let companyID: UUID = try await app.store.write(on: app.db) { db in
            let company = Company(name: "Bench Stock", gstin: nil, stateCode: "27", financialYearStart: fyStart.description, booksBeginning: fyStart.description)
            try await company.create(on: db)
            try await ChartSeeder.seed(company: company.requireID(), on: db)
            return try company.requireID()
        }
        // Masters, in bulk: items (every third FIFO) and godowns.
        let itemRows = (0..<items).map { i in
            ItemRow(id: UUID(), company_id: companyID, name: "Item \(i)", name_key: "item \(i)", hsn: "847100", unit: "NOS",
                    kind: "goods", taxability: "taxable", active: true, valuation_method: i % 3 == 0 ? "fifo" : "weighted-average")
        }
        let extraGodowns = (1..<godowns).map { g in
            GodownRow(id: UUID(), company_id: companyID, name: "Godown \(g)", name_key: "godown \(g)", parent_id: nil)
        }
        let godownRows: [GodownRow] = try await app.store.write(on: app.db) { db in
            let sql = db.sql()
            try await VoucherPosting.insert(itemRows, into: "items", on: sql)
            try await VoucherPosting.insert(extraGodowns, into: "godowns", on: sql)
            return try await Godowns.all(company: companyID, on: db)
        }

        // Movements: per item a receipt first, then issues and receipts that never take stock below zero.
        var g = DemoBooks.Generator(state: 7)
        let hot = itemRows[0]
        let hotShare = movements / 10
        var written = 0
        let start = ContinuousClock.now
        var perItem: [Int] = Array(repeating: (movements - hotShare) / max(items - 1, 1), count: items)
        perItem[0] = hotShare
        var batch: [StockMovementRow] = []
        func flush() async throws {
            let rows = batch
            batch.removeAll(keepingCapacity: true)
            try await app.store.write(on: app.db) { db in
                try await VoucherPosting.insert(rows, into: "stock_movements", on: db.sql())
                try await Stock.addToBalances(rows, on: db.sql())
            }
        }
        for (i, item) in itemRows.enumerated() {
            var onHand: Int64 = 0
            let count = perItem[i]
            for k in 0..<count {
                // Spread over the year in order; the first movement of each item is a receipt on day 1.
                let day = fyStart.adding(days: 1 + k * 360 / max(count, 1))
                let receive = onHand < 5_000 || g.next(0...2) == 0
                let q = Int64(g.next(1...20)) * 1000
                let qty = receive ? q : -min(q, onHand)
                onHand += qty
                batch.append(StockMovementRow(id: UUID(), company_id: companyID, item_id: item.id, godown_id: godownRows[g.next(0...(godownRows.count - 1))].id,
                                              batch_id: nil, date: day.description, seq: Int64(k + 1), quantity_milli: qty,
                                              value_paise: receive ? try Quantity(thousandths: q).times(Int64(g.next(1_000...9_000))) : 0,
                                              valued: true, source_kind: "bench", source_id: item.id, line_no: k, active: true))
                if batch.count == 5_000 { try await flush() }
            }
            written += count
            if (i + 1) % 1_000 == 0 { print("  \(written) movements written, \(i + 1) items") }
        }
        try await flush()
        let insertRate = Double(written) / BenchSupport.seconds(ContinuousClock.now - start)
        let valueStart = ContinuousClock.now
        for item in itemRows { try await app.store.write(on: app.db) { db in try await Stock.revalue(item: item, from: fyStart, on: db) } }
        let valueTime = BenchSupport.seconds(ContinuousClock.now - valueStart)

        // Stock summary as of random days through the year.
        var summary: [Double] = []
        var rows = 0
        for _ in 0..<50 {
            let asOf = fyStart.adding(days: g.next(30...360))
            let t = ContinuousClock.now
            rows = try await StockReports.positions(company: companyID, asOf: asOf, on: app.db).count
            summary.append(BenchSupport.seconds(ContinuousClock.now - t) * 1000)
        }

        // Posting through the real path: stock journals of five consumption lines each (negative-stock checks,
        // movements, revaluation of each item from the journal's day, audit), 100 journals to a transaction.
        let company0 = try await Company.find(companyID, on: app.db)!
        let postStart = ContinuousClock.now
        var journals = 0
        for _ in 0..<10 {
            let bodies = (0..<100).map { _ in
                StockJournalRequest(date: fyStart.adding(days: 364).description, kind: .adjustment, narration: nil, lines: (0..<5).map { _ in
                    StockJournalRequest.Line(item: itemRows[g.next(1...(itemRows.count - 1))].id.uuidString, quantity: "0.001", batch: nil,
                                             fromGodown: nil, toGodown: godownRows[0].id.uuidString, rate: "10.00", expiryDate: nil)
                })
            }
            try await app.store.write(on: app.db) { db in
                for body in bodies { _ = try await StockJournals.post(body, company: company0, actor: actor, on: db) }
            }
            journals += bodies.count
        }
        let postSeconds = BenchSupport.seconds(ContinuousClock.now - postStart)

        // One purchase of the hot item dated on the year's first day: everything after it is revalued.
        let company = try await Company.find(companyID, on: app.db)!
        let t = ContinuousClock.now
        try await app.store.write(on: app.db) { db in
            try await Stock.record([Stock.Movement(item: hot, godown: godownRows[0], batch: nil, date: fyStart, quantity: 10_000, value: 50_000, lineNo: 0, field: "bench")],
                                   sourceKind: "bench", sourceID: UUID(), company: company, on: db)
        }
        let backdated = BenchSupport.seconds(ContinuousClock.now - t) * 1000
        let replayed = hotShare + 1
        figures.record("stock summary p99, \(items) items", BenchSupport.percentile(summary, 0.99), "ms", goal: .atMost(50))
        figures.record("backdated purchase revaluing \(replayed) movements", backdated, "ms", goal: .atMost(100))
        return [
            "FinSync360 stock benchmark (\(app.config.isPostgres ? "PostgreSQL" : "SQLite")): \(items) items, \(godowns) godowns, \(written) movements",
            "bulk movements: \(Int(insertRate)) movements/s written; valuing every item from the start: \(BenchSupport.fmt(valueTime)) s",
            "stock summary (\(rows) items): p50 \(BenchSupport.fmt(BenchSupport.percentile(summary, 0.5))) ms, p99 \(BenchSupport.fmt(BenchSupport.percentile(summary, 0.99))) ms",
            "posting through stock journals (5 lines each): \(Int(Double(journals) / postSeconds)) journals/s, \(Int(Double(journals * 5) / postSeconds)) movements/s",
            "backdated purchase of the hot item, revaluing \(replayed) later movements: \(BenchSupport.fmt(backdated)) ms",
        ].joined(separator: "\n")
    }
}
