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
        public init(mode: Int? = nil, distanceKm: Int = 0, vehicleNo: String? = nil) {
            self.mode = mode
            self.distanceKm = distanceKm
            self.vehicleNo = vehicleNo
        }
    }

    public static func build(document d: GSTDocument, seller: TradeParty, buyer: TradeParty, transport: Transport = .init(),
                             threshold: Int64 = defaultThreshold) -> Result<EWayBill, EInvoice.Problems> {
        var problems: [PayloadProblem] = []
        func check(_ ok: Bool, _ field: String, _ rule: String) { if !ok { problems.append(.init(field: field, rule: rule)) } }
        // Every figure below is added without checks once the document is known to add up at all.
        guard (try? GSTDocument.checkSummable([d])) != nil else {
            return .failure(EInvoice.Problems(list: [.init(field: "itemList", rule: "the document's figures are too large to add up")]))
        }
        let goods = d.lines.filter { !HSNCode.isService($0.hsn) }
        check(!goods.isEmpty, "itemList", "an e-way bill moves goods; this document has only services")
        check(goods.count <= 250, "itemList", "at most 250 items")
        check(d.value >= threshold, "totInvValue", "consignments under \(Money(paise: threshold).indianGrouped) need no e-way bill")
        let export = d.supplyType.isExport
        func pin(_ p: TradeParty, _ field: String) -> Int {
            if field == "to" && export { return 999_999 }
            let n = Int(p.pincode ?? "") ?? 0
            check((100_000...999_999).contains(n), field + "Pincode", "a 6-digit PIN code is required")
            return n
        }
        func place(_ p: TradeParty, _ field: String) -> String {
            let s = EInvoice.clean(p.place)
            check((3...50).contains(s.count), field + "Place", "the place must have 3 to 50 characters")
            return s
        }
        if let v = transport.vehicleNo { check(v.allSatisfy { $0.isASCIIDigit || $0.isASCIILetter }, "vehicleNo", "letters and digits only") }
        let fromPin = pin(seller, "from"), toPin = pin(buyer, "to")
        let fromPlace = place(seller, "from"), toPlace = place(buyer, "to")
        guard problems.isEmpty else { return .failure(EInvoice.Problems(list: problems)) }
        func a(_ p: Int64) -> Decimal { Decimal(p) / 100 }
        let sum = { (k: KeyPath<LineTax, Int64>) in d.lines.reduce(Int64(0)) { $0 + $1.tax[keyPath: k] } }
        let intra = !d.isInterState
        let items = goods.enumerated().map { i, l in
            Item(itemNo: i + 1, productName: EInvoice.clean(l.description), productDesc: EInvoice.clean(l.description), hsnCode: Int(l.hsn) ?? 0,
                 qtyUnit: l.uqc, quantity: l.quantity?.decimal ?? 0, taxableAmount: a(l.tax.taxable),
                 cgstRate: intra ? l.tax.rate.half.decimal : 0, sgstRate: intra ? l.tax.rate.half.decimal : 0,
                 igstRate: intra ? 0 : l.tax.rate.decimal, cessRate: l.tax.cessRate.decimal, cessNonAdvol: 0)
        }
        let main = goods.max { $0.tax.taxable < $1.tax.taxable }!
        let toState = export ? 96 : Int(buyer.stateCode) ?? 0
        return .success(EWayBill(
            userGstin: seller.gstin ?? "", supplyType: d.direction == .outward ? "O" : "I", subSupplyType: export ? 3 : 1,
            docType: d.lines.contains { $0.tax.treatment.chargesTax } ? "INV" : "BIL", docNo: d.number, docDate: EInvoice.date(d.date),
            transactionType: 1,
            fromGstin: seller.gstin ?? "URP", fromTrdName: EInvoice.clean(seller.legalName), fromAddr1: EInvoice.clean(seller.address),
            fromPlace: fromPlace, fromPincode: fromPin, fromStateCode: Int(seller.stateCode) ?? 0, actFromStateCode: Int(seller.stateCode) ?? 0,
            toGstin: export ? "URP" : buyer.gstin ?? "URP", toTrdName: EInvoice.clean(buyer.legalName), toAddr1: EInvoice.clean(buyer.address),
            toPlace: toPlace, toPincode: toPin, toStateCode: toState, actToStateCode: toState,
            totalValue: a(sum(\.taxable)), cgstValue: a(sum(\.cgst)), sgstValue: a(sum(\.sgst)), igstValue: a(sum(\.igst)), cessValue: a(sum(\.cess)),
            cessNonAdvolValue: 0, otherValue: a(d.value - sum(\.taxable) - sum(\.tax)), totInvValue: a(d.value),
            transMode: transport.mode, transDistance: transport.distanceKm, vehicleNo: transport.vehicleNo,
            vehicleType: transport.vehicleNo == nil ? nil : "R", mainHsnCode: Int(main.hsn) ?? 0, itemList: items))
    }
}
