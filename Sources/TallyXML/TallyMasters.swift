/// What every master carries: its name (the NAME attribute, or the first name of its name list), aliases, GUID,
/// AlterID and parent (nil at the top, where Tally writes nothing or `␄ Primary`).
public struct TallyMasterHeader: Hashable, Sendable {
    public var name: String
    public var aliases: [String] = []
    public var guid: String?
    public var alterID: Int64?
    public var masterID: Int64?
    public var parent: String?
    public var reservedName: String?
    public var action: String?

    public init(name: String, guid: String? = nil, alterID: Int64? = nil, parent: String? = nil) {
        self.name = name; self.guid = guid; self.alterID = alterID; self.parent = parent
    }

    init(_ r: inout NodeReader) throws(TallyFieldError) {
        var names = r.node.child("NAME.LIST")?.children("NAME").map(\.text.trimmingWhitespace) ?? []
        if let languages = r.node.child("LANGUAGENAME.LIST")?.child("NAME.LIST") { names += languages.children("NAME").map(\.text.trimmingWhitespace) }
        r.mark("NAME.LIST", "LANGUAGENAME.LIST")
        let attribute = r.node.attribute("NAME")?.trimmingWhitespace
        guard let name = [attribute, names.first, r.text("NAME")].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            throw TallyFieldError("NAME", "\(r.node.name) has no name")
        }
        self.name = name
        aliases = names.filter { $0 != name && !$0.isEmpty }
        guid = r.text("GUID")
        alterID = try r.int("ALTERID")
        masterID = try r.int("MASTERID")
        parent = r.name("PARENT")
        reservedName = r.node.attribute("RESERVEDNAME").flatMap { $0.isEmpty ? nil : $0 }
        action = r.node.attribute("ACTION")
    }

    /// Starts the node: NAME attribute, ACTION, then name list, GUID, ALTERID, PARENT.
    func builder(_ tag: String, action: String? = "Create", hasParent: Bool = true) -> NodeBuilder {
        var attributes = [("NAME", name)]
        if let reservedName { attributes.append(("RESERVEDNAME", reservedName)) }
        if let action { attributes.append(("ACTION", action)) }
        var b = NodeBuilder(tag, attributes: attributes)
        b.add(TallyNode("NAME.LIST", attributes: [("TYPE", "String")], children: ([name] + aliases).map { .leaf("NAME", $0) }))
        b.add("GUID", guid)
        if let parent { b.add("PARENT", parent) } else if hasParent { b.add("PARENT", reserved: "Primary") }
        b.add("ALTERID", alterID.map { " \($0)" })
        return b
    }
}

public struct TallyGroup: Hashable, Sendable {
    public var header: TallyMasterHeader
    public var isRevenue: Bool?
    public var isDeemedPositive: Bool?
    public var affectsGrossProfit: Bool?
    public var isBillWise: Bool?
    public var extras: [TallyNode] = []

    public init(header: TallyMasterHeader) { self.header = header }

    public init(node: TallyNode) throws(TallyFieldError) {
        var r = NodeReader(node)
        header = try TallyMasterHeader(&r)
        isRevenue = try r.flag("ISREVENUE")
        isDeemedPositive = try r.flag("ISDEEMEDPOSITIVE")
        affectsGrossProfit = try r.flag("AFFECTSGROSSPROFIT")
        isBillWise = try r.flag("ISBILLWISEON")
        extras = r.extras
    }

    public var node: TallyNode {
        var b = header.builder("GROUP")
        b.add("ISREVENUE", flag: isRevenue); b.add("ISDEEMEDPOSITIVE", flag: isDeemedPositive)
        b.add("AFFECTSGROSSPROFIT", flag: affectsGrossProfit); b.add("ISBILLWISEON", flag: isBillWise)
        b.add(extras)
        return b.node
    }
}

/// An opening bill on a party ledger (`BILLALLOCATIONS.LIST` in the master).
public struct TallyOpeningBill: Hashable, Sendable {
    public var name: String
    public var date: CalendarDateText?
    public var creditPeriodDays: Int?
    /// Signed as Tally signs it: negative = debit (the party owes us).
    public var amount: Int64
    public var isAdvance: Bool?
    public init(name: String, date: CalendarDateText?, creditPeriodDays: Int? = nil, amount: Int64, isAdvance: Bool? = nil) {
        self.name = name; self.date = date; self.creditPeriodDays = creditPeriodDays; self.amount = amount; self.isAdvance = isAdvance
    }
}

public struct TallyLedger: Hashable, Sendable {
    public var header: TallyMasterHeader
    /// Negative = debit.
    public var openingBalance: Int64?
    public var isBillWise: Bool?
    public var creditPeriodDays: Int?
    public var gstin: String?
    public var registrationType: String?
    public var state: String?
    public var placeOfSupply: String?
    public var mailingName: String?
    public var address: [String] = []
    public var pincode: String?
    public var country: String?
    public var email: String?
    public var mobile: String?
    public var pan: String?
    public var taxType: String?
    public var gstDutyHead: String?
    public var openingBills: [TallyOpeningBill] = []
    public var extras: [TallyNode] = []

    public init(header: TallyMasterHeader) { self.header = header }

    public init(node: TallyNode) throws(TallyFieldError) {
        var r = NodeReader(node)
        header = try TallyMasterHeader(&r)
        openingBalance = try r.amount("OPENINGBALANCE")
        isBillWise = try r.flag("ISBILLWISEON")
        creditPeriodDays = TallyScalar.days(r.text("BILLCREDITPERIOD"))
        // TallyPrime 3+ keeps dated registration and mailing details in lists (the last one is current); older
        // exports carry the same fields flat on the ledger. The list wins when both are present.
        let registration = r.children("LEDGSTREGDETAILS.LIST").last
        let mailing = r.children("LEDMAILINGDETAILS.LIST").last
        gstin = TallyScalar.name(r.text("PARTYGSTIN")) ?? TallyScalar.name(registration?.value("GSTIN"))
        registrationType = TallyScalar.name(registration?.value("GSTREGISTRATIONTYPE")) ?? r.name("GSTREGISTRATIONTYPE")
        placeOfSupply = TallyScalar.name(registration?.value("PLACEOFSUPPLY"))
        state = TallyScalar.name(mailing?.value("STATE")) ?? r.name("LEDSTATENAME") ?? r.name("STATENAME")
        mailingName = mailing?.value("MAILINGNAME") ?? r.text("MAILINGNAME")
        let mailingAddress = mailing?.list("ADDRESS.LIST", "ADDRESS") ?? []
        address = mailingAddress.isEmpty ? r.node.list("ADDRESS.LIST", "ADDRESS") : mailingAddress
        r.mark("ADDRESS.LIST")
        pincode = mailing?.value("PINCODE") ?? r.text("PINCODE")
        country = TallyScalar.name(mailing?.value("COUNTRY")) ?? r.name("COUNTRYNAME")
        email = r.text("EMAIL")
        mobile = r.text("LEDGERMOBILE")
        pan = r.text("INCOMETAXNUMBER")
        taxType = r.name("TAXTYPE")
        gstDutyHead = r.name("GSTDUTYHEAD")
        for (i, bill) in r.children("BILLALLOCATIONS.LIST").enumerated() {
            var b = NodeReader(bill, prefix: "BILLALLOCATIONS.LIST[\(i)].")
            guard let name = b.text("NAME") else { continue }
            openingBills.append(TallyOpeningBill(name: name, date: try b.date("BILLDATE"), creditPeriodDays: TallyScalar.days(b.text("BILLCREDITPERIOD")),
                                                 amount: try b.amount("OPENINGBALANCE") ?? 0, isAdvance: try b.flag("ISADVANCE")))
        }
        extras = r.extras
    }

    public var node: TallyNode {
        var b = header.builder("LEDGER")
        b.add("OPENINGBALANCE", amount: openingBalance)
        b.add("ISBILLWISEON", flag: isBillWise)
        b.add("BILLCREDITPERIOD", creditPeriodDays.map { "\($0) Days" })
        b.add("INCOMETAXNUMBER", pan); b.add("EMAIL", email); b.add("LEDGERMOBILE", mobile)
        b.add("TAXTYPE", taxType); b.add("GSTDUTYHEAD", gstDutyHead)
        if mailingName != nil || !address.isEmpty || state != nil || pincode != nil {
            var m = NodeBuilder("LEDMAILINGDETAILS.LIST")
            m.add("MAILINGNAME", mailingName)
            if !address.isEmpty { m.add(TallyNode("ADDRESS.LIST", attributes: [("TYPE", "String")], children: address.map { .leaf("ADDRESS", $0) })) }
            m.add("STATE", state); m.add("COUNTRY", country); m.add("PINCODE", pincode)
            b.add(m.node)
        }
        if gstin != nil || registrationType != nil {
            var g = NodeBuilder("LEDGSTREGDETAILS.LIST")
            g.add("GSTREGISTRATIONTYPE", registrationType); g.add("PLACEOFSUPPLY", placeOfSupply); g.add("GSTIN", gstin)
            b.add(g.node)
        }
        for bill in openingBills {
            var o = NodeBuilder("BILLALLOCATIONS.LIST")
            o.add("NAME", bill.name); o.add("BILLDATE", date: bill.date)
            o.add("BILLCREDITPERIOD", bill.creditPeriodDays.map { "\($0) Days" })
            o.add("OPENINGBALANCE", amount: bill.amount); o.add("ISADVANCE", flag: bill.isAdvance)
            b.add(o.node)
        }
        b.add(extras)
        return b.node
    }
}

/// Godowns, stock groups, cost centres and voucher types: a name under a parent, and little else we use.
/// `VOUCHERTYPE`'s parent is its base type (`Sales`, `Journal`, …).
public struct TallySimpleMaster: Hashable, Sendable {
    public var tag: String
    public var header: TallyMasterHeader
    /// Cost centres: their category; voucher types: the numbering method.
    public var detail: String?
    public var isActive: Bool?
    public var extras: [TallyNode] = []

    public static let tags: [String: String] = ["GODOWN": "", "STOCKGROUP": "", "COSTCENTRE": "CATEGORY", "VOUCHERTYPE": "NUMBERINGMETHOD",
                                                "STOCKCATEGORY": "", "COSTCATEGORY": "", "CURRENCY": "EXPANDEDSYMBOL"]

    public init(tag: String, header: TallyMasterHeader) { self.tag = tag; self.header = header }

    public init(node: TallyNode) throws(TallyFieldError) {
        var r = NodeReader(node)
        tag = node.name
        header = try TallyMasterHeader(&r)
        if let detailTag = Self.tags[node.name], !detailTag.isEmpty { detail = r.name(detailTag) }
        if node.name == "VOUCHERTYPE" { isActive = try r.flag("ISACTIVE") }
        extras = r.extras
    }

    public var node: TallyNode {
        var b = header.builder(tag, hasParent: !["CURRENCY", "COSTCATEGORY"].contains(tag))
        if let detailTag = Self.tags[tag], !detailTag.isEmpty { b.add(detailTag, detail) }
        b.add("ISACTIVE", flag: isActive)
        b.add(extras)
        return b.node
    }
}

public struct TallyUnit: Hashable, Sendable {
    public var header: TallyMasterHeader
    public var formalName: String?
    public var isSimple: Bool = true
    public var baseUnit: String?
    public var additionalUnit: String?
    /// Compound units: how many additional units make one base unit, in thousandths.
    public var conversion: Int64?
    public var decimalPlaces: Int64?
    /// The GST UQC, as Tally names it (`KGS-KILOGRAMS`): the code before the dash.
    public var uqc: String?
    public var extras: [TallyNode] = []

    public init(header: TallyMasterHeader) { self.header = header }

    public init(node: TallyNode) throws(TallyFieldError) {
        var r = NodeReader(node)
        header = try TallyMasterHeader(&r)
        formalName = r.text("ORIGINALNAME")
        isSimple = try r.flag("ISSIMPLEUNIT") ?? true
        baseUnit = r.name("BASEUNITS")
        additionalUnit = r.name("ADDITIONALUNITS")
        if let c = r.text("CONVERSION") {
            guard let t = TallyScalar.thousandths(c) else { throw TallyFieldError("CONVERSION", "'\(c)' is not a number with at most three decimals") }
            conversion = t
        }
        decimalPlaces = try r.int("DECIMALPLACES")
        let reporting = r.children("REPORTINGUQCDETAILS.LIST").last?.value("REPORTINGUQCNAME") ?? r.text("GSTREPUOM")
        uqc = TallyScalar.name(reporting).map { String($0.split(separator: "-").first ?? "").trimmingWhitespace }
        extras = r.extras
    }

    public var node: TallyNode {
        var b = header.builder("UNIT")
        b.add("ORIGINALNAME", formalName)
        b.add("ISSIMPLEUNIT", flag: isSimple)
        b.add("BASEUNITS", baseUnit); b.add("ADDITIONALUNITS", additionalUnit)
        b.add("CONVERSION", conversion.map { " " + TallyScalar.decimal($0) })
        b.add("DECIMALPLACES", decimalPlaces.map { " \($0)" })
        b.add("GSTREPUOM", uqc)
        b.add(extras)
        return b.node
    }
}
