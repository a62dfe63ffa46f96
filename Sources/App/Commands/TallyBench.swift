import Fluent
import Foundation
import Ledger
import TallyXML
import Vapor

/// `finsync bench tally`: writes a synthetic Tally export (UTF-16LE with a BOM, as Tally writes them: masters,
/// then sales and purchase invoices with inventory and batch allocations, receipts and payments settling bills,
/// journals), imports it into a fresh company and exports the company again. Prints wall time, vouchers/s and
/// peak RSS; asserts nothing.
struct TallyBench {
    let app: Application
    let vouchers: Int
    var figures = BenchFigures()

    func run(print: @escaping @Sendable (String) -> Void) async throws -> String {
        try await DatabaseStartup.migrate(app)
        let dir = app.config.dataDirectory
        let path = (dir as NSString).appendingPathComponent("bench-tally-\(vouchers).xml")
        let genStart = ContinuousClock.now
        let bytes = try TallyBenchData(vouchers: vouchers).write(to: path)
        let genSeconds = BenchSupport.seconds(ContinuousClock.now - genStart)
        print("  wrote \(path): \(bytes / 1_048_576) MiB in \(BenchSupport.fmt(genSeconds)) s")

        let fyStart = TallyBenchData.fyStart
        let companyID: UUID = try await app.store.write(on: app.db) { db in
            let company = Company(name: "Bench Tally \(UUID().uuidString.prefix(6))", gstin: nil, stateCode: "29", financialYearStart: fyStart.description,
                                  booksBeginning: fyStart.description)
            try await company.create(on: db)
            try await ChartSeeder.seed(company: company.requireID(), on: db)
            return try company.requireID()
        }
        let company = try await Company.find(companyID, on: app.db)!
        let actor = AuditActor(userID: nil, requestID: "bench-tally", clientAddress: "local")
        _ = TallyImporter.StageClock.shared.take()
        let rssBefore = BenchSupport.peakRSSMiB()
        let start = ContinuousClock.now
        let snapshotsBefore = CompanySnapshots.shared.loads.withLockedValue { $0 }
        let report = try await TallyImporter.run(path: path, source: "bench", company: company, actor: actor, store: app.store, on: app.db)
        let importSeconds = BenchSupport.seconds(ContinuousClock.now - start)
        let stages = TallyImporter.StageClock.shared.take().sorted { $0.key < $1.key }.map { "\($0.key) \(BenchSupport.fmt($0.value)) s" }.joined(separator: ", ")
        let rssAfter = BenchSupport.peakRSSMiB()
        let snapshotReads = CompanySnapshots.shared.loads.withLockedValue { $0 } - snapshotsBefore
        let voucherCounts = report.byKind.first { $0.kind == "voucher" } ?? .init(kind: "voucher")

        // 100,000 vouchers in 30 s, as a rate so a smaller file can be held to it.
        figures.record("Tally import", Double(voucherCounts.created) / importSeconds, "vouchers/s", goal: .atLeast(100_000 / 30))
        figures.record("peak RSS after the Tally import", Double(rssAfter), "MiB", goal: .atMost(300))
        let exportPath = path + ".export.xml"
        let exportStart = ContinuousClock.now
        FileManager.default.createFile(atPath: exportPath, contents: nil)
        let handle = FileHandle(forWritingAtPath: exportPath)!
        try await TallyExporter.export(company: company, what: .all, from: fyStart, to: fyStart.adding(days: 400), on: app.db) { text in
            try handle.write(contentsOf: Data(text.utf8))
        }
        try handle.close()
        let exportSeconds = BenchSupport.seconds(ContinuousClock.now - exportStart)
        let exportSize = ((try? FileManager.default.attributesOfItem(atPath: exportPath)[.size] as? Int) ?? 0) ?? 0
        try? FileManager.default.removeItem(atPath: exportPath)
        try? FileManager.default.removeItem(atPath: path)
        return [
            "FinSync360 Tally benchmark (\(app.config.isPostgres ? "PostgreSQL" : "SQLite")): \(vouchers) vouchers, \(bytes / 1_048_576) MiB UTF-16",
            "import: \(BenchSupport.fmt(importSeconds)) s, \(Int(Double(voucherCounts.created) / importSeconds)) vouchers/s; created \(report.totals.created), rejected \(report.totals.rejected); parity \(report.parity?.agrees == true ? "agrees" : "differs")",
            "voucher chunks by stage: \(stages); company snapshots read: \(snapshotReads)",
            "peak RSS: \(rssBefore) MiB before the import, \(rssAfter) MiB after",
            "export: \(BenchSupport.fmt(exportSeconds)) s, \(exportSize / 1_048_576) MiB UTF-8",
        ].joined(separator: "\n")
    }
}

/// The synthetic company of `bench tally`: 300 customers, 100 suppliers, 200 items (every fourth kept in
/// batches) with opening stock, and vouchers in date order over one year whose receipts and payments settle the
/// oldest open bills, so every voucher is one the importer should accept.
struct TallyBenchData {
    static let fyStart = CalendarDate("2025-04-01")!
    let vouchers: Int

    func write(to path: String) throws -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw StartupError(setting: "bench", problem: "cannot write \(path)")
        }
        defer { try? out.close() }
        var written = 0
        var first = true
        func emit(_ text: String) throws {
            var bytes = TallyWriter.utf16LE(text)
            if !first { bytes.removeFirst(2) }  // one BOM, at the start
            first = false
            try out.write(contentsOf: Data(bytes))
            written += bytes.count
        }
        try emit(TallyWriter.header(.allMasters, company: "Bench Traders"))
        var masters = ""
        func master(_ node: TallyNode) { masters += TallyWriter.message(node) }
        var bank = TallyLedger(header: .init(name: "Bench Bank", guid: "m-bank", alterID: 1, parent: "Bank Accounts"))
        bank.openingBalance = -1_000_000_000
        master(bank.node)
        for (name, parent) in [("Sales 18%", "Sales Accounts"), ("Purchase 18%", "Purchase Accounts"), ("Output CGST", "Duties & Taxes"),
                               ("Output SGST", "Duties & Taxes"), ("Input CGST", "Duties & Taxes"), ("Input SGST", "Duties & Taxes"),
                               ("Freight", "Indirect Expenses"), ("Outstanding Expenses", "Current Liabilities")] {
            master(TallyLedger(header: .init(name: name, guid: "m-" + name, alterID: 1, parent: parent)).node)
        }
        for c in 0..<300 {
            var l = TallyLedger(header: .init(name: "Customer \(c)", guid: "m-c\(c)", alterID: 1, parent: "Sundry Debtors"))
            l.isBillWise = true
            l.creditPeriodDays = 30
            master(l.node)
        }
        for s in 0..<100 {
            var l = TallyLedger(header: .init(name: "Supplier \(s)", guid: "m-s\(s)", alterID: 1, parent: "Sundry Creditors"))
            l.isBillWise = true
            master(l.node)
        }
        var nos = TallyUnit(header: .init(name: "Nos", guid: "m-nos", alterID: 1))
        nos.uqc = "NOS"
        master(nos.node)
        master(TallySimpleMaster(tag: "GODOWN", header: .init(name: "Warehouse 2", guid: "m-w2", alterID: 1)).node)
        for p in 0..<200 {
            var s = TallyStockItem(header: .init(name: "Product \(p)", guid: "m-p\(p)", alterID: 1))
            s.baseUnit = "Nos"
            s.hsn = "84713010"
            s.gstRateBasisPoints = 1_800
            s.isBatchWise = p % 4 == 0
            s.openingBatches = [TallyOpeningBatch(godown: "Main Location", batch: p % 4 == 0 ? "OPEN" : nil, quantity: TallyQuantity(thousandths: 1_000_000_000, unit: "Nos"),
                                                  rate: TallyRate(paise: 10_000, unit: "Nos"), value: -100_000_000_000)]
            master(s.node)
        }
        try emit(masters)

        var openSales: [[(String, Int64)]] = Array(repeating: [], count: 300)
        var openPurchases: [[(String, Int64)]] = Array(repeating: [], count: 100)
        var chunk = ""
        for i in 0..<vouchers {
            let date = Self.fyStart.adding(days: i * 365 / max(vouchers, 1))
            let slot = i % 20
            var v: TallyVoucher
            switch slot {
            case 0...7, 8...11:
                let sale = slot <= 7
                v = TallyVoucher(typeName: sale ? "Sales" : "Purchase", date: date, number: (sale ? "S-" : "P-") + "\(i)")
                v.ledgerList = "LEDGERENTRIES.LIST"
                v.isInvoice = true
                var taxable: Int64 = 0
                for j in 0..<(1 + i % 3) {
                    let product = (i * 7 + j * 13) % 200
                    let q = Int64(1 + (i + j) % 5) * (sale ? 1 : 4)
                    let rate = Int64(sale ? 15_000 + i % 50 * 100 : 9_000)
                    let amount = q * rate
                    taxable += amount
                    let sign: Int64 = sale ? 1 : -1
                    var line = TallyInventoryEntry(item: "Product \(product)", inward: !sale, rate: TallyRate(paise: rate, unit: "Nos"), amount: sign * amount,
                                                   quantity: TallyQuantity(thousandths: q * 1_000, unit: "Nos"))
                    let batch = product % 4 == 0 ? (sale ? "OPEN" : "B-\(i)") : nil
                    line.batches = [TallyBatchAllocation(godown: "Main Location", batch: batch, amount: sign * amount, actualQuantity: TallyQuantity(thousandths: q * 1_000, unit: "Nos"))]
                    line.accountingAllocations = [TallyLedgerEntry(ledger: sale ? "Sales 18%" : "Purchase 18%", amount: sign * amount)]
                    v.inventoryEntries.append(line)
                }
                let half = taxable * 9 / 100
                let total = taxable + 2 * half
                let party = sale ? "Customer \(i % 300)" : "Supplier \(i % 100)"
                var p = TallyLedgerEntry(ledger: party, amount: sale ? -total : total, isPartyLedger: true)
                p.bills = [TallyBillAllocation(name: v.number, type: "New Ref", amount: sale ? -total : total, creditPeriodDays: 30)]
                v.partyLedger = party
                v.ledgerEntries = [p, TallyLedgerEntry(ledger: sale ? "Output CGST" : "Input CGST", amount: sale ? half : -half),
                                   TallyLedgerEntry(ledger: sale ? "Output SGST" : "Input SGST", amount: sale ? half : -half)]
                if sale { openSales[i % 300].append((v.number!, total)) } else { openPurchases[i % 100].append((v.number!, total)) }
            case 12...18:
                let receipt = slot <= 16
                v = TallyVoucher(typeName: receipt ? "Receipt" : "Payment", date: date, number: (receipt ? "R-" : "Y-") + "\(i)")
                let who = receipt ? i % 300 : i % 100
                let party = receipt ? "Customer \(who)" : "Supplier \(who)"
                var amount: Int64 = 50_000
                var bill = TallyBillAllocation(name: nil, type: "On Account", amount: 0)
                if receipt, !openSales[who].isEmpty {
                    let b = openSales[who].removeFirst(); amount = b.1; bill = TallyBillAllocation(name: b.0, type: "Agst Ref", amount: 0)
                } else if !receipt, !openPurchases[who].isEmpty {
                    let b = openPurchases[who].removeFirst(); amount = b.1; bill = TallyBillAllocation(name: b.0, type: "Agst Ref", amount: 0)
                }
                bill.amount = receipt ? amount : -amount
                var p = TallyLedgerEntry(ledger: party, amount: receipt ? amount : -amount)
                p.bills = [bill]
                v.ledgerEntries = [p, TallyLedgerEntry(ledger: "Bench Bank", amount: receipt ? -amount : amount)]
            default:
                v = TallyVoucher(typeName: "Journal", date: date, number: "J-\(i)")
                v.ledgerEntries = [TallyLedgerEntry(ledger: "Freight", amount: -50_000), TallyLedgerEntry(ledger: "Outstanding Expenses", amount: 50_000)]
            }
            v.guid = "bench-v\(i)"
            v.remoteID = v.guid
            v.alterID = Int64(i + 1)
            chunk += TallyWriter.message(v.node)
            if i % 500 == 499 { try emit(chunk); chunk = "" }
        }
        try emit(chunk + TallyWriter.footer)
        return written
    }
}
