import Ledger

public struct TallyBillAllocation: Hashable, Sendable {
    /// The bill reference; nil for On Account.
    public var name: String?
    /// `New Ref`, `Agst Ref`, `Advance` or `On Account`.
    public var type: String
    /// Negative = debit, like the line it sits under.
    public var amount: Int64
    public var creditPeriodDays: Int?
    public init(name: String?, type: String, amount: Int64, creditPeriodDays: Int? = nil) {
        self.name = name; self.type = type; self.amount = amount; self.creditPeriodDays = creditPeriodDays
    }
}

public struct TallyCostAllocation: Hashable, Sendable {
    public var category: String?
    public var centre: String
    public var amount: Int64
    public init(category: String?, centre: String, amount: Int64) { self.category = category; self.centre = centre; self.amount = amount }
}

/// A ledger line: in `ALLLEDGERENTRIES.LIST` or `LEDGERENTRIES.LIST`, or an inventory line's accounting allocation.
public struct TallyLedgerEntry: Hashable, Sendable {
    public var ledger: String
    /// Negative = debit (reference §5.4): Dr/Cr comes from this sign only.
    public var amount: Int64
    /// The side the line was entered on; presentation only (a discount is a debit entered on the credit side).
    public var isDeemedPositive: Bool?
    public var isPartyLedger: Bool?
    public var bills: [TallyBillAllocation] = []
    public var costCentres: [TallyCostAllocation] = []
    public var extras: [TallyNode] = []

    public init(ledger: String, amount: Int64, isPartyLedger: Bool? = nil) { self.ledger = ledger; self.amount = amount; self.isPartyLedger = isPartyLedger }

    init(_ node: TallyNode, path: String) throws(TallyFieldError) {
        var r = NodeReader(node, prefix: path + ".")
        guard let ledger = r.text("LEDGERNAME") else { throw TallyFieldError(path + ".LEDGERNAME", "is missing") }
        self.ledger = ledger
        amount = try r.amount("AMOUNT") ?? 0
        isDeemedPositive = try r.flag("ISDEEMEDPOSITIVE")
        isPartyLedger = try r.flag("ISPARTYLEDGER")
        for (i, bill) in r.children("BILLALLOCATIONS.LIST").enumerated() where !bill.children.isEmpty {
            var b = NodeReader(bill, prefix: "\(path).BILLALLOCATIONS.LIST[\(i)].")
            bills.append(TallyBillAllocation(name: b.text("NAME"), type: b.text("BILLTYPE") ?? "On Account", amount: try b.amount("AMOUNT") ?? 0,
                                             creditPeriodDays: TallyScalar.days(b.text("BILLCREDITPERIOD"))))
        }
        for (i, category) in r.children("CATEGORYALLOCATIONS.LIST").enumerated() {
            for (j, centre) in category.children("COSTCENTREALLOCATIONS.LIST").enumerated() {
                var c = NodeReader(centre, prefix: "\(path).CATEGORYALLOCATIONS.LIST[\(i)].COSTCENTREALLOCATIONS.LIST[\(j)].")
                guard let name = c.text("NAME") else { continue }
                costCentres.append(TallyCostAllocation(category: TallyScalar.name(category.value("CATEGORY")), centre: name, amount: try c.amount("AMOUNT") ?? 0))
            }
        }
        // Empty lists Tally writes out of habit (`<BANKALLOCATIONS.LIST>  </BANKALLOCATIONS.LIST>`) carry nothing.
        extras = r.extras.filter { !($0.children.isEmpty && $0.text.trimmingWhitespace.isEmpty && $0.name.hasSuffix(".LIST")) }
    }

    func node(_ tag: String) -> TallyNode {
        var b = NodeBuilder(tag)
        b.add("LEDGERNAME", ledger)
        b.add("ISDEEMEDPOSITIVE", flag: isDeemedPositive ?? (amount < 0))
        b.add("ISPARTYLEDGER", flag: isPartyLedger)
        b.add("AMOUNT", amount: amount)
        for bill in bills {
            var a = NodeBuilder("BILLALLOCATIONS.LIST")
            a.add("NAME", bill.name); a.add("BILLCREDITPERIOD", bill.creditPeriodDays.map { "\($0) Days" })
            a.add("BILLTYPE", bill.type); a.add("AMOUNT", amount: bill.amount)
            b.add(a.node)
        }
        for category in Dictionary(grouping: costCentres, by: { $0.category ?? "Primary Cost Category" }).sorted(by: { $0.key < $1.key }) {
            var c = NodeBuilder("CATEGORYALLOCATIONS.LIST")
            c.add("CATEGORY", category.key)
            for centre in category.value {
                var cc = NodeBuilder("COSTCENTREALLOCATIONS.LIST")
                cc.add("NAME", centre.centre); cc.add("AMOUNT", amount: centre.amount)
                c.add(cc.node)
            }
            b.add(c.node)
        }
        b.add(extras)
        return b.node
    }
}

public struct TallyBatchAllocation: Hashable, Sendable {
    public var godown: String?
    /// nil for `Primary Batch`.
    public var batch: String?
    public var destinationGodown: String?
    public var amount: Int64?
    public var actualQuantity: TallyQuantity?
    public var billedQuantity: TallyQuantity?
    public var manufacturedOn: CalendarDateText?
    public var expiresOn: CalendarDateText?
    public var orderNumber: String?
    /// Orders: when the line is due (`ORDERDUEDATE`, a due-date value like `EXPIRYPERIOD`).
    public var orderDueDate: CalendarDateText?
    public var trackingNumber: String?
    public var extras: [TallyNode] = []
    public init(godown: String?, batch: String?, amount: Int64?, actualQuantity: TallyQuantity?) {
        self.godown = godown; self.batch = batch; self.amount = amount; self.actualQuantity = actualQuantity; self.billedQuantity = actualQuantity
    }
}

/// A stock line of an invoice, a stock journal or an order (`ALLINVENTORYENTRIES.LIST` and its kin).
public struct TallyInventoryEntry: Hashable, Sendable {
    /// Which list it came in: `ALLINVENTORYENTRIES.LIST`, `INVENTORYENTRIES.LIST` (Tally.ERP 9),
    /// `INVENTORYENTRIESIN.LIST` / `INVENTORYENTRIESOUT.LIST` (stock journals).
    public var list: String
    public var item: String
    /// Yes = inward.
    public var isDeemedPositive: Bool?
    public var rate: TallyRate?
    public var amount: Int64?
    public var actualQuantity: TallyQuantity?
    public var billedQuantity: TallyQuantity?
    public var discount: String?
    public var batches: [TallyBatchAllocation] = []
    public var accountingAllocations: [TallyLedgerEntry] = []
    public var extras: [TallyNode] = []

    public init(list: String = "ALLINVENTORYENTRIES.LIST", item: String, inward: Bool, rate: TallyRate?, amount: Int64?, quantity: TallyQuantity?) {
        self.list = list; self.item = item; self.isDeemedPositive = inward; self.rate = rate; self.amount = amount
        self.actualQuantity = quantity; self.billedQuantity = quantity
    }

    /// Inward unless Tally says otherwise; the list decides for stock journals.
    public var isInward: Bool { list == "INVENTORYENTRIESIN.LIST" || (list != "INVENTORYENTRIESOUT.LIST" && isDeemedPositive == true) }

    init(_ node: TallyNode, path: String) throws(TallyFieldError) {
        var r = NodeReader(node, prefix: path + ".")
        list = node.name
        guard let item = r.text("STOCKITEMNAME") else { throw TallyFieldError(path + ".STOCKITEMNAME", "is missing") }
        self.item = item
        isDeemedPositive = try r.flag("ISDEEMEDPOSITIVE")
        rate = try r.rate("RATE")
        amount = try r.amount("AMOUNT")
        actualQuantity = try r.quantity("ACTUALQTY")
        billedQuantity = try r.quantity("BILLEDQTY")
        discount = r.text("DISCOUNT")
        for (i, batch) in r.children("BATCHALLOCATIONS.LIST").enumerated() where !batch.children.isEmpty {
            var b = NodeReader(batch, prefix: "\(path).BATCHALLOCATIONS.LIST[\(i)].")
            let name = b.name("BATCHNAME")
            var a = TallyBatchAllocation(godown: b.name("GODOWNNAME"), batch: name == "Primary Batch" ? nil : name, amount: try b.amount("AMOUNT"),
                                         actualQuantity: try b.quantity("ACTUALQTY"))
            a.billedQuantity = try b.quantity("BILLEDQTY")
            a.destinationGodown = b.name("DESTINATIONGODOWNNAME")
            a.manufacturedOn = try b.date("MFDON")
            b.mark("EXPIRYPERIOD")
            a.expiresOn = TallyScalar.dueDate(batch.child("EXPIRYPERIOD")).map(CalendarDateText.init)
            a.orderNumber = b.name("ORDERNO")
            b.mark("ORDERDUEDATE")
            a.orderDueDate = TallyScalar.dueDate(batch.child("ORDERDUEDATE")).map(CalendarDateText.init)
            a.trackingNumber = b.name("TRACKINGNUMBER")
            a.extras = b.extras
            batches.append(a)
        }
        for (i, allocation) in r.children("ACCOUNTINGALLOCATIONS.LIST").enumerated() where !allocation.children.isEmpty {
            accountingAllocations.append(try TallyLedgerEntry(allocation, path: "\(path).ACCOUNTINGALLOCATIONS.LIST[\(i)]"))
        }
        extras = r.extras.filter { !($0.children.isEmpty && $0.text.trimmingWhitespace.isEmpty && $0.name.hasSuffix(".LIST")) }
    }

    var node: TallyNode {
        var b = NodeBuilder(list)
        b.add("STOCKITEMNAME", item)
        b.add("ISDEEMEDPOSITIVE", flag: isDeemedPositive)
        b.add("RATE", rate?.text); b.add("DISCOUNT", discount)
        b.add("AMOUNT", amount: amount)
        b.add("ACTUALQTY", actualQuantity?.text); b.add("BILLEDQTY", billedQuantity?.text)
        for a in batches {
            var bb = NodeBuilder("BATCHALLOCATIONS.LIST")
            bb.add("GODOWNNAME", a.godown ?? "Main Location")
            bb.add("BATCHNAME", a.batch ?? "Primary Batch")
            bb.add("DESTINATIONGODOWNNAME", a.destinationGodown ?? a.godown ?? "Main Location")
            bb.add("MFDON", date: a.manufacturedOn); bb.add("EXPIRYPERIOD", date: a.expiresOn)
            bb.add("ORDERNO", a.orderNumber); bb.add("ORDERDUEDATE", date: a.orderDueDate); bb.add("TRACKINGNUMBER", a.trackingNumber)
            bb.add("AMOUNT", amount: a.amount)
            bb.add("ACTUALQTY", a.actualQuantity?.text); bb.add("BILLEDQTY", a.billedQuantity?.text)
            bb.add(a.extras)
            b.add(bb.node)
        }
        for a in accountingAllocations { b.add(a.node("ACCOUNTINGALLOCATIONS.LIST")) }
        b.add(extras)
        return b.node
    }
}
