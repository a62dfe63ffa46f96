import Foundation
import Ledger

/// The NIC e-way bill generation request (gst.md §A5.4), Part A; transport details are optional.
public struct EWayBill: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var itemNo: Int, productName: String, productDesc: String, hsnCode: Int, qtyUnit: String, quantity: Decimal
        public var taxableAmount: Decimal, cgstRate: Decimal, sgstRate: Decimal, igstRate: Decimal, cessRate: Decimal, cessNonAdvol: Decimal
    }

    public var userGstin: String
    public var supplyType: String
    public var subSupplyType: Int
    public var docType: String
    public var docNo: String
    public var docDate: String
    public var transactionType: Int
    public var fromGstin: String, fromTrdName: String, fromAddr1: String, fromPlace: String, fromPincode: Int, fromStateCode: Int, actFromStateCode: Int
    public var toGstin: String, toTrdName: String, toAddr1: String, toPlace: String, toPincode: Int, toStateCode: Int, actToStateCode: Int
    public var totalValue: Decimal, cgstValue: Decimal, sgstValue: Decimal, igstValue: Decimal, cessValue: Decimal, cessNonAdvolValue: Decimal
    public var otherValue: Decimal, totInvValue: Decimal
    public var transMode: Int?
    public var transDistance: Int
    public var vehicleNo: String?
    public var vehicleType: String?
    public var mainHsnCode: Int
    public var itemList: [Item]

    /// Goods worth more than this need an e-way bill (rule 138(1)); states may set more, so callers may pass theirs.
    public static let defaultThreshold: Int64 = 50_000_00

    public struct Transport: Sendable {
        public var mode: Int?
        public var distanceKm: Int
        public var vehicleNo: String?
        /// Below the threshold no e-way bill is needed, but one may be made when asked for.
        public var voluntary: Bool
        /// The port goods are exported from (or imported through): where an export's journey in India ends.
        public var port: Port?
        public init(mode: Int? = nil, distanceKm: Int = 0, vehicleNo: String? = nil, voluntary: Bool = false, port: Port? = nil) {
            self.mode = mode
            self.distanceKm = distanceKm
            self.vehicleNo = vehicleNo
            self.voluntary = voluntary
            self.port = port
        }
    }

    public struct Port: Sendable, Equatable {
        public var pincode: String
        public var stateCode: String
        public init(pincode: String, stateCode: String) {
            self.pincode = pincode
            self.stateCode = stateCode
        }
    }

    /// A delivery challan that moves goods without a supply (Rule 55): to a job worker (s.143) and back.
    public enum Challan: Sendable {
        /// Inputs or capital goods sent to a job worker: outward, sub-type 4.
        case jobWork
        /// Goods coming back from the job worker: inward, sub-type 6.
        case jobWorkReturn
    }

    /// NIC's state code for a party outside India (its masters use 99, not GST's 96).
    public static let otherCountry = 99

    /// `ours` is the registration the document belongs to, `party` the other side: a sale moves goods from us to the
    /// party, a purchase from the party to us.
    public static func build(document d: GSTDocument, ours: TradeParty, party: TradeParty, transport: Transport = .init(),
                             threshold: Int64 = defaultThreshold, challan: Challan? = nil) -> Result<EWayBill, EInvoice.Problems> {
        var problems: [PayloadProblem] = []
        func check(_ ok: Bool, _ field: String, _ rule: String) { if !ok { problems.append(.init(field: field, rule: rule)) } }
        // Every figure below is added without checks once the document is known to add up at all.
        guard (try? GSTDocument.checkSummable([d])) != nil else {
            return .failure(EInvoice.Problems(list: [.init(field: "itemList", rule: "the document's figures are too large to add up")]))
        }
        guard d.kind == .invoice else {
            return .failure(EInvoice.Problems(list: [.init(field: "docType", rule:
                "NIC makes e-way bills for invoices, bills of supply, delivery challans and bills of entry, not for credit or debit notes: returned goods move on a delivery challan (inward, sub-type 7 sales return, document CHL)")]))
        }
        let goods = d.lines.filter { !HSNCode.isService($0.hsn) }
        check(!goods.isEmpty, "itemList", "an e-way bill moves goods; this document has only services")
        check(goods.count <= 250, "itemList", "at most 250 items")
        // Rule 138(1): required when the consignment is worth more than the threshold; below it only when asked for. Goods
        // sent to a job worker in another State need one whatever their value (its second proviso).
        check(d.value > threshold || transport.voluntary || (challan != nil && d.isInterState), "totInvValue",
              "consignments of \(Money(paise: threshold).indianGrouped) or less need no e-way bill; ask with voluntary=true to make one anyway")
        let outward = d.direction == .outward
        let export = outward && d.supplyType.isExport
        let importing = !outward && d.partyRegistration == .overseas
        let sez = outward && d.supplyType.isSEZ
        // Bill-to ship-to: the bill goes to the party, the goods (and the PIN, place and state they travel to) elsewhere.
        let (billFrom, billTo) = outward ? (ours, party) : (party, ours)
        let shipTo = outward && !export ? d.shipTo : nil
        // Bill-from dispatch-from: the goods leave from elsewhere (a third party's or another godown), the bill is still ours.
        let dispatch = outward && !importing ? d.dispatchFrom : nil
        let to = shipTo ?? billTo, from = dispatch ?? billFrom
        if export || importing {
            check(transport.port != nil, "port", export ? "an export's journey in India ends at the port: give the port's PIN code and state"
                                                       : "an import's journey in India starts at the port: give the port's PIN code and state")
        }
        func pin(_ p: TradeParty, _ field: String, abroad: Bool) -> Int {
            let raw = abroad ? transport.port?.pincode : p.pincode
            let n = Int(raw ?? "") ?? 0
            if !abroad || transport.port != nil { check((100_000...999_999).contains(n), field + "Pincode", "a 6-digit PIN code is required") }
            return n
        }
        func place(_ p: TradeParty, _ field: String) -> String {
            let s = EInvoice.clean(p.place)
            check((3...50).contains(s.count), field + "Place", "the place must have 3 to 50 characters")
            return s
        }
        if let v = transport.vehicleNo { check(v.allSatisfy { $0.isASCIIDigit || $0.isASCIILetter }, "vehicleNo", "letters and digits only") }
        let fromPin = pin(from, "from", abroad: importing), toPin = pin(to, "to", abroad: export)
        let fromPlace = place(from, "from"), toPlace = place(to, "to")
        guard problems.isEmpty else { return .failure(EInvoice.Problems(list: problems)) }
        func a(_ p: Int64) -> Decimal { Decimal(p) / 100 }
        let sum = { (k: KeyPath<LineTax, Int64>) in d.lines.reduce(Int64(0)) { $0 + $1.tax[keyPath: k] } }
        let intra = !d.isInterState && !sez
        let items = goods.enumerated().map { i, l in
            Item(itemNo: i + 1, productName: EInvoice.clean(l.description), productDesc: EInvoice.clean(l.description), hsnCode: Int(l.hsn) ?? 0,
                 qtyUnit: l.uqc, quantity: l.quantity?.decimal ?? 0, taxableAmount: a(l.tax.taxable),
                 cgstRate: intra ? l.tax.rate.half.decimal : 0, sgstRate: intra ? l.tax.rate.half.decimal : 0,
                 igstRate: intra ? 0 : l.tax.rate.decimal, cessRate: l.tax.cessRate.decimal, cessNonAdvol: a(l.cessPerUnit))
        }
        guard let main = goods.max(by: { $0.tax.taxable < $1.tax.taxable }) else {
            return .failure(EInvoice.Problems(list: [.init(field: "itemList", rule: "an e-way bill moves goods; this document has only services")]))
        }
        let portState = Int(transport.port?.stateCode ?? "") ?? 0
        // Bill-to is "other country" for exports and SEZ supplies; the goods still travel to the port or the SEZ.
        let toState = export || sez ? otherCountry : Int(billTo.stateCode) ?? 0
        let actTo = export ? portState : Int(to.stateCode) ?? 0
        let fromState = importing ? otherCountry : Int(billFrom.stateCode) ?? 0
        let actFrom = importing ? portState : Int(from.stateCode) ?? 0
        return .success(EWayBill(
            userGstin: ours.gstin ?? "", supplyType: outward ? "O" : "I",
            subSupplyType: challan == .jobWork ? 4 : challan == .jobWorkReturn ? 6 : export ? 3 : importing ? 2 : 1,
            docType: challan != nil ? "CHL" : importing ? "BOE" : d.lines.contains { $0.tax.treatment.chargesTax } ? "INV" : "BIL",
            docNo: d.number, docDate: EInvoice.date(d.date),
            transactionType: (shipTo == nil ? 1 : 2) + (dispatch == nil ? 0 : 2),
            fromGstin: importing ? "URP" : billFrom.gstin ?? "URP", fromTrdName: EInvoice.clean(billFrom.legalName), fromAddr1: EInvoice.clean(from.address),
            fromPlace: fromPlace, fromPincode: fromPin, fromStateCode: fromState, actFromStateCode: actFrom,
            toGstin: export ? "URP" : billTo.gstin ?? "URP", toTrdName: EInvoice.clean(billTo.legalName), toAddr1: EInvoice.clean(to.address),
            toPlace: toPlace, toPincode: toPin, toStateCode: toState, actToStateCode: actTo,
            totalValue: a(sum(\.taxable)), cgstValue: a(sum(\.cgst)), sgstValue: a(sum(\.sgst)), igstValue: a(sum(\.igst)), cessValue: a(sum(\.cess)),
            cessNonAdvolValue: a(sum(\.cessNonAdvol)), otherValue: a(d.value - sum(\.taxable) - sum(\.tax)), totInvValue: a(d.value),
            transMode: transport.mode, transDistance: transport.distanceKm, vehicleNo: transport.vehicleNo,
            vehicleType: transport.vehicleNo == nil ? nil : "R", mainHsnCode: Int(main.hsn) ?? 0, itemList: items))
    }
}
