import Foundation
import Ledger

/// Who is on either side of an e-invoice or e-way bill.
public struct TradeParty: Sendable, Equatable {
    public var gstin: String?
    public var legalName: String
    public var address: String
    public var place: String
    public var pincode: String?
    public var stateCode: String

    public init(gstin: String?, legalName: String, address: String, place: String, pincode: String?, stateCode: String) {
        self.gstin = gstin
        self.legalName = legalName
        self.address = address
        self.place = place
        self.pincode = pincode
        self.stateCode = stateCode
    }
}

/// A rule an e-invoice or e-way bill breaks, named as the portal would.
public struct PayloadProblem: Codable, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var rule: String
    public var description: String { "\(field): \(rule)" }
}

/// Sending to the IRP or the e-way bill system goes through a GSP; this is where a GSP client plugs in.
public protocol GSPClient: Sendable {
    func generateIRN(_ invoice: EInvoice) async throws -> IRNResponse
}

public struct IRNResponse: Codable, Sendable {
    public var AckNo: Int64
    public var AckDt: String
    public var Irn: String
    public var SignedInvoice: String
    public var SignedQRCode: String
}

/// INV-01 v1.1 (gst.md §A5.2): only the fields we can fill from our data; optional blocks are left out.
public struct EInvoice: Codable, Sendable, Equatable {
    public struct Transaction: Codable, Sendable, Equatable {
        public var TaxSch = "GST"
        public var SupTyp: String, RegRev: String
        /// The e-commerce operator's GSTIN, for supplies through one.
        public var EcmGstin: String? = nil
        public var IgstOnIntra: String
    }
    public struct Document: Codable, Sendable, Equatable { public var Typ: String, No: String, Dt: String }
    public struct Party: Codable, Sendable, Equatable {
        public var Gstin: String, LglNm: String, Pos: String?, Addr1: String, Loc: String, Pin: Int, Stcd: String
    }
    public struct Item: Codable, Sendable, Equatable {
        public var SlNo: String, PrdDesc: String, IsServc: String, HsnCd: String, Qty: Decimal, Unit: String?, UnitPrice: Decimal
        public var TotAmt: Decimal, Discount: Decimal, AssAmt: Decimal, GstRt: Decimal, IgstAmt: Decimal, CgstAmt: Decimal, SgstAmt: Decimal
        public var CesRt: Decimal, CesAmt: Decimal, CesNonAdvlAmt: Decimal, OthChrg: Decimal, TotItemVal: Decimal
    }
    public struct Values: Codable, Sendable, Equatable {
        public var AssVal: Decimal, CgstVal: Decimal, SgstVal: Decimal, IgstVal: Decimal, CesVal: Decimal, StCesVal: Decimal
        public var Discount: Decimal, OthChrg: Decimal, RndOffAmt: Decimal, TotInvVal: Decimal
    }
    public struct PrecedingDocument: Codable, Sendable, Equatable { public var InvNo: String, InvDt: String }
    public struct References: Codable, Sendable, Equatable { public var PrecDocDtls: [PrecedingDocument] }
    public struct ExportDetails: Codable, Sendable, Equatable { public var ShipBNo: String, ShipBDt: String, Port: String }
    public struct ShipTo: Codable, Sendable, Equatable {
        public var Gstin: String?
        public var LglNm: String, Addr1: String, Loc: String
        public var Pin: Int
        public var Stcd: String
    }

    /// INV-01 names the dispatching party `Nm` and carries no GSTIN for it.
    public struct DispatchFrom: Codable, Sendable, Equatable {
        public var Nm: String, Addr1: String, Loc: String
        public var Pin: Int
        public var Stcd: String
    }

    public var Version = "1.1"
    public var TranDtls: Transaction
    public var DocDtls: Document
    public var SellerDtls: Party
    public var BuyerDtls: Party
    public var ItemList: [Item]
    public var ValDtls: Values
    public var RefDtls: References?
    public var ExpDtls: ExportDetails?
    public var ShipDtls: ShipTo?
    public var DispDtls: DispatchFrom?

    static func date(_ d: CalendarDate) -> String {
        let s = d.description
        return String(s.suffix(2)) + "/" + String(s.dropFirst(5).prefix(2)) + "/" + String(s.prefix(4))
    }

    /// Keeps what the IRP accepts in names and addresses: letters, digits, space and `@ # - / , & . ( ) *`.
    public static func clean(_ text: String) -> String {
        let allowed = Set(" @#-/,&.()*")
        return String(text.filter { $0.isASCIIDigit || $0.isASCIILetter || allowed.contains($0) || ($0.isLetter && !$0.isASCII) })
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}

extension EInvoice {
    public static let documentNumberPattern = "^([A-Z1-9]{1}[A-Z0-9/-]{0,15})$"

    /// Builds the payload, or lists every rule it would break (nothing is produced then).
    /// The IRP takes no document older than this from a taxpayer with ₹10 crore of turnover or more (GSTN advisory,
    /// in force from 1 April 2025).
    public static let reportingWindowDays = 30

    public static func build(document d: GSTDocument, seller: TradeParty, buyer: TradeParty, roundOff: Int64, today: CalendarDate,
                             turnoverAbove10Crore: Bool = false) -> Result<EInvoice, Problems> {
        var problems: [PayloadProblem] = []
        func check(_ ok: Bool, _ field: String, _ rule: String) { if !ok { problems.append(.init(field: field, rule: rule)) } }
        // Every figure below is added without checks once the document is known to add up at all.
        guard (try? GSTDocument.checkSummable([d])) != nil else {
            return .failure(Problems(list: [.init(field: "ItemList", rule: "the document's figures are too large to add up")]))
        }

        let supTyp: String
        switch d.supplyType {
        case .sezWithPayment: supTyp = "SEZWP"
        case .sezWithoutPayment: supTyp = "SEZWOP"
        case .exportWithPayment: supTyp = "EXPWP"
        case .exportWithoutPayment: supTyp = "EXPWOP"
        case .deemedExport: supTyp = "DEXP"
        case .customsBondedWarehouse: supTyp = "B2B"
        case .regular: supTyp = "B2B"
        }
        check(d.direction == .outward, "DocDtls", "only documents we issue are e-invoiced")
        check(!d.operatorPays, "TranDtls.EcmGstin", "the e-commerce operator pays this supply's tax (s.9(5)) and issues the tax invoice; it is not e-invoiced by us")
        check(d.partyRegistration.isRegistered || d.supplyType.isExport, "BuyerDtls.Gstin",
              "e-invoices are for registered buyers, SEZ and exports; B2C invoices are not sent")
        check(d.partyRegistration != .sez || d.supplyType.isSEZ, "TranDtls.SupTyp", "recipient is an SEZ: use SEZ with or without payment, not B2B")
        check(d.number.range(of: documentNumberPattern, options: .regularExpression) != nil, "DocDtls.No",
              "1–16 characters: capital letters, digits, / and -, not starting with 0, / or -")
        check(d.date <= today, "DocDtls.Dt", "the document date is in the future")
        check(!turnoverAbove10Crore || today - d.date <= reportingWindowDays, "DocDtls.Dt",
              "is more than 30 days ago: with ₹10 crore of turnover or more the IRP takes documents within 30 days of their date")
        check(abs(roundOff) <= 99_99, "ValDtls.RndOffAmt", "must be between -99.99 and 99.99")
        let items = d.lines.filter { [.intraState, .interState, .zeroRatedWithTax, .zeroRatedWithoutTax].contains($0.tax.treatment) }
        check(!items.isEmpty, "ItemList", "needs at least one taxable or zero-rated line")
        check(items.count <= 1_000, "ItemList", "at most 1,000 items per document")

        func party(_ p: TradeParty, _ field: String, pos: String?) -> Party {
            let export = field == "BuyerDtls" && d.supplyType.isExport
            let name = clean(p.legalName), address = clean(p.address), place = clean(p.place)
            check((3...100).contains(name.count), "\(field).LglNm", "legal name must have 3 to 100 characters")
            check((3...100).contains(address.count), "\(field).Addr1", "address must have 3 to 100 characters")
            check((3...50).contains(place.count), "\(field).Loc", "location (city) must have 3 to 50 characters")
            let pin = export ? 999_999 : Int(p.pincode ?? "") ?? 0
            check((100_000...999_999).contains(pin), "\(field).Pin", "a 6-digit PIN code is required")
            check(export || p.gstin != nil, "\(field).Gstin", "a GSTIN is required")
            return Party(Gstin: export ? "URP" : p.gstin ?? "", LglNm: name, Pos: pos, Addr1: address, Loc: place, Pin: pin,
                         Stcd: export ? "96" : p.stateCode)
        }
        let sellerParty = party(seller, "SellerDtls", pos: nil)
        let buyerParty = party(buyer, "BuyerDtls", pos: d.supplyType.isExport ? "96" : d.placeOfSupply)
        // Ship-to and dispatch-from are checked as the IRP checks any address.
        func address(_ p: TradeParty, _ field: String) -> (name: String, address: String, place: String, pin: Int) {
            let name = clean(p.legalName), address = clean(p.address), place = clean(p.place)
            check((3...100).contains(name.count), "\(field).\(field == "DispDtls" ? "Nm" : "LglNm")", "name must have 3 to 100 characters")
            check((3...100).contains(address.count), "\(field).Addr1", "address must have 3 to 100 characters")
            check((3...50).contains(place.count), "\(field).Loc", "location (city) must have 3 to 50 characters")
            let pin = Int(p.pincode ?? "") ?? 0
            check((100_000...999_999).contains(pin), "\(field).Pin", "a 6-digit PIN code is required")
            return (name, address, place, pin)
        }
        let shipTo = d.shipTo.map { p -> ShipTo in
            let a = address(p, "ShipDtls")
            return ShipTo(Gstin: p.gstin ?? "URP", LglNm: a.name, Addr1: a.address, Loc: a.place, Pin: a.pin, Stcd: p.stateCode)
        }
        let dispatch = d.dispatchFrom.map { p -> DispatchFrom in
            let a = address(p, "DispDtls")
            return DispatchFrom(Nm: a.name, Addr1: a.address, Loc: a.place, Pin: a.pin, Stcd: p.stateCode)
        }

        func a(_ p: Int64) -> Decimal { Decimal(p) / 100 }
        var list: [Item] = []
        for (i, l) in items.enumerated() {
            let t = l.tax
            let service = HSNCode.isService(l.hsn)
            let f = "ItemList[\(i)]"
            check(HSNCode.problem(l.hsn) == nil, f + ".HsnCd", "HSN must have 4 to 8 digits")
            // E-invoicing applies only above ₹5 crore of turnover, and there the HSN needs 6 digits (Notification 78/2020-CT).
            check(HSNCode.problem(l.hsn) != nil || l.hsn.count >= 6, f + ".HsnCd", "e-invoicing applies above ₹5 crore of turnover, where the HSN needs at least 6 digits")
            check((3...300).contains(clean(l.description).count), f + ".PrdDesc", "description must have 3 to 300 characters")
            check(service || UQC.codes.contains(l.uqc), f + ".Unit", "goods need a UQC unit")
            check(service || (l.quantity?.thousandths ?? 0) > 0, f + ".Qty", "goods need a quantity above 0")
            if t.treatment.chargesTax {
                check(TaxRate.isAllowed(t.rate, on: d.date), f + ".GstRt", "\(t.rate)% is not in the rate master on \(d.date)")
            }
            let intra = d.placeOfSupply == seller.stateCode && !d.supplyType.alwaysIGST
            check(!(intra && t.igst != 0) && !(!intra && t.cgst != 0), f, intra ? "an intra-state line cannot carry IGST" : "an inter-state line cannot carry CGST/SGST")
            let total = t.taxable + l.discount
            list.append(Item(SlNo: String(i + 1), PrdDesc: clean(l.description), IsServc: service ? "Y" : "N", HsnCd: l.hsn,
                             Qty: l.quantity?.decimal ?? 0, Unit: service ? nil : l.uqc, UnitPrice: a(l.unitPrice), TotAmt: a(total),
                             Discount: a(l.discount), AssAmt: a(t.taxable), GstRt: t.rate.decimal, IgstAmt: a(t.igst), CgstAmt: a(t.cgst),
                             SgstAmt: a(t.sgst), CesRt: t.cessRate.decimal, CesAmt: a(t.cess), CesNonAdvlAmt: a(t.cessNonAdvol), OthChrg: 0,
                             TotItemVal: a(t.invoiceValue)))
        }
        let other = d.lines.filter { $0.tax.treatment.isNilExemptOrNonGST }.reduce(Int64(0)) { $0 + $1.tax.taxable }
        let sum = { (k: KeyPath<LineTax, Int64>) in items.reduce(Int64(0)) { $0 + $1.tax[keyPath: k] } }
        let values = Values(AssVal: a(sum(\.taxable)), CgstVal: a(sum(\.cgst)), SgstVal: a(sum(\.sgst)), IgstVal: a(sum(\.igst)), CesVal: a(sum(\.allCess)),
                            StCesVal: 0, Discount: 0, OthChrg: a(other), RndOffAmt: a(roundOff),
                            // Under reverse charge the buyer pays the tax to the government, so the invoice value is
                            // without it, as in the books and GSTR-1.
                            TotInvVal: a(sum(\.taxable) + (d.reverseCharge ? 0 : sum(\.tax)) + other + roundOff))
        guard problems.isEmpty else { return .failure(Problems(list: problems)) }
        let igstOnIntra = d.supplyType.alwaysIGST && d.placeOfSupply == seller.stateCode && sum(\.igst) != 0
        return .success(EInvoice(
            TranDtls: Transaction(SupTyp: supTyp, RegRev: d.reverseCharge ? "Y" : "N", EcmGstin: d.ecommerce?.operatorGSTIN, IgstOnIntra: igstOnIntra ? "Y" : "N"),
            DocDtls: Document(Typ: d.kind == .invoice ? "INV" : d.kind == .creditNote ? "CRN" : "DBN", No: d.number, Dt: date(d.date)),
            SellerDtls: sellerParty, BuyerDtls: buyerParty, ItemList: list, ValDtls: values,
            RefDtls: d.original.map { References(PrecDocDtls: [PrecedingDocument(InvNo: $0.number, InvDt: date($0.date))]) },
            ExpDtls: d.supplyType.isExport ? d.shippingBill.map { ExportDetails(ShipBNo: $0.number, ShipBDt: date($0.date), Port: $0.portCode) } : nil,
            ShipDtls: shipTo, DispDtls: dispatch))
    }

    public struct Problems: Error, Sendable { public var list: [PayloadProblem] }
}
