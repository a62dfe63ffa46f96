import Foundation
import GSTKit
import Ledger
import Testing

/// Advances on services in a Maharashtra filer's August 2025: two received, two adjusted. The expected figures
/// were worked out by hand (18% of each advance; CGST and SGST halves intra-state, IGST inter-state).
@Suite struct AdvanceTests {
    static func advance(_ id: String, _ kind: GSTDocument.Kind, day: Int, party: String?, _ registration: Registration, pos: String,
                        taxable: Int64) -> GSTDocument {
        let line = GoldenMonth.line("998314", "IT design services", "NA", qty: nil, price: taxable, rate: "18", pos: pos)
        return GSTDocument(id: id, kind: kind, series: kind.rawValue, number: id, date: CalendarDate(year: 2025, month: 8, day: day)!,
                           partyName: party ?? "Walk-in", partyGSTIN: party, partyRegistration: registration, supplierState: "27",
                           placeOfSupply: pos, value: line.tax.invoiceValue, lines: [line])
    }

    static let documents = [
        advance("ADV-1", .advanceReceipt, day: 5, party: "29AABCR1718E1ZL", .regular, pos: "29", taxable: 10_000_00),
        advance("ADV-2", .advanceReceipt, day: 10, party: nil, .unregistered, pos: "27", taxable: 5_000_00),
        // Against a July advance from the same Karnataka customer.
        advance("ADJ-1", .advanceAdjustment, day: 20, party: "29AABCR1718E1ZL", .regular, pos: "29", taxable: 4_000_00),
        advance("ADJ-2", .advanceAdjustment, day: 25, party: nil, .unregistered, pos: "27", taxable: 2_000_00),
    ]

    @Test func advances_fill_tables_11A_and_11B_by_place_and_rate_and_nothing_else() throws {
        let r1 = try GSTR1.build(filer: GoldenMonth.filer, period: ReturnPeriod("2025-08")!, documents: Self.documents)
        let json = try jsonObject(try JSONEncoder().encode(r1))
        let at = try #require(json["at"] as? [NSDictionary])
        #expect(at.map { $0["pos"] as? String } == ["27", "29"])
        #expect(at.map { $0["sply_ty"] as? String } == ["INTRA", "INTER"])
        #expect(at[0]["itms"] as? NSArray == [["rt": 18, "ad_amt": 5000, "iamt": 0, "camt": 450, "samt": 450, "csamt": 0]] as NSArray)
        #expect(at[1]["itms"] as? NSArray == [["rt": 18, "ad_amt": 10000, "iamt": 1800, "camt": 0, "samt": 0, "csamt": 0]] as NSArray)
        let txpd = try #require(json["txpd"] as? [NSDictionary])
        #expect(txpd[0]["itms"] as? NSArray == [["rt": 18, "ad_amt": 2000, "iamt": 0, "camt": 180, "samt": 180, "csamt": 0]] as NSArray)
        #expect(txpd[1]["itms"] as? NSArray == [["rt": 18, "ad_amt": 4000, "iamt": 720, "camt": 0, "samt": 0, "csamt": 0]] as NSArray)
        // Not supplies yet: no b2b/b2cs rows and no HSN; receipt vouchers are Table 13's nature 6.
        #expect(r1.b2b == nil && r1.b2cs == nil && r1.hsn == nil)
        #expect(r1.doc_issue?.doc_det.map(\.doc_num) == [6])
        let row = try #require(r1.doc_issue?.doc_det[0].docs.first)
        #expect((row.from, row.to, row.totnum, row.net_issue) == ("ADV-1", "ADV-2", 2, 2))
    }

    @Test func gstr3b_counts_advances_received_less_adjusted_in_3_1_a() throws {
        let (r3, sources) = try GSTR3B.build(filer: GoldenMonth.filer, period: ReturnPeriod("2025-08")!, documents: Self.documents)
        let t = r3.sup_details.osup_det
        #expect([t.txval, t.iamt, t.camt, t.samt, t.csamt] == [9_000, 1_080, 270, 270, 0])
        // The unregistered buyer is in our own state, so Table 3.2 has nothing.
        #expect(r3.inter_sup.unreg_details.isEmpty)
        #expect(sources["sup_details.osup_det"] == ["ADJ-1", "ADJ-2", "ADV-1", "ADV-2"])
    }
}
