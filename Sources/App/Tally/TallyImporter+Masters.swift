import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import StockKit
import TallyXML

/// Masters: each Tally master becomes (or updates) one of ours through the same functions the API uses, in its
/// own transaction, so a rejected master leaves nothing behind.
extension TallyImporter {
    struct Applied: Sendable { var outcome: TallyImportDTO.Outcome; var note: String? = nil }

    /// A group: Tally's 28 predefined groups are ours already; others are created under their parent, or, at the
    /// top, with the nature Tally's flags give (reference §4.2).
    static func group(_ g: TallyGroup, company: UUID, actor: AuditActor, on db: any Database) async throws -> Applied {
        let key = TallyLinks.key(guid: g.header.guid, name: g.header.name)
        if let link = try await TallyLinks.find(kind: "group", key: key, company: company, on: db) {
            guard (g.header.alterID ?? 0) > link.alter_id else { return Applied(outcome: .unchanged) }
            let current = try await Chart.group(link.entity_id.uuidString, company: company, on: db)
            let parentNow = try await current?.parent_id.asyncMap { try await Chart.group($0.uuidString, company: company, on: db)?.name } ?? nil
            var change = UpdateGroupRequest()
            if current?.name != g.header.name { change.name = g.header.name }
            if current?.reserved == false, let parent = g.header.parent, Chart.nameKey(parent) != Chart.nameKey(parentNow ?? "") { change.parent = parent }
            if change.name != nil || change.parent != nil {
                _ = try await ChartController.updateGroup(link.entity_id.uuidString, with: change, company: company, actor: actor, on: db)
            }
            try await TallyLinks.save(kind: "group", key: key, alterID: g.header.alterID, entity: link.entity_id, name: g.header.name, company: company, on: db)
            return Applied(outcome: change.name != nil || change.parent != nil ? .updated : .unchanged)
        }
        if let existing = try await Chart.group(g.header.name, company: company, on: db) {
            try await TallyLinks.save(kind: "group", key: key, alterID: g.header.alterID, entity: existing.id, name: existing.name, company: company, on: db)
            return Applied(outcome: .unchanged, note: existing.reserved ? "predefined group" : "a group of this name exists")
        }
        var body = CreateGroupRequest(name: g.header.name, parent: g.header.parent)
        if g.header.parent == nil {
            switch (g.isRevenue ?? false, g.isDeemedPositive ?? true) {
            case (false, true): body.nature = .assets
            case (false, false): body.nature = .liabilities
            case (true, true): body.nature = .expenses
            case (true, false): body.nature = .income
            }
            body.affectsGrossProfit = g.affectsGrossProfit
        }
        let dto = try await ChartController.createGroup(body, company: company, actor: actor, on: db)
        try await TallyLinks.save(kind: "group", key: key, alterID: g.header.alterID, entity: dto.id, name: dto.name, company: company, on: db)
        return Applied(outcome: .created)
    }

    /// A ledger, with its party details and opening bills. An existing ledger of the same name (Cash, one entered
    /// by hand) takes Tally's figures.
    static func ledger(_ l: TallyLedger, company: Company, actor: AuditActor, on db: any Database) async throws -> Applied {
        let companyID = try company.requireID()
        let key = TallyLinks.key(guid: l.header.guid, name: l.header.name)
        var (body, notes) = ledgerRequest(l)
        let link = try await TallyLinks.find(kind: "ledger", key: key, company: companyID, on: db)
        if let link, (l.header.alterID ?? 0) <= link.alter_id { return Applied(outcome: .unchanged) }
        let existing = try await Chart.ledger(link?.entity_id.uuidString ?? l.header.name, company: companyID, on: db)
        let dto: LedgerDTO
        var outcome = TallyImportDTO.Outcome.created
        if let existing {
            if existing.reserved { body.group = nil }
            let before = LedgerDTO(existing, groups: [:])
            dto = try await ChartController.updateLedger(existing.id.uuidString, with: body, company: companyID, actor: actor, on: db)
            var a = dto, b = before
            (a.group, a.groupPath, b.group, b.groupPath) = ("", [], "", [])
            outcome = (try? JSONValue(encoding: a)) == (try? JSONValue(encoding: b)) ? .unchanged : .updated
        } else {
            guard body.group != nil else { throw APIError.validation(field: "PARENT", "the ledger names no group") }
            let beginning = (try CalendarDate(stored: company.booksBeginning))
            if !l.openingBills.isEmpty {
                body.openingBills = l.openingBills.map { b in
                    let date = b.date?.date ?? beginning.adding(days: -1)
                    return .init(reference: b.name, date: date.description, dueDate: date.adding(days: b.creditPeriodDays ?? l.creditPeriodDays ?? 0).description,
                                 amount: Money(paise: abs(b.amount)).description, side: b.amount < 0 ? .debit : .credit)
                }
            }
            dto = try await ChartController.createLedger(body, company: companyID, actor: actor, on: db)
        }
        try await TallyLinks.save(kind: "ledger", key: key, alterID: l.header.alterID, entity: dto.id, name: dto.name, company: companyID, on: db)
        return Applied(outcome: outcome, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    /// The API's ledger body for a Tally ledger; what cannot be kept is said in the notes rather than refused.
    static func ledgerRequest(_ l: TallyLedger) -> (LedgerRequest, [String]) {
        var notes: [String] = []
        var body = LedgerRequest()
        body.name = l.header.name
        body.group = l.header.parent
        body.openingBalance = BalanceDTO(Balance(signed: -(l.openingBalance ?? 0)))
        body.gstin = l.gstin
        body.stateCode = l.gstin.map { String($0.prefix(2)) } ?? (l.state ?? l.placeOfSupply).flatMap { StateCode(named: $0)?.code }
        if let state = l.state, l.gstin == nil, StateCode(named: state) == nil { notes.append("state '\(state)' is not a GST state; left out") }
        if let t = l.registrationType?.lowercased() {
            body.registrationType = t.contains("sez") ? .sez : t.contains("composition") ? .composition : t.contains("consumer") ? .consumer
                : t.contains("overseas") ? .overseas : t.contains("regular") ? .regular : t.contains("un") ? .unregistered : nil
        }
        if !l.address.isEmpty { body.address = l.address.joined(separator: "\n") }
        if let pin = l.pincode?.filter({ !$0.isWhitespace }) {
            if PINCode.isValid(pin) { body.pincode = pin } else { notes.append("PIN code '\(pin)' is not 6 digits; left out") }
        }
        let contact = [l.mobile, l.email].compactMap { $0 }
        if !contact.isEmpty { body.contact = contact.joined(separator: ", ") }
        body.billWise = l.isBillWise ?? false
        if let d = l.creditPeriodDays, (0...3_650).contains(d) { body.creditPeriodDays = d }
        return (body, notes)
    }

    /// Godowns and stock groups: a name under a parent.
    static func nested(_ m: TallySimpleMaster, master: NestedMaster, kind: String, company: UUID, actor: AuditActor, on db: any Database) async throws -> Applied {
        let key = TallyLinks.key(guid: m.header.guid, name: m.header.name)
        if let link = try await TallyLinks.find(kind: kind, key: key, company: company, on: db) {
            guard (m.header.alterID ?? 0) > link.alter_id else { return Applied(outcome: .unchanged) }
            // Altered in Tally: renamed or moved here too (through the API's update, audited).
            let before = try await master.find(link.entity_id.uuidString, company: company, on: db)
            let after = try await master.update(link.entity_id.uuidString, with: NestedRequest(name: m.header.name, parent: m.header.parent),
                                                company: company, actor: actor, on: db)
            try await TallyLinks.save(kind: kind, key: key, alterID: m.header.alterID, entity: link.entity_id, name: after.name, company: company, on: db)
            return Applied(outcome: before?.name == after.name && before?.parent_id == after.parentId ? .unchanged : .updated)
        }
        if let existing = try await master.find(m.header.name, company: company, on: db) {
            try await TallyLinks.save(kind: kind, key: key, alterID: m.header.alterID, entity: existing.id, name: existing.name, company: company, on: db)
            return Applied(outcome: .unchanged)
        }
        let dto = try await master.create(NestedRequest(name: m.header.name, parent: m.header.parent), company: company, actor: actor, on: db)
        try await TallyLinks.save(kind: kind, key: key, alterID: m.header.alterID, entity: dto.id, name: dto.name, company: company, on: db)
        return Applied(outcome: .created)
    }

    /// A voucher type: Tally's base types are ours; a custom type (GST Sale Invoice) becomes a type of its base
    /// kind. Inventory and order types have no accounting voucher of ours to become.
    static func voucherType(_ m: TallySimpleMaster, base: String?, company: UUID, actor: AuditActor, on db: any Database) async throws -> Applied {
        let key = TallyLinks.key(guid: m.header.guid, name: m.header.name)
        if let existing = try await VoucherPosting.voucherType(m.header.name, company: company, on: db) {
            try await TallyLinks.save(kind: "voucher-type", key: key, alterID: m.header.alterID, entity: existing.id, name: existing.name, company: company, on: db)
            return Applied(outcome: .unchanged)
        }
        if let base, Chart.nameKey(base) == "stock journal" {
            return Applied(outcome: .skipped, note: "its vouchers become stock journals here")
        }
        if let base, let trade = tradeKind(base) {
            return Applied(outcome: .skipped, note: "its vouchers become \(trade.title)s here")
        }
        if let base, Chart.nameKey(base) == "physical stock" {
            return Applied(outcome: .skipped, note: "its vouchers become physical stock counts here")
        }
        guard let base, let kind = baseKind(base) else {
            return Applied(outcome: .skipped, note: "its base type '\(base ?? m.header.name)' is not an accounting voucher; its vouchers are not imported")
        }
        let row = VoucherTypeRow(id: UUID(), company_id: company, name: m.header.name, name_key: Chart.nameKey(m.header.name), kind: kind,
                                 prefix: kind.defaultPrefix, suffix: "", width: 4, automatic: true, reserved: false,
                                 compact_year: kind.isGSTDocument)
        try await db.sql().insert(into: "voucher_types").model(row).run()
        try await AuditLog.append(AuditEvent(companyID: company, action: "voucher-type.create", entityType: "voucher-type",
                                             entityID: row.id.uuidString.lowercased(), after: try JSONValue(encoding: VoucherTypeDTO(row))), by: actor, on: db)
        try await TallyLinks.save(kind: "voucher-type", key: key, alterID: m.header.alterID, entity: row.id, name: row.name, company: company, on: db)
        return Applied(outcome: .created)
    }

    /// Tally's base voucher types that are accounting vouchers of ours. Memorandum and reversing journals are
    /// journals (kept optional by the voucher importer).
    static func baseKind(_ name: String) -> VoucherKind? {
        switch Chart.nameKey(name) {
        case "sales": .sales
        case "purchase": .purchase
        case "receipt": .receipt
        case "payment": .payment
        case "journal", "memorandum", "reversing journal": .journal
        case "contra": .contra
        case "credit note": .creditNote
        case "debit note": .debitNote
        default: nil
        }
    }

    /// A stock item with its opening stock per godown and batch. Our items need an HSN and a GST unit.
    static func stockItem(_ s: TallyStockItem, units: [String: String], context: CompanyContext, actor: AuditActor, on db: any Database) async throws -> Applied {
        let key = TallyLinks.key(guid: s.header.guid, name: s.header.name)
        if let link = try await TallyLinks.find(kind: "stock-item", key: key, company: context.companyID, on: db) {
            guard (s.header.alterID ?? 0) > link.alter_id else { return Applied(outcome: .unchanged) }
            return try await alterItem(s, link: link, units: units, context: context, actor: actor, on: db)
        }
        if let existing = try await Items.find(s.header.name, company: context.companyID, on: db) {
            try await TallyLinks.save(kind: "stock-item", key: key, alterID: s.header.alterID, entity: existing.id, name: existing.name, company: context.companyID, on: db)
            return Applied(outcome: .unchanged, note: "an item of this name exists")
        }
        guard let hsn = s.hsn else { throw APIError.validation(field: "GSTDETAILS.LIST.HSNCODE", "the item has no HSN code; give it one in Tally and import again") }
        guard let unitName = s.baseUnit, let uqc = units[Chart.nameKey(unitName)] ?? TallyUnits.uqc(for: unitName) else {
            throw APIError.validation(field: "BASEUNITS", "unit '\(s.baseUnit ?? "")' has no GST UQC")
        }
        var body = ItemRequest()
        body.name = s.header.name
        body.hsn = hsn
        body.unit = uqc
        body.gstRate = s.gstRateBasisPoints.map { TallyUnits.percent(basisPoints: $0) } ?? (s.taxability.map { ["exempt", "nil rated"].contains($0.lowercased()) } == true ? "0" : nil)
        if let t = s.taxability?.lowercased() { body.taxability = t == "exempt" ? .exempt : t.hasPrefix("nil") ? .nilRated : nil }
        body.batchWise = s.isBatchWise ?? false
        body.trackExpiry = s.isPerishable ?? false
        body.valuationMethod = s.costingMethod?.lowercased().contains("fifo") == true ? .fifo : .weightedAverage
        body.stockGroup = s.header.parent
        body.openingStock = try s.openingBatches.isEmpty ? openingWithoutBatches(s) : s.openingBatches.map { b in
            guard let q = b.quantity else { throw APIError.validation(field: "BATCHALLOCATIONS.LIST.OPENINGBALANCE", "is missing") }
            let rate = b.rate?.paise ?? (q.thousandths == 0 ? 0 : abs(b.value ?? 0) * 1_000 / q.thousandths)
            return ItemRequest.OpeningStock(godown: b.godown, batch: b.batch, quantity: Quantity(thousandths: q.thousandths).description,
                                            rate: Money(paise: rate).description, expiryDate: b.expiresOn?.description, manufacturingDate: b.manufacturedOn?.description)
        }
        let dto = try await ItemController.insert(body, context: context, actor: actor, on: db)
        try await TallyLinks.save(kind: "stock-item", key: key, alterID: s.header.alterID, entity: dto.id, name: dto.name, company: context.companyID, on: db)
        return Applied(outcome: .created)
    }

    /// An item altered in Tally after it came in: its name, HSN, stock group and GST rate follow (a new rate from
    /// today, beside the history). What the item's stock already depends on — unit, batches, costing method,
    /// opening stock — stays, and the report says so.
    static func alterItem(_ s: TallyStockItem, link: TallyLinkRow, units: [String: String], context: CompanyContext, actor: AuditActor,
                          on db: any Database) async throws -> Applied {
        let companyID = context.companyID
        guard let row = try await Items.find(link.entity_id.uuidString, company: companyID, on: db) else { throw APIError.notFound("Item") }
        var body = ItemRequest()
        var notes: [String] = []
        if row.name != s.header.name { body.name = s.header.name }
        if let hsn = s.hsn, hsn != row.hsn { body.hsn = hsn }
        let group = try await row.stock_group_id.asyncMap { try await NestedMaster.stockGroups.find($0.uuidString, company: companyID, on: db)?.name } ?? nil
        if let parent = s.header.parent, Chart.nameKey(parent) != Chart.nameKey(group ?? "") { body.stockGroup = parent }
        let today = Format.today()
        let current = Items.schedule(try await Items.rates(company: companyID, items: [row.id], on: db)[row.id] ?? []).entry(on: today)?.rate.milli
        if let bp = s.gstRateBasisPoints, current.map({ $0 / 10 }) != bp {
            body.gstRate = TallyUnits.percent(basisPoints: bp)
            body.rateFrom = today.description
        }
        if let unit = s.baseUnit, let uqc = units[Chart.nameKey(unit)] ?? TallyUnits.uqc(for: unit), uqc != row.unit { notes.append("unit changed to \(uqc) in Tally; kept \(row.unit)") }
        if let b = s.isBatchWise, b != row.batch_wise { notes.append("batch-wise \(b ? "on" : "off") in Tally; kept as it was") }
        let fifo = s.costingMethod?.lowercased().contains("fifo") == true
        if s.costingMethod != nil, fifo != (row.valuation_method == "fifo") { notes.append("costing method changed in Tally; kept \(row.valuation_method)") }
        let changed = body.name != nil || body.hsn != nil || body.stockGroup != nil || body.gstRate != nil
        if changed { _ = try await ItemController.update(row.id.uuidString, with: body, context: context, actor: actor, on: db) }
        try await TallyLinks.save(kind: "stock-item", key: TallyLinks.key(guid: s.header.guid, name: s.header.name), alterID: s.header.alterID, entity: row.id,
                                  name: body.name ?? row.name, company: companyID, on: db)
        return Applied(outcome: changed ? .updated : .unchanged, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    private static func openingWithoutBatches(_ s: TallyStockItem) -> [ItemRequest.OpeningStock] {
        guard let q = s.openingQuantity, q.thousandths != 0 else { return [] }
        let rate = s.openingRate?.paise ?? abs(s.openingValue ?? 0) * 1_000 / q.thousandths
        return [.init(godown: nil, batch: nil, quantity: Quantity(thousandths: q.thousandths).description, rate: Money(paise: rate).description)]
    }
}

/// Tally unit names to GST UQC codes: the unit's own reporting UQC when Tally has one, else the usual spellings.
enum TallyUnits {
    static func uqc(for name: String) -> String? {
        let n = name.uppercased().filter { $0.isLetter }
        let synonyms = ["NOS": "NOS", "NO": "NOS", "NUMBERS": "NOS", "PCS": "PCS", "PC": "PCS", "PIECES": "PCS", "KG": "KGS", "KGS": "KGS",
                        "KILOGRAM": "KGS", "KILOGRAMS": "KGS", "GM": "GMS", "GMS": "GMS", "GRAMS": "GMS", "LTR": "LTR", "LTRS": "LTR", "LITRE": "LTR",
                        "ML": "MLT", "MTR": "MTR", "MTRS": "MTR", "METRE": "MTR", "BOX": "BOX", "BOXES": "BOX", "DOZ": "DOZ", "DOZEN": "DOZ",
                        "PAIR": "PRS", "PAIRS": "PRS", "PRS": "PRS", "SET": "SET", "SETS": "SET", "BAG": "BAG", "BAGS": "BAG", "BTL": "BTL",
                        "BOTTLE": "BTL", "BOTTLES": "BTL", "PKT": "PAC", "PACK": "PAC", "PAC": "PAC", "ROLL": "ROL", "ROLLS": "ROL", "TON": "TON",
                        "TONNE": "TON", "QTL": "QTL", "SQM": "SQM", "SQFT": "SQF", "CTN": "CTN", "CARTON": "CTN", "UNIT": "UNT", "UNITS": "UNT"]
        if let s = synonyms[n] { return s }
        return UQC.isValid(n, service: false) ? n : nil
    }

    /// Basis points as the API's percent text: 1800 → "18", 250 → "2.5", 25 → "0.25".
    static func percent(basisPoints bp: Int64) -> String {
        let whole = bp / 100, fraction = bp % 100
        if fraction == 0 { return "\(whole)" }
        return fraction % 10 == 0 ? "\(whole).\(fraction / 10)" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
