import Foundation
import Testing

/// One change path: only the posting module writes a voucher's rows. Every other file reads them, so a new write
/// elsewhere (a raw status flip, a second amend path) fails here before it can skip the checks or the audit entry.
@Suite struct ArchitectureTests {
    static let postingTables = ["vouchers", "voucher_entries", "bill_allocations", "bills", "ledger_day_totals", "ledger_month_totals"]
    /// The posting module (migrations, which create the tables, are not read). The books benchmark writes bare rows
    /// on purpose: its baseline is what the database does with no posting at all.
    static let writers = ["Accounting/VoucherPosting.swift", "Accounting/VoucherPosting+Change.swift", "Accounting/Bills.swift",
                          "Accounting/DayTotals.swift", "Commands/BooksBench.swift"]

    static func writes(in text: String) -> [String] {
        var found: [String] = []
        for table in postingTables {
            let t = NSRegularExpression.escapedPattern(for: table)
            for pattern in ["(?i)\\bINSERT\\s+INTO\\s+\(t)\\b", "(?i)\\bUPDATE\\s+\(t)\\b", "(?i)\\bDELETE\\s+FROM\\s+\(t)\\b",
                            "into:\\s*\"\(t)\"", "\\.update\\(\"\(t)\"\\)", "delete\\(from:\\s*\"\(t)\"\\)"] {
                if text.range(of: pattern, options: .regularExpression) != nil { found.append("\(table) (\(pattern))") }
            }
        }
        return found
    }

    @Test func only_the_posting_module_writes_voucher_rows() throws {
        let app = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/App")
        let files = try #require(FileManager.default.enumerator(at: app, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL })
            .filter { $0.pathExtension == "swift" }
        #expect(files.count > 100, "read \(files.count) files under \(app.path)")
        var writersSeen = 0
        for file in files {
            let relative = String(file.path.dropFirst(app.path.count + 1))
            guard !relative.hasPrefix("Migrations/") else { continue }
            let found = Self.writes(in: try String(contentsOf: file, encoding: .utf8))
            if Self.writers.contains(relative) {
                writersSeen += found.isEmpty ? 0 : 1
            } else {
                #expect(found.isEmpty, "\(relative) writes \(found.joined(separator: ", ")): go through VoucherPosting")
            }
        }
        // The patterns do find the writes where they belong.
        #expect(writersSeen >= 3)
        #expect(Self.writes(in: #"try await sql.raw("UPDATE vouchers SET status = 'x'").run()"#) == ["vouchers (" + "(?i)\\bUPDATE\\s+vouchers\\b" + ")"])
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
