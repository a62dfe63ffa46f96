import Ledger

/// A voucher of any type as Tally exports and imports it (reference §5).
public struct TallyVoucher: Hashable, Sendable {
    /// Attributes: the upsert key (`REMOTEID`), the type name, the action and the view.
    public var remoteID: String?
    public var typeName: String
    public var action: String?
    public var view: String?
    public var guid: String?
    public var alterID: Int64?
    public var masterID: Int64?
    public var date: CalendarDateText
    public var number: String?
    public var reference: String?
    public var referenceDate: CalendarDateText?
    public var narration: String?
    public var partyLedger: String?
    public var partyGSTIN: String?
    public var registrationType: String?
    public var stateName: String?
    public var placeOfSupply: String?
    public var isInvoice: Bool?
    public var isCancelled = false
    public var isOptional = false
    public var isPostDated = false
    /// Ledger lines with the list each came in (`ALLLEDGERENTRIES.LIST` or `LEDGERENTRIES.LIST`).
    public var ledgerEntries: [TallyLedgerEntry] = []
    public var ledgerList = "ALLLEDGERENTRIES.LIST"
    public var inventoryEntries: [TallyInventoryEntry] = []
    public var extras: [TallyNode] = []

    public init(typeName: String, date: CalendarDate, number: String?) {
        self.typeName = typeName; self.date = CalendarDateText(date); self.number = number
    }

    public init(node: TallyNode) throws(TallyFieldError) {
        var r = NodeReader(node)
        remoteID = node.attribute("REMOTEID")
        action = node.attribute("ACTION")
        view = node.attribute("OBJVIEW") ?? node.value("PERSISTEDVIEW")
        r.mark("PERSISTEDVIEW")
        guard let type = TallyScalar.name(node.attribute("VCHTYPE")) ?? r.text("VOUCHERTYPENAME") else {
            throw TallyFieldError("VOUCHERTYPENAME", "the voucher names no voucher type")
        }
        r.mark("VOUCHERTYPENAME")
        typeName = type
        guid = r.text("GUID")
        alterID = try r.int("ALTERID")
        masterID = try r.int("MASTERID")
        guard let date = try r.date("DATE") else { throw TallyFieldError("DATE", "is missing") }
        self.date = date
        r.mark("EFFECTIVEDATE")
        number = r.text("VOUCHERNUMBER")
        reference = r.text("REFERENCE")
        referenceDate = try r.date("REFERENCEDATE")
        narration = r.text("NARRATION")
        partyLedger = r.text("PARTYLEDGERNAME")
        partyGSTIN = r.text("PARTYGSTIN")
        registrationType = r.name("GSTREGISTRATIONTYPE")
        stateName = r.name("STATENAME")
        placeOfSupply = r.name("PLACEOFSUPPLY")
        isInvoice = try r.flag("ISINVOICE")
        isCancelled = try r.flag("ISCANCELLED") ?? false
        isOptional = try r.flag("ISOPTIONAL") ?? false
        isPostDated = try r.flag("ISPOSTDATED") ?? false
        r.mark("ISDELETED")
        // Lines are kept by position, never keyed by ledger: one ledger may appear twice (reference §8).
        var index = 0
        for tag in ["ALLLEDGERENTRIES.LIST", "LEDGERENTRIES.LIST"] {
            for entry in r.children(tag) where !entry.children.isEmpty {
                ledgerEntries.append(try TallyLedgerEntry(entry, path: "\(tag)[\(index)]"))
                ledgerList = tag
                index += 1
            }
        }
        index = 0
        for tag in ["ALLINVENTORYENTRIES.LIST", "INVENTORYENTRIES.LIST", "INVENTORYENTRIESIN.LIST", "INVENTORYENTRIESOUT.LIST"] {
            for entry in r.children(tag) where !entry.children.isEmpty {
                inventoryEntries.append(try TallyInventoryEntry(entry, path: "\(tag)[\(index)]"))
                index += 1
            }
        }
        extras = r.extras.filter { !($0.children.isEmpty && $0.text.trimmingWhitespace.isEmpty && $0.name.hasSuffix(".LIST")) }
    }

    public var node: TallyNode {
        var attributes: [(String, String)] = []
        if let remoteID { attributes.append(("REMOTEID", remoteID)) }
        attributes.append(("VCHTYPE", typeName))
        attributes.append(("ACTION", action ?? "Create"))
        let view = self.view ?? (inventoryEntries.isEmpty ? "Accounting Voucher View" : "Invoice Voucher View")
        attributes.append(("OBJVIEW", view))
        var b = NodeBuilder("VOUCHER", attributes: attributes)
        b.add("DATE", date: date); b.add("EFFECTIVEDATE", date: date)
        b.add("GUID", guid)
        b.add("VOUCHERTYPENAME", typeName)
        b.add("VOUCHERNUMBER", number)
        b.add("REFERENCE", reference); b.add("REFERENCEDATE", date: referenceDate)
        b.add("PARTYLEDGERNAME", partyLedger); b.add("PARTYGSTIN", partyGSTIN)
        b.add("GSTREGISTRATIONTYPE", registrationType); b.add("STATENAME", stateName); b.add("PLACEOFSUPPLY", placeOfSupply)
        b.add("PERSISTEDVIEW", view)
        b.add("ISINVOICE", flag: isInvoice)
        b.add("ISCANCELLED", flag: isCancelled); b.add("ISOPTIONAL", flag: isOptional); b.add("ISPOSTDATED", flag: isPostDated)
        b.add("NARRATION", narration)
        b.add("ALTERID", alterID.map { " \($0)" })
        b.add("MASTERID", masterID.map { " \($0)" })
        for entry in inventoryEntries { b.add(entry.node) }
        for entry in ledgerEntries { b.add(entry.node(ledgerList)) }
        b.add(extras)
        return b.node
    }

    /// Every posting to a ledger: the ledger lines and, in invoice view, the inventory lines' accounting
    /// allocations (only together do they balance, reference §5.3). Signed: negative = debit.
    public var postings: [TallyLedgerEntry] { ledgerEntries + inventoryEntries.flatMap(\.accountingAllocations) }

    /// What makes the voucher unfit to post, by field: postings that do not sum to zero, bill allocations that do
    /// not add up to their line, batches that do not add up to their stock line. A cancelled voucher has no effect
    /// and is not checked.
    public func problems() -> [TallyFieldError] {
        guard !isCancelled else { return [] }
        var out: [TallyFieldError] = []
        let sum = postings.reduce(Int64(0)) { $0 + $1.amount }
        if sum != 0 {
            let dr = postings.filter { $0.amount < 0 }.reduce(Int64(0)) { $0 - $1.amount }
            let cr = postings.filter { $0.amount > 0 }.reduce(Int64(0)) { $0 + $1.amount }
            out.append(TallyFieldError("AMOUNT", "debits \(Money(paise: dr)) and credits \(Money(paise: cr)) differ by \(Money(paise: abs(sum)))"))
        }
        for (i, e) in ledgerEntries.enumerated() where !e.bills.isEmpty {
            let bills = e.bills.reduce(Int64(0)) { $0 + $1.amount }
            if bills != e.amount {
                out.append(TallyFieldError("\(ledgerList)[\(i)].BILLALLOCATIONS.LIST", "bills add up to \(Money(paise: bills)), the line to \(Money(paise: e.amount))"))
            }
        }
        for (i, e) in inventoryEntries.enumerated() where !e.batches.isEmpty {
            let q = e.batches.compactMap(\.actualQuantity?.thousandths).reduce(0, +)
            if let line = e.actualQuantity?.thousandths, q != line {
                out.append(TallyFieldError("\(e.list)[\(i)].BATCHALLOCATIONS.LIST",
                                           "batch quantities add up to \(TallyScalar.decimal(q)), the line to \(TallyScalar.decimal(line))"))
            }
        }
        return out
    }
}
