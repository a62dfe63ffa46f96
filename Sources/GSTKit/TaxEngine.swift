import Ledger

/// How a supply is made (invoice body `supplyType`, gst.md §A2.4).
public enum SupplyType: String, Codable, CaseIterable, Sendable {
    case regular
    case sezWithPayment = "sez-with-payment"
    case sezWithoutPayment = "sez-without-payment"
    case exportWithPayment = "export-with-payment"
    case exportWithoutPayment = "export-without-payment"
    case deemedExport = "deemed-export"
    /// Goods supplied to a registered recipient in a customs bonded warehouse: IGST whatever the states, GSTR-1 b2b
    /// `inv_typ` CBW.
    case customsBondedWarehouse = "customs-bonded-warehouse"

    public var isExport: Bool { self == .exportWithPayment || self == .exportWithoutPayment }
    public var isSEZ: Bool { self == .sezWithPayment || self == .sezWithoutPayment }
    public var isZeroRated: Bool { isExport || isSEZ }
    /// Charged IGST even when the place of supply is the supplier's own state.
    public var alwaysIGST: Bool { isZeroRated || self == .customsBondedWarehouse }
    public var withPayment: Bool { self == .sezWithPayment || self == .exportWithPayment }
}

/// Who answers for the tax on a supply made through an e-commerce operator (CGST Act s.52 and s.9(5)).
public enum ECommerceSection: String, Codable, CaseIterable, Sendable {
    /// The operator collects TCS; we charge and pay the tax as usual (GSTR-1 `etin`, Table 14(a) `clttx`).
    case collectsTCS = "52"
    /// The operator pays the tax on notified services (passenger transport, accommodation, housekeeping, restaurants);
    /// we charge none (Table 14(b) `paytx`, GSTR-3B 3.1.1(ii)).
    case operatorPays = "9(5)"
}

/// A supply made through an e-commerce operator: the operator's GSTIN (a TCS registration) and the section.
public struct ECommerce: Sendable, Equatable {
    public var operatorGSTIN: String
    public var section: ECommerceSection
    public init(operatorGSTIN: String, section: ECommerceSection) {
        self.operatorGSTIN = operatorGSTIN
        self.section = section
    }
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
    /// Tax worked out at the line's rate but paid by the e-commerce operator (s.9(5)), so not charged by us.
    case paidByOperator = "paid-by-operator"

    public var chargesTax: Bool {
        switch self {
        case .intraState, .interState, .zeroRatedWithTax: true
        default: false
        }
    }

    /// Nil-rated, exempt and non-GST supplies: reported apart (GSTR-1 Table 8), never in the taxable tables.
    public var isNilExemptOrNonGST: Bool {
        switch self {
        case .nilRated, .exempt, .nonGST: true
        default: false
        }
    }
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
    /// Specific cess: quantity × an amount per unit (e-invoice `CesNonAdvlAmt`); returns report it with `cess` in `csamt`.
    public var cessNonAdvol: Int64 = 0
    public var usesUTGST = false
    public var reverseCharge = false

    public init(treatment: Treatment, taxable: Int64, rate: TaxRate, cessRate: TaxRate, cgst: Int64 = 0, sgst: Int64 = 0, igst: Int64 = 0,
                cess: Int64 = 0, cessNonAdvol: Int64 = 0, usesUTGST: Bool = false, reverseCharge: Bool = false) {
        self.cessNonAdvol = cessNonAdvol
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

    public var tax: Int64 { cgst + sgst + igst + cess + cessNonAdvol }
    /// Both kinds of cess: what the returns' `csamt` carries.
    public var allCess: Int64 { cess + cessNonAdvol }
    /// What the buyer pays for the line; under reverse charge the buyer pays the tax to the government instead, and
    /// under s.9(5) the e-commerce operator does.
    public var invoiceValue: Int64 { taxable + (reverseCharge || treatment == .paidByOperator ? 0 : tax) }
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
    /// The e-commerce operator pays the tax (s.9(5)).
    public var operatorPays: Bool

    public init(supplierState: StateCode, placeOfSupply: String, supplyType: SupplyType = .regular, reverseCharge: Bool = false,
                supplierIsComposition: Bool = false, interStateByLaw: Bool = false, operatorPays: Bool = false) {
        self.operatorPays = operatorPays
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
    /// `quantity` is in the item's own unit, which `cessPerUnit` (paise) is per.
    public static func tax(taxable: Int64, taxability: Taxability, rate: TaxRate, cessRate: TaxRate = .zero,
                           quantity: Quantity? = nil, cessPerUnit: Int64 = 0, context c: SupplyContext) throws(AmountOverflow) -> LineTax {
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
        // Specific cess is never split between the Centre and the State, and is charged with IGST on zero-rated supplies.
        if cessPerUnit > 0, let quantity { line.cessNonAdvol = try quantity.times(cessPerUnit) }
        if c.operatorPays { line.treatment = .paidByOperator }
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
