import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import TallyXML

/// Tally's orders, delivery and receipt notes and physical stock vouchers become ours through the same functions
/// as the API: an order records what was ordered and when each line is due, a note moves its batches' stock (and
/// fulfils the order its `ORDERNO` names, when that order came in too), a physical stock voucher is a count.
/// Like stock journals, they are taken once: a later alteration in Tally is reported, not applied.
extension TallyImporter {
    /// Our kind of trade document for a Tally base voucher type.
    static func tradeKind(_ base: String) -> TradeKind? {
        ["sales order": .salesOrder, "purchase order": .purchaseOrder, "delivery note": .deliveryNote, "receipt note": .receiptNote][Chart.nameKey(base)]
    }

    /// Tally's base types that move or promise stock only: they go one by one through their own import, not the
    /// books' chunked path.
    static func isInventoryOnly(_ base: String) -> Bool {
        tradeKind(base) != nil || ["stock journal", "physical stock"].contains(Chart.nameKey(base))
    }

    /// False for Tally's vouchers that touch no ledger balance even when they carry ledger lines (orders, notes,
    /// stock journals, counts, rejections, material in and out): the parity check leaves them out.
    static func movesBooks(_ base: String) -> Bool {
        !isInventoryOnly(base) && !["rejections in", "rejections out", "material in", "material out"].contains(Chart.nameKey(base))
    }

    static func tradeDocument(_ v: TallyVoucher, kind: TradeKind, key: String, company: Company, actor: AuditActor, on db: any Database) async throws -> Applied {
        let companyID = try company.requireID()
        if try await TallyLinks.find(kind: kind.rawValue, key: key, company: companyID, on: db) != nil {
            return Applied(outcome: .unchanged, note: (v.alterID ?? 0) > 0 ? "changes to \(kind.title)s already imported are not applied" : nil)
        }
        guard !v.isCancelled, !v.isOptional else { return Applied(outcome: .skipped, note: "cancelled or optional in Tally: not kept") }
        guard let party = v.partyLedger ?? v.ledgerEntries.first(where: { $0.isPartyLedger == true })?.ledger ?? v.ledgerEntries.first?.ledger else {
            throw APIError.validation(field: "PARTYLEDGERNAME", "a \(kind.title) names its party; this one names none")
        }
        var lines: [TradeRequest.Line] = []
        var orders: Set<String> = []
        let moves = kind.stockSign != 0
        for e in v.inventoryEntries {
            for b in e.batches.isEmpty ? [nil] : e.batches.map(Optional.some) {
                // Orders are about what is billed; notes about what physically moves.
                let q = moves ? (b?.actualQuantity ?? e.actualQuantity ?? b?.billedQuantity) : (b?.billedQuantity ?? e.billedQuantity ?? b?.actualQuantity ?? e.actualQuantity)
                guard let quantity = q?.thousandths, quantity != 0 else { continue }
                let amount = abs(b?.amount ?? e.amount ?? 0)
                let rate = e.rate?.paise ?? amount * 1_000 / abs(quantity)
                lines.append(.init(item: e.item, quantity: Quantity(thousandths: abs(quantity)).description, rate: Money(paise: rate).description,
                                   godown: moves ? b?.godown : nil, batch: moves ? b?.batch : nil, expiryDate: kind.stockSign > 0 ? b?.expiresOn?.description : nil,
                                   dueDate: moves ? nil : b?.orderDueDate?.description, unit: nil))
                if let number = b?.orderNumber { orders.insert(number) }
            }
        }
        guard !lines.isEmpty else { throw APIError.validation(field: "ALLINVENTORYENTRIES.LIST", "a \(kind.title) needs at least one stock line with a quantity") }
        var body = TradeRequest(date: v.date.description, party: party, order: nil, narration: v.narration, lines: lines)
        var note: String?
        if let orderKind = kind.orderKind, let number = orders.sorted().first {
            struct Found: Decodable { var entity_id: UUID }
            let found = try await db.sql().raw("""
                SELECT entity_id FROM tally_links WHERE company_id = \(bind: companyID) AND kind = \(bind: orderKind.rawValue) AND name = \(bind: number)
                """).first(decoding: Found.self)
            if let found { body.order = found.entity_id.uuidString } else { note = "\(orderKind.title) \(number) is not in FinSync360: taken without it" }
            if orders.count > 1 { note = "fulfils several orders in Tally; linked to \(orderKind.title) \(number) only" }
        }
        let document = try await TradeDocuments.post(kind, body, company: company, actor: actor, on: db)
        try await TallyLinks.save(kind: kind.rawValue, key: key, alterID: v.alterID, entity: document.id, name: v.number ?? "", company: companyID, on: db)
        return Applied(outcome: .created, note: note)
    }

    /// A physical stock voucher: each batch allocation (or line) is a count at its godown; the differences from the
    /// books become a verification journal, as a count entered here would.
    static func physicalStock(_ v: TallyVoucher, key: String, company: Company, actor: AuditActor, on db: any Database) async throws -> Applied {
        let companyID = try company.requireID()
        if try await TallyLinks.find(kind: "physical-stock", key: key, company: companyID, on: db) != nil {
            return Applied(outcome: .unchanged, note: (v.alterID ?? 0) > 0 ? "changes to physical stock vouchers already imported are not applied" : nil)
        }
        guard !v.isCancelled, !v.isOptional else { return Applied(outcome: .skipped, note: "cancelled or optional in Tally: nothing counted") }
        let lines: [PhysicalStockRequest.Line] = v.inventoryEntries.flatMap { e in
            e.batches.isEmpty ? [.init(item: e.item, batch: nil, godown: nil, counted: Quantity(thousandths: e.actualQuantity?.thousandths ?? 0).description)]
                : e.batches.map { .init(item: e.item, batch: $0.batch, godown: $0.godown, counted: Quantity(thousandths: $0.actualQuantity?.thousandths ?? 0).description) }
        }
        guard !lines.isEmpty else { throw APIError.validation(field: "ALLINVENTORYENTRIES.LIST", "a physical stock voucher needs at least one counted line") }
        let body = PhysicalStockRequest(date: v.date.description, godown: nil, narration: v.narration ?? "Physical stock \(v.number ?? "") from Tally", lines: lines)
        let journal: StockJournalDTO
        do { journal = try await PhysicalStock.post(body, company: company, actor: actor, on: db) } catch let e as APIError where e.fields.first?.field == "lines" {
            // Every count agrees with the books: Tally's voucher changed nothing here either.
            try await TallyLinks.save(kind: "physical-stock", key: key, alterID: v.alterID, entity: UUID(), name: v.number ?? "", company: companyID, on: db)
            return Applied(outcome: .unchanged, note: e.fields.first?.message)
        }
        try await TallyLinks.save(kind: "physical-stock", key: key, alterID: v.alterID, entity: journal.id, name: v.number ?? "", company: companyID, on: db)
        return Applied(outcome: .created)
    }
}
