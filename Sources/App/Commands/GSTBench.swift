import Fluent
import Foundation
import GSTKit
import Ledger
import Vapor

/// `finsync bench gst`: N sales invoices (1–10 lines; B2B and B2C; intra- and inter-state) in one month, posted
/// through `InvoicePosting`; then invoice POSTs over HTTP from 16 clients, and GSTR-1 and GSTR-3B generation with
/// their time and the process's peak memory. Prints figures; asserts nothing.
struct GSTBench {
    let app: Application
    let invoices: Int
    var returnsOnly = false
    var figures = BenchFigures()

    static func peakMemoryMB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    }

    func run(print: @escaping @Sendable (String) -> Void) async throws -> String {
        try await DatabaseStartup.migrate(app)
        let actor = AuditActor(userID: nil, requestID: "bench-gst", clientAddress: "local")
        let fyStart = Format.today().financialYearStart
        let period = ReturnPeriod(fyStart.adding(days: 31).monthKey)!
        if returnsOnly {
            // The newest company an earlier run generated, so return timings can be repeated without re-posting.
            guard let company = try await Company.query(on: app.db).filter(\.$name == "Bench GST").sort(\.$createdAt, .descending).first() else {
                throw StartupError(setting: "bench", problem: "--returns-only needs a data directory an earlier `bench gst` filled")
            }
            return try await returns(company: company.requireID(), period: period, posted: nil, posts: nil)
        }
        let (companyID, userID) = try await app.store.write(on: app.db) { db in
            let user = User(email: "bench-\(UUID().uuidString.prefix(8))@example.com", name: "Bench", passwordHash: "x")
            try await user.create(on: db)
            let company = Company(name: "Bench GST", gstin: "27AAPFU0939F1ZV", stateCode: "27", financialYearStart: fyStart.description,
                                  booksBeginning: fyStart.description)
            try await company.create(on: db)
            try await Membership(companyID: company.requireID(), userID: user.requireID(), role: .owner).create(on: db)
            try await ChartSeeder.seed(company: company.requireID(), on: db)
            return (try company.requireID(), try user.requireID())
        }
        let gstins = ["29AABCR1718E1ZL", "24AAQCA8719H1ZC", "33AAAAR6720M1ZG", "27AAJCS5738D1Z6", "06AAMCS8709B1ZA", "05AAACG2115R1ZN"]
        let items = (0..<50).map { "Item \($0)" }
        try await app.store.write(on: app.db) { db in
            let context = CompanyContext(companyID: companyID, userID: userID, role: .owner)
            for (i, name) in items.enumerated() {
                _ = try await ItemController.insert(ItemRequest(name: name, hsn: String(847_100 + i), unit: "NOS", gstRate: ["5", "12", "18", "28"][i % 4],
                                                                openingStock: [.init(quantity: "100000000", rate: "10.00")]),
                                                    context: context, actor: actor, on: db)
            }
            for (i, gstin) in gstins.enumerated() {
                _ = try await ChartController.createLedger(LedgerRequest(name: "Customer \(i)", group: "Sundry Debtors", gstin: gstin, billWise: true),
                                                           company: companyID, actor: actor, on: db)
            }
            for state in ["24", "29", "27"] {
                _ = try await ChartController.createLedger(LedgerRequest(name: "Walk-in \(state)", group: "Sundry Debtors", registrationType: .unregistered,
                                                                         stateCode: state), company: companyID, actor: actor, on: db)
            }
        }
        let parties = gstins.indices.map { "Customer \($0)" } + ["Walk-in 24", "Walk-in 29", "Walk-in 27", "Cash"]
        var g = DemoBooks.Generator(state: 42)
        // Invoices are entered as they are issued, in date order (GST wants a series' numbers in the order of their
        // dates); a backdated one, which replays its items' later movements, is measured on its own.
        func request(day: Int) -> InvoiceRequest {
            let lines = (0..<g.next(1...10)).map { _ in
                InvoiceRequest.Line(item: items[g.next(0...49)], quantity: String(g.next(1...20)), rate: "\(g.next(10...5_000)).\(g.next(10...99))")
            }
            return InvoiceRequest(kind: .sales, party: parties[g.next(0...(parties.count - 1))],
                                  date: period.first.adding(days: day).description, roundOff: true, lines: lines)
        }

        // Bulk: the invoices posted one by one, 1,000 to a transaction.
        var posted = 0
        let start = ContinuousClock.now
        while posted < invoices {
            let batch = (posted..<min(posted + 1_000, invoices)).map { request(day: $0 * 27 / max(invoices, 1)) }
            try await app.store.write(on: app.db) { db in
                guard let company = try await Company.find(companyID, on: db) else { return }
                for body in batch { _ = try await InvoicePosting.post(body, company: company, actor: actor, on: db) }
            }
            posted += batch.count
            if posted % 10_000 == 0 || posted == invoices { print("  posted \(posted) invoices") }
        }
        let bulkRate = Double(posted) / seconds(ContinuousClock.now - start)

        // Single POSTs over HTTP, 16 clients: dated the month's last day, then backdated to any day of it.
        let encoder = JSONEncoder()
        let current = try (0..<16).map { _ in try (0..<60).map { _ in try encoder.encode(request(day: 27)) } }
        let backdated = try (0..<16).map { _ in try (0..<10).map { _ in try encoder.encode(request(day: g.next(0...26))) } }
        let latencies = try await BenchSupport.concurrentPosts(app: app, path: "/api/v1/companies/\(companyID)/invoices", userID: userID,
                                                               rounds: [current, backdated])
        return try await returns(company: companyID, period: period, posted: (posted, bulkRate), posts: latencies[0], backdated: latencies[1])
    }

    /// Loads the month's documents and builds each return, timed end to end and by stage.
    private func returns(company companyID: UUID, period: ReturnPeriod, posted: (count: Int, rate: Double)?, posts latencies: [Double]?,
                         backdated: [Double]? = nil) async throws -> String {
        let registration = try await Registrations.all(company: companyID, on: app.db)[0]
        let filer = try GSTIN(registration.gstin)
        let memoryBefore = Self.peakMemoryMB()
        var t = ContinuousClock.now
        func lap() -> Double { let now = ContinuousClock.now; defer { t = now }; return seconds(now - t) }
        let docs1 = try await GSTReturns.documents(company: companyID, registration: registration.id, from: period.first, to: period.last, on: app.db)
        let load1 = lap()
        let built1 = try GSTR1.build(filer: filer, period: period, documents: docs1)
        let build1 = lap()
        let r1 = try SortedJSON.encode(built1)
        let encode1 = lap()
        let gstr1Time = load1 + build1 + encode1
        let memoryAfter1 = Self.peakMemoryMB()
        let docs3 = try await GSTReturns.taxSummary(company: companyID, registration: registration.id, from: period.first, to: period.last, on: app.db)
        let load3 = lap()
        let r3 = try SortedJSON.encode(GSTR3B.build(filer: filer, period: period, documents: docs3, sources: false).0)
        let gstr3bTime = load3 + lap()
        let memoryAfter3 = Self.peakMemoryMB()
        if let latencies { figures.record("invoice POST p99, 16 clients", percentile(latencies, 0.99), "ms", goal: .atMost(15)) }
        if let backdated { figures.record("backdated invoice POST p99, 16 clients", percentile(backdated, 0.99), "ms") }
        figures.record("GSTR-1, \(docs1.count) documents", gstr1Time, "s", goal: .atMost(2))
        figures.record("GSTR-3B", gstr3bTime * 1000, "ms", goal: .atMost(100))
        figures.record("peak memory after the returns", memoryAfter3, "MB", goal: .atMost(300))
        return ([
            "FinSync360 GST benchmark (\(app.config.isPostgres ? "PostgreSQL" : "SQLite")): \(posted.map { "\($0.count)" } ?? "existing") sales invoices in \(period)",
        ] + (posted.map { ["bulk posting: \(Int($0.rate)) invoices/s"] } ?? []) + (latencies.map {
            ["invoice POST over HTTP, 16 clients: p50 \(fmt(percentile($0, 0.5))) ms, p99 \(fmt(percentile($0, 0.99))) ms"]
        } ?? []) + (backdated.map {
            ["backdated invoice POST (any day of the month, replaying its items from that day): p50 \(fmt(percentile($0, 0.5))) ms, p99 \(fmt(percentile($0, 0.99))) ms"]
        } ?? []) + [
            "GSTR-1: \(fmt(gstr1Time)) s (load \(fmt(load1)), build \(fmt(build1)), encode \(fmt(encode1))) for \(docs1.count) documents, \(r1.count / 1024) KiB of JSON; peak memory \(fmt(memoryAfter1)) MB (was \(fmt(memoryBefore)) MB)",
            "GSTR-3B: \(fmt(gstr3bTime)) s (load \(fmt(load3))), \(r3.count) bytes; peak memory \(fmt(memoryAfter3)) MB",
        ]).joined(separator: "\n")
    }

    private func seconds(_ d: Duration) -> Double { BenchSupport.seconds(d) }
    private func percentile(_ xs: [Double], _ p: Double) -> Double { BenchSupport.percentile(xs, p) }
    private func fmt(_ v: Double) -> String { BenchSupport.fmt(v) }
}
