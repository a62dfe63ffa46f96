import Ledger

/// How a supply is made (invoice body `supplyType`, gst.md §A2.4).
public enum SupplyType: String, Codable, CaseIterable, Sendable {
    case regular
    case sezWithPayment = "sez-with-payment"
    case sezWithoutPayment = "sez-without-payment"
    case exportWithPayment = "export-with-payment"
    case exportWithoutPayment = "export-without-payment"
    case deemedExport = "deemed-export"

    public var isExport: Bool { self == .exportWithPayment || self == .exportWithoutPayment }
    public var isSEZ: Bool { self == .sezWithPayment || self == .sezWithoutPayment }
    public var isZeroRated: Bool { isExport || isSEZ }
    public var withPayment: Bool { self == .sezWithPayment || self == .exportWithPayment }
}

/// An item's GST character (gst.md §A2.6).
public enum Taxability: String, Codable, CaseIterable, Sendable {
    case taxable
    case nilRated = "nil-rated"
    case exempt
    case nonGST = "non-gst"
}

/// A party's GST registration, as the party ledger records it.
public enum Registration: String, Codable, CaseIterable, Sendable {
    case regular, composition, unregistered, consumer, sez, overseas, uin

    /// Registered recipients go to GSTR-1 b2b/cdnr; the rest are B2C.
    public var isRegistered: Bool { [.regular, .composition, .sez, .uin].contains(self) }
}

/// What the engine decided for a line, and why.
public enum Treatment: String, Codable, CaseIterable, Sendable {
    case intraState = "intra-state"
    case interState = "inter-state"
    case zeroRatedWithTax = "zero-rated-with-tax"
    case zeroRatedWithoutTax = "zero-rated-without-tax"
    case nilRated = "nil-rated"
    case exempt
    case nonGST = "non-gst"
    case billOfSupply = "bill-of-supply"

    public var chargesTax: Bool { [.intraState, .interState, .zeroRatedWithTax].contains(self) }
}

/// The tax on one line, every amount settled once in paise (gst.md §A2.10): reports only add these up.
public struct LineTax: Equatable, Sendable {
    public var treatment: Treatment
    public var taxable: Int64
    public var rate: TaxRate
    public var cessRate: TaxRate
    public var cgst: Int64 = 0
    /// SGST, or UTGST in a Union Territory without legislature (it goes in the same JSON field).
    public var sgst: Int64 = 0
    public var igst: Int64 = 0
    public var cess: Int64 = 0
    public var usesUTGST = false
    public var reverseCharge = false

    public init(treatment: Treatment, taxable: Int64, rate: TaxRate, cessRate: TaxRate, cgst: Int64 = 0, sgst: Int64 = 0, igst: Int64 = 0,
                cess: Int64 = 0, usesUTGST: Bool = false, reverseCharge: Bool = false) {
        self.treatment = treatment
        self.taxable = taxable
        self.rate = rate
        self.cessRate = cessRate
        self.cgst = cgst
        self.sgst = sgst
        self.igst = igst
        self.cess = cess
        self.usesUTGST = usesUTGST
        self.reverseCharge = reverseCharge
    }

    public var tax: Int64 { cgst + sgst + igst + cess }
    /// What the buyer pays for the line; under reverse charge the buyer pays the tax to the government instead.
    public var invoiceValue: Int64 { taxable + (reverseCharge ? 0 : tax) }
}

/// Who supplies, where to, and how: everything the line decision needs besides the item.
public struct SupplyContext: Sendable {
    public var supplierState: StateCode
    public var placeOfSupply: String
    public var supplyType: SupplyType
    public var reverseCharge: Bool
    public var supplierIsComposition: Bool
    /// IGST whatever the states: imports, and what an SEZ unit supplies into the rest of India (`SupplyRules`).
    public var interStateByLaw: Bool

    public init(supplierState: StateCode, placeOfSupply: String, supplyType: SupplyType = .regular, reverseCharge: Bool = false,
                supplierIsComposition: Bool = false, interStateByLaw: Bool = false) {
        self.supplierState = supplierState
        self.placeOfSupply = placeOfSupply
        self.supplyType = supplyType
        self.reverseCharge = reverseCharge
        self.supplierIsComposition = supplierIsComposition
        self.interStateByLaw = interStateByLaw
    }

    public var isInterState: Bool { interStateByLaw || placeOfSupply != supplierState.code }
}

/// The per-line decision in the order gst.md §A2.1 gives.
public enum TaxEngine {
    public static func tax(taxable: Int64, taxability: Taxability, rate: TaxRate, cessRate: TaxRate = .zero,
                           context c: SupplyContext) throws(AmountOverflow) -> LineTax {
        var line = LineTax(treatment: .intraState, taxable: taxable, rate: rate, cessRate: cessRate)
        if c.supplierIsComposition { line.treatment = .billOfSupply; line.rate = .zero; line.cessRate = .zero; return line }
        switch taxability {
        case .nilRated: line.treatment = .nilRated
        case .exempt: line.treatment = .exempt
        case .nonGST: line.treatment = .nonGST
        case .taxable: break
        }
        guard taxability == .taxable else { line.rate = .zero; line.cessRate = .zero; return line }
        line.reverseCharge = c.reverseCharge
        if c.supplyType.isZeroRated {
            // Under LUT nothing is charged, so the rate reported is 0 (GSTR-1 `exp` WOPAY and the HSN row agree).
            guard c.supplyType.withPayment else { line.treatment = .zeroRatedWithoutTax; line.rate = .zero; line.cessRate = .zero; return line }
            // Exports and SEZ supplies are inter-state whatever the states (IGST Act s.7(5), s.16).
            line.treatment = .zeroRatedWithTax
            line.igst = try rate.of(taxable)
        } else if c.isInterState {
            line.treatment = .interState
            line.igst = try rate.of(taxable)
        } else {
            line.treatment = .intraState
            // Each half rounded on its own, so CGST and SGST are always equal.
            line.cgst = try rate.half.of(taxable)
            line.sgst = try rate.half.of(taxable)
            line.usesUTGST = c.supplierState.isUnionTerritoryWithoutLegislature
        }
        line.cess = try cessRate.of(taxable)
        return line
    }

    public enum PlaceOfSupplyError: Error, Equatable, Sendable, CustomStringConvertible {
        case unknown
        public var description: String {
            "cannot be worked out: the party has no GSTIN or state on record; give placeOfSupply (two-digit state code, 96 for exports)"
        }
    }

    /// The default place of supply (gst.md §A2.3): exports go to 96; a registered party's GSTIN state, else the
    /// state on the party's record; a walk-in consumer buys where we sell. An unregistered party with no state
    /// on record has no default: goods may be going anywhere, so the user must say where.
    public static func defaultPlaceOfSupply(supplyType: SupplyType, partyRegistration: Registration, partyGSTIN: GSTIN?,
                                            partyState: String?, supplierState: StateCode) throws(PlaceOfSupplyError) -> String {
        if supplyType.isExport || partyRegistration == .overseas { return "96" }
        if let gstin = partyGSTIN, StateCode(gstin.stateCode) != nil { return gstin.stateCode }
        if let partyState, StateCode(partyState) != nil { return partyState }
        if partyRegistration == .consumer { return supplierState.code }
        throw .unknown
    }
}
