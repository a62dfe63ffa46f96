import Foundation
import Ledger

/// GSTR-1 in the portal's offline-tool JSON (gst.md §A3): field names, nesting, `dd-mm-yyyy` dates, amounts as
/// numbers with two decimals, empty sections left out.
public struct GSTR1: Codable, Sendable, Equatable {
    public struct ItemDetail: Codable, Sendable, Equatable {
        public var rt: Decimal, txval: Decimal, iamt: Decimal?, camt: Decimal?, samt: Decimal?, csamt: Decimal
    }
    public struct Item: Codable, Sendable, Equatable { public var num: Int; public var itm_det: ItemDetail }
    public struct B2BInvoice: Codable, Sendable, Equatable {
        public var inum: String, idt: String, val: Decimal, pos: String, rchrg: String, inv_typ: String, itms: [Item]
    }
    public struct B2B: Codable, Sendable, Equatable { public var ctin: String; public var inv: [B2BInvoice] }
    public struct B2CLInvoice: Codable, Sendable, Equatable { public var inum: String, idt: String, val: Decimal, itms: [Item] }
    public struct B2CL: Codable, Sendable, Equatable { public var pos: String; public var inv: [B2CLInvoice] }
    public struct B2CS: Codable, Sendable, Equatable {
        public var sply_ty: String, pos: String, typ: String, rt: Decimal, txval: Decimal, iamt: Decimal, camt: Decimal, samt: Decimal, csamt: Decimal
    }
    public struct Note: Codable, Sendable, Equatable {
        public var ntty: String, nt_num: String, nt_dt: String, val: Decimal, pos: String, rchrg: String, inv_typ: String, itms: [Item]
    }
    public struct CDNR: Codable, Sendable, Equatable { public var ctin: String; public var nt: [Note] }
    public struct CDNUR: Codable, Sendable, Equatable {
        public var typ: String, ntty: String, nt_num: String, nt_dt: String, val: Decimal, pos: String?, itms: [Item]
    }
    public struct ExportItem: Codable, Sendable, Equatable { public var rt: Decimal, txval: Decimal, iamt: Decimal, csamt: Decimal }
    public struct ExportInvoice: Codable, Sendable, Equatable { public var inum: String, idt: String, val: Decimal, itms: [ExportItem] }
    public struct Export: Codable, Sendable, Equatable { public var exp_typ: String; public var inv: [ExportInvoice] }
    public struct NilRow: Codable, Sendable, Equatable { public var sply_ty: String, nil_amt: Decimal, expt_amt: Decimal, ngsup_amt: Decimal }
    public struct Nil: Codable, Sendable, Equatable { public var inv: [NilRow] }
    public struct HSNRow: Codable, Sendable, Equatable {
        public var num: Int, hsn_sc: String, desc: String, uqc: String, qty: Decimal, rt: Decimal, txval: Decimal,
                   iamt: Decimal, camt: Decimal, samt: Decimal, csamt: Decimal
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
    public var `nil`: Nil?
    public var hsn: HSN?
    public var doc_issue: DocIssue?

    /// The offline tool's schema tag; configurable because the portal moves it (gst.md appendix, point 1).
    public static let defaultVersion = "GST3.0.4"

    /// Strictly above this value an inter-state B2C invoice is B2CL (Notification 12/2024-CT).
    public static func b2clThreshold(on date: CalendarDate) -> Int64 {
        date <= CalendarDate(year: 2024, month: 7, day: 31)! ? 2_50_000_00 : 1_00_000_00
    }

    static func amount(_ paise: Int64) -> Decimal { Decimal(paise) / 100 }
    static func date(_ d: CalendarDate) -> String {
        let s = d.description
        return String(s.suffix(2)) + "-" + String(s.dropFirst(5).prefix(2)) + "-" + String(s.prefix(4))
    }
}

extension GSTR1 {
    /// Builds the return of `filer` for `period` from outward documents dated in it (cancelled ones count only
    /// in Table 13). Credit notes carry positive amounts; `ntty` says which way they go.
    public static func build(filer: GSTIN, period: ReturnPeriod, documents: [GSTDocument], version: String = defaultVersion) -> GSTR1 {
        let docs = documents.filter { $0.direction == .outward && period.contains($0.date) }
        let live = docs.filter { !$0.cancelled }
        var out = GSTR1(gstin: filer.value, fp: period.portal, version: version, hash: "hash")

        var b2b: [String: [B2BInvoice]] = [:], b2cl: [String: [B2CLInvoice]] = [:], cdnr: [String: [Note]] = [:]
        var cdnur: [CDNUR] = [], exports: [String: [ExportInvoice]] = [:]
        var b2cs: [String: (B2CS, [Int64])] = [:]
        var nilRows: [String: [Int64]] = [:]
        for d in live {
            let taxable = d.taxableLines
            for line in d.lines where [.nilRated, .exempt, .nonGST].contains(line.tax.treatment) {
                let key = (d.isInterState ? "INTR" : "INTRA") + (d.partyRegistration.isRegistered ? "B2B" : "B2C")
                var sums = nilRows[key] ?? [0, 0, 0]
                let column = line.tax.treatment == .nilRated ? 0 : line.tax.treatment == .exempt ? 1 : 2
                sums[column] += d.sign * line.tax.taxable
                nilRows[key] = sums
            }
            guard !taxable.isEmpty else { continue }
            let rchrg = d.reverseCharge ? "Y" : "N"
            let invType = d.supplyType == .sezWithPayment ? "SEWP" : d.supplyType == .sezWithoutPayment ? "SEWOP"
                : d.supplyType == .deemedExport ? "DE" : "R"
            switch d.kind {
            case .invoice where d.supplyType.isExport:
                exports[d.supplyType.withPayment ? "WPAY" : "WOPAY", default: []].append(ExportInvoice(
                    inum: d.number, idt: date(d.date), val: amount(d.value),
                    itms: byRate(taxable).map { ExportItem(rt: $0.rate.decimal, txval: amount($0.taxable), iamt: amount($0.igst), csamt: amount($0.cess)) }))
            case .invoice where d.partyRegistration.isRegistered:
                b2b[d.partyGSTIN ?? "", default: []].append(B2BInvoice(
                    inum: d.number, idt: date(d.date), val: amount(d.value), pos: d.placeOfSupply, rchrg: rchrg, inv_typ: invType,
                    itms: items(taxable, split: true)))
            case .invoice where d.isB2CL:
                b2cl[d.placeOfSupply, default: []].append(B2CLInvoice(inum: d.number, idt: date(d.date), val: amount(d.value),
                                                                      itms: items(taxable, split: false)))
            case _ where d.kind != .invoice && d.partyRegistration.isRegistered:
                cdnr[d.partyGSTIN ?? "", default: []].append(Note(
                    ntty: d.kind == .creditNote ? "C" : "D", nt_num: d.number, nt_dt: date(d.date), val: amount(d.value),
                    pos: d.placeOfSupply, rchrg: rchrg, inv_typ: invType, itms: items(taxable, split: true)))
            case _ where d.kind != .invoice && (d.supplyType.isExport || d.original?.wasB2CL == true):
                let typ = d.supplyType.isExport ? (d.supplyType.withPayment ? "EXPWP" : "EXPWOP") : "B2CL"
                cdnur.append(CDNUR(typ: typ, ntty: d.kind == .creditNote ? "C" : "D", nt_num: d.number, nt_dt: date(d.date),
                                   val: amount(d.value), pos: typ == "B2CL" ? d.placeOfSupply : nil, itms: items(taxable, split: false)))
            default:
                // Small B2C supplies and notes against them are reported net, per place of supply and rate.
                for r in byRate(taxable) {
                    let inter = d.isInterState
                    let key = "\(inter)|\(d.placeOfSupply)|\(r.rate.milli)"
                    var entry = b2cs[key] ?? (B2CS(sply_ty: inter ? "INTER" : "INTRA", pos: d.placeOfSupply, typ: "OE", rt: r.rate.decimal,
                                                   txval: 0, iamt: 0, camt: 0, samt: 0, csamt: 0), [0, 0, 0, 0, 0])
                    for (i, v) in [r.taxable, r.igst, r.cgst, r.sgst, r.cess].enumerated() { entry.1[i] += d.sign * v }
                    b2cs[key] = entry
                }
            }
        }
        if !b2b.isEmpty { out.b2b = b2b.keys.sorted().map { B2B(ctin: $0, inv: b2b[$0]!) } }
        if !b2cl.isEmpty { out.b2cl = b2cl.keys.sorted().map { B2CL(pos: $0, inv: b2cl[$0]!) } }
        if !b2cs.isEmpty {
            out.b2cs = b2cs.keys.sorted().map { key in
                var (row, s) = b2cs[key]!
                (row.txval, row.iamt, row.camt, row.samt, row.csamt) = (amount(s[0]), amount(s[1]), amount(s[2]), amount(s[3]), amount(s[4]))
                return row
            }
        }
        if !cdnr.isEmpty { out.cdnr = cdnr.keys.sorted().map { CDNR(ctin: $0, nt: cdnr[$0]!) } }
        if !cdnur.isEmpty { out.cdnur = cdnur }
        if !exports.isEmpty { out.exp = exports.keys.sorted().map { Export(exp_typ: $0, inv: exports[$0]!) } }
        if !nilRows.isEmpty {
            out.nil = Nil(inv: nilRows.keys.sorted().map { k in
                NilRow(sply_ty: k, nil_amt: amount(nilRows[k]![0]), expt_amt: amount(nilRows[k]![1]), ngsup_amt: amount(nilRows[k]![2]))
            })
        }
        out.hsn = hsnSummary(live, period: period)
        out.doc_issue = documentsIssued(docs)
        return out
    }

    /// Lines summed per rate: one `itms` entry per rate, numbered from 1 (never the HSN, a known mistake elsewhere).
    static func byRate(_ lines: [GSTDocument.Line]) -> [LineTax] {
        var sums: [Int64: LineTax] = [:]
        for l in lines {
            var s = sums[l.tax.rate.milli] ?? LineTax(treatment: l.tax.treatment, taxable: 0, rate: l.tax.rate, cessRate: .zero)
            s.taxable += l.tax.taxable
            s.igst += l.tax.igst
            s.cgst += l.tax.cgst
            s.sgst += l.tax.sgst
            s.cess += l.tax.cess
            sums[l.tax.rate.milli] = s
        }
        return sums.keys.sorted().map { sums[$0]! }
    }

    static func items(_ lines: [GSTDocument.Line], split: Bool) -> [Item] {
        byRate(lines).enumerated().map { i, r in
            Item(num: i + 1, itm_det: ItemDetail(rt: r.rate.decimal, txval: amount(r.taxable), iamt: amount(r.igst),
                                                 camt: split ? amount(r.cgst) : nil, samt: split ? amount(r.sgst) : nil, csamt: amount(r.cess)))
        }
    }

    /// Table 12: one row per HSN × UQC × rate; from May 2025 in a B2B and a B2C tab (unregistered and overseas
    /// recipients in B2C). Services use UQC `NA` and no quantity.
    static func hsnSummary(_ docs: [GSTDocument], period: ReturnPeriod) -> HSN? {
        struct Key: Hashable { var b2c: Bool; var hsn: String; var uqc: String; var rate: Int64 }
        var rows: [Key: (desc: String, qty: Int64, sums: [Int64])] = [:]
        for d in docs {
            let b2c = period.splitsHSN && !d.partyRegistration.isRegistered
            for l in d.lines {
                let service = l.hsn.hasPrefix("99")
                let key = Key(b2c: b2c, hsn: l.hsn, uqc: service ? "NA" : l.uqc, rate: l.tax.rate.milli)
                var r = rows[key] ?? (String(l.description.prefix(30)), 0, [0, 0, 0, 0, 0])
                if !service { r.qty += d.sign * (l.quantity?.thousandths ?? 0) }
                for (i, v) in [l.tax.taxable, l.tax.igst, l.tax.cgst, l.tax.sgst, l.tax.cess].enumerated() { r.sums[i] += d.sign * v }
                rows[key] = r
            }
        }
        guard !rows.isEmpty else { return nil }
        func list(_ b2c: Bool) -> [HSNRow] {
            rows.keys.filter { $0.b2c == b2c }.sorted { ($0.hsn, $0.uqc, $0.rate) < ($1.hsn, $1.uqc, $1.rate) }.enumerated().map { i, k in
                let r = rows[k]!
                return HSNRow(num: i + 1, hsn_sc: k.hsn, desc: r.desc, uqc: k.uqc, qty: Decimal(r.qty) / 1000, rt: TaxRate(milli: k.rate).decimal,
                              txval: amount(r.sums[0]), iamt: amount(r.sums[1]), camt: amount(r.sums[2]), samt: amount(r.sums[3]), csamt: amount(r.sums[4]))
            }
        }
        guard period.splitsHSN else { return HSN(data: list(false)) }
        let b2b = list(false), b2c = list(true)
        return HSN(hsn_b2b: b2b.isEmpty ? nil : b2b, hsn_b2c: b2c.isEmpty ? nil : b2c)
    }

    /// Table 13: per nature of document and numbering series, first and last number, count and cancellations.
    static func documentsIssued(_ docs: [GSTDocument]) -> DocIssue? {
        let nature: [GSTDocument.Kind: Int] = [.invoice: 1, .debitNote: 4, .creditNote: 5]
        var groups: [Int: [String: [GSTDocument]]] = [:]
        for d in docs { groups[nature[d.kind]!, default: [:]][d.series, default: []].append(d) }
        guard !groups.isEmpty else { return nil }
        return DocIssue(doc_det: groups.keys.sorted().map { n in
            DocNature(doc_num: n, docs: groups[n]!.keys.sorted().enumerated().map { i, series in
                let list = groups[n]![series]!.sorted { ($0.number.count, $0.number) < ($1.number.count, $1.number) }
                let cancelled = list.filter(\.cancelled).count
                return DocRow(num: i + 1, from: list.first!.number, to: list.last!.number, totnum: list.count, cancel: cancelled,
                              net_issue: list.count - cancelled)
            })
        })
    }
}
