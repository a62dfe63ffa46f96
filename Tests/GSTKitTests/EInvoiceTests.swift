import Foundation
import GSTKit
import Ledger
import Testing

@Suite struct EInvoiceTests {
    static let seller = TradeParty(gstin: "27AAPFU0939F1ZV", legalName: "Shree Ganesh Traders", address: "12 Station Road", place: "Pune",
                                   pincode: "411001", stateCode: "27")
    static let kaveri = TradeParty(gstin: "29AABCR1718E1ZL", legalName: "Kaveri \"Stores\"", address: "5 Market Street", place: "Bengaluru",
                                   pincode: "560001", stateCode: "29")
    static let ravi = TradeParty(gstin: nil, legalName: "Ravi Patel", address: "8 Ring Road", place: "Surat", pincode: "395001", stateCode: "24")
    static let today = CalendarDate("2025-09-01")!

    func golden(_ name: String) throws -> NSDictionary {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden")
            ?? Bundle.module.url(forResource: name, withExtension: "json"))
        return try jsonObject(try Data(contentsOf: url))
    }

    @Test func a_b2b_invoice_matches_the_hand_worked_inv01_payload() throws {
        let doc = GoldenMonth.documents[0]
        let payload = try EInvoice.build(document: doc, seller: Self.seller, buyer: Self.kaveri, roundOff: 0, today: Self.today).get()
        // The double quotes in the buyer's name are removed, as the IRP refuses them.
        #expect(payload.BuyerDtls.LglNm == "Kaveri Stores")
        #expect(try jsonObject(try JSONEncoder().encode(payload)) == golden("einvoice-inv1"))
    }

    @Test func rejection_rules_are_listed_before_anything_is_produced() throws {
        var doc = GoldenMonth.documents[0]
        doc.number = "inv/0001"
        doc.date = CalendarDate("2025-09-05")!
        let noPin = TradeParty(gstin: "29AABCR1718E1ZL", legalName: "KS", address: "5 Market Street", place: "Bengaluru", pincode: nil, stateCode: "29")
        guard case .failure(let problems) = EInvoice.build(document: doc, seller: Self.seller, buyer: noPin, roundOff: 150_00, today: Self.today) else {
            Issue.record("expected problems"); return
        }
        let fields = Set(problems.list.map(\.field))
        #expect(fields == ["DocDtls.No", "DocDtls.Dt", "ValDtls.RndOffAmt", "BuyerDtls.LglNm", "BuyerDtls.Pin"], "\(problems.list)")
        // B2C invoices are not e-invoiced; an SEZ buyer on a B2B supply type is refused.
        guard case .failure(let b2c) = EInvoice.build(document: GoldenMonth.documents[2], seller: Self.seller, buyer: Self.ravi, roundOff: 0, today: Self.today)
        else { Issue.record("expected problems"); return }
        #expect(b2c.list.map(\.field).contains("BuyerDtls.Gstin"))
    }

    @Test func exports_go_to_urp_96_and_sez_intra_state_flags_igst_on_intra() throws {
        let export = try EInvoice.build(document: GoldenMonth.documents[4], seller: Self.seller, buyer: Self.ravi, roundOff: 0, today: Self.today).get()
        #expect(export.BuyerDtls.Gstin == "URP" && export.BuyerDtls.Pos == "96" && export.BuyerDtls.Stcd == "96" && export.BuyerDtls.Pin == 999_999)
        #expect(export.TranDtls.SupTyp == "EXPWOP")
        let sezBuyer = TradeParty(gstin: "27AAJCS5738D1Z6", legalName: "Zone Unit", address: "Plot 4 SEZ", place: "Pune", pincode: "411057", stateCode: "27")
        let sez = try EInvoice.build(document: GoldenMonth.documents[5], seller: Self.seller, buyer: sezBuyer, roundOff: 0, today: Self.today).get()
        #expect(sez.TranDtls.SupTyp == "SEZWP" && sez.TranDtls.IgstOnIntra == "Y")
    }

    @Test func e_way_bill_for_a_large_consignment_matches_the_hand_worked_payload() throws {
        let bill = try EWayBill.build(document: GoldenMonth.documents[1], seller: Self.seller, buyer: Self.ravi).get()
        #expect(try jsonObject(try JSONEncoder().encode(bill)) == golden("ewaybill-inv2"))
        // Small consignments and service-only documents get no e-way bill, with the reason.
        guard case .failure(let small) = EWayBill.build(document: GoldenMonth.documents[0], seller: Self.seller, buyer: Self.kaveri) else {
            Issue.record("expected problems"); return
        }
        #expect(small.list.map(\.field) == ["totInvValue"])
        guard case .failure(let services) = EWayBill.build(document: GoldenMonth.documents[8], seller: Self.seller, buyer: Self.kaveri, threshold: 0) else {
            Issue.record("expected problems"); return
        }
        #expect(services.list.map(\.field) == ["itemList"])
    }
}
