import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import TallyXML

/// Vouchers: each becomes one of ours through the books' posting path (same checks as the API), its stock lines
/// move stock, and a higher AlterID amends what an earlier import posted.
extension TallyImporter {
    /// How a Tally voucher type name resolves: ours by name, or through the Tally type's base in the file.
    static func ourType(_ name: String, tallyBases: [String: String], company: UUID, on db: any Database) async throws -> VoucherTypeRow {
        if let row = try await VoucherPosting.voucherType(name, company: company, on: db) { return row }
        var base = name
        var seen: Set<String> = []
        while let parent = tallyBases[Chart.nameKey(base)], seen.insert(Chart.nameKey(base)).inserted {
            if let row = try await VoucherPosting.voucherType(parent, company: company, on: db), baseKind(parent) != nil || row.reserved == false { return row }
            base = parent
        }
        if let kind = baseKind(base), let row = try await VoucherPosting.voucherType(kind.rawValue, company: company, on: db) { return row }
        throw APIError.validation(field: "VCHTYPE", "voucher type '\(name)' (base '\(base)') is not one FinSync360 keeps: accounting vouchers, orders, delivery and receipt notes, stock journals and physical stock are imported")
    }

    static func voucher(_ v: TallyVoucher, key: String, tallyBases: [String: String], company: Company, actor: AuditActor,
                        on db: any Database) async throws -> Applied {
        let companyID = try company.requireID()
        let base = baseName(v.typeName, tallyBases: tallyBases)
        if let kind = tradeKind(base) { return try await tradeDocument(v, kind: kind, key: key, company: company, actor: actor, on: db) }
        switch Chart.nameKey(base) {
        case "stock journal": return try await stockJournal(v, key: key, company: company, actor: actor, on: db)
        case "physical stock": return try await physicalStock(v, key: key, company: company, actor: actor, on: db)
        default: break
        }
        let link = try await TallyLinks.find(kind: "voucher", key: key, company: companyID, on: db)
        if let link, (v.alterID ?? 0) <= link.alter_id { return Applied(outcome: .unchanged) }
        let type = try await ourType(v.typeName, tallyBases: tallyBases, company: companyID, on: db)
        let problems = v.problems()
        if !problems.isEmpty { throw APIError.validation(problems.map { .init(field: $0.path, message: $0.message) }) }
        let posting = try await PostingContext(company: companyID, on: db)
        var body = try await request(v, type: type, context: posting, on: db)

        if let link {
            let before = try await VoucherController.load(link.entity_id.uuidString, company: companyID, on: db)
            body.number = nil
            let after = try await VoucherPosting.replace(before, with: body, action: "voucher.amend", company: companyID, actor: actor, on: db)
            try await Stock.deactivate(source: before.id, on: db)
            if after.status == "active" { try await recordStock(v, voucher: after.id, company: company, on: db) }
            try await TallyLinks.save(kind: "voucher", key: key, alterID: v.alterID, entity: before.id, name: after.number, company: companyID, on: db)
            return Applied(outcome: .updated)
        }

        // Tally's number is kept. Hand-numbered types check it like any manual number; automatic ones take it as
        // given, once per type and year.
        if type.automatic { body.number = nil }
        var prepared = try await VoucherPosting.prepare(body, context: posting, on: db)
        if type.automatic {
            guard let number = v.number else { throw APIError.validation(field: "VOUCHERNUMBER", "is missing") }
            struct Taken: Decodable { var id: UUID }
            if try await db.sql().raw("""
                SELECT id FROM vouchers WHERE voucher_type_id = \(bind: type.id) AND fy_start = \(bind: prepared.fyStart.description) AND number = \(bind: number)
                """).first(decoding: Taken.self) != nil {
                throw APIError.validation(field: "VOUCHERNUMBER", "'\(number)' is already used by another \(type.name) voucher of the year from \(prepared.fyStart)")
            }
            prepared.presetNumber = number
        }
        // Kept so Tally's numbering has no unexplained gap; a cancelled voucher counts nowhere.
        prepared.cancelled = v.isCancelled
        let posted = try await VoucherPosting.write([prepared], context: posting, actor: actor, on: db)[0]
        if !v.isCancelled && posted.status == "active" {
            try await recordStock(v, voucher: posted.id, company: company, on: db)
        }
        try await TallyLinks.save(kind: "voucher", key: key, alterID: v.alterID, entity: posted.id, name: posted.number, company: companyID, on: db)
        return Applied(outcome: .created)
    }

    /// The API body for a Tally voucher: every posting (ledger lines and inventory lines' accounting allocations)
    /// as a debit or credit by its sign, bill allocations by type.
    static func request(_ v: TallyVoucher, type: VoucherTypeRow, context: PostingContext, on db: any Database) async throws -> VoucherRequest {
        var errors: [APIError.FieldError] = []
        var entries: [VoucherRequest.Entry] = []
        for (i, p) in v.postings.enumerated() where p.amount != 0 {
            let f = "postings[\(i)]"
            guard let ledger = try await context.ledger(p.ledger, on: db) else {
                errors.append(.init(field: f + ".LEDGERNAME", message: "ledger '\(p.ledger)' is not defined in the file or in this company")); continue
            }
            let amount = Money(paise: abs(p.amount)).description
            var entry = VoucherRequest.Entry(ledgerId: ledger.id.uuidString, debit: p.amount < 0 ? amount : nil, credit: p.amount > 0 ? amount : nil)
            if !v.isCancelled, !p.bills.isEmpty {
                entry.bills = []
                for (j, b) in p.bills.enumerated() where b.amount != 0 {
                    guard b.amount.signum() == p.amount.signum() else {
                        errors.append(.init(field: "\(f).BILLALLOCATIONS.LIST[\(j)]", message: "runs against its line (\(Money(paise: b.amount)) on a line of \(Money(paise: p.amount))); split bills of both signs are not supported"))
                        continue
                    }
                    let kind: BillType = switch b.type.lowercased() {
                    case "new ref": .new
                    case "agst ref": .against
                    case "advance": .advance
                    default: .onAccount
                    }
                    let due = kind == .new ? b.creditPeriodDays.map { v.date.date.adding(days: $0).description } : nil
                    entry.bills?.append(BillInput(type: kind, reference: kind == .onAccount ? nil : b.name, amount: Money(paise: abs(b.amount)).description, dueDate: due))
                }
            }
            entries.append(entry)
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        // Tally's post-dated vouchers already due are ordinary ones now; memorandum vouchers stay out of the books.
        let postDated = v.isPostDated && v.date.date > Format.today()
        return VoucherRequest(type: type.name, date: v.date.description, number: v.number, narration: v.narration, reference: v.reference,
                              optional: v.isOptional || v.isCancelled || Chart.nameKey(v.typeName) == "memorandum", postDated: postDated ? true : nil,
                              entries: entries)
    }

    /// Stock lines: each batch allocation (or the line itself) moves its godown and batch; inward lines come in at
    /// their amount, outward ones go out at cost.
    static func recordStock(_ v: TallyVoucher, voucher: UUID, company: Company, on db: any Database) async throws {
        try await Stock.record(try await stockMoves(v, company: company, on: db), sourceKind: "tally-voucher", sourceID: voucher, company: company, on: db)
    }

    /// The movements a voucher's stock lines stand for, each line's problems by field.
    static func stockMoves(_ v: TallyVoucher, company: Company, lookups: StockLookups? = nil, on db: any Database) async throws -> [Stock.Movement] {
        guard !v.inventoryEntries.isEmpty else { return [] }
        let companyID = try company.requireID()
        var errors: [APIError.FieldError] = []
        var moves: [Stock.Movement] = []
        for (i, line) in v.inventoryEntries.enumerated() {
            let f = "\(line.list)[\(i)]"
            guard let item = try await StockLookups.item(line.item, company: companyID, in: lookups, on: db), item.kind == "goods" else {
                errors.append(.init(field: f + ".STOCKITEMNAME", message: "item '\(line.item)' is not defined in the file or in this company")); continue
            }
            let sign: Int64 = line.isInward ? 1 : -1
            let parts: [(godown: String?, batch: String?, quantity: Int64, amount: Int64, expiry: String?, made: String?)] = line.batches.isEmpty
                ? [(nil, nil, line.actualQuantity?.thousandths ?? 0, abs(line.amount ?? 0), nil, nil)]
                : line.batches.map { ($0.godown, $0.batch, $0.actualQuantity?.thousandths ?? 0, abs($0.amount ?? 0), $0.expiresOn?.description, $0.manufacturedOn?.description) }
            for part in parts where part.quantity != 0 {
                let r = try await StockLines.movements(item: item, sign: sign, quantity: abs(part.quantity), value: sign > 0 ? part.amount : 0, godown: part.godown,
                                                       batch: part.batch, expiry: part.expiry, manufactured: part.made, date: v.date.date, lineNo: i, field: f,
                                                       company: company, lookups: lookups, errors: &errors, on: db)
                moves += r.moves
            }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return moves
    }
}
