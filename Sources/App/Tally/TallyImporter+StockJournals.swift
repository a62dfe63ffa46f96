import Fluent
import Foundation
import GSTKit
import Ledger
import TallyXML

/// Tally's stock journals (`INVENTORYENTRIESOUT` / `INVENTORYENTRIESIN`) become ours: a move of the same
/// quantities between godowns is a transfer, stock going out only is a consumption, stock coming in only is an
/// adjustment at its amount. A journal that turns some items into others (Tally's manufacturing journal) is a
/// production: what goes out leaves at cost, what comes in enters at Tally's amount (components plus costs).
extension TallyImporter {
    /// The base type a Tally voucher type name leads to, through the voucher types in the file.
    static func baseName(_ name: String, tallyBases: [String: String]) -> String {
        var base = name
        var hops = 0
        while baseKind(base) == nil, let next = tallyBases[Chart.nameKey(base)], hops < 10 { base = next; hops += 1 }
        return base
    }

    static func stockJournal(_ v: TallyVoucher, key: String, company: Company, actor: AuditActor, on db: any Database) async throws -> Applied {
        let companyID = try company.requireID()
        if try await TallyLinks.find(kind: "stock-journal", key: key, company: companyID, on: db) != nil {
            return Applied(outcome: .unchanged, note: (v.alterID ?? 0) > 0 ? "changes to stock journals already imported are not applied" : nil)
        }
        guard !v.isCancelled, !v.isOptional else { return Applied(outcome: .skipped, note: "cancelled or optional in Tally: no stock moved") }
        struct Part { var item: String; var godown: String?; var batch: String?; var quantity: Int64; var amount: Int64; var expiry: String? }
        func parts(_ inward: Bool) -> [Part] {
            v.inventoryEntries.filter { $0.isInward == inward }.flatMap { e in
                e.batches.isEmpty ? [Part(item: e.item, godown: nil, batch: nil, quantity: e.actualQuantity?.thousandths ?? 0, amount: abs(e.amount ?? 0), expiry: nil)]
                    : e.batches.map { Part(item: e.item, godown: $0.godown, batch: $0.batch, quantity: $0.actualQuantity?.thousandths ?? 0, amount: abs($0.amount ?? 0),
                                           expiry: $0.expiresOn?.description) }
            }.filter { $0.quantity != 0 }
        }
        let out = parts(false), into = parts(true)
        var body = StockJournalRequest(date: v.date.description, kind: .transfer, narration: v.narration, lines: [])
        let sameMoves = out.count == into.count && zip(out, into).allSatisfy { Chart.nameKey($0.item) == Chart.nameKey($1.item) && $0.quantity == $1.quantity }
        if !out.isEmpty && sameMoves {
            body.lines = zip(out, into).map { o, i in .init(item: o.item, quantity: Quantity(thousandths: o.quantity).description, batch: o.batch,
                                                           fromGodown: o.godown ?? Godowns.main, toGodown: i.godown ?? Godowns.main, rate: nil, expiryDate: nil) }
        } else if into.isEmpty && !out.isEmpty {
            body.kind = .consumption
            body.lines = out.map { .init(item: $0.item, quantity: Quantity(thousandths: $0.quantity).description, batch: $0.batch, fromGodown: $0.godown, toGodown: nil,
                                         rate: nil, expiryDate: nil) }
        } else if out.isEmpty && !into.isEmpty {
            body.kind = .adjustment
            body.lines = into.map { .init(item: $0.item, quantity: Quantity(thousandths: $0.quantity).description, batch: $0.batch, fromGodown: nil,
                                          toGodown: $0.godown ?? Godowns.main, rate: Money(paise: $0.amount * 1_000 / $0.quantity).description, expiryDate: $0.expiry) }
        } else {
            return try await manufacturing(v, key: key, out: out.map { ($0.item, $0.godown, $0.batch, $0.quantity, 0, nil) },
                                           into: into.map { ($0.item, $0.godown, $0.batch, $0.quantity, $0.amount, $0.expiry) }, company: company, actor: actor, on: db)
        }
        let journal = try await StockJournals.post(body, company: company, actor: actor, on: db)
        try await TallyLinks.save(kind: "stock-journal", key: key, alterID: v.alterID, entity: journal.id, name: "\(v.typeName) \(v.number ?? "")",
                                  company: companyID, on: db)
        return Applied(outcome: .created)
    }

    typealias Part = (item: String, godown: String?, batch: String?, quantity: Int64, amount: Int64, expiry: String?)

    static func manufacturing(_ v: TallyVoucher, key: String, out: [Part], into: [Part], company: Company, actor: AuditActor,
                              on db: any Database) async throws -> Applied {
        let companyID = try company.requireID()
        guard let date = CalendarDate(v.date.description) else { throw APIError.validation(field: "DATE", "is not a date") }
        let items = try await Items.findMany((out + into).map(\.item), company: companyID, on: db)
        var errors: [APIError.FieldError] = []
        var moves: [Stock.Movement] = []
        for (i, (part, sign)) in (out.map { ($0, Int64(-1)) } + into.map { ($0, Int64(1)) }).enumerated() {
            let f = "\(sign < 0 ? "INVENTORYENTRIESOUT" : "INVENTORYENTRIESIN").LIST[\(sign < 0 ? i : i - out.count)]"
            guard let item = items[part.item], item.kind == "goods" else {
                errors.append(.init(field: f + ".STOCKITEMNAME", message: "item '\(part.item)' is not defined in the file or in this company")); continue
            }
            moves += try await StockLines.movements(item: item, sign: sign, quantity: abs(part.quantity), value: sign > 0 ? part.amount : 0, godown: part.godown,
                                                    batch: part.batch, expiry: part.expiry, manufactured: sign > 0 ? date.description : nil, date: date,
                                                    lineNo: i, field: f, company: company, errors: &errors, on: db).moves
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        let journal = try await StockJournals.save(id: UUID(), kind: .production, date: date, narration: v.narration ?? "Manufacturing journal \(v.number ?? "") from Tally",
                                                   moves: moves, company: company, actor: actor, on: db)
        try await TallyLinks.save(kind: "stock-journal", key: key, alterID: v.alterID, entity: journal.id, name: "\(v.typeName) \(v.number ?? "")",
                                  company: companyID, on: db)
        return Applied(outcome: .created)
    }
}
