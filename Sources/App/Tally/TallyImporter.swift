import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import TallyXML
import Vapor

/// Imports a Tally XML file (a UI export, a Day Book or a collection response): masters first, parents before
/// children, then vouchers as the file streams past. Every object is written in its own transaction through the
/// same functions as the API, keyed by its GUID, so importing the same file again changes nothing and whatever is
/// rejected leaves no partial rows. The report lists each object's outcome and compares our balances with the
/// figures in the file.
enum TallyImporter {
    /// Outcomes as they happen.
    struct Recorder {
        var report = TallyImportDTO(id: UUID(), source: "", encoding: "utf8", totals: .init(kind: "all"), byKind: [], objects: [], objectsListed: 0,
                                    unknownTags: 0, controlCharactersDropped: 0, parity: nil)

        mutating func record(_ kind: String, _ name: String, guid: String?, _ outcome: TallyImportDTO.Outcome, _ reason: String? = nil) {
            report.totals.add(outcome)
            if let i = report.byKind.firstIndex(where: { $0.kind == kind }) { report.byKind[i].add(outcome) } else {
                var c = TallyImportDTO.Counts(kind: kind)
                c.add(outcome)
                report.byKind.append(c)
            }
            // Rejections and skips are listed first and longest, but a report holds its size too: past the limits
            // objects are only counted (the totals above always count every one).
            let limit = outcome == .rejected || outcome == .skipped ? TallyImportDTO.problemListLimit : TallyImportDTO.listLimit
            if report.objectsListed < limit {
                report.objects.append(.init(kind: kind, name: name, guid: guid, outcome: outcome, reason: reason))
                report.objectsListed += 1
            }
        }
    }

    /// A voucher the reader could not decode, with what the report says of it.
    struct RefusedVoucher: Error, Sendable { var number: String; var guid: String?; var reason: String }

    /// The masters of a file, gathered in the first pass (a few thousand at most), newest AlterID per GUID.
    struct Masters {
        var groups: [TallyGroup] = [], ledgers: [TallyLedger] = [], units: [TallyUnit] = [], items: [TallyStockItem] = []
        var godowns: [TallySimpleMaster] = [], stockGroups: [TallySimpleMaster] = [], voucherTypes: [TallySimpleMaster] = [], others: [TallySimpleMaster] = []
        var seen: [String: Int64] = [:]

        /// False for a repeat of a GUID already taken with the same or a higher AlterID (Tally repeats masters).
        mutating func fresh(_ tag: String, _ header: TallyMasterHeader) -> Bool {
            let key = tag + "|" + TallyLinks.key(guid: header.guid, name: header.name)
            if let alter = seen[key], alter >= (header.alterID ?? 0) { return false }
            seen[key] = header.alterID ?? 0
            return true
        }
    }

    static func kind(_ tag: String) -> String {
        ["GROUP": "group", "LEDGER": "ledger", "UNIT": "unit", "STOCKITEM": "stock-item", "GODOWN": "godown", "STOCKGROUP": "stock-group",
         "VOUCHERTYPE": "voucher-type", "VOUCHER": "voucher", "COSTCENTRE": "cost-centre", "COSTCATEGORY": "cost-category",
         "CURRENCY": "currency", "STOCKCATEGORY": "stock-category"][tag] ?? tag.lowercased()
    }

    static func run(path: String, source: String, company: Company, actor: AuditActor, store: Store, on db: any Database) async throws -> TallyImportDTO {
        let companyID = try company.requireID()
        let id = UUID()
        try await store.imports.acquire(id, company: companyID)
        do {
            // On record from the start, so an import the server did not finish is reported, never silently half there.
            var started = Recorder().report
            started.id = id
            started.source = source
            started.status = "running"
            try await save(started, company: companyID, actor: actor, new: true, store: store, on: db)
            let report = try await run(id: id, path: path, source: source, company: company, companyID: companyID, actor: actor, store: store, on: db)
            await store.imports.release(id, company: companyID)
            return report
        } catch {
            var failed = Recorder().report
            failed.id = id
            failed.source = source
            failed.status = "failed"
            failed.failure = String(describing: error).prefix(500).description
            try? await save(failed, company: companyID, actor: actor, new: false, store: store, on: db)
            await store.imports.release(id, company: companyID)
            throw error
        }
    }

    /// The import's row: inserted when it starts, its report written over it when it ends.
    static func save(_ report: TallyImportDTO, company: UUID, actor: AuditActor, new: Bool, store: Store, on db: any Database) async throws {
        let text = try JSONValue(encoding: report).canonical
        try await store.write(on: db) { tx in
            if new {
                try await tx.sql().raw("""
                    INSERT INTO tally_imports (id, company_id, created_at, created_by, source, report)
                    VALUES (\(bind: report.id), \(bind: company), \(bind: Date()), \(bind: actor.userID), \(bind: report.source), \(bind: text))
                    """).run()
            } else {
                try await tx.sql().raw("UPDATE tally_imports SET report = \(bind: text) WHERE id = \(bind: report.id)").run()
            }
        }
    }

    /// At start on SQLite (the only writer): imports left `running` by a server that stopped are reported failed.
    static func settleInterrupted(on db: any Database) async throws {
        struct Row: Decodable { var id: UUID; var report: String }
        for row in try await db.sql().raw("SELECT id, report FROM tally_imports").all(decoding: Row.self) where row.report.contains(#""status":"running""#) {
            guard var report = try? JSONDecoder().decode(TallyImportDTO.self, from: Data(row.report.utf8)) else { continue }
            report.status = "failed"
            report.failure = "the server stopped during the import; what came in before is kept, each voucher whole, and importing the same file again continues it"
            try await db.sql().raw("UPDATE tally_imports SET report = \(bind: try JSONValue(encoding: report).canonical) WHERE id = \(bind: row.id)").run()
        }
    }

    private static func run(id: UUID, path: String, source: String, company: Company, companyID: UUID, actor: AuditActor, store: Store,
                            on db: any Database) async throws -> TallyImportDTO {
        var r = Recorder()
        r.report.id = id
        r.report.source = source

        // Pass 1: masters.
        var passStart = ContinuousClock.now
        var m = Masters()
        var tallyBalances: [String: Int64] = [:]
        var ledgerNames: [String: String] = [:]  // as the file spells them, for the parity report
        let summary = try await TallyStream.read(path: path, filter: .except(["VOUCHER"])) { node in
            do {
                switch try TallyObject.decode(node) {
                case let .group(g): if m.fresh("GROUP", g.header) { m.groups.append(g); r.report.unknownTags += g.extras.count }
                case let .ledger(l):
                    if m.fresh("LEDGER", l.header) {
                        m.ledgers.append(l)
                        r.report.unknownTags += l.extras.count
                        tallyBalances[Chart.nameKey(l.header.name)] = -(l.openingBalance ?? 0)
                        ledgerNames[Chart.nameKey(l.header.name)] = l.header.name
                    }
                case let .unit(u): if m.fresh("UNIT", u.header) { m.units.append(u) }
                case let .stockItem(s): if m.fresh("STOCKITEM", s.header) { m.items.append(s); r.report.unknownTags += s.extras.count }
                case let .master(s):
                    guard m.fresh(s.tag, s.header) else { break }
                    switch s.tag {
                    case "GODOWN": m.godowns.append(s)
                    case "STOCKGROUP": m.stockGroups.append(s)
                    case "VOUCHERTYPE": m.voucherTypes.append(s)
                    default: m.others.append(s)
                    }
                case .voucher: break
                case let .other(tag): r.record(kind(tag), node.attribute("NAME") ?? tag, guid: node.value("GUID"), .skipped, "\(tag) is not kept in FinSync360")
                }
            } catch let e as TallyFieldError {
                r.record(kind(node.name), node.attribute("NAME") ?? "", guid: node.value("GUID"), .rejected, e.description)
            }
        }
        StageClock.shared.add("masters pass, reading", since: passStart)
        r.report.encoding = summary.encoding.rawValue
        r.report.controlCharactersDropped = summary.controlCharactersDropped

        func apply(_ kind: String, _ name: String, guid: String?, _ body: @escaping @Sendable (any Database) async throws -> Applied) async {
            do {
                let applied = try await store.write(on: db, body)
                r.record(kind, name, guid: guid, applied.outcome, applied.note)
            } catch let e as APIError {
                r.record(kind, name, guid: guid, .rejected, e.fields.isEmpty ? e.message : e.fields.map { "\($0.field): \($0.message)" }.joined(separator: "; "))
            } catch {
                r.record(kind, name, guid: guid, .rejected, "could not be saved: \(error)")
            }
        }

        // Units first: items name them. Simple units map to a GST UQC; compound ones become ours.
        var uqcs: [String: String] = [:]
        for u in m.units {
            if u.isSimple {
                if let uqc = u.uqc ?? TallyUnits.uqc(for: u.header.name) {
                    uqcs[Chart.nameKey(u.header.name)] = uqc
                    r.record("unit", u.header.name, guid: u.header.guid, .unchanged, "kept as GST unit \(uqc)")
                } else {
                    r.record("unit", u.header.name, guid: u.header.guid, .skipped, "no GST UQC for '\(u.header.name)'; items in it are rejected")
                }
                continue
            }
            let unit = u
            let known = uqcs
            await apply("unit", u.header.name, guid: u.header.guid) { tx in try await Self.compoundUnit(unit, uqcs: known, company: companyID, actor: actor, on: tx) }
        }
        for g in parentsFirst(m.godowns, key: { Chart.nameKey($0.header.name) }, parent: { $0.header.parent.map(Chart.nameKey) }) {
            await apply("godown", g.header.name, guid: g.header.guid) { tx in try await Self.nested(g, master: .godowns, kind: "godown", company: companyID, actor: actor, on: tx) }
        }
        for g in parentsFirst(m.stockGroups, key: { Chart.nameKey($0.header.name) }, parent: { $0.header.parent.map(Chart.nameKey) }) {
            await apply("stock-group", g.header.name, guid: g.header.guid) { tx in try await Self.nested(g, master: .stockGroups, kind: "stock-group", company: companyID, actor: actor, on: tx) }
        }
        for g in parentsFirst(m.groups, key: { Chart.nameKey($0.header.name) }, parent: { $0.header.parent.map(Chart.nameKey) }) {
            await apply("group", g.header.name, guid: g.header.guid) { tx in try await Self.group(g, company: companyID, actor: actor, on: tx) }
        }
        for l in m.ledgers {
            await apply("ledger", l.header.name, guid: l.header.guid) { tx in try await Self.ledger(l, company: company, actor: actor, on: tx) }
        }
        var tallyBases: [String: String] = [:]
        for t in m.voucherTypes { if let p = t.header.parent { tallyBases[Chart.nameKey(t.header.name)] = p } }
        for t in m.voucherTypes {
            let resolved = t.header.parent.map { baseName($0, tallyBases: tallyBases) }
            await apply("voucher-type", t.header.name, guid: t.header.guid) { tx in try await Self.voucherType(t, base: resolved, company: companyID, actor: actor, on: tx) }
        }
        let context = CompanyContext(companyID: companyID, userID: actor.userID ?? UUID(), role: .owner)
        let units = uqcs
        for s in m.items {
            await apply("stock-item", s.header.name, guid: s.header.guid) { tx in try await Self.stockItem(s, units: units, context: context, actor: actor, on: tx) }
        }
        for o in m.others { r.record(kind(o.tag), o.header.name, guid: o.header.guid, .skipped, "\(kind(o.tag).replacingOccurrences(of: "-", with: " "))s are not kept in FinSync360") }

        StageClock.shared.add("masters pass, read and applied", since: passStart)
        passStart = .now
        // Pass 2: vouchers, as they stream by, in chunks (see `chunk`).
        var pending: [(voucher: TallyVoucher, key: String, name: String)] = []
        let bases = tallyBases
        func flush() async {
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            guard !batch.isEmpty else { return }
            // In file order: runs of books vouchers take the fast path; inventory-only ones (orders, notes, stock
            // journals, counts), and a run the fast path gave back, go one by one.
            var start = 0
            while start < batch.count {
                let inventory = isInventoryOnly(baseName(batch[start].voucher.typeName, tallyBases: bases))
                var end = start + 1
                while end < batch.count, isInventoryOnly(baseName(batch[end].voucher.typeName, tallyBases: bases)) == inventory { end += 1 }
                let run = Array(batch[start..<end])
                start = end
                if !inventory, let outcomes = try? await store.write(on: db, { tx in
                    try await Self.chunk(run.map { ($0.voucher, $0.key) }, tallyBases: bases, company: company, actor: actor, on: tx)
                }) {
                    for (item, applied) in zip(run, outcomes) { r.record("voucher", item.name, guid: item.voucher.guid, applied.outcome, applied.note) }
                    continue
                }
                for item in run {
                    let (v, key) = (item.voucher, item.key)
                    await apply("voucher", item.name, guid: v.guid) { tx in try await Self.voucher(v, key: key, tallyBases: bases, company: company, actor: actor, on: tx) }
                }
            }
        }
        var keys: Set<String> = []
        var lastDate: CalendarDate?
        // Vouchers are decoded on the reader's thread, beside the posting.
        let decode: @Sendable (TallyNode) -> Result<TallyVoucher, RefusedVoucher> = { node in
            do { return .success(try TallyVoucher(node: node)) } catch {
                return .failure(RefusedVoucher(number: node.value("VOUCHERNUMBER") ?? "", guid: node.value("GUID"), reason: "\(error)"))
            }
        }
        _ = try await TallyStream.read(path: path, filter: .only(["VOUCHER"]), transform: decode) { decoded in
            let v: TallyVoucher
            switch decoded {
            case let .success(voucher): v = voucher
            case let .failure(refused):
                r.record("voucher", refused.number, guid: refused.guid, .rejected, refused.reason)
                return
            }
            let name = "\(v.typeName) \(v.number ?? "(no number)") of \(v.date)"
            let key = TallyLinks.key(guid: v.guid ?? v.remoteID, name: "\(v.typeName)|\(v.date)|\(v.number ?? "")")
            guard keys.insert(key).inserted else {
                r.record("voucher", name, guid: v.guid, .rejected, "GUID \(v.guid ?? key) appears twice in the file; the first was taken")
                return
            }
            r.report.unknownTags += v.extras.count
            if !v.isCancelled && !v.isOptional && Chart.nameKey(v.typeName) != "memorandum" && movesBooks(baseName(v.typeName, tallyBases: bases)) {
                for p in v.postings {
                    tallyBalances[Chart.nameKey(p.ledger), default: 0] -= p.amount
                    if ledgerNames[Chart.nameKey(p.ledger)] == nil { ledgerNames[Chart.nameKey(p.ledger)] = p.ledger }
                }
                lastDate = max(lastDate ?? v.date.date, v.date.date)
            }
            pending.append((v, key, name))
            if pending.count == chunkSize { await flush() }
        }
        await flush()
        StageClock.shared.add("voucher pass (all)", since: passStart)
        r.report.parity = try await parity(tallyBalances, names: ledgerNames, asOf: lastDate ?? Format.today(), company: company, on: db)

        var report = r.report
        report.status = "completed"
        let finished = report
        try await store.write(on: db) { tx in
            let text = try JSONValue(encoding: finished).canonical
            try await tx.sql().raw("UPDATE tally_imports SET report = \(bind: text) WHERE id = \(bind: finished.id)").run()
            try await AuditLog.append(AuditEvent(companyID: companyID, action: "tally.import", entityType: "tally-import", entityID: finished.id.uuidString.lowercased(),
                                                 after: try JSONValue(encoding: finished.totals)), by: actor, on: tx)
        }
        return report
    }

    /// Our balance of every ledger the file names against the file's own figures (openings plus every voucher that
    /// counts), both debit-positive, as of the last voucher date.
    static func parity(_ tally: [String: Int64], names: [String: String], asOf: CalendarDate, company: Company, on db: any Database) async throws -> TallyImportDTO.Parity {
        let companyID = try company.requireID()
        let ledgers = Dictionary(try await Chart.ledgers(company: companyID, on: db).map { (Chart.nameKey($0.name), $0) }, uniquingKeysWith: { a, _ in a })
        let from = (try CalendarDate(stored: company.booksBeginning))
        let moved = try await Movements.between(company: companyID, from: from, to: asOf, on: db)
        var differences: [TallyImportDTO.ParityRow] = []
        for (key, expected) in tally.sorted(by: { $0.key < $1.key }) {
            let ours = ledgers[key].map { $0.opening_paise + (moved[$0.id] ?? 0) } ?? 0
            if ours != expected {
                differences.append(.init(ledger: ledgers[key]?.name ?? names[key] ?? key, tally: BalanceDTO(Balance(signed: expected)), ours: BalanceDTO(Balance(signed: ours))))
            }
        }
        return .init(asOf: asOf.description, ledgersCompared: tally.count, agrees: differences.isEmpty, differences: differences)
    }

    /// A compound unit (`Box of 12 Nos`): ours is named the same, in the UQC of its larger unit, made of the smaller.
    static func compoundUnit(_ u: TallyUnit, uqcs: [String: String], company: UUID, actor: AuditActor, on db: any Database) async throws -> Applied {
        let symbol = u.header.name.uppercased()
        if try await Units.all(company: company, on: db).contains(where: { $0.symbol.uppercased() == symbol }) { return Applied(outcome: .unchanged) }
        guard let big = u.baseUnit, let small = u.additionalUnit, let conversion = u.conversion else {
            throw APIError.validation(field: "BASEUNITS", "a compound unit needs its base unit, additional unit and conversion")
        }
        guard let bigUQC = uqcs[Chart.nameKey(big)] ?? TallyUnits.uqc(for: big), let smallUQC = uqcs[Chart.nameKey(small)] ?? TallyUnits.uqc(for: small) else {
            throw APIError.validation(field: "BASEUNITS", "'\(big)' or '\(small)' has no GST UQC")
        }
        let body = UnitRequest(symbol: String(symbol.prefix(20)), name: u.header.name, uqc: bigUQC, base: smallUQC, conversion: Quantity(thousandths: conversion).description)
        _ = try await Units.create(body, company: company, actor: actor, on: db)
        return Applied(outcome: .created)
    }
}

/// Parents before children, for masters that nest (groups, godowns, stock groups), whether read from a file (by
/// name) or from our tables (by id). A parent outside the list is left to the create to find or refuse; a cycle
/// comes last, where each of its members is refused for its parent.
func parentsFirst<T, K: Hashable>(_ items: [T], key: (T) -> K, parent: (T) -> K?) -> [T] {
    let keys = Set(items.map(key))
    var done: Set<K> = []
    var out: [T] = []
    var pending = items
    while !pending.isEmpty {
        let ready = pending.filter { item in parent(item).map { !keys.contains($0) || done.contains($0) } ?? true }
        if ready.isEmpty { return out + pending }
        out += ready
        done.formUnion(ready.map(key))
        pending = pending.filter { !done.contains(key($0)) }
    }
    return out
}
