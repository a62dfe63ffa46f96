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

    /// Rules the IRP applies that our own data could break: 6-digit HSN (e-invoicing means ₹5 crore and more),
    /// a quantity on goods, the 30-day window for ₹10 crore and more, and a reverse-charge value without the tax.
    @Test func irp_rules_on_hsn_quantity_reporting_window_and_reverse_charge() throws {
        var doc = GoldenMonth.documents[0]
        doc.lines[0].hsn = "8471"
        doc.lines[0].quantity = Quantity(thousandths: 0)
        guard case .failure(let problems) = EInvoice.build(document: doc, seller: Self.seller, buyer: Self.kaveri, roundOff: 0, today: Self.today) else {
            Issue.record("expected problems"); return
        }
        #expect(Set(problems.list.map(\.field)) == ["ItemList[0].HsnCd", "ItemList[0].Qty"], "\(problems.list)")

        let fresh = GoldenMonth.documents[0]
        let late = fresh.date.adding(days: EInvoice.reportingWindowDays + 1)
        guard case .failure(let window) = EInvoice.build(document: fresh, seller: Self.seller, buyer: Self.kaveri, roundOff: 0, today: late,
                                                         turnoverAbove10Crore: true) else {
            Issue.record("a 31-day-old invoice passed for a ₹10 crore taxpayer"); return
        }
        #expect(window.list.map(\.field) == ["DocDtls.Dt"])
        #expect(throws: Never.self) {
            try EInvoice.build(document: fresh, seller: Self.seller, buyer: Self.kaveri, roundOff: 0, today: late).get()
        }
        #expect(throws: Never.self) {
            try EInvoice.build(document: fresh, seller: Self.seller, buyer: Self.kaveri, roundOff: 0,
                               today: fresh.date.adding(days: EInvoice.reportingWindowDays), turnoverAbove10Crore: true).get()
        }

        var rcm = GoldenMonth.documents[0]
        rcm.reverseCharge = true
        for i in rcm.lines.indices { rcm.lines[i].tax.reverseCharge = true }
        let payload = try EInvoice.build(document: rcm, seller: Self.seller, buyer: Self.kaveri, roundOff: 0, today: Self.today).get()
        #expect(payload.TranDtls.RegRev == "Y")
        #expect(payload.ValDtls.TotInvVal == payload.ValDtls.AssVal + payload.ValDtls.OthChrg)
        #expect(payload.ItemList.allSatisfy { $0.TotItemVal == $0.AssAmt })
    }

    @Test func exports_go_to_urp_96_and_sez_intra_state_flags_igst_on_intra() throws {
        let export = try EInvoice.build(document: GoldenMonth.documents[4], seller: Self.seller, buyer: Self.ravi, roundOff: 0, today: Self.today).get()
        #expect(export.BuyerDtls.Gstin == "URP" && export.BuyerDtls.Pos == "96" && export.BuyerDtls.Stcd == "96" && export.BuyerDtls.Pin == 999_999)
        #expect(export.TranDtls.SupTyp == "EXPWOP")
        let sezBuyer = TradeParty(gstin: "27AAJCS5738D1Z6", legalName: "Zone Unit", address: "Plot 4 SEZ", place: "Pune", pincode: "411057", stateCode: "27")
        let sez = try EInvoice.build(document: GoldenMonth.documents[5], seller: Self.seller, buyer: sezBuyer, roundOff: 0, today: Self.today).get()
        #expect(sez.TranDtls.SupTyp == "SEZWP" && sez.TranDtls.IgstOnIntra == "Y")
    }

    /// INV-01: `TranDtls.EcmGstin` names the operator of a s.52 supply; a dispatch-from address becomes `DispDtls`
    /// (checked like any address); a s.9(5) supply is the operator's to invoice.
    @Test func operator_and_dispatch_from_reach_the_payload() throws {
        var doc = GoldenMonth.documents[0]
        doc.ecommerce = ECommerce(operatorGSTIN: "27AAECG3736E1C2", section: .collectsTCS)
        doc.dispatchFrom = TradeParty(gstin: nil, legalName: "Bhiwandi Warehouse", address: "Gala 4 Vashere", place: "Bhiwandi", pincode: "421302",
                                      stateCode: "27")
        let payload = try EInvoice.build(document: doc, seller: Self.seller, buyer: Self.kaveri, roundOff: 0, today: Self.today).get()
        #expect(payload.TranDtls.EcmGstin == "27AAECG3736E1C2")
        let d = try #require(payload.DispDtls)
        #expect(d.Nm == "Bhiwandi Warehouse" && d.Addr1 == "Gala 4 Vashere" && d.Loc == "Bhiwandi" && d.Pin == 421_302 && d.Stcd == "27")
        // Without either, neither key is sent.
        let plain = try jsonObject(try JSONEncoder().encode(try EInvoice.build(document: GoldenMonth.documents[0], seller: Self.seller,
                                                                               buyer: Self.kaveri, roundOff: 0, today: Self.today).get()))
        #expect(plain["DispDtls"] == nil && (plain["TranDtls"] as? NSDictionary)?["EcmGstin"] == nil)

        doc.dispatchFrom?.pincode = "12345"
        doc.ecommerce?.section = .operatorPays
        guard case .failure(let problems) = EInvoice.build(document: doc, seller: Self.seller, buyer: Self.kaveri, roundOff: 0, today: Self.today) else {
            Issue.record("expected problems"); return
        }
        #expect(Set(problems.list.map(\.field)) == ["DispDtls.Pin", "TranDtls.EcmGstin"], "\(problems.list)")
    }

    @Test func e_way_bill_for_a_large_consignment_matches_the_hand_worked_payload() throws {
        let bill = try EWayBill.build(document: GoldenMonth.documents[1], ours: Self.seller, party: Self.ravi).get()
        #expect(try jsonObject(try JSONEncoder().encode(bill)) == golden("ewaybill-inv2"))
        // Small consignments and service-only documents get no e-way bill, with the reason.
        guard case .failure(let small) = EWayBill.build(document: GoldenMonth.documents[0], ours: Self.seller, party: Self.kaveri) else {
            Issue.record("expected problems"); return
        }
        #expect(small.list.map(\.field) == ["totInvValue"])
        guard case .failure(let services) = EWayBill.build(document: GoldenMonth.documents[8], ours: Self.seller, party: Self.kaveri, threshold: 0) else {
            Issue.record("expected problems"); return
        }
        #expect(services.list.map(\.field) == ["itemList"])
    }

    /// Rule 138: which way the goods go, notes refused with NIC's reason, exports to the port, SEZ bill-to abroad.
    @Test func e_way_bills_go_the_right_way_for_every_kind_of_document() throws {
        let sale = GoldenMonth.documents[1]
        var purchase = sale
        purchase.direction = .inward
        let inward = try EWayBill.build(document: purchase, ours: Self.seller, party: Self.ravi).get()
        // We generate it, but the goods come from the supplier to us.
        #expect(inward.supplyType == "I" && inward.userGstin == Self.seller.gstin)
        #expect(inward.fromGstin == (Self.ravi.gstin ?? "URP") && inward.toGstin == Self.seller.gstin)
        #expect(inward.fromPincode == Int(Self.ravi.pincode ?? "") && inward.toPincode == Int(Self.seller.pincode ?? ""))

        var note = sale
        note.kind = .creditNote
        guard case .failure(let refused) = EWayBill.build(document: note, ours: Self.seller, party: Self.ravi) else {
            Issue.record("a credit note got an e-way bill"); return
        }
        #expect(refused.list.map(\.field) == ["docType"])
        #expect(refused.list.first?.rule.contains("sales return") == true)

        // More than ₹50,000 is required; at or below only when asked for.
        var exactly = sale
        exactly.value = EWayBill.defaultThreshold
        guard case .failure(let atThreshold) = EWayBill.build(document: exactly, ours: Self.seller, party: Self.ravi) else {
            Issue.record("₹50,000 exactly needs no e-way bill"); return
        }
        #expect(atThreshold.list.map(\.field) == ["totInvValue"])
        let small = try EWayBill.build(document: GoldenMonth.documents[0], ours: Self.seller, party: Self.kaveri,
                                       transport: .init(voluntary: true)).get()
        #expect(small.supplyType == "O")

        var export = sale
        export.supplyType = .exportWithPayment
        export.placeOfSupply = "96"
        guard case .failure(let noPort) = EWayBill.build(document: export, ours: Self.seller, party: Self.ravi) else {
            Issue.record("an export without its port"); return
        }
        #expect(noPort.list.map(\.field) == ["port"])
        let shipped = try EWayBill.build(document: export, ours: Self.seller, party: Self.ravi,
                                         transport: .init(port: .init(pincode: "400707", stateCode: "27"))).get()
        #expect(shipped.subSupplyType == 3 && shipped.toGstin == "URP" && shipped.toStateCode == EWayBill.otherCountry)
        #expect(shipped.toPincode == 400_707 && shipped.actToStateCode == 27)

        var sez = sale
        sez.supplyType = .sezWithPayment
        let zone = try EWayBill.build(document: sez, ours: Self.seller, party: Self.ravi).get()
        #expect(zone.toStateCode == EWayBill.otherCountry && zone.actToStateCode == Int(Self.ravi.stateCode))
        #expect(zone.itemList.allSatisfy { $0.cgstRate == 0 })
    }
}
