import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

/// `finsync bench books`: a company with 1,000 ledgers (300 bill-wise parties) and N vouchers over two financial
/// years, posted through `VoucherPosting.postMany`; then single posts over HTTP and the reports. Prints figures.
struct BooksBench {
    let app: Application
    let vouchers: Int
    var figures = BenchFigures()

    func run(print: @escaping @Sendable (String) -> Void) async throws -> String {
        try await DatabaseStartup.migrate(app)
        let actor = AuditActor(userID: nil, requestID: "bench-books", clientAddress: "local")
        let fyStart = CalendarDate(year: Format.today().financialYearStart.year - 1, month: 4, day: 1)!
        let (companyID, userID) = try await app.store.write(on: app.db) { db in
            let user = User(email: "bench-\(UUID().uuidString.prefix(8))@example.com", name: "Bench", passwordHash: "x")
            try await user.create(on: db)
            let company = Company(name: "Bench Books", gstin: nil, stateCode: "27", financialYearStart: fyStart.description,
                                  booksBeginning: fyStart.description)
            try await company.create(on: db)
            try await Membership(companyID: company.requireID(), userID: user.requireID(), role: .owner).create(on: db)
            try await ChartSeeder.seed(company: company.requireID(), on: db)
            return (try company.requireID(), try user.requireID())
        }
        // 1,000 ledgers: 200 customers and 100 suppliers (bill-wise), 10 banks, 40 sales, 40 purchase, 608 expense.
        let plan: [(prefix: String, group: String, count: Int, billWise: Bool)] = [
            ("Customer", "Sundry Debtors", 200, true), ("Supplier", "Sundry Creditors", 100, true), ("Bank", "Bank Accounts", 10, false),
            ("Sales", "Sales Accounts", 40, false), ("Purchase", "Purchase Accounts", 40, false), ("Expense", "Indirect Expenses", 608, false),
        ]
        let names = plan.map { p in (0..<p.count).map { "\(p.prefix) \($0)" } }
        let (customers, suppliers, banks, sales, purchases, expenses) = (names[0], names[1], names[2], names[3], names[4], names[5])
        try await app.store.write(on: app.db) { db in
            let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: companyID, on: db).map { ($0.name, $0.id) })
            let rows = zip(plan, names).flatMap { p, list in
                list.map { LedgerRow(id: UUID(), company_id: companyID, name: $0, group_id: groups[p.group]!, opening_paise: 0,
                                     credit_period_days: p.billWise ? 30 : nil, bill_wise: p.billWise, reserved: false, active: true) }
            }
            try await VoucherPosting.insert(rows, into: "ledgers", on: db.sql())
            for row in rows { try await Chart.claimName(row.name, kind: "ledger", entity: row.id, company: companyID, field: "name", on: db) }
        }
        let c = customers, s = suppliers, b = banks, sl = sales, pu = purchases, ex = expenses

        // Bulk posting.
        var rng = DemoBooks.Generator()
        var openSales: [(String, String, Int64)] = []
        var posted = 0
        var elapsed = Duration.zero
        // What was posted, voucher by voucher, for the bare-insert baseline at the end.
        var shapes: [(type: String, entries: Int, date: CalendarDate, total: Int64)] = []
        let chunk = 10_000
        while posted < vouchers {
            var batch: [VoucherRequest] = []
            for k in 0..<min(chunk, vouchers - posted) {
                let n = posted + k
                let date = fyStart.adding(days: n * 729 / max(vouchers, 1))
                func e(_ l: String, dr: Int64? = nil, cr: Int64? = nil, bills: [BillInput]? = nil) -> VoucherRequest.Entry {
                    .init(ledger: l, debit: dr.map { Money(paise: $0).description }, credit: cr.map { Money(paise: $0).description }, bills: bills)
                }
                let roll = rng.next(0...99)
                var entries: [VoucherRequest.Entry]
                var type: String
                if roll < 40 || openSales.isEmpty {  // sales with 1–4 sales lines
                    let party = c[rng.next(0...(c.count - 1))]
                    let lines = (0..<rng.next(1...4)).map { _ in Int64(rng.next(1...500)) * 100 }
                    let total = lines.reduce(0, +)
                    let ref = "S\(n)"
                    entries = [e(party, dr: total, bills: [BillInput(type: .new, reference: ref, amount: Money(paise: total).description)])]
                        + lines.map { e(sl[rng.next(0...(sl.count - 1))], cr: $0) }
                    type = "sales"
                    openSales.append((party, ref, total))
                } else if roll < 60 {
                    let party = s[rng.next(0...(s.count - 1))]
                    let amount = Int64(rng.next(1...800)) * 100
                    entries = [e(pu[rng.next(0...(pu.count - 1))], dr: amount), e(party, cr: amount)]
                    type = "purchase"
                } else if roll < 85 {
                    let (party, ref, amount) = openSales.removeFirst()
                    entries = [e(b[rng.next(0...(b.count - 1))], dr: amount),
                               e(party, cr: amount, bills: [BillInput(type: .against, reference: ref, amount: Money(paise: amount).description)])]
                    type = "receipt"
                } else if roll < 95 {
                    let amount = Int64(rng.next(1...300)) * 100
                    entries = [e(ex[rng.next(0...(ex.count - 1))], dr: amount), e(b[rng.next(0...(b.count - 1))], cr: amount)]
                    type = "payment"
                } else {
                    let amount = Int64(rng.next(1...300)) * 100
                    entries = [e(ex[rng.next(0...(ex.count - 1))], dr: amount), e(ex[rng.next(0...(ex.count - 1))], dr: amount),
                               e(s[rng.next(0...(s.count - 1))], cr: amount * 2)]
                    type = "journal"
                }
                batch.append(VoucherRequest(type: type, date: date.description, number: nil, narration: nil, reference: nil, entries: entries))
                let total = entries.compactMap { $0.debit.flatMap { try? Money(parsing: $0).paise } }.reduce(0, +)
                shapes.append((type, entries.count, date, total))
            }
            let toPost = batch
            let start = ContinuousClock.now
            _ = try await app.store.write(on: app.db) { db in try await VoucherPosting.postMany(toPost, company: companyID, actor: actor, on: db) }
            elapsed += ContinuousClock.now - start
            posted += batch.count
            if posted % 100_000 == 0 || posted == vouchers { print("  posted \(posted) vouchers") }
        }
        let bulkRate = Double(posted) / seconds(elapsed)

        // Single posts over HTTP, 16 concurrent clients.
        let lastDay = fyStart.adding(days: 729).description
        let workers = (0..<16).map { w in
            (0..<125).map { i in
                let amount = "\(w * 1000 + i + 1).00"
                return Data("""
                    {"type":"sales","date":"\(lastDay)","entries":[{"ledger":"\(c[w])","debit":"\(amount)"},{"ledger":"\(sl[i % sl.count])","credit":"\(amount)"}]}
                    """.utf8)
            }
        }
        let postLatencies = try await BenchSupport.concurrentPosts(app: app, path: "/api/v1/companies/\(companyID)/vouchers", userID: userID, workers: workers)

        // Reports, each 20 times.
        guard let company = try await Company.find(companyID, on: app.db) else { throw StartupError(setting: "bench", problem: "company vanished") }
        let asOf = fyStart.adding(days: 729)
        let fy2 = asOf.financialYearStart
        let db: any Database = app.db
        let pg = app.config.isPostgres
        figures.record("bulk posting", bulkRate, "vouchers/s", goal: .atLeast(pg ? 10_000 : 20_000))
        figures.record("voucher POST p99, 16 clients", percentile(postLatencies, 0.99), "ms", goal: .atMost(pg ? 15 : 10))
        var lines = [
            "FinSync360 books benchmark (\(app.config.isPostgres ? "PostgreSQL" : "SQLite")): 1,000 ledgers, \(posted) vouchers over two years",
            "bulk posting: \(Int(bulkRate)) vouchers/s",
            "single POST over HTTP, 16 clients: p50 \(fmt(percentile(postLatencies, 0.5))) ms, p99 \(fmt(percentile(postLatencies, 0.99))) ms",
            "report | p50 ms | p99 ms",
        ]
        for (name, work) in [
            ("trial balance", { _ = try await TrialBalance.compute(company: company, asOf: asOf, on: db) }),
            ("profit and loss", { _ = try await ProfitAndLoss.compute(company: company, from: fy2, to: asOf, on: db) }),
            ("balance sheet", { _ = try await BalanceSheet.compute(company: company, asOf: asOf, on: db) }),
            ("receivables outstanding", { _ = try await Outstanding.compute(company: companyID, receivable: true, asOf: asOf, on: db) }),
        ] as [(String, () async throws -> Void)] {
            var samples: [Double] = []
            for _ in 0..<20 {
                let t0 = ContinuousClock.now
                try await work()
                samples.append(seconds(ContinuousClock.now - t0) * 1000)
            }
            let line = "\(name) | \(fmt(percentile(samples, 0.5))) | \(fmt(percentile(samples, 0.99)))"
            figures.record("\(name) p99", percentile(samples, 0.99), "ms", goal: .atMost(name == "receivables outstanding" ? 200 : 20))
            print(line)
            lines.append(line)
        }
        var statement: [Double] = []
        for _ in 0..<20 {
            let t0 = ContinuousClock.now
            _ = try await LedgerStatement.compute(company: company, ledgerReference: "Bank 0", from: fy2, to: asOf, limit: 100, offset: 0, on: db)
            statement.append(seconds(ContinuousClock.now - t0) * 1000)
        }
        lines.append("ledger statement page (100 lines) | \(fmt(percentile(statement, 0.5))) | \(fmt(percentile(statement, 0.99)))")

        // The physical limit: the same vouchers and entries inserted as bare multi-row statements, no checks, in the
        // same transaction size, on the same database. Written cancelled, after the reports, so no figure moves.
        let bareRate = try await bareInsert(shapes, company: companyID, chunk: chunk)
        figures.record("bulk posting, share of a bare insert", bulkRate / max(bareRate, 1) * 100, "%")
        lines.insert("bare multi-row insert of the same vouchers and entries (no checks, the limit): \(Int(bareRate)) vouchers/s; "
                     + "posting reaches \(fmt(bulkRate / max(bareRate, 1) * 100))% of it", at: 2)
        print(lines[2])
        return lines.joined(separator: "\n")
    }

    /// Inserts rows shaped like the posted vouchers (same count, types, dates and lines) with one multi-row statement
    /// per 500 rows and nothing else: no rules, no bills, no totals, no audit. Returns vouchers per second.
    private func bareInsert(_ shapes: [(type: String, entries: Int, date: CalendarDate, total: Int64)], company: UUID,
                            chunk: Int) async throws -> Double {
        struct TypeRow: Decodable { var id: UUID; var name: String; var kind: String }
        struct LedgerID: Decodable { var id: UUID }
        let types = try await app.db.sql().raw("SELECT id, name, kind FROM voucher_types WHERE company_id = \(bind: company)")
            .all(decoding: TypeRow.self)
        let byName = Dictionary(types.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        let ledgers = try await app.db.sql().raw("SELECT id FROM ledgers WHERE company_id = \(bind: company) LIMIT 1000").all(decoding: LedgerID.self)
        guard !ledgers.isEmpty else { return 0 }
        var elapsed = Duration.zero
        for start in stride(from: 0, to: shapes.count, by: chunk) {
            var vouchers: [SQLQueryString] = [], entries: [SQLQueryString] = []
            for (n, shape) in shapes[start..<min(start + chunk, shapes.count)].enumerated() {
                guard let type = byName[shape.type] else { continue }
                let id = UUID(), number = "BARE\(start + n)", date = shape.date.description, fy = shape.date.financialYearStart.description
                vouchers.append("(\(bind: id), \(bind: company), \(bind: type.id), \(bind: type.kind), \(bind: number), \(bind: date), \(bind: fy), 'cancelled', \(bind: shape.total), \(bind: false))")
                for line in 0..<shape.entries {
                    let amount = line == 0 ? shape.total : -shape.total / Int64(max(shape.entries - 1, 1))
                    entries.append("(\(bind: UUID()), \(bind: company), \(bind: id), \(bind: line), \(bind: ledgers[(start + n + line) % ledgers.count].id), \(bind: amount), \(bind: false), \(bind: date), \(bind: number))")
                }
            }
            let (v, e) = (vouchers, entries)
            let t0 = ContinuousClock.now
            try await app.store.write(on: app.db) { db in
                let sql = db.sql()
                for part in stride(from: 0, to: v.count, by: 500) {
                    let values = v[part..<min(part + 500, v.count)].joined(separator: ", ")
                    try await sql.raw("INSERT INTO vouchers (id, company_id, voucher_type_id, kind, number, date, fy_start, status, total_paise, post_dated) VALUES " + values).run()
                }
                for part in stride(from: 0, to: e.count, by: 500) {
                    let values = e[part..<min(part + 500, e.count)].joined(separator: ", ")
                    try await sql.raw("INSERT INTO voucher_entries (id, company_id, voucher_id, line_no, ledger_id, amount_paise, superseded, date, number) VALUES " + values).run()
                }
            }
            elapsed += ContinuousClock.now - t0
        }
        return Double(shapes.count) / max(seconds(elapsed), 1e-9)
    }

    private func seconds(_ d: Duration) -> Double { BenchSupport.seconds(d) }
    private func percentile(_ xs: [Double], _ p: Double) -> Double { BenchSupport.percentile(xs, p) }
    private func fmt(_ v: Double) -> String { BenchSupport.fmt(v) }
}
