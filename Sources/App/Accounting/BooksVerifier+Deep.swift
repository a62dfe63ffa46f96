import Fluent
import Foundation
import SQLKit

extension BooksVerifier {
    struct DeepReport: Sendable {
        var checked = 0
        /// Vouchers written before vouchers kept their audit hash: nothing to compare them with.
        var untied = 0
        var differences: [Difference] = []
    }

    /// Compares every voucher, its entries and its bill allocations with the audit entry that last wrote it (the hash
    /// the voucher row keeps): an amount, date, ledger or bill edited in the database behind the application's back
    /// no longer matches. Reads every voucher in full, so it is for an audit, not for every start.
    static func deep(company: UUID? = nil, on db: any Database, pageSize: Int = 500) async throws -> DeepReport {
        let sql = db.sql()
        var report = DeepReport()
        struct Row: Decodable { var id: UUID; var company_id: UUID; var number: String; var audit_hash: String? }
        struct Entry: Decodable { var entity_id: String; var after_json: String? }
        let filter: SQLQueryString = company.map { "AND company_id = \(bind: $0)" } ?? ""
        var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        while true {
            let page = try await sql.raw("""
                SELECT id, company_id, number, audit_hash FROM vouchers WHERE id > \(bind: after) \(filter) ORDER BY id LIMIT \(bind: pageSize)
                """).all(decoding: Row.self)
            guard let last = page.last else { break }
            after = last.id
            for v in page {
                guard let hash = v.audit_hash else { report.untied += 1; continue }
                report.checked += 1
                let chain = AuditLog.chainKey(for: v.company_id)
                guard let entry = try await sql.raw("SELECT entity_id, after_json FROM audit_entries WHERE hash = \(bind: hash) AND chain_key = \(bind: chain)")
                    .first(decoding: Entry.self), entry.entity_id == v.id.uuidString.lowercased(),
                    let recorded = entry.after_json.flatMap({ try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) })
                else {
                    report.differences.append(Difference(description: "voucher \(v.number) (\(v.id)): no audit entry of this voucher has the hash it keeps"))
                    continue
                }
                let now = try JSONValue(encoding: try await VoucherController.load(v.id.uuidString, company: v.company_id, on: db))
                let changed = differing(content(now), content(recorded))
                if !changed.isEmpty {
                    report.differences.append(Difference(description: "voucher \(v.number) (\(v.id)): its \(changed.joined(separator: ", ")) no longer match the audit entry that wrote them"))
                }
            }
        }
        return report
    }

    /// The fields whose values differ.
    static func differing(_ a: [String: JSONValue], _ b: [String: JSONValue]) -> [String] {
        Set(a.keys).union(b.keys).sorted().filter { a[$0]?.canonical != b[$0]?.canonical }
    }

    /// What a voucher says, without what may be renamed later (ledger and voucher type names), its bills in one order.
    static func content(_ dto: JSONValue) -> [String: JSONValue] {
        guard case .object(var o) = dto else { return ["voucher": dto] }
        o["type"] = nil
        if case .array(let entries)? = o["entries"] {
            o["entries"] = .array(entries.map { e in
                guard case .object(var line) = e else { return e }
                line["ledger"] = nil
                if case .array(let bills)? = line["bills"] { line["bills"] = .array(bills.sorted { $0.canonical < $1.canonical }) }
                return .object(line)
            })
        }
        return o
    }
}
