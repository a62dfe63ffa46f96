import Fluent
import Foundation
import Ledger
import SQLKit
import TallyXML

/// The fast path for vouchers: a chunk of new vouchers is checked with one shared posting context and written
/// with one multi-row write in one transaction. Anything unusual in the chunk — a rejection, an amendment, a
/// number already used — rolls the chunk back, and the caller replays it one voucher per transaction, so every
/// voucher still gets its own outcome and a rejected one leaves nothing.
extension TallyImporter {
    struct ChunkFallback: Error {}

    /// Seconds spent in each stage of the chunked path, summed over an import (the Tally benchmark prints them).
    final class StageClock: @unchecked Sendable {
        static let shared = StageClock()
        private let lock = NSLock()
        private var seconds: [String: Double] = [:]
        func add(_ stage: String, since start: ContinuousClock.Instant) {
            let d = ContinuousClock.now - start
            let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            lock.withLock { seconds[stage, default: 0] += s }
        }
        func take() -> [String: Double] { lock.withLock { defer { seconds = [:] }; return seconds } }
    }

    static let chunkSize = 200

    static func chunk(_ batch: [(voucher: TallyVoucher, key: String)], tallyBases: [String: String], company: Company, actor: AuditActor,
                      on db: any Database) async throws -> [Applied] {
        let companyID = try company.requireID()
        let clock = StageClock.shared
        var t = ContinuousClock.now
        struct Link: Decodable { var guid: String; var alter_id: Int64 }
        let links = Dictionary(try await db.sql().raw("""
            SELECT guid, alter_id FROM tally_links WHERE company_id = \(bind: companyID) AND kind = 'voucher' AND guid IN (\(binds: batch.map(\.key)))
            """).all(decoding: Link.self).map { ($0.guid, $0.alter_id) }, uniquingKeysWith: { a, _ in a })
        // Bills are looked up one reference at a time: loading every bill of each party (preload) grew with the books.
        let context = try await PostingContext(company: companyID, on: db)
        try await context.preloadLedgers(batch.flatMap { $0.voucher.postings.map(\.ledger) }, on: db)
        var named: [(ledger: UUID, reference: String)] = []
        for (v, _) in batch where !v.isCancelled {
            for p in v.postings where !p.bills.isEmpty {
                guard let ledger = try await context.ledger(p.ledger, on: db) else { continue }
                named += p.bills.compactMap { b in b.name.map { (ledger.id, $0) } }
            }
        }
        try await context.preloadBills(named, on: db)
        var outcomes: [Applied] = []
        var fresh: [(TallyVoucher, String)] = []
        var prepared: [VoucherPosting.Prepared] = []
        var numbers: Set<String> = []
        for (v, key) in batch {
            if let alter = links[key] {
                guard (v.alterID ?? 0) <= alter else { throw ChunkFallback() }  // an amendment: the single path
                outcomes.append(Applied(outcome: .unchanged))
                continue
            }
            var found = context.type(v.typeName)
            if found == nil { found = try? await ourType(v.typeName, tallyBases: tallyBases, company: companyID, on: db) }
            guard let type = found, v.problems().isEmpty, let number = v.number else { throw ChunkFallback() }
            var body = try await request(v, type: type, context: context, on: db)
            if type.automatic { body.number = nil }
            var p = try await VoucherPosting.prepare(body, context: context, on: db)
            if type.automatic {
                guard numbers.insert("\(type.id)|\(p.fyStart)|\(number)").inserted else { throw ChunkFallback() }
                p.presetNumber = number
            }
            p.cancelled = v.isCancelled
            prepared.append(p)
            fresh.append((v, key))
            outcomes.append(Applied(outcome: .created))
        }
        clock.add("check", since: t); t = .now
        guard !prepared.isEmpty else { return outcomes }
        struct Taken: Decodable { var voucher_type_id: UUID; var fy_start: String; var number: String }
        let taken = try await db.sql().raw("""
            SELECT voucher_type_id, fy_start, number FROM vouchers WHERE company_id = \(bind: companyID) AND number IN (\(binds: Array(Set(prepared.compactMap(\.presetNumber)))))
            """).all(decoding: Taken.self)
        if taken.contains(where: { numbers.contains("\($0.voucher_type_id)|\($0.fy_start)|\($0.number)") }) { throw ChunkFallback() }
        let posted = try await VoucherPosting.write(prepared, context: context, actor: actor, on: db)
        clock.add("write", since: t); t = .now
        var linkRows: [TallyLinkRow] = []
        var stock: [(moves: [Stock.Movement], sourceID: UUID)] = []
        let lookups = StockLookups()
        try await lookups.preloadItems(fresh.flatMap { $0.0.inventoryEntries.map(\.item) }, company: companyID, on: db)
        for ((v, key), dto) in zip(fresh, posted) {
            if !v.isCancelled && dto.status == "active" {
                stock.append((try await stockMoves(v, company: company, lookups: lookups, on: db), dto.id))
            }
            linkRows.append(TallyLinkRow(id: .timeOrdered(), company_id: companyID, kind: "voucher", guid: key, alter_id: v.alterID ?? 0, entity_id: dto.id, name: dto.number))
        }
        try await Stock.record(stock, sourceKind: "tally-voucher", company: company, on: db)
        clock.add("stock", since: t); t = .now
        try await VoucherPosting.insert(linkRows, into: "tally_links", on: db.sql())
        clock.add("links", since: t)
        return outcomes
    }
}
