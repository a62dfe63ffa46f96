import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

/// Registers, the HSN summary and the tie-out: GSTR-1 against GSTR-3B against the tax ledgers in the books.
enum GSTReports {
    struct TieOutRow: Codable, Sendable {
        var head: String
        /// Outward tax in GSTR-1's sections (reverse-charge invoices left out, notes netted).
        var gstr1: String
        /// 3.1(a) + 3.1(b).
        var gstr3bOutward: String
        /// 3.1(d): tax we owe on inward reverse-charge supplies.
        var gstr3bReverseCharge: String
        /// Net credit to the `Output …` ledgers in the period.
        var books: String
        var agrees: Bool
    }

    struct TieOutDTO: APIResponseBody {
        var period: String
        var gstin: String
        var rows: [TieOutRow]
        var agrees: Bool
        /// The books hold every registration's tax; with more than one registration they cannot tie to one return.
        var booksCoverAllRegistrations: Bool

        static let schema = Schema.object([
            .required("period", .string()), .required("gstin", .string()), .required("agrees", .boolean),
            .required("booksCoverAllRegistrations", .boolean),
            .required("rows", .array(.object(["head", "gstr1", "gstr3bOutward", "gstr3bReverseCharge", "books"].map { .required($0, .string()) }
                + [.required("agrees", .boolean)]))),
        ])
    }

    @Sendable static func tieOut(req: Request) async throws -> TieOutDTO {
        let company = try req.company.companyID
        let q = try await GSTReturns.query(req, on: req.db)
        let docs = try await GSTReturns.documents(company: company, registration: q.registration.id, from: q.period.first, to: q.period.last, on: req.db)
        let filer = try GSTIN(q.registration.gstin)
        let r1 = try GSTR1.build(filer: filer, period: q.period, documents: docs)
        let r3 = try GSTR3B.build(filer: filer, period: q.period, documents: docs).0

        // GSTR-1 outward tax per head, from the sections as they will be uploaded.
        var one: [String: Amount] = ["IGST": 0, "CGST": 0, "SGST": 0, "Cess": 0]
        func add(_ d: GSTR1.ItemDetail, _ sign: Int64) throws {
            func signed(_ a: Amount?) -> Amount { Amount(paise: sign * (a?.paise ?? 0)) }
            try one["IGST", default: 0] += signed(d.iamt); try one["CGST", default: 0] += signed(d.camt); try one["SGST", default: 0] += signed(d.samt); try one["Cess", default: 0] += signed(d.csamt)
        }
        for inv in (r1.b2b ?? []).flatMap(\.inv) where inv.rchrg == "N" { try inv.itms.forEach { try add($0.itm_det, 1) } }
        try (r1.b2cl ?? []).flatMap(\.inv).flatMap(\.itms).forEach { try add($0.itm_det, 1) }
        for row in r1.b2cs ?? [] { try one["IGST", default: 0] += row.iamt; try one["CGST", default: 0] += row.camt; try one["SGST", default: 0] += row.samt; try one["Cess", default: 0] += row.csamt }
        for note in (r1.cdnr ?? []).flatMap(\.nt) where note.rchrg == "N" { try note.itms.forEach { try add($0.itm_det, note.ntty == "C" ? -1 : 1) } }
        for note in r1.cdnur ?? [] { try note.itms.forEach { try add($0.itm_det, note.ntty == "C" ? -1 : 1) } }
        for item in (r1.exp ?? []).flatMap(\.inv).flatMap(\.itms) { try one["IGST", default: 0] += item.iamt; try one["Cess", default: 0] += item.csamt }
        // Tax on advances received is owed now; adjusting it against the invoice takes it back.
        for (rows, sign) in [(r1.at ?? [], Int64(1)), (r1.txpd ?? [], -1)] {
            for item in rows.flatMap(\.itms) {
                func signed(_ a: Amount) -> Amount { Amount(paise: sign * a.paise) }
                try one["IGST", default: 0] += signed(item.iamt); try one["CGST", default: 0] += signed(item.camt); try one["SGST", default: 0] += signed(item.samt); try one["Cess", default: 0] += signed(item.csamt)
            }
        }

        let s = r3.sup_details
        let outward: [String: Amount] = ["IGST": try s.osup_det.iamt + s.osup_zero.iamt, "CGST": s.osup_det.camt, "SGST": s.osup_det.samt,
                                          "Cess": try s.osup_det.csamt + s.osup_zero.csamt]
        let reverse: [String: Amount] = ["IGST": s.isup_rev.iamt, "CGST": s.isup_rev.camt, "SGST": s.isup_rev.samt, "Cess": s.isup_rev.csamt]

        // The books: credits less debits on the output tax ledgers over the month.
        let ledgers = try await Chart.ledgers(company: company, on: req.db)
        let sums = try await Movements.sums(company: company, from: q.period.first, to: q.period.last, on: req.db)
        var books: [String: Amount] = ["IGST": 0, "CGST": 0, "SGST": 0, "Cess": 0]
        // Plain (`Output IGST`) and rate-wise (`Output IGST 18%`) ledgers both count.
        for l in ledgers where l.name.hasPrefix("Output ") {
            let head = l.name.dropFirst("Output ".count).split(separator: " ").first.map(String.init) ?? ""
            guard let key = ["IGST": "IGST", "CGST": "CGST", "SGST": "SGST", "UTGST": "SGST", "Cess": "Cess"][head], let m = sums[l.id] else { continue }
            try books[key, default: 0] += Amount(paise: Checked.subtract(m.credit, m.debit))
        }
        func text(_ a: Amount) -> String { a.description }
        let rows = try ["IGST", "CGST", "SGST", "Cess"].map { head in
            try TieOutRow(head: head, gstr1: text(one[head, default: 0]), gstr3bOutward: text(outward[head, default: 0]), gstr3bReverseCharge: text(reverse[head, default: 0]),
                      books: text(books[head, default: 0]), agrees: one[head, default: 0] == outward[head, default: 0] && books[head, default: 0] == outward[head, default: 0] + reverse[head, default: 0])
        }
        let registrations = try await Registrations.all(company: company, on: req.db).count
        return TieOutDTO(period: q.period.description, gstin: q.registration.gstin, rows: rows, agrees: rows.allSatisfy(\.agrees),
                         booksCoverAllRegistrations: registrations > 1)
    }

    struct RegisterRow: Codable, Sendable {
        var invoiceId: UUID, date: String, number: String, kind: String, party: String, partyGstin: String?, placeOfSupply: String
        var taxable: String, igst: String, cgst: String, sgst: String, cess: String, total: String, status: String
    }

    struct RegisterDTO: APIResponseBody {
        var period: String
        var kind: String
        var rows: [RegisterRow]
        var totals: InvoiceDTO.Totals
        static let schema = Schema.object([.required("period", .string()), .required("kind", .string()), .required("rows", .array(.object([]))),
                                           .required("totals", .object([]))])
    }

    /// Sales register (our invoices and notes) or purchase register (suppliers' documents) for a month.
    @Sendable static func register(req: Request) async throws -> RegisterDTO {
        let company = try req.company.companyID
        let q = try await GSTReturns.query(req, span: .month, on: req.db)
        let kind = req.query[String.self, at: "kind"] ?? "sales"
        guard ["sales", "purchase"].contains(kind) else { throw APIError.validation(field: "kind", "must be sales or purchase") }
        let rows = try await req.db.sql().raw("""
            SELECT * FROM invoices WHERE company_id = \(bind: company) AND registration_id = \(bind: q.registration.id)
            AND direction = \(bind: kind == "sales" ? "outward" : "inward") AND kind NOT IN ('advance-receipt', 'advance-adjustment', 'advance-refund')
            AND date >= \(bind: q.period.first.description) AND date <= \(bind: q.period.last.description) ORDER BY date, number
            """).all(decoding: InvoiceRow.self)
        let dtos = try await InvoiceController.dtos(rows, company: company, on: req.db)
        var sums = [Int64](repeating: 0, count: 7)
        let register = dtos.map { d in
            if d.status != "cancelled" {
                let sign: Int64 = d.kind == .creditNote ? -1 : 1
                for (i, v) in [d.totals.taxable, d.totals.igst, d.totals.cgst, d.totals.sgst, d.totals.cess, d.totals.roundOff, d.totals.total].enumerated() {
                    sums[i] += sign * ((try? Money(parsing: v))?.paise ?? 0)
                }
            }
            return RegisterRow(invoiceId: d.id, date: d.date, number: d.number, kind: d.kind.rawValue, party: d.party, partyGstin: d.partyGstin,
                               placeOfSupply: d.placeOfSupply, taxable: d.totals.taxable, igst: d.totals.igst, cgst: d.totals.cgst, sgst: d.totals.sgst,
                               cess: d.totals.cess, total: d.totals.total, status: d.status)
        }
        func m(_ p: Int64) -> String { Money(paise: p).description }
        return RegisterDTO(period: q.period.description, kind: kind, rows: register,
                           totals: .init(taxable: m(sums[0]), cgst: m(sums[2]), sgst: m(sums[3]), igst: m(sums[1]), cess: m(sums[4]),
                                         tax: m(sums[1] + sums[2] + sums[3] + sums[4]), roundOff: m(sums[5]), total: m(sums[6])))
    }

    /// GSTR-1's Table 12 on its own, for checking before filing.
    @Sendable static func hsnSummary(req: Request) async throws -> Response {
        let q = try await GSTReturns.query(req, on: req.db)
        let docs = try await GSTReturns.documents(company: req.company.companyID, registration: q.registration.id, from: q.period.first,
                                                  to: q.period.last, on: req.db)
        let hsn = try GSTR1.build(filer: try GSTIN(q.registration.gstin), period: q.period, documents: docs).hsn ?? GSTR1.HSN()
        return try GSTReturns.portalJSON(hsn, filename: "HSN-\(q.registration.gstin)-\(q.period.portal).json")
    }
}
