import Foundation
import Testing

/// One change path per kind of record: only its posting module writes its rows. Every other file reads them, so a
/// new write elsewhere (a raw status flip, a second amend path) fails here before it can skip the checks or the
/// audit entry.
@Suite struct ArchitectureTests {
    struct Module {
        var name: String
        var tables: [String]
        /// Its files (migrations, which create the tables, are not read). The benchmarks write bare rows on purpose:
        /// their baselines are what the database does with no posting at all.
        var writers: [String]
    }

    static let modules = [
        Module(name: "VoucherPosting", tables: ["vouchers", "voucher_entries", "bill_allocations", "bills", "ledger_day_totals", "ledger_month_totals"],
               writers: ["Accounting/VoucherPosting.swift", "Accounting/VoucherPosting+Change.swift", "Accounting/Bills.swift",
                         "Accounting/DayTotals.swift", "Commands/BooksBench.swift"]),
        Module(name: "Stock", tables: ["stock_movements", "stock_positions", "stock_balances"],
               writers: ["Inventory/Stock.swift", "Commands/StockBench.swift"]),
        Module(name: "InvoicePosting", tables: ["invoices", "invoice_lines", "gst_day_totals"],
               writers: ["GST/InvoicePosting.swift", "GST/InvoicePosting+Taxes.swift", "GST/InvoicePosting+Delivery.swift", "GST/ShippingBills.swift",
                        "GST/GSTDayTotals.swift"]),
    ]

    static func writes(in text: String, to tables: [String]) -> [String] {
        var found: [String] = []
        for table in tables {
            let t = NSRegularExpression.escapedPattern(for: table)
            for pattern in ["(?i)\\bINSERT\\s+INTO\\s+\(t)\\b", "(?i)\\bUPDATE\\s+\(t)\\b", "(?i)\\bDELETE\\s+FROM\\s+\(t)\\b",
                            "into:\\s*\"\(t)\"", "\\.update\\(\"\(t)\"\\)", "delete\\(from:\\s*\"\(t)\"\\)"] {
                if text.range(of: pattern, options: .regularExpression) != nil { found.append("\(table) (\(pattern))") }
            }
        }
        return found
    }

    @Test(arguments: modules.map(\.name))
    func only_the_posting_module_writes_its_rows(_ name: String) throws {
        let module = try #require(Self.modules.first { $0.name == name })
        let app = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/App")
        let files = try #require(FileManager.default.enumerator(at: app, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL })
            .filter { $0.pathExtension == "swift" }
        #expect(files.count > 100, "read \(files.count) files under \(app.path)")
        var writersSeen = 0
        for file in files {
            let relative = String(file.path.dropFirst(app.path.count + 1))
            guard !relative.hasPrefix("Migrations/") else { continue }
            let found = Self.writes(in: try String(contentsOf: file, encoding: .utf8), to: module.tables)
            if module.writers.contains(relative) {
                writersSeen += found.isEmpty ? 0 : 1
            } else {
                #expect(found.isEmpty, "\(relative) writes \(found.joined(separator: ", ")): go through \(module.name)")
            }
        }
        // The patterns do find the writes where they belong.
        #expect(writersSeen >= 2)
    }

    @Test func the_patterns_recognise_a_raw_write() {
        #expect(Self.writes(in: #"try await sql.raw("UPDATE vouchers SET status = 'x'").run()"#, to: ["vouchers"]) == ["vouchers (" + "(?i)\\bUPDATE\\s+vouchers\\b" + ")"])
        #expect(Self.writes(in: #"sql.delete(from: "stock_positions")"#, to: ["stock_positions"]).count == 1)
    }

    /// Foundation's `Process.run()` can crash the whole server on Linux (see `ChildProcess`); nothing under
    /// Sources or Tests uses it.
    @Test func no_code_starts_a_foundation_process() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var read = 0
        for folder in ["Sources", "Tests"] {
            let files = try #require(FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }).filter { $0.pathExtension == "swift" && $0.lastPathComponent != "ArchitectureTests.swift" }
            for file in files {
                read += 1
                let text = try String(contentsOf: file, encoding: .utf8)
                #expect(text.range(of: "\\bProcess\\(\\)", options: .regularExpression) == nil, "\(file.lastPathComponent) starts a Foundation Process: use ChildProcess")
            }
        }
        #expect(read > 150)
    }
}
