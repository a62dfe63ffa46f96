import Fluent
import Foundation
import SQLKit
import TallyXML

struct TallyLinkRow: Codable, Sendable {
    var id: UUID
    var company_id: UUID
    var kind: String
    var guid: String
    var alter_id: Int64
    var entity_id: UUID
    var name: String
    var origin = "tally"
    var synced_hash: String? = nil
    var status = "synced"
    var last_error: String? = nil
}

/// Which of our rows a Tally object became. Objects without a GUID (hand-written files) are keyed by name.
enum TallyLinks {
    static func key(guid: String?, name: String) -> String { guid ?? "name:" + Chart.nameKey(name) }

    static func find(kind: String, key: String, company: UUID, on db: any Database) async throws -> TallyLinkRow? {
        try await db.sql().raw("SELECT * FROM tally_links WHERE company_id = \(bind: company) AND kind = \(bind: kind) AND guid = \(bind: key)")
            .first(decoding: TallyLinkRow.self)
    }

    /// The link of one of our rows, for export (`REMOTEID`, `GUID`).
    static func byEntity(company: UUID, kind: String, on db: any Database) async throws -> [UUID: TallyLinkRow] {
        let rows = try await db.sql().raw("SELECT * FROM tally_links WHERE company_id = \(bind: company) AND kind = \(bind: kind)").all(decoding: TallyLinkRow.self)
        return Dictionary(rows.map { ($0.entity_id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    static func save(kind: String, key: String, alterID: Int64?, entity: UUID, name: String, company: UUID, on db: any Database) async throws {
        let sql = db.sql()
        if let existing = try await find(kind: kind, key: key, company: company, on: db) {
            try await sql.raw("""
                UPDATE tally_links SET alter_id = \(bind: alterID ?? existing.alter_id), entity_id = \(bind: entity), name = \(bind: name)
                WHERE id = \(bind: existing.id)
                """).run()
        } else {
            try await sql.insert(into: "tally_links").model(TallyLinkRow(id: UUID(), company_id: company, kind: kind, guid: key, alter_id: alterID ?? 0,
                                                                          entity_id: entity, name: name)).run()
        }
    }
}
