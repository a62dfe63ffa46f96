import GSTKit
import Testing

/// Place of supply and tax type by the IGST Act, for the cases our own golden files once got wrong.
@Suite struct SupplyRulesTests {
    let maharashtra = StateCode("27")!

    private func decide(_ q: SupplyRules.Question) -> SupplyRules.Decision? {
        if case .success(let d) = SupplyRules.decide(q) { return d }
        return nil
    }

    private func problems(_ q: SupplyRules.Question) -> [SupplyRules.Problem] {
        if case .failure(let p) = SupplyRules.decide(q) { return p.list }
        return []
    }

    /// IGST Act s.7(2) and s.7(4): imports of goods and of services are inter-state supplies, so IGST, never CGST + SGST.
    @Test func imports_are_igst_and_imported_services_are_under_reverse_charge() throws {
        let goods = try #require(decide(.init(outward: false, partyRegistration: .overseas, partyState: nil, ourState: maharashtra)))
        #expect(goods.supplierState == "96" && goods.placeOfSupply == "27" && goods.interStateByLaw && !goods.reverseCharge)
        let line = try TaxEngine.tax(taxable: 100_000, taxability: .taxable, rate: TaxRate(parsing: "18"),
                                     context: SupplyContext(supplierState: StateCode(goods.supplierState)!, placeOfSupply: goods.placeOfSupply,
                                                            interStateByLaw: goods.interStateByLaw))
        #expect(line.igst == 18_000 && line.cgst == 0 && line.sgst == 0)
        // s.5(3) with notification 10/2017-Integrated Tax (Rate): the importer of services pays the IGST.
        let services = try #require(decide(.init(outward: false, partyRegistration: .overseas, ourState: maharashtra, allServices: true)))
        #expect(services.reverseCharge)
        #expect(problems(.init(outward: false, reverseCharge: false, partyRegistration: .overseas, ourState: maharashtra, allServices: true))
            .map(\.field) == ["reverseCharge"])
        // IGST on goods is paid at customs on the bill of entry.
        #expect(problems(.init(outward: false, reverseCharge: true, partyRegistration: .overseas, ourState: maharashtra)).map(\.field) == ["reverseCharge"])
        // An SEZ unit's supply into the rest of India is an import there: IGST even from the same state.
        let fromSEZ = try #require(decide(.init(outward: false, partyRegistration: .sez, partyGSTIN: try GSTIN("27AAPFU0939F1ZV"), ourState: maharashtra)))
        #expect(fromSEZ.supplierState == "27" && fromSEZ.interStateByLaw)
    }

    /// IGST Act s.7(5)(b) and s.16(1)(b): a supply to an SEZ is inter-state and zero-rated whatever the states.
    @Test func sez_supplies_are_always_igst_with_or_without_payment() throws {
        let sez = SupplyRules.Question(outward: true, partyRegistration: .sez, partyGSTIN: try GSTIN("27AAPFU0939F1ZV"), ourState: maharashtra)
        let inferred = try #require(decide(sez))
        #expect(inferred.supplyType == .sezWithPayment && inferred.placeOfSupply == "27" && inferred.interStateByLaw)
        var lut = sez
        lut.supplyType = .sezWithoutPayment
        #expect(decide(lut)?.supplyType == .sezWithoutPayment)
        // Asking for an ordinary (CGST + SGST) supply to an SEZ is refused with the section.
        var ordinary = sez
        ordinary.supplyType = .regular
        let refused = problems(ordinary)
        #expect(refused.map(\.field) == ["supplyType"])
        #expect(refused.first?.message.contains("s.7(5)(b)") == true)
        ordinary.supplyType = .deemedExport
        #expect(!problems(ordinary).isEmpty)
        // Under a letter of undertaking (Rule 96A) zero-rated supplies default to going without tax (s.16(3)(a)).
        var underLUT = sez
        underLUT.underLUT = true
        #expect(decide(underLUT)?.supplyType == .sezWithoutPayment)
        #expect(decide(.init(outward: true, partyRegistration: .overseas, ourState: maharashtra, underLUT: true))?.supplyType == .exportWithoutPayment)
    }

    /// IGST Act s.2(5), s.16(1)(a): a supply to a party outside India, with the place of supply outside India, is an export.
    @Test func overseas_parties_are_exports_unless_the_place_of_supply_is_in_india() throws {
        let overseas = SupplyRules.Question(outward: true, partyRegistration: .overseas, partyState: "96", ourState: maharashtra)
        let export = try #require(decide(overseas))
        #expect(export.supplyType == .exportWithPayment && export.placeOfSupply == "96")
        var regular = overseas
        regular.supplyType = .regular
        #expect(problems(regular).map(\.field) == ["supplyType"])
        // Services whose place of supply is in India (say, on property here) are not exports.
        regular.placeOfSupply = "29"
        #expect(decide(regular)?.supplyType == .regular)
        #expect(decide(regular)?.placeOfSupply == "29")
        var wrongPOS = overseas
        wrongPOS.supplyType = .exportWithoutPayment
        wrongPOS.placeOfSupply = "27"
        #expect(problems(wrongPOS).map(\.field) == ["placeOfSupply"])
        // A registered Indian party cannot be exported to; 96 is for exports only.
        #expect(problems(.init(outward: true, supplyType: .exportWithPayment, partyRegistration: .regular,
                               partyGSTIN: try GSTIN("27AAPFU0939F1ZV"), ourState: maharashtra)).map(\.field) == ["supplyType"])
        #expect(problems(.init(outward: true, placeOfSupply: "96", partyRegistration: .unregistered, ourState: maharashtra))
            .map(\.field) == ["placeOfSupply"])
    }

    @Test func ordinary_supplies_take_the_party_state_or_ask() throws {
        #expect(decide(.init(outward: true, partyRegistration: .regular, partyGSTIN: try GSTIN("29AABCR1718E1ZL"), ourState: maharashtra))?
            .placeOfSupply == "29")
        #expect(decide(.init(outward: true, partyRegistration: .consumer, ourState: maharashtra))?.placeOfSupply == "27")
        #expect(problems(.init(outward: true, partyRegistration: .unregistered, ourState: maharashtra)).map(\.field) == ["placeOfSupply"])
        #expect(problems(.init(outward: false, supplyType: .exportWithPayment, partyRegistration: .regular, ourState: maharashtra))
            .map(\.field) == ["supplyType"])
    }
}
