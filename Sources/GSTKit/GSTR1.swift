import Foundation
import Ledger

/// GSTR-1 in the portal's offline-tool JSON (gst.md §A3): field names, nesting, `dd-mm-yyyy` dates, amounts as
/// numbers with two decimals, empty sections left out.
public struct GSTR1: Codable, Sendable, Equatable {
    public struct ItemDetail: Codable, Sendable, Equatable {
        public var rt: Double, txval: Amount, iamt: Amount?, camt: Amount?, samt: Amount?, csamt: Amount
    }
    public struct Item: Codable, Sendable, Equatable { public var num: Int; public var itm_det: ItemDetail }
    public struct B2BInvoice: Codable, Sendable, Equatable {
        public var inum: String, idt: String, val: Amount, pos: String, rchrg: String, inv_typ: String
        /// The e-commerce operator's GSTIN (s.52 supplies); left out otherwise.
        public var etin: String? = nil
        public var itms: [Item]
    }
    public struct B2B: Codable, Sendable, Equatable { public var ctin: String; public var inv: [B2BInvoice] }
    public struct B2CLInvoice: Codable, Sendable, Equatable {
        public var inum: String, idt: String, val: Amount
        public var etin: String? = nil
        public var itms: [Item]
    }
    public struct B2CL: Codable, Sendable, Equatable { public var pos: String; public var inv: [B2CLInvoice] }
    public struct B2CS: Codable, Sendable, Equatable {
        public var sply_ty: String, pos: String
        /// `OE`, or `E` with `etin` for supplies through an e-commerce operator.
        public var typ: String, etin: String? = nil
        public var rt: Double, txval: Amount, iamt: Amount, camt: Amount, samt: Amount, csamt: Amount
    }
    public struct Note: Codable, Sendable, Equatable {
        public var ntty: String, nt_num: String, nt_dt: String, val: Amount, pos: String, rchrg: String, inv_typ: String, itms: [Item]
    }
    public struct CDNR: Codable, Sendable, Equatable { public var ctin: String; public var nt: [Note] }
    public struct CDNUR: Codable, Sendable, Equatable {
        public var typ: String, ntty: String, nt_num: String, nt_dt: String, val: Amount, pos: String?, itms: [Item]
    }
    public struct ExportItem: Codable, Sendable, Equatable { public var rt: Double, txval: Amount, iamt: Amount, csamt: Amount }
    public struct ExportInvoice: Codable, Sendable, Equatable {
        public var inum: String, idt: String, val: Amount
        /// Port code, shipping bill number and date; left out until the shipping bill is known.
        public var sbpcode: String? = nil, sbnum: String? = nil, sbdt: String? = nil
        public var itms: [ExportItem]
    }
    public struct Export: Codable, Sendable, Equatable { public var exp_typ: String; public var inv: [ExportInvoice] }
    public struct AdvanceItem: Codable, Sendable, Equatable { public var rt: Double, ad_amt: Amount, iamt: Amount, camt: Amount, samt: Amount, csamt: Amount }
    public struct Advance: Codable, Sendable, Equatable { public var pos: String, sply_ty: String, itms: [AdvanceItem] }
    public struct NilRow: Codable, Sendable, Equatable { public var sply_ty: String, nil_amt: Amount, expt_amt: Amount, ngsup_amt: Amount }
    public struct Nil: Codable, Sendable, Equatable { public var inv: [NilRow] }
    public struct HSNRow: Codable, Sendable, Equatable {
        public var num: Int, hsn_sc: String, desc: String, uqc: String, qty: Double, rt: Double, txval: Amount,
                   iamt: Amount, camt: Amount, samt: Amount, csamt: Amount
    }
    public struct HSN: Codable, Sendable, Equatable {
        public var data: [HSNRow]?
        public var hsn_b2b: [HSNRow]?
        public var hsn_b2c: [HSNRow]?
        public init(data: [HSNRow]? = nil, hsn_b2b: [HSNRow]? = nil, hsn_b2c: [HSNRow]? = nil) {
            self.data = data
            self.hsn_b2b = hsn_b2b
            self.hsn_b2c = hsn_b2c
        }
    }
    /// Table 14: per operator, supplies on which it collects TCS (`clttx`, s.52) and on which it pays the tax
    /// (`paytx`, s.9(5)), net of notes.
    public struct ECORow: Codable, Sendable, Equatable { public var etin: String, suppval: Amount, igst: Amount, cgst: Amount, sgst: Amount, cess: Amount }
    public struct SupECO: Codable, Sendable, Equatable { public var clttx: [ECORow]?, paytx: [ECORow]? }
    public struct DocRow: Codable, Sendable, Equatable { public var num: Int, from: String, to: String, totnum: Int, cancel: Int, net_issue: Int }
    public struct DocNature: Codable, Sendable, Equatable { public var doc_num: Int; public var docs: [DocRow] }
    public struct DocIssue: Codable, Sendable, Equatable { public var doc_det: [DocNature] }

    public var gstin: String
    public var fp: String
    public var version: String
    public var hash: String
    public var b2b: [B2B]?
    public var b2cl: [B2CL]?
    public var b2cs: [B2CS]?
    public var cdnr: [CDNR]?
    public var cdnur: [CDNUR]?
    public var exp: [Export]?
    public var at: [Advance]?
    public var txpd: [Advance]?
    public var `nil`: Nil?
    public var hsn: HSN?
    public var doc_issue: DocIssue?
    public var supeco: SupECO?

    /// The offline tool's schema tag; configurable because the portal moves it (gst.md appendix, point 1).
    public static let defaultVersion = "GST3.0.4"

    /// Strictly above this value an inter-state B2C invoice is B2CL (Notification 12/2024-CT).
    public static func b2clThreshold(on date: CalendarDate) -> Int64 {
        date <= CalendarDate(year: 2024, month: 7, day: 31)! ? 2_50_000_00 : 1_00_000_00
    }

    static func amount(_ paise: Int64) -> Amount { Amount(paise: paise) }
    static func date(_ d: CalendarDate) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return two(d.day) + "-" + two(d.month) + "-" + String(d.year)
    }
}

extension GSTR1 {
    /// Builds the return of `filer` for `period` (a month, or a QRMP quarter) from outward documents dated in it
    /// (cancelled ones count only in Table 13). Credit notes carry positive amounts; `ntty` says which way they go.
    /// B2B invoices and notes of the months in `furnishedInIFF` were filed through IFF and are not repeated; the
    /// quarter's HSN summary and Table 13 still count them.
    public static func build(filer: GSTIN, period: ReturnPeriod, documents: [GSTDocument], version: String = defaultVersion,
                             furnishedInIFF: [ReturnPeriod] = [], otherIssued: [IssuedDocument] = []) throws -> GSTR1 {
        try GSTDocument.checkSummable(documents)
        let docs = documents.filter { $0.direction == .outward && period.contains($0.date) }
        let live = docs.filter { !$0.cancelled }
        var out = GSTR1(gstin: filer.value, fp: period.portal, version: version, hash: "hash")

        var b2b: [String: [B2BInvoice]] = [:], b2cl: [String: [B2CLInvoice]] = [:], cdnr: [String: [Note]] = [:]
        var cdnur: [CDNUR] = [], exports: [String: [ExportInvoice]] = [:]
        struct PlaceRate: Hashable, Comparable {
            var inter: Bool, pos: String, rate: Int64, etin: String = ""
            static func < (a: Self, b: Self) -> Bool { (a.inter ? 1 : 0, a.pos, a.rate, a.etin) < (b.inter ? 1 : 0, b.pos, b.rate, b.etin) }
        }
        var b2cs: [PlaceRate: TaxSums] = [:]
        // Table 14, per section and operator.
        var eco: [ECommerceSection: [String: TaxSums]] = [:]
        var nilRows: [String: [Int64]] = [:]
        struct PlaceKey: Hashable, Comparable {
            var pos: String, inter: Bool
            static func < (a: Self, b: Self) -> Bool { (a.pos, a.inter ? 1 : 0) < (b.pos, b.inter ? 1 : 0) }
        }
        var advances: [GSTDocument.Kind: [PlaceKey: [GSTDocument.Line]]] = [:]
        for d in live {
            if d.kind.isAdvance {
                // Advances are reported per place of supply and rate, received (11A) and adjusted (11B) apart.
                // A refunded advance takes its tax back as an adjusted one does (Table 11B).
                let table: GSTDocument.Kind = d.kind == .advanceReceipt ? .advanceReceipt : .advanceAdjustment
                advances[table, default: [:]][PlaceKey(pos: d.placeOfSupply, inter: d.isInterState), default: []] += d.taxableLines
                continue
            }
            if let e = d.ecommerce {
                for line in d.taxableLines { try eco[e.section, default: [:]][e.operatorGSTIN, default: TaxSums()].add(line.tax, sign: d.sign) }
                // Under s.9(5) the operator pays the tax and reports the supply (Table 15): ours goes only to Table 14(b).
                if e.section == .operatorPays { continue }
            }
            let etin = d.ecommerce?.operatorGSTIN
            let inIFF = furnishedInIFF.contains { $0.contains(d.date) }
            let taxable = d.taxableLines
            for line in d.lines where line.tax.treatment.isNilExemptOrNonGST {
                let key = (d.isInterState ? "INTR" : "INTRA") + (d.partyRegistration.isRegistered ? "B2B" : "B2C")
                var sums = nilRows[key] ?? [0, 0, 0]
                let column = line.tax.treatment == .nilRated ? 0 : line.tax.treatment == .exempt ? 1 : 2
                sums[column] += d.sign * line.tax.taxable
                nilRows[key] = sums
            }
            guard !taxable.isEmpty else { continue }
            let rchrg = d.reverseCharge ? "Y" : "N"
            let invType = d.supplyType == .sezWithPayment ? "SEWP" : d.supplyType == .sezWithoutPayment ? "SEWOP"
                : d.supplyType == .deemedExport ? "DE" : d.supplyType == .customsBondedWarehouse ? "CBW" : "R"
            switch d.kind {
            case .invoice where d.supplyType.isExport:
                exports[d.supplyType.withPayment ? "WPAY" : "WOPAY", default: []].append(ExportInvoice(
                    inum: d.number, idt: date(d.date), val: amount(d.value), sbpcode: d.shippingBill?.portCode,
                    sbnum: d.shippingBill?.number, sbdt: d.shippingBill.map { date($0.date) },
                    itms: byRate(taxable).map { ExportItem(rt: $0.rate.number, txval: amount($0.taxable), iamt: amount($0.igst), csamt: amount($0.cess)) }))
            case .invoice where d.partyRegistration.isRegistered:
                guard !inIFF else { break }
                b2b[d.partyGSTIN ?? "", default: []].append(B2BInvoice(
                    inum: d.number, idt: date(d.date), val: amount(d.value), pos: d.placeOfSupply, rchrg: rchrg, inv_typ: invType,
                    etin: etin, itms: items(taxable, split: true)))
            case .invoice where d.isB2CL:
                b2cl[d.placeOfSupply, default: []].append(B2CLInvoice(inum: d.number, idt: date(d.date), val: amount(d.value),
                                                                      etin: etin, itms: items(taxable, split: false)))
            case _ where d.kind != .invoice && d.partyRegistration.isRegistered:
                guard !inIFF else { break }
                cdnr[d.partyGSTIN ?? "", default: []].append(Note(
                    ntty: d.kind == .creditNote ? "C" : "D", nt_num: d.number, nt_dt: date(d.date), val: amount(d.value),
                    pos: d.placeOfSupply, rchrg: rchrg, inv_typ: invType, itms: items(taxable, split: true)))
            case _ where d.kind != .invoice && (d.supplyType.isExport || d.original?.wasB2CL == true):
                let typ = d.supplyType.isExport ? (d.supplyType.withPayment ? "EXPWP" : "EXPWOP") : "B2CL"
                cdnur.append(CDNUR(typ: typ, ntty: d.kind == .creditNote ? "C" : "D", nt_num: d.number, nt_dt: date(d.date),
                                   val: amount(d.value), pos: typ == "B2CL" ? d.placeOfSupply : nil, itms: items(taxable, split: false)))
            default:
                // Small B2C supplies and notes against them are reported net, per place of supply and rate.
                let inter = d.isInterState
                for line in taxable {
                    try b2cs[PlaceRate(inter: inter, pos: d.placeOfSupply, rate: line.tax.rate.milli, etin: etin ?? ""), default: TaxSums()]
                        .add(line.tax, sign: d.sign)
                }
            }
        }
        if !b2b.isEmpty { out.b2b = b2b.keys.sorted().map { B2B(ctin: $0, inv: b2b[$0]!) } }
        if !b2cl.isEmpty { out.b2cl = b2cl.keys.sorted().map { B2CL(pos: $0, inv: b2cl[$0]!) } }
        if !b2cs.isEmpty {
            out.b2cs = b2cs.keys.sorted().map { key in
                let s = b2cs[key]!
                return B2CS(sply_ty: key.inter ? "INTER" : "INTRA", pos: key.pos, typ: key.etin.isEmpty ? "OE" : "E",
                            etin: key.etin.isEmpty ? nil : key.etin, rt: TaxRate(milli: key.rate).number,
                            txval: amount(s.taxable), iamt: amount(s.igst), camt: amount(s.cgst), samt: amount(s.sgst), csamt: amount(s.cess))
            }
        }
        if !cdnr.isEmpty { out.cdnr = cdnr.keys.sorted().map { CDNR(ctin: $0, nt: cdnr[$0]!) } }
        if !cdnur.isEmpty { out.cdnur = cdnur }
        if !exports.isEmpty { out.exp = exports.keys.sorted().map { Export(exp_typ: $0, inv: exports[$0]!) } }
        func advanceRows(_ kind: GSTDocument.Kind) -> [Advance]? {
            guard let places = advances[kind], !places.isEmpty else { return nil }
            return places.keys.sorted().map { k in
                Advance(pos: k.pos, sply_ty: k.inter ? "INTER" : "INTRA", itms: byRate(places[k]!).map {
                    AdvanceItem(rt: $0.rate.number, ad_amt: amount($0.taxable), iamt: amount($0.igst), camt: amount($0.cgst), samt: amount($0.sgst),
                                csamt: amount($0.cess))
                })
            }
        }
        out.at = advanceRows(.advanceReceipt)
        out.txpd = advanceRows(.advanceAdjustment)
        if !nilRows.isEmpty {
            out.nil = Nil(inv: nilRows.keys.sorted().map { k in
                NilRow(sply_ty: k, nil_amt: amount(nilRows[k]![0]), expt_amt: amount(nilRows[k]![1]), ngsup_amt: amount(nilRows[k]![2]))
            })
        }
        func ecoRows(_ section: ECommerceSection) -> [ECORow]? {
            guard let byOperator = eco[section], !byOperator.isEmpty else { return nil }
            return byOperator.keys.sorted().map { k in
                let t = byOperator[k] ?? TaxSums()
                return ECORow(etin: k, suppval: amount(t.taxable), igst: amount(t.igst), cgst: amount(t.cgst), sgst: amount(t.sgst), cess: amount(t.cess))
            }
        }
        if !eco.isEmpty { out.supeco = SupECO(clttx: ecoRows(.collectsTCS), paytx: ecoRows(.operatorPays)) }
        // Advances are not supplies yet: no HSN row until the invoice. Supplies whose tax the operator pays are its to
        // summarise; ours must reconcile with tables 4 to 10, where they are not.
        out.hsn = try hsnSummary(live.filter { !$0.kind.isAdvance && !$0.operatorPays }, period: period)
        // Self-invoices are documents we issued, though for inward supplies (Table 13, nature 2).
        out.doc_issue = documentsIssued(docs + documents.filter { $0.direction == .inward && $0.selfInvoiceNumber != nil && period.contains($0.date) },
                                        other: otherIssued.filter { period.contains($0.date) })
        return out
    }

    /// IFF (Rule 59(2)): a QRMP registration may furnish its B2B invoices and notes for the first two months of a
    /// quarter, up to ₹50 lakh of invoices a month; everything else waits for the quarter's GSTR-1.
    public static let iffLimit: Int64 = 50_00_000_00

    public struct IFFOverLimit: Error, Sendable, CustomStringConvertible {
        public var total: Int64
        public var description: String {
            "IFF takes at most ₹50 lakh of B2B invoices a month; this month has \(Money(paise: total).indianGrouped): report them in the quarter's GSTR-1 instead"
        }
    }

    /// The IFF for one month: the b2b and cdnr sections GSTR-1 would carry, and nothing else.
    public static func iff(filer: GSTIN, month: ReturnPeriod, documents: [GSTDocument], version: String = defaultVersion) throws -> GSTR1 {
        let full = try build(filer: filer, period: month, documents: documents, version: version)
        let total = (full.b2b ?? []).flatMap(\.inv).reduce(Int64(0)) { $0 + $1.val.paise }
        guard total <= iffLimit else { throw IFFOverLimit(total: total) }
        return GSTR1(gstin: full.gstin, fp: full.fp, version: full.version, hash: full.hash, b2b: full.b2b, cdnr: full.cdnr)
    }

    /// Lines summed per rate: one `itms` entry per rate, numbered from 1 (never the HSN, a known mistake elsewhere).
    static func byRate(_ lines: [GSTDocument.Line]) -> [LineTax] {
        // An invoice has a handful of rates, so a sorted array beats a dictionary.
        var sums: [LineTax] = []
        for l in lines {
            let i = sums.firstIndex { $0.rate.milli >= l.tax.rate.milli } ?? sums.endIndex
            if i == sums.endIndex || sums[i].rate != l.tax.rate {
                sums.insert(LineTax(treatment: l.tax.treatment, taxable: 0, rate: l.tax.rate, cessRate: .zero), at: i)
            }
            sums[i].taxable += l.tax.taxable
            sums[i].igst += l.tax.igst
            sums[i].cgst += l.tax.cgst
            sums[i].sgst += l.tax.sgst
            sums[i].cess += l.tax.allCess
        }
        return sums
    }

    static func items(_ lines: [GSTDocument.Line], split: Bool) -> [Item] {
        byRate(lines).enumerated().map { i, r in
            Item(num: i + 1, itm_det: ItemDetail(rt: r.rate.number, txval: amount(r.taxable), iamt: amount(r.igst),
                                                 camt: split ? amount(r.cgst) : nil, samt: split ? amount(r.sgst) : nil, csamt: amount(r.cess)))
        }
    }

    /// Table 12: one row per HSN × UQC × rate; from May 2025 in a B2B and a B2C tab (unregistered and overseas
    /// recipients in B2C). Services use UQC `NA` and no quantity.
    static func hsnSummary(_ docs: [GSTDocument], period: ReturnPeriod) throws -> HSN? {
        struct Key: Hashable { var b2c: Bool; var hsn: String; var uqc: String; var rate: Int64 }
        struct Row { var desc: Substring; var qty: Int64 = 0; var sums = TaxSums() }
        var rows: [Key: Row] = [:]
        for d in docs {
            let b2c = period.splitsHSN && !d.partyRegistration.isRegistered
            for l in d.lines {
                let service = l.hsn.hasPrefix("99")
                let key = Key(b2c: b2c, hsn: l.hsn, uqc: service ? "NA" : l.uqc, rate: l.tax.rate.milli)
                try rows[key, default: Row(desc: l.description.prefix(30))].sums.add(l.tax, sign: d.sign)
                if !service, var row = rows[key] {
                    row.qty = try Checked.add(row.qty, Checked.multiply(d.sign, l.quantity?.thousandths ?? 0))
                    rows[key] = row
                }
            }
        }
        guard !rows.isEmpty else { return nil }
        func list(_ b2c: Bool) -> [HSNRow] {
            rows.keys.filter { $0.b2c == b2c }.sorted { ($0.hsn, $0.uqc, $0.rate) < ($1.hsn, $1.uqc, $1.rate) }.enumerated().map { i, k in
                let r = rows[k]!
                return HSNRow(num: i + 1, hsn_sc: k.hsn, desc: String(r.desc), uqc: k.uqc, qty: Double(hundredths(r.qty)) / 100, rt: TaxRate(milli: k.rate).number,
                              txval: amount(r.sums.taxable), iamt: amount(r.sums.igst), camt: amount(r.sums.cgst), samt: amount(r.sums.sgst),
                              csamt: amount(r.sums.cess))
            }
        }
        guard period.splitsHSN else { return HSN(data: list(false)) }
        let b2b = list(false), b2c = list(true)
        return HSN(hsn_b2b: b2b.isEmpty ? nil : b2b, hsn_b2c: b2c.isEmpty ? nil : b2c)
    }

    /// A document Table 13 counts that is not an invoice or note, e.g. a delivery challan for job work (nature 9).
    public struct IssuedDocument: Sendable {
        public var nature: Int
        public var series: String
        public var number: String
        public var date: CalendarDate
        public var cancelled: Bool
        public init(nature: Int, series: String, number: String, date: CalendarDate, cancelled: Bool) {
            self.nature = nature
            self.series = series
            self.number = number
            self.date = date
            self.cancelled = cancelled
        }
    }

    /// Table 13: per nature of document and numbering series, first and last number, count and cancellations.
    static func documentsIssued(_ docs: [GSTDocument], other: [IssuedDocument] = []) -> DocIssue? {
        // Table 13's natures: 1 invoices, 2 self-invoices for inward supplies from unregistered persons, 4 debit notes,
        // 5 credit notes, 6 receipt vouchers (advances), 8 refund vouchers; 9 (job work challans) comes from `other`.
        let nature: [GSTDocument.Kind: Int] = [.invoice: 1, .debitNote: 4, .creditNote: 5, .advanceReceipt: 6, .advanceRefund: 8]
        // Numbers order by length, then text, so INV-10 follows INV-9.
        struct Series { var first: String, last: String, count = 0, cancelled = 0 }
        func before(_ a: String, _ b: String) -> Bool { (a.utf8.count, a) < (b.utf8.count, b) }
        var groups: [Int: [String: Series]] = [:]
        var issued = other
        for d in docs {
            if d.direction == .inward {
                guard d.kind == .invoice, let own = d.selfInvoiceNumber else { continue }
                issued.append(.init(nature: 2, series: "self-invoice|" + d.series, number: own, date: d.date, cancelled: d.cancelled))
            } else if let n = nature[d.kind] {
                issued.append(.init(nature: n, series: d.series, number: d.number, date: d.date, cancelled: d.cancelled))
            }
        }
        for d in issued {
            let (n, number, series) = (d.nature, d.number, d.series)
            var s = groups[n, default: [:]][series] ?? Series(first: number, last: number)
            if before(number, s.first) { s.first = number }
            if before(s.last, number) { s.last = number }
            s.count += 1
            if d.cancelled { s.cancelled += 1 }
            groups[n, default: [:]][series] = s
        }
        guard !groups.isEmpty else { return nil }
        return DocIssue(doc_det: groups.keys.sorted().map { n in
            DocNature(doc_num: n, docs: groups[n]!.keys.sorted().enumerated().map { i, key in
                let s = groups[n]![key]!
                return DocRow(num: i + 1, from: s.first, to: s.last, totnum: s.count, cancel: s.cancelled, net_issue: s.count - s.cancelled)
            })
        })
    }
}

/// The portal takes HSN quantities with two decimals: thousandths rounded half away from zero to hundredths.
func hundredths(_ thousandths: Int64) -> Int64 {
    let rest = thousandths % 10
    return thousandths / 10 + (abs(rest) >= 5 ? (thousandths < 0 ? -1 : 1) : 0)
}
