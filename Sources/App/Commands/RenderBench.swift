import Foundation
import Ledger

/// `finsync bench render`: server-side render time of pages from fixed models (no database, no network).
struct RenderBench {
    let renders: Int

    func run() -> String {
        let companyID = UUID()
        let userID = UUID()
        let company = try! CompanyDTO(Company(id: companyID, name: "Shree Ganesh Traders", gstin: "27AAPFU0939F1ZV",
                                              stateCode: "27", financialYearStart: "2026-04-01", booksBeginning: "2026-04-01"))
        let chrome = Chrome(title: "Bench", userName: "Priya Shah", company: .init(id: companyID, name: company.name, role: .owner),
                            section: .dashboard, csrf: "token", back: "/app")
        let dashboard = DashboardPage.Model(company: company, members: 5, tiles: [
            ("Receivables", Money(paise: 12_345_678_90)), ("Payables", Money(paise: 9_876_543_21)),
            ("Sales this month", Money(paise: 4_56_789_00)), ("Cash and bank", Money(paise: 1_23_456_00)),
        ])
        let entries = (1...1_000).map { i in
            AuditEntryDTO(AuditRow(
                id: UUID(), chainKey: "c", seq: Int64(i), companyID: companyID, actorID: userID,
                at: "2026-11-25T02:00:00.000Z", action: "company.update", entityType: "company", entityID: "x",
                beforeJSON: #"{"name":"Name \#(i)"}"#, afterJSON: #"{"name":"Name \#(i + 1)"}"#,
                requestID: "r", clientAddress: "127.0.0.1", prevHash: "p", hash: "h"))
        }
        let audit = AuditLogPage.Model(companyID: companyID, entries: entries, actorNames: [userID: "Priya Shah"], filters: [:],
                                       nextCursor: "1", verification: .ok(entries: 1_000))
        let results = [
            measure("dashboard frame") { DashboardPage.render(dashboard, chrome: chrome) },
            measure("audit log, 1,000 entries") { AuditLogPage.render(audit, chrome: chrome) },
        ]
        return (["FinSync360 render benchmark: \(renders) renders per page", "page | p50 ms | p99 ms | bytes"] + results)
            .joined(separator: "\n")
    }

    private func measure(_ name: String, _ render: () -> String) -> String {
        var samples: [Double] = []
        var bytes = 0
        for _ in 0..<10 { bytes = render().utf8.count }  // warm-up
        for _ in 0..<renders {
            let start = ContinuousClock.now
            bytes = render().utf8.count
            let d = ContinuousClock.now - start
            samples.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
        }
        samples.sort()
        func pct(_ p: Double) -> String { String(format: "%.3f", samples[min(samples.count - 1, Int(Double(samples.count) * p))]) }
        return "\(name) | \(pct(0.5)) | \(pct(0.99)) | \(bytes)"
    }
}
