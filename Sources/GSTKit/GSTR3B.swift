import Foundation
import Ledger

/// GSTR-3B tables 3.1, 3.1.1, 3.2, 4, 5 and 5.1 in the GSP API's JSON (gst.md §A4), from the same settled
/// documents as GSTR-1, so the two returns tie out.
public struct GSTR3B: Codable, Sendable, Equatable {
    public struct Taxes: Codable, Sendable, Equatable {
        public var txval: Amount = 0, iamt: Amount = 0, camt: Amount = 0, samt: Amount = 0, csamt: Amount = 0
    }
    public struct ZeroRated: Codable, Sendable, Equatable { public var txval: Amount = 0, iamt: Amount = 0, csamt: Amount = 0 }
    public struct Value: Codable, Sendable, Equatable { public var txval: Amount = 0 }
    public struct SupplyDetails: Codable, Sendable, Equatable {
        public var osup_det = Taxes(), osup_zero = ZeroRated(), osup_nil_exmp = Value(), isup_rev = Taxes(), osup_nongst = Value()
    }
    public struct ECODetails: Codable, Sendable, Equatable { public var eco_sup = Taxes(), eco_reg_sup = Value() }
    public struct PlaceRow: Codable, Sendable, Equatable { public var pos: String, txval: Amount, iamt: Amount }
    public struct InterState: Codable, Sendable, Equatable {
        public var unreg_details: [PlaceRow] = [], comp_details: [PlaceRow] = [], uin_details: [PlaceRow] = []
    }
    public struct Credit: Codable, Sendable, Equatable { public var iamt: Amount = 0, camt: Amount = 0, samt: Amount = 0, csamt: Amount = 0 }
    public struct CreditRow: Codable, Sendable, Equatable {
        public var ty: String, iamt: Amount = 0, camt: Amount = 0, samt: Amount = 0, csamt: Amount = 0
    }
    public struct ITC: Codable, Sendable, Equatable {
        public var itc_avl: [CreditRow], itc_rev: [CreditRow], itc_net: Credit, itc_inelg: [CreditRow]
    }
    public struct InwardRow: Codable, Sendable, Equatable { public var ty: String, inter: Amount, intra: Amount }
    public struct Inward: Codable, Sendable, Equatable { public var isup_details: [InwardRow] }
    public struct LateFee: Codable, Sendable, Equatable { public var camt: Amount = 0, samt: Amount = 0 }
    public struct InterestAndFee: Codable, Sendable, Equatable { public var intr_details = Credit(), ltfee_details = LateFee() }

    public var gstin: String
    public var ret_period: String
    public var sup_details: SupplyDetails
    public var eco_dtls: ECODetails
    public var inter_sup: InterState
    public var itc_elg: ITC
    public var inward_sup: Inward
    public var intr_ltfee: InterestAndFee
}

extension GSTR3B {
    /// Which documents make up each figure, keyed by the JSON path (`sup_details.osup_det`, `itc_elg.itc_avl.OTH`…).
    public typealias Sources = [String: [String]]

    /// Builds the return; `sources` (which documents make up each figure) only when asked, as it costs a set insert per line.
    public static func build(filer: GSTIN, period: ReturnPeriod, documents: [GSTDocument], sources wanted: Bool = true) throws -> (GSTR3B, Sources) {
        try GSTDocument.checkSummable(documents)
        var paise: [String: TaxSums] = [:]
        var sources: [String: Set<String>] = [:]
        func add(_ path: String, _ d: GSTDocument, _ t: LineTax) throws {
            try paise[path, default: TaxSums()].add(t, sign: d.sign)
            if wanted { sources[path, default: []].insert(d.id) }
        }
        for d in documents where !d.cancelled && period.contains(d.date) {
            let inter = d.isInterState
            for l in d.lines {
                let t = l.tax
                switch (d.direction, t.treatment) {
                case (.outward, .billOfSupply): continue
                // The operator pays the tax (s.9(5)); we report only the value, in 3.1.1(ii).
                case (.outward, .paidByOperator): try add("eco_dtls.eco_reg_sup", d, t)
                case (.outward, .nilRated), (.outward, .exempt): try add("sup_details.osup_nil_exmp", d, t)
                case (.outward, .nonGST): try add("sup_details.osup_nongst", d, t)
                case (.outward, .zeroRatedWithTax), (.outward, .zeroRatedWithoutTax): try add("sup_details.osup_zero", d, t)
                case (.outward, _):
                    // Outward reverse-charge supplies: the recipient pays the tax, so 3.1(a) carries their value without
                    // it (and 3B turnover still agrees with GSTR-1).
                    guard !d.reverseCharge else {
                        var value = t
                        (value.cgst, value.sgst, value.igst, value.cess, value.cessNonAdvol) = (0, 0, 0, 0, 0)
                        try add("sup_details.osup_det", d, value)
                        continue
                    }
                    try add("sup_details.osup_det", d, t)
                    if inter {
                        switch d.partyRegistration {
                        case .unregistered, .consumer: try add("inter_sup.unreg_details.\(d.placeOfSupply)", d, t)
                        case .composition: try add("inter_sup.comp_details.\(d.placeOfSupply)", d, t)
                        case .uin: try add("inter_sup.uin_details.\(d.placeOfSupply)", d, t)
                        default: break
                        }
                    }
                case (.inward, .paidByOperator): continue
                case (.inward, .nilRated), (.inward, .exempt): try add("inward_sup.GST.\(inter ? "inter" : "intra")", d, t)
                case (.inward, .nonGST): try add("inward_sup.NONGST.\(inter ? "inter" : "intra")", d, t)
                case (.inward, _) where d.partyRegistration == .composition:
                    try add("inward_sup.GST.\(inter ? "inter" : "intra")", d, t)
                case (.inward, _) where d.reverseCharge:
                    try add("sup_details.isup_rev", d, t)
                    try add(d.partyRegistration == .overseas ? "itc_elg.itc_avl.IMPS" : "itc_elg.itc_avl.ISRC", d, t)
                case (.inward, _) where d.partyRegistration == .overseas:
                    try add("itc_elg.itc_avl.IMPG", d, t)
                case (.inward, _):
                    try add("itc_elg.itc_avl.OTH", d, t)
                }
            }
        }
        func amount(_ p: Int64) -> Amount { Amount(paise: p) }
        func taxes(_ path: String) -> Taxes {
            let s = paise[path] ?? TaxSums()
            return Taxes(txval: amount(s.taxable), iamt: amount(s.igst), camt: amount(s.cgst), samt: amount(s.sgst), csamt: amount(s.cess))
        }
        func credit(_ ty: String) -> CreditRow {
            let t = taxes("itc_elg.itc_avl.\(ty)")
            return CreditRow(ty: ty, iamt: t.iamt, camt: t.camt, samt: t.samt, csamt: t.csamt)
        }
        func places(_ prefix: String) -> [PlaceRow] {
            paise.keys.filter { $0.hasPrefix(prefix + ".") }.sorted().map { key in
                PlaceRow(pos: String(key.dropFirst(prefix.count + 1)), txval: amount(paise[key]!.taxable), iamt: amount(paise[key]!.igst))
            }
        }
        var sup = SupplyDetails()
        sup.osup_det = taxes("sup_details.osup_det")
        let zero = taxes("sup_details.osup_zero")
        sup.osup_zero = ZeroRated(txval: zero.txval, iamt: zero.iamt, csamt: zero.csamt)
        sup.osup_nil_exmp = Value(txval: taxes("sup_details.osup_nil_exmp").txval)
        sup.isup_rev = taxes("sup_details.isup_rev")
        sup.osup_nongst = Value(txval: taxes("sup_details.osup_nongst").txval)
        let available = ["IMPG", "IMPS", "ISRC", "ISD", "OTH"].map(credit)
        let net = try available.reduce(into: Credit()) { c, r in try c.iamt += r.iamt; try c.camt += r.camt; try c.samt += r.samt; try c.csamt += r.csamt }
        let itc = ITC(itc_avl: available, itc_rev: [CreditRow(ty: "RUL"), CreditRow(ty: "OTH")], itc_net: net,
                      itc_inelg: [CreditRow(ty: "RUL"), CreditRow(ty: "OTH")])
        let inward = Inward(isup_details: ["GST", "NONGST"].map { ty in
            InwardRow(ty: ty, inter: taxes("inward_sup.\(ty).inter").txval, intra: taxes("inward_sup.\(ty).intra").txval)
        })
        let out = GSTR3B(gstin: filer.value, ret_period: period.portal, sup_details: sup,
                         eco_dtls: ECODetails(eco_reg_sup: Value(txval: taxes("eco_dtls.eco_reg_sup").txval)),
                         inter_sup: InterState(unreg_details: places("inter_sup.unreg_details"), comp_details: places("inter_sup.comp_details"),
                                               uin_details: places("inter_sup.uin_details")),
                         itc_elg: itc, inward_sup: inward, intr_ltfee: InterestAndFee())
        return (out, sources.mapValues { $0.sorted() })
    }
}
