import GSTKit
import Ledger
import Testing

@Suite struct TaxRateTests {
    @Test(arguments: [("18", Int64(18_000)), ("0.25", 250), ("7.5", 7_500), ("0", 0), ("40", 40_000), ("0.1", 100), ("100", 100_000)])
    func rates_parse_exactly(text: String, milli: Int64) throws {
        let rate = try TaxRate(parsing: text)
        #expect(rate.milli == milli)
        #expect(rate.description == text)
    }

    @Test(arguments: [("18.005", TaxRate.ParseError.tooManyDecimals), ("101", .outOfRange), ("-5", .notANumber("-5")),
                      ("", .notANumber("")), ("1e2", .notANumber("1e2")), ("18.", .notANumber("18."))])
    func bad_rates_are_refused(text: String, error: TaxRate.ParseError) {
        #expect(throws: error) { try TaxRate(parsing: text) }
    }

    @Test func half_rates_and_rounding_half_up() throws {
        let quarter = try TaxRate(parsing: "0.25")
        #expect(quarter.half.description == "0.125")
        // 0.125% of ₹3.33 = 0.41625 paise → 0; of ₹4.00 = 0.5 paise → 1 (half up).
        #expect(try quarter.half.of(333) == 0)
        #expect(try quarter.half.of(400) == 1)
        #expect(try TaxRate(parsing: "18").of(5_000_00) == 900_00)
        #expect(try TaxRate(parsing: "9").of(1_05) == 9)  // 9.45 paise → 9
        #expect(try TaxRate(parsing: "9").of(-1_06) == -10)  // -9.54 → -10 (half away from zero)
    }

    @Test func forty_percent_is_allowed_only_from_the_rationalisation() throws {
        let forty = try TaxRate(parsing: "40")
        #expect(!TaxRate.isAllowed(forty, on: CalendarDate("2025-09-21")!))
        #expect(TaxRate.isAllowed(forty, on: CalendarDate("2025-09-22")!))
        #expect(TaxRate.isAllowed(try TaxRate(parsing: "12"), on: CalendarDate("2026-01-01")!))
        #expect(!TaxRate.isAllowed(try TaxRate(parsing: "17"), on: CalendarDate("2026-01-01")!))
    }

    @Test func schedules_pick_the_rate_in_force() throws {
        let schedule = RateSchedule([
            .init(from: CalendarDate("2017-07-01")!, rate: try TaxRate(parsing: "12")),
            .init(from: TaxRate.rationalisation, rate: try TaxRate(parsing: "5")),
        ])
        #expect(schedule.entry(on: CalendarDate("2025-09-21")!)?.rate.description == "12")
        #expect(schedule.entry(on: CalendarDate("2025-09-22")!)?.rate.description == "5")
        #expect(schedule.entry(on: CalendarDate("2017-06-30")!) == nil)
    }

    @Test func quantities_have_three_decimals_and_multiply_to_the_paisa() throws {
        let q = try Quantity(parsing: "2.125")
        #expect(q.thousandths == 2_125)
        #expect(try q.times(333) == 708)  // 707.625 → 708
        #expect(throws: Quantity.ParseError.tooManyDecimals) { try Quantity(parsing: "1.0005") }
        #expect(throws: Quantity.ParseError.notPositive) { try Quantity(parsing: "-1") }
        #expect(throws: Quantity.ParseError.notPositive) { try Quantity(parsing: "0") }
    }
}

@Suite struct TaxEngineTests {
    let mh = StateCode("27")!
    let eighteen = try! TaxRate(parsing: "18")

    @Test func intra_state_splits_into_equal_halves() throws {
        let line = try TaxEngine.tax(taxable: 5_000_00, taxability: .taxable, rate: eighteen, context: .init(supplierState: mh, placeOfSupply: "27"))
        #expect(line.treatment == .intraState)
        #expect(line.cgst == 450_00 && line.sgst == 450_00 && line.igst == 0)
        #expect(line.invoiceValue == 5_900_00)
        // An odd paisa still gives equal halves: 9% of ₹0.05 is 0.45 paise → 0 each.
        let odd = try TaxEngine.tax(taxable: 5, taxability: .taxable, rate: eighteen, context: .init(supplierState: mh, placeOfSupply: "27"))
        #expect(odd.cgst == odd.sgst)
    }

    @Test func inter_state_is_igst_and_a_ut_without_legislature_uses_utgst() throws {
        let inter = try TaxEngine.tax(taxable: 10_000_00, taxability: .taxable, rate: eighteen, context: .init(supplierState: mh, placeOfSupply: "29"))
        #expect(inter.treatment == .interState && inter.igst == 1_800_00 && inter.cgst == 0)
        let chandigarh = try TaxEngine.tax(taxable: 100_00, taxability: .taxable, rate: eighteen,
                                       context: .init(supplierState: StateCode("04")!, placeOfSupply: "04"))
        #expect(chandigarh.usesUTGST && chandigarh.sgst == 9_00)
        let delhi = try TaxEngine.tax(taxable: 100_00, taxability: .taxable, rate: eighteen, context: .init(supplierState: StateCode("07")!, placeOfSupply: "07"))
        #expect(!delhi.usesUTGST)
    }

    @Test func zero_rated_supplies_are_igst_or_nothing_whatever_the_state() throws {
        let sez = try TaxEngine.tax(taxable: 1_000_00, taxability: .taxable, rate: eighteen,
                                context: .init(supplierState: mh, placeOfSupply: "27", supplyType: .sezWithPayment))
        #expect(sez.treatment == .zeroRatedWithTax && sez.igst == 180_00 && sez.cgst == 0)
        let lut = try TaxEngine.tax(taxable: 1_000_00, taxability: .taxable, rate: eighteen, cessRate: TaxRate(milli: 12_000),
                                context: .init(supplierState: mh, placeOfSupply: "96", supplyType: .exportWithoutPayment))
        #expect(lut.treatment == .zeroRatedWithoutTax && lut.tax == 0)
        let deemed = try TaxEngine.tax(taxable: 1_000_00, taxability: .taxable, rate: eighteen,
                                   context: .init(supplierState: mh, placeOfSupply: "27", supplyType: .deemedExport))
        #expect(deemed.treatment == .intraState && deemed.cgst == 90_00)
    }

    @Test func nil_exempt_non_gst_and_composition_charge_nothing() throws {
        for (taxability, treatment) in [(Taxability.nilRated, Treatment.nilRated), (.exempt, .exempt), (.nonGST, .nonGST)] {
            let line = try TaxEngine.tax(taxable: 500_00, taxability: taxability, rate: eighteen, context: .init(supplierState: mh, placeOfSupply: "29"))
            #expect(line.treatment == treatment && line.tax == 0 && line.invoiceValue == 500_00)
        }
        let composition = try TaxEngine.tax(taxable: 500_00, taxability: .taxable, rate: eighteen,
                                        context: .init(supplierState: mh, placeOfSupply: "27", supplierIsComposition: true))
        #expect(composition.treatment == .billOfSupply && composition.tax == 0)
    }

    @Test func cess_is_added_unsplit_and_reverse_charge_keeps_tax_off_the_invoice_value() throws {
        let line = try TaxEngine.tax(taxable: 1_000_00, taxability: .taxable, rate: TaxRate(milli: 28_000), cessRate: TaxRate(milli: 12_000),
                                 context: .init(supplierState: mh, placeOfSupply: "27", reverseCharge: true))
        #expect(line.cgst == 140_00 && line.sgst == 140_00 && line.cess == 120_00)
        #expect(line.reverseCharge && line.invoiceValue == 1_000_00)
    }

    @Test func place_of_supply_defaults() throws {
        let karnataka = try GSTIN("29AABCR1718E1ZL")
        #expect(try TaxEngine.defaultPlaceOfSupply(supplyType: .regular, partyRegistration: .regular, partyGSTIN: karnataka, partyState: "27", supplierState: mh) == "29")
        #expect(try TaxEngine.defaultPlaceOfSupply(supplyType: .exportWithoutPayment, partyRegistration: .overseas, partyGSTIN: nil, partyState: nil, supplierState: mh) == "96")
        #expect(try TaxEngine.defaultPlaceOfSupply(supplyType: .regular, partyRegistration: .unregistered, partyGSTIN: nil, partyState: "24", supplierState: mh) == "24")
        #expect(try TaxEngine.defaultPlaceOfSupply(supplyType: .regular, partyRegistration: .consumer, partyGSTIN: nil, partyState: nil, supplierState: mh) == "27")
        #expect(throws: TaxEngine.PlaceOfSupplyError.unknown) {
            try TaxEngine.defaultPlaceOfSupply(supplyType: .regular, partyRegistration: .unregistered, partyGSTIN: nil, partyState: nil, supplierState: mh)
        }
    }
}
