import Crypto
import Fluent
import Foundation
import Ledger
import SQLKit
import TallyXML
import Vapor

struct TallySyncRow: Codable, Sendable {
    var company_id: UUID
    var url: String
    var tally_company: String
    var enabled: Bool
    var conflict_rule: String
    var interval_minutes: Int
    var master_alter_id: Int64
    var voucher_alter_id: Int64
    var status: String
    var last_run_at: Date?
    var last_success_at: Date?
    var last_error: String?
    var failures: Int
    var last_report: String?
}

/// What one sync run did.
struct TallySyncReport: Codable, Sendable {
    var mastersPulled = false
    var masters = TallyImportDTO.Counts(kind: "master")
    var vouchers = TallyImportDTO.Counts(kind: "voucher")
    var deletedInTally = 0
    var pushedMasters = 0
    var pushedVouchers = 0
    var pushFailures = 0
    var conflicts = 0
    var requests = 0
    static let schema = Schema.object([
        .required("mastersPulled", .boolean), .required("masters", TallyImportDTO.Counts.schema), .required("vouchers", TallyImportDTO.Counts.schema),
        .required("deletedInTally", .integer()), .required("pushedMasters", .integer()), .required("pushedVouchers", .integer()),
        .required("pushFailures", .integer()), .required("conflicts", .integer()), .required("requests", .integer()),
    ])
}

/// Two-way sync with Tally's HTTP server (reference §6.3): pull what changed there since the last AlterIDs we saw
/// (masters whole, vouchers month by month), find what was deleted there by comparing GUID lists, push what we
/// created or changed since we were last in step, and log every object both sides changed in between, resolved
/// by the company's rule (default: the newer alteration wins).
enum TallySync {
    static func fingerprint(_ v: TallyVoucher) -> String {
        let postings = v.postings.filter { $0.amount != 0 }.map { p in
            "\(Chart.nameKey(p.ledger))|\(p.amount)|" + p.bills.filter { $0.amount != 0 }.map { "\($0.name ?? ""):\($0.type):\($0.amount)" }.sorted().joined(separator: ",")
        }.sorted()
        let text = [v.typeName, v.date.description, v.number ?? "", v.narration ?? "", v.reference ?? "", "\(v.isCancelled)", "\(v.isOptional)"]
            .joined(separator: "\n") + "\n" + postings.joined(separator: "\n")
        return SHA256.hash(data: Data(text.utf8)).hexString
    }

    static func fingerprint(_ node: TallyNode) -> String {
        var s = ""
        TallyWriter.write(node, depth: 0, into: &s)
        return SHA256.hash(data: Data(s.utf8)).hexString
    }

    static func settings(company: UUID, on db: any Database) async throws -> TallySyncRow? {
        try await db.sql().raw("SELECT * FROM tally_sync WHERE company_id = \(bind: company)").first(decoding: TallySyncRow.self)
    }

    /// One run. Failures are recorded on the settings row (status, error, a notification) and rethrown.
    static func run(company: Company, client: TallyClient, actor: AuditActor, store: Store, on db: any Database) async throws -> TallySyncReport {
        let companyID = try company.requireID()
        guard let s = try await settings(company: companyID, on: db) else { throw APIError.conflict("Tally sync is not set up for this company.") }
        try await db.sql().raw("UPDATE tally_sync SET status = 'running', last_run_at = \(bind: Date()) WHERE company_id = \(bind: companyID)").run()
        do {
            let limit = client.deadline, url = client.url
            let report = try await withDeadline(limit, timedOut: { TallyClient.Failure(description: "could not reach Tally at \(url): the sync did not finish within \(limit)") }) {
                try await pass(s, company: company, client: client, actor: actor, store: store, on: db)
            }
            let text = try JSONValue(encoding: report).canonical
            try await db.sql().raw("""
                UPDATE tally_sync SET status = 'ok', last_success_at = \(bind: Date()), last_error = NULL, failures = 0, last_report = \(bind: text)
                WHERE company_id = \(bind: companyID)
                """).run()
            return report
        } catch {
            let message = (error as? TallyClient.Failure)?.description ?? (error as? APIError)?.message ?? "\(error)"
            try await store.write(on: db) { tx in
                try await tx.sql().raw("""
                    UPDATE tally_sync SET status = 'failed', last_error = \(bind: message), failures = failures + 1 WHERE company_id = \(bind: companyID)
                    """).run()
                try await Notifications.raise(company: companyID, kind: "tally-sync-failed", key: "tally-sync-failed:\(Format.today())",
                                              title: "Sync with Tally failed", body: message, link: "tally", on: tx)
            }
            throw error
        }
    }

    private static func pass(_ s: TallySyncRow, company: Company, client: TallyClient, actor: AuditActor, store: Store,
                             on db: any Database) async throws -> TallySyncReport {
        let companyID = try company.requireID()
        var report = TallySyncReport()
        func send(_ xml: String) async throws -> (path: String, summary: TallyReadSummary) {
            report.requests += 1
            return try await client.send(xml)
        }
        // 1. Did anything change there?
        let (infoPath, _) = try await send(TallyRequests.companyInfo(company: s.tally_company))
        defer { try? FileManager.default.removeItem(atPath: infoPath) }
        var infoNode: TallyNode?
        _ = try TallyReader.read(try TallyFile(path: infoPath)) { if $0.name == "COMPANY" { infoNode = $0 } }
        guard let infoNode, let info = try? TallyCompanyInfo(node: infoNode) else {
            throw TallyClient.Failure(description: "Tally has no company '\(s.tally_company)' loaded")
        }

        // 2. Masters, whole, when any changed.
        if info.masterAlterID > s.master_alter_id {
            let (path, _) = try await send(TallyRequests.masters(company: s.tally_company))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let imported = try await TallyImporter.run(path: path, source: "sync with \(s.url)", company: company, actor: actor, store: store, on: db)
            report.mastersPulled = true
            for c in imported.byKind where c.kind != "voucher" {
                report.masters.created += c.created; report.masters.updated += c.updated; report.masters.unchanged += c.unchanged
                report.masters.rejected += c.rejected; report.masters.skipped += c.skipped
            }
        }

        // 3. Vouchers altered since the last run, month by month; then what Tally no longer has.
        let first = try info.booksFrom ?? (CalendarDate(stored: company.booksBeginning))
        let last = max(info.lastVoucherDate ?? Format.today(), first)
        if info.voucherAlterID > s.voucher_alter_id {
            var seen: Set<String> = []
            for (from, to) in months(first, last) {
                let (path, _) = try await send(TallyRequests.vouchers(company: s.tally_company, from: from, to: to, afterAlterID: s.voucher_alter_id))
                defer { try? FileManager.default.removeItem(atPath: path) }
                _ = try await TallyStream.read(path: path) { node in
                    guard node.name == "VOUCHER" else { return }
                    let outcome = await pulled(node, rule: s.conflict_rule, company: company, actor: actor, store: store, on: db)
                    report.vouchers.add(outcome.0)
                    if outcome.1 { report.conflicts += 1 }
                }
                let (guids, _) = try await send(TallyRequests.voucherGUIDs(company: s.tally_company, from: from, to: to))
                defer { try? FileManager.default.removeItem(atPath: guids) }
                _ = try TallyReader.read(try TallyFile(path: guids)) { node in
                    if node.name == "VOUCHER", let g = node.attribute("REMOTEID") ?? node.value("GUID") { seen.insert(g) }
                }
            }
            report.deletedInTally = try await cancelDeleted(seen: seen, from: first, to: last, company: companyID, actor: actor, store: store, on: db)
        }
        try await stampPulled(company: companyID, store: store, on: db)

        // 4. Ours to Tally: masters first (a voucher naming a ledger Tally lacks fails), then vouchers.
        try await push(s, company: company, client: client, report: &report, store: store, on: db)

        try await db.sql().raw("""
            UPDATE tally_sync SET master_alter_id = \(bind: info.masterAlterID), voucher_alter_id = \(bind: info.voucherAlterID) WHERE company_id = \(bind: companyID)
            """).run()
        return report
    }

    static func months(_ from: CalendarDate, _ to: CalendarDate) -> [(CalendarDate, CalendarDate)] {
        var out: [(CalendarDate, CalendarDate)] = []
        var start = from
        while start <= to {
            let end = min(start.monthEnd, to)
            out.append((start, end))
            start = end.nextDay
        }
        return out
    }

    /// One voucher as Tally has it now. Returns its outcome and whether it was a conflict.
    static func pulled(_ node: TallyNode, rule: String, company: Company, actor: AuditActor, store: Store, on db: any Database) async -> (TallyImportDTO.Outcome, Bool) {
        guard let companyID = try? company.requireID(), let v = try? TallyVoucher(node: node) else { return (.rejected, false) }
        let key = TallyLinks.key(guid: v.remoteID ?? v.guid, name: "\(v.typeName)|\(v.date)|\(v.number ?? "")")
        do {
            return try await store.write(on: db) { tx in
                guard let link = try await TallyLinks.find(kind: "voucher", key: key, company: companyID, on: tx) else {
                    let applied = try await TallyImporter.voucher(v, key: key, tallyBases: [:], company: company, actor: actor, on: tx)
                    return (applied.outcome, false)
                }
                guard (v.alterID ?? 0) > link.alter_id else { return (.unchanged, false) }
                let theirs = fingerprint(v)
                let ours = try await TallyExporter.vouchers(company: companyID, from: CalendarDate.earliest, to: CalendarDate.distantFuture,
                                                            after: nil, links: [link.entity_id: link], only: link.entity_id, on: tx).first.map { fingerprint($0.node) }
                func accept(alter: Int64?, hash: String?) async throws {
                    try await tx.sql().raw("""
                        UPDATE tally_links SET alter_id = \(bind: alter ?? link.alter_id), synced_hash = \(bind: hash), status = 'synced', last_error = NULL WHERE id = \(bind: link.id)
                        """).run()
                }
                // Our own push coming back, or an alteration that changed nothing we keep: just note the AlterID.
                if theirs == link.synced_hash || theirs == ours {
                    try await accept(alter: v.alterID, hash: theirs)
                    return (.unchanged, false)
                }
                var takeTheirs = ours == link.synced_hash
                var conflict = false
                if !takeTheirs {
                    conflict = true
                    switch rule {
                    case "tally": takeTheirs = true
                    case "finsync": takeTheirs = false
                    default:
                        // Newest alteration wins: Tally's UPDATEDDATETIME against our last audited change.
                        struct At: Decodable { var at: String? }
                        let oursAt = try await tx.sql().raw("""
                            SELECT MAX(at) AS at FROM audit_entries WHERE entity_type = 'voucher' AND entity_id = \(bind: link.entity_id.uuidString.lowercased())
                            """).first(decoding: At.self)?.at
                        let theirsAt = node.value("UPDATEDDATETIME").flatMap(tallyTimestamp)
                        let oursDate = oursAt.flatMap { try? Date($0, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)) }
                        takeTheirs = theirsAt.map { t in oursDate.map { t > $0 } ?? true } ?? true
                    }
                    try await tx.sql().insert(into: "tally_conflicts").model(ConflictRow(
                        id: UUID(), company_id: companyID, kind: "voucher", guid: key, entity_id: link.entity_id, name: "\(v.typeName) \(v.number ?? "") of \(v.date)",
                        detected_at: Date(), resolution: takeTheirs ? "took-tally" : "kept-ours",
                        detail: "changed here and in Tally (AlterID \(link.alter_id) → \(v.alterID ?? 0)) since the last sync; rule '\(rule)'")).run()
                }
                if takeTheirs {
                    _ = try await TallyImporter.voucher(v, key: key, tallyBases: [:], company: company, actor: actor, on: tx)
                    try await accept(alter: v.alterID, hash: theirs)
                    return (.updated, conflict)
                }
                // Ours stays and goes to Tally on this run's push; Tally's AlterID is noted so this is not found again.
                try await tx.sql().raw("UPDATE tally_links SET alter_id = \(bind: v.alterID ?? link.alter_id) WHERE id = \(bind: link.id)").run()
                return (.unchanged, conflict)
            }
        } catch {
            let message = (error as? APIError).map { e in e.fields.isEmpty ? e.message : e.fields.map { "\($0.field): \($0.message)" }.joined(separator: "; ") } ?? "\(error)"
            try? await store.write(on: db) { tx in
                try await tx.sql().raw("""
                    UPDATE tally_links SET status = 'error', last_error = \(bind: message) WHERE company_id = \(bind: companyID) AND kind = 'voucher' AND guid = \(bind: key)
                    """).run()
            }
            return (.rejected, false)
        }
    }

    struct ConflictRow: Codable, Sendable {
        var id: UUID; var company_id: UUID; var kind: String; var guid: String; var entity_id: UUID?; var name: String; var detected_at: Date
        var resolution: String; var detail: String
    }

    /// `YYYYMMDDhhmmssSSS` (Tally's UPDATEDDATETIME), taken as Indian time.
    static func tallyTimestamp(_ s: String) -> Date? {
        guard s.count >= 14, s.allSatisfy(\.isNumber) else { return nil }
        var c = DateComponents()
        let d = Array(s)
        func n(_ a: Int, _ b: Int) -> Int { Int(String(d[a..<b])) ?? 0 }
        (c.year, c.month, c.day, c.hour, c.minute, c.second) = (n(0, 4), n(4, 6), n(6, 8), n(8, 10), n(10, 12), n(12, 14))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Kolkata")!
        return calendar.date(from: c)
    }

    /// Vouchers Tally had (pulled from it, or pushed and seen there) but no longer lists in the period: cancelled
    /// here — nothing is deleted — and marked deleted in Tally.
    static func cancelDeleted(seen: Set<String>, from: CalendarDate, to: CalendarDate, company: UUID, actor: AuditActor, store: Store,
                              on db: any Database) async throws -> Int {
        struct Gone: Decodable { var id: UUID; var guid: String; var entity_id: UUID; var status: String }
        let candidates = try await db.sql().raw("""
            SELECT l.id, l.guid, l.entity_id, v.status FROM tally_links l JOIN vouchers v ON v.id = l.entity_id
            WHERE l.company_id = \(bind: company) AND l.kind = 'voucher' AND l.status <> 'deleted-in-tally'
              AND (l.origin = 'tally' OR l.alter_id > 0) AND v.date >= \(bind: from.description) AND v.date <= \(bind: to.description)
            """).all(decoding: Gone.self).filter { !seen.contains($0.guid) }
        for gone in candidates {
            try await store.write(on: db) { tx in
                if gone.status != "cancelled" { _ = try await VoucherPosting.cancel(gone.entity_id.uuidString, company: company, actor: actor, on: tx) }
                try await tx.sql().raw("UPDATE tally_links SET status = 'deleted-in-tally' WHERE id = \(bind: gone.id)").run()
            }
        }
        return candidates.count
    }

    /// What a pull created is in step with Tally as it stands: its hash is taken now, so only later changes of
    /// ours are pushed back.
    static func stampPulled(company: UUID, store: Store, on db: any Database) async throws {
        let fresh = try await db.sql().raw("""
            SELECT * FROM tally_links WHERE company_id = \(bind: company) AND synced_hash IS NULL AND origin = 'tally' AND kind = 'voucher'
            """).all(decoding: TallyLinkRow.self)
        for link in fresh {
            guard let v = try await TallyExporter.vouchers(company: company, from: CalendarDate.earliest, to: CalendarDate.distantFuture,
                                                           after: nil, links: [link.entity_id: link], only: link.entity_id, on: db).first else { continue }
            try await db.sql().raw("UPDATE tally_links SET synced_hash = \(bind: fingerprint(v.node)) WHERE id = \(bind: link.id)").run()
        }
        let masters = try await db.sql().raw("""
            SELECT * FROM tally_links WHERE company_id = \(bind: company) AND synced_hash IS NULL AND origin = 'tally' AND kind <> 'voucher'
            """).all(decoding: TallyLinkRow.self)
        guard !masters.isEmpty, let c = try await Company.find(company, on: db) else { return }
        let nodes = try await TallyExporter.masters(company: c, on: db)
        let byGUID = Dictionary(nodes.compactMap { n in n.value("GUID").map { ($0, n) } }, uniquingKeysWith: { a, _ in a })
        for link in masters {
            guard let node = byGUID[link.guid] else { continue }
            try await db.sql().raw("UPDATE tally_links SET synced_hash = \(bind: fingerprint(node)) WHERE id = \(bind: link.id)").run()
        }
    }

    static let masterKinds = ["GROUP": "group", "LEDGER": "ledger", "GODOWN": "godown", "STOCKGROUP": "stock-group", "STOCKITEM": "stock-item",
                              "VOUCHERTYPE": "voucher-type", "UNIT": "unit"]

    /// Ours to Tally: every master and voucher that Tally has not seen as it is now, the masters in one request
    /// (one each when Tally refuses any) and one request per voucher, so each LINEERROR lands on its object.
    static func push(_ s: TallySyncRow, company: Company, client: TallyClient, report: inout TallySyncReport, store: Store, on db: any Database) async throws {
        let companyID = try company.requireID()
        let sql = db.sql()
        let links = try await sql.raw("SELECT * FROM tally_links WHERE company_id = \(bind: companyID)").all(decoding: TallyLinkRow.self)
        let byKey = Dictionary(links.map { ("\($0.kind)|\($0.guid)", $0) }, uniquingKeysWith: { a, _ in a })
        var masters: [(TallyNode, String, String, String)] = []  // node, kind, guid, hash
        for node in try await TallyExporter.masters(company: company, on: db) {
            guard let kind = masterKinds[node.name], let guid = node.value("GUID") else { continue }
            let hash = fingerprint(node)
            if byKey["\(kind)|\(guid)"]?.synced_hash != hash { masters.append((node, kind, guid, hash)) }
        }
        if !masters.isEmpty {
            // All at once first; when Tally refuses any of them, one at a time (parents still first), so each
            // refusal lands on its master and the rest go through. Vouchers naming a refused master fail on their own.
            report.requests += 1
            let (path, summary) = try await client.send(TallyWriter.envelope(.allMasters, company: s.tally_company, objects: masters.map(\.0)))
            try? FileManager.default.removeItem(atPath: path)
            var answers = [(TallyImportResponse(summary), masters)]
            if !answers[0].0.succeeded {
                answers = []
                for m in masters {
                    report.requests += 1
                    let (path, summary) = try await client.send(TallyWriter.envelope(.allMasters, company: s.tally_company, objects: [m.0]))
                    try? FileManager.default.removeItem(atPath: path)
                    answers.append((TallyImportResponse(summary), [m]))
                }
            }
            for (answer, sent) in answers {
                try await store.write(on: db) { tx in
                    for (node, kind, guid, hash) in sent {
                        let existing = byKey["\(kind)|\(guid)"]
                        let entity = UUID(uuidString: guid) ?? existing?.entity_id ?? UUID()
                        try await recordPush(answer, kind: kind, guid: guid, entity: entity, name: node.attribute("NAME") ?? "", hash: hash, existing: existing, company: companyID, on: tx)
                    }
                }
                if answer.succeeded { report.pushedMasters += sent.count } else { report.pushFailures += sent.count }
            }
        }
        let voucherLinks = Dictionary(links.filter { $0.kind == "voucher" }.map { ($0.entity_id, $0) }, uniquingKeysWith: { a, _ in a })
        var after: (String, String, UUID)?
        while true {
            let page = try await TallyExporter.vouchers(company: companyID, from: (try CalendarDate(stored: company.booksBeginning)), to: CalendarDate.distantFuture,
                                                        after: after, links: voucherLinks, on: db)
            guard let lastRow = page.last else { break }
            after = (lastRow.date, lastRow.number, lastRow.id)
            for exported in page {
                let link = voucherLinks[exported.id]
                if link?.status == "deleted-in-tally" { continue }
                let hash = fingerprint(exported.node)
                guard link?.synced_hash != hash else { continue }
                var v = exported.node
                v.action = link == nil ? "Create" : "Alter"
                report.requests += 1
                let (path, summary) = try await client.send(TallyWriter.envelope(.vouchers, company: s.tally_company, objects: [v.node]))
                try? FileManager.default.removeItem(atPath: path)
                let answer = TallyImportResponse(summary)
                let guid = v.remoteID ?? exported.id.uuidString.lowercased()
                try await store.write(on: db) { tx in
                    try await recordPush(answer, kind: "voucher", guid: guid, entity: exported.id, name: exported.number, hash: hash, existing: link, company: companyID, on: tx)
                }
                if answer.succeeded { report.pushedVouchers += 1 } else { report.pushFailures += 1 }
            }
        }
    }

    /// What Tally said of one object we sent: synced (with the fingerprint of what it now holds), or its error.
    private static func recordPush(_ answer: TallyImportResponse, kind: String, guid: String, entity: UUID, name: String, hash: String, existing: TallyLinkRow?,
                                   company: UUID, on db: any Database) async throws {
        let why = answer.succeeded ? nil : answer.lineErrors.isEmpty ? "Tally counted \(answer.errors) error(s) and gave no reason" : answer.lineErrors.joined(separator: "; ")
        if let existing {
            try await db.sql().raw(answer.succeeded
                ? "UPDATE tally_links SET synced_hash = \(bind: hash), status = 'synced', last_error = NULL WHERE id = \(bind: existing.id)"
                : "UPDATE tally_links SET status = 'error', last_error = \(bind: why) WHERE id = \(bind: existing.id)").run()
        } else {
            var row = TallyLinkRow(id: UUID(), company_id: company, kind: kind, guid: guid, alter_id: 0, entity_id: entity, name: name)
            row.origin = "finsync"
            if answer.succeeded { row.synced_hash = hash } else { (row.status, row.last_error) = ("error", why) }
            try await db.sql().insert(into: "tally_links").model(row, nilEncodingStrategy: .asNil).run()
        }
    }
}
