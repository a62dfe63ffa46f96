import Ledger

/// Opening stock of an item in one godown and batch (`BATCHALLOCATIONS.LIST` in the master).
public struct TallyOpeningBatch: Hashable, Sendable {
    public var godown: String?
    /// nil for Tally's `Primary Batch` (no batch).
    public var batch: String?
    public var quantity: TallyQuantity?
    public var rate: TallyRate?
    /// Negative = debit, the normal case for stock.
    public var value: Int64?
    public var manufacturedOn: CalendarDateText?
    public var expiresOn: CalendarDateText?
    public init(godown: String?, batch: String?, quantity: TallyQuantity?, rate: TallyRate?, value: Int64?) {
        self.godown = godown; self.batch = batch; self.quantity = quantity; self.rate = rate; self.value = value
    }
}

public struct TallyStockItem: Hashable, Sendable {
    public var header: TallyMasterHeader
    public var baseUnit: String?
    public var openingQuantity: TallyQuantity?
    public var openingRate: TallyRate?
    public var openingValue: Int64?
    public var isBatchWise: Bool?
    public var isPerishable: Bool?
    public var hasManufacturingDate: Bool?
    public var costingMethod: String?
    public var typeOfSupply: String?
    public var hsn: String?
    public var taxability: String?
    /// The integrated rate in basis points (1800 = 18%), from the current GST details.
    public var gstRateBasisPoints: Int64?
    public var openingBatches: [TallyOpeningBatch] = []
    public var extras: [TallyNode] = []

    public init(header: TallyMasterHeader) { self.header = header }

    public init(node: TallyNode) throws(TallyFieldError) {
        var r = NodeReader(node)
        header = try TallyMasterHeader(&r)
        baseUnit = r.name("BASEUNITS")
        openingQuantity = try r.quantity("OPENINGBALANCE")
        openingRate = try r.rate("OPENINGRATE")
        openingValue = try r.amount("OPENINGVALUE")
        isBatchWise = try r.flag("ISBATCHWISEON")
        isPerishable = try r.flag("ISPERISHABLEON")
        hasManufacturingDate = try r.flag("HASMFGDATE")
        costingMethod = r.name("COSTINGMETHOD")
        typeOfSupply = r.name("GSTTYPEOFSUPPLY")
        // GST and HSN are time-sliced: the last slice is the current one. HSN moved to its own list in TallyPrime 4.
        let gst = r.children("GSTDETAILS.LIST").last
        hsn = TallyScalar.name(r.children("HSNDETAILS.LIST").last?.value("HSNCODE")) ?? TallyScalar.name(gst?.value("HSNCODE"))
        taxability = TallyScalar.name(gst?.value("TAXABILITY"))
        let rates = gst?.child("STATEWISEDETAILS.LIST")?.children("RATEDETAILS.LIST") ?? []
        if let igst = rates.first(where: { $0.value("GSTRATEDUTYHEAD") == "IGST" })?.value("GSTRATE") {
            guard let t = TallyScalar.thousandths(igst) else { throw TallyFieldError("GSTDETAILS.LIST.GSTRATE", "'\(igst)' is not a rate") }
            gstRateBasisPoints = t / 10
        }
        for (i, batch) in r.children("BATCHALLOCATIONS.LIST").enumerated() {
            var b = NodeReader(batch, prefix: "BATCHALLOCATIONS.LIST[\(i)].")
            let name = b.name("BATCHNAME") ?? b.name("NAME")
            var o = TallyOpeningBatch(godown: b.name("GODOWNNAME"), batch: name == "Primary Batch" ? nil : name,
                                      quantity: try b.quantity("OPENINGBALANCE"), rate: try b.rate("OPENINGRATE"), value: try b.amount("OPENINGVALUE"))
            o.manufacturedOn = try b.date("MFDON")
            b.mark("EXPIRYPERIOD")
            o.expiresOn = TallyScalar.dueDate(batch.child("EXPIRYPERIOD")).map(CalendarDateText.init)
            openingBatches.append(o)
        }
        extras = r.extras
    }

    public var node: TallyNode {
        var b = header.builder("STOCKITEM")
        b.add("BASEUNITS", baseUnit)
        b.add("OPENINGBALANCE", openingQuantity?.text)
        b.add("OPENINGRATE", openingRate?.text)
        b.add("OPENINGVALUE", amount: openingValue)
        b.add("ISBATCHWISEON", flag: isBatchWise); b.add("ISPERISHABLEON", flag: isPerishable); b.add("HASMFGDATE", flag: hasManufacturingDate)
        b.add("COSTINGMETHOD", costingMethod)
        b.add("GSTTYPEOFSUPPLY", typeOfSupply)
        if hsn != nil || gstRateBasisPoints != nil || taxability != nil {
            var g = NodeBuilder("GSTDETAILS.LIST")
            g.add("HSNCODE", hsn)
            g.add("TAXABILITY", taxability)
            if let bp = gstRateBasisPoints {
                var state = NodeBuilder("STATEWISEDETAILS.LIST")
                state.add("STATENAME", reserved: "Any")
                let half = bp / 2
                for (head, rate) in [("CGST", half), ("SGST/UTGST", half), ("IGST", bp)] {
                    var rd = NodeBuilder("RATEDETAILS.LIST")
                    rd.add("GSTRATEDUTYHEAD", head); rd.add("GSTRATEVALUATIONTYPE", "Based on Value")
                    rd.add("GSTRATE", " " + TallyScalar.decimal(rate * 10))
                    state.add(rd.node)
                }
                g.add(state.node)
            }
            b.add(g.node)
        }
        for o in openingBatches {
            var ob = NodeBuilder("BATCHALLOCATIONS.LIST")
            ob.add("GODOWNNAME", o.godown ?? "Main Location")
            ob.add("BATCHNAME", o.batch ?? "Primary Batch")
            ob.add("OPENINGBALANCE", o.quantity?.text); ob.add("OPENINGRATE", o.rate?.text); ob.add("OPENINGVALUE", amount: o.value)
            ob.add("MFDON", date: o.manufacturedOn); ob.add("EXPIRYPERIOD", date: o.expiresOn)
            b.add(ob.node)
        }
        b.add(extras)
        return b.node
    }
}

extension TallyScalar {
    /// A due-date field (`EXPIRYPERIOD`, `ORDERDUEDATE`): its text when that is a date, else its `JD` attribute.
    static func dueDate(_ node: TallyNode?) -> CalendarDate? {
        guard let node else { return nil }
        if let d = try? date(node.text.trimmingWhitespace) { return d }
        return node.attribute("JD").flatMap { Int($0.trimmingWhitespace) }.map(julianDay)
    }

    /// Tally's due-date `JD`: a day count in which 45723 is 2025-03-08 (VCHKEY's 0xb29b, reference §5.1).
    static func julianDay(_ jd: Int) -> CalendarDate { CalendarDate(dayNumber: jd - 25_568) }
}
