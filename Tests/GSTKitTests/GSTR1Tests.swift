import Foundation
import GSTKit
import Ledger
import Testing

/// A month of a Maharashtra filer's outward supplies, one of each kind; the expected JSON beside this file was
/// worked out by hand from gst.md §A3 (amounts, sections, HSN tabs, Table 13), not produced by this code.
enum GoldenMonth {
    static let filer = try! GSTIN("27AAPFU0939F1ZV")
    static let mh = StateCode("27")!

    static func line(_ hsn: String, _ desc: String, _ uqc: String, qty: String?, price: Int64, rate: String, cess: String = "0",
                     taxability: Taxability = .taxable, pos: String, supply: SupplyType = .regular, rcm: Bool = false) -> GSTDocument.Line {
        let quantity = qty.map { try! Quantity(parsing: $0) }
        let taxable = quantity.map { try! $0.times(price) } ?? price
        let tax = try! TaxEngine.tax(taxable: taxable, taxability: taxability, rate: try! TaxRate(parsing: rate), cessRate: try! TaxRate(parsing: cess),
                                context: SupplyContext(supplierState: mh, placeOfSupply: pos, supplyType: supply, reverseCharge: rcm))
        return .init(hsn: hsn, description: desc, uqc: uqc, quantity: quantity, tax: tax, unitPrice: price)
    }

    static func doc(_ n: Int, _ day: Int, party: String?, _ registration: Registration, pos: String, supply: SupplyType = .regular, rcm: Bool = false,
                    kind: GSTDocument.Kind = .invoice, cancelled: Bool = false, _ lines: [GSTDocument.Line]) -> GSTDocument {
        let series = kind == .creditNote ? "CN" : "INV"
        return GSTDocument(id: "\(series)\(n)", kind: kind, series: series, number: String(format: "%@/25-26/%04d", series, n),
                           date: CalendarDate(year: 2025, month: 8, day: day)!, partyName: party ?? "Walk-in", partyGSTIN: party,
                           partyRegistration: registration, supplierState: "27", placeOfSupply: pos, supplyType: supply, reverseCharge: rcm,
                           value: lines.reduce(0) { $0 + $1.tax.invoiceValue }, cancelled: cancelled, lines: lines)
    }

    static var documents: [GSTDocument] {
        [
            // B2B inter-state (IGST Act s.7(1)): b2b, one itms row per rate (gst.md §A3.2), 10,000 × 18% and 2,000 × 5% IGST.
            doc(1, 5, party: "29AABCR1718E1ZL", .regular, pos: "29", [
                line("847160", "USB keyboard", "NOS", qty: "10", price: 1_000_00, rate: "18", pos: "29"),
                line("610910", "Cotton T-shirt", "PCS", qty: "40", price: 50_00, rate: "5", pos: "29"),
            ]),
            // Inter-state to an unregistered buyer above ₹1 lakh (rule 59(4) as amended by Notification 12/2024-CT): b2cl.
            doc(2, 7, party: nil, .unregistered, pos: "24", [line("847130", "Laptop", "NOS", qty: "2", price: 50_000_00, rate: "18", pos: "24")]),
            // Intra-state B2C (CGST Act s.9, SGST half each): b2cs INTRA.
            doc(3, 9, party: nil, .consumer, pos: "27", [line("847160", "USB keyboard", "NOS", qty: "10", price: 500_00, rate: "18", pos: "27")]),
            // Inter-state B2C at or below ₹1 lakh: b2cs INTER by place of supply.
            doc(4, 12, party: nil, .unregistered, pos: "24", [line("847160", "USB keyboard", "NOS", qty: "20", price: 500_00, rate: "18", pos: "24")]),
            // Export under LUT (IGST Act s.16(3)(a)): exp WOPAY, rate 0.
            doc(5, 15, party: nil, .overseas, pos: "96", supply: .exportWithoutPayment,
                [line("847130", "Laptop", "NOS", qty: "1", price: 20_000_00, rate: "18", pos: "96", supply: .exportWithoutPayment)]),
            // To an SEZ unit in our own state, with IGST (IGST Act s.7(5)(b), s.16(3)(b)): b2b SEWP.
            doc(6, 20, party: "27AAJCS5738D1Z6", .sez, pos: "27", supply: .sezWithPayment,
                [line("847160", "USB keyboard", "NOS", qty: "5", price: 1_000_00, rate: "18", pos: "27", supply: .sezWithPayment)]),
            // Nil-rated (Notification 2/2017-CT(R)): Table 8 nil INTRAB2C.
            doc(7, 22, party: nil, .consumer, pos: "27", [line("0401", "Milk", "LTR", qty: "50", price: 2_00, rate: "0", taxability: .nilRated, pos: "27")]),
            // Cancelled: only Table 13's cancel count.
            doc(8, 23, party: nil, .consumer, pos: "27", cancelled: true, [line("847160", "USB keyboard", "NOS", qty: "1", price: 500_00, rate: "18", pos: "27")]),
            // GTA under reverse charge (Notification 13/2017-CT(R)): b2b rchrg Y with the tax the recipient pays.
            doc(9, 28, party: "24AANFA2641L1ZF", .regular, pos: "24", rcm: true,
                [line("996511", "Road freight (GTA)", "NA", qty: nil, price: 10_000_00, rate: "5", pos: "24", rcm: true)]),
            // Credit note to a registered buyer (CGST Act s.34): cdnr, positive amounts, ntty C.
            doc(1, 25, party: "29AABCR1718E1ZL", .regular, pos: "29", kind: .creditNote,
                [line("847160", "USB keyboard", "NOS", qty: "1", price: 1_000_00, rate: "18", pos: "29")]),
            // Dated outside the period: must not appear.
            GSTDocument(id: "late", series: "INV", number: "INV/25-26/0011", date: CalendarDate("2025-09-01")!, partyName: "x", partyGSTIN: nil,
                        partyRegistration: .consumer, supplierState: "27", placeOfSupply: "27", value: 1_00, lines: []),
            // Aerated drink: 28% with 12% compensation cess (Notification 1/2017-Compensation Cess (Rate)), csamt unsplit.
            doc(10, 29, party: "24AUTPV8831F1ZZ", .regular, pos: "24", [
                line("220210", "Aerated drink", "BTL", qty: "100", price: 40_00, rate: "28", cess: "12", pos: "24"),
            ]),
            // A laptop returned against a B2CL invoice of an earlier year.
            {
                var note = doc(2, 26, party: nil, .unregistered, pos: "24", kind: .creditNote,
                               [line("847130", "Laptop", "NOS", qty: "1", price: 50_000_00, rate: "18", pos: "24")])
                note.original = .init(number: "INV/24-25/0450", date: CalendarDate("2025-03-15")!, wasB2CL: true)
                return note
            }(),
        ]
    }
}

func jsonObject(_ data: Data) throws -> NSDictionary {
    try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
}

/// A return against its hand-worked file in `Golden/`, section by section so a failure names the section.
func expectSectionsMatch(_ built: some Encodable, golden name: String) throws {
    let actual = try jsonObject(try JSONEncoder().encode(built))
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden")
        ?? Bundle.module.url(forResource: name, withExtension: "json"))
    let expected = try jsonObject(try Data(contentsOf: url))
    for key in Set(expected.allKeys.compactMap { $0 as? String }).union(actual.allKeys.compactMap { $0 as? String }) {
        #expect(actual[key] as? NSObject == expected[key] as? NSObject, "section \(key)")
    }
}

@Suite struct GSTR1Tests {
    @Test func a_month_of_every_kind_of_supply_matches_the_hand_worked_return() throws {
        let built = try GSTR1.build(filer: GoldenMonth.filer, period: ReturnPeriod("2025-08")!, documents: GoldenMonth.documents)
        try expectSectionsMatch(built, golden: "gstr1-2025-08")
    }

    @Test func b2cl_threshold_moves_on_1_august_2024_and_is_strict() throws {
        #expect(GSTR1.b2clThreshold(on: CalendarDate("2024-07-31")!) == 2_50_000_00)
        #expect(GSTR1.b2clThreshold(on: CalendarDate("2024-08-01")!) == 1_00_000_00)
        func invoice(_ date: String, _ value: Int64, ours: String = "27") -> GSTDocument {
            GSTDocument(id: "x", series: "INV", number: "1", date: CalendarDate(date)!, partyName: "x", partyGSTIN: nil, partyRegistration: .unregistered,
                        supplierState: ours, placeOfSupply: "24", value: value, lines: [])
        }
        #expect(!invoice("2024-07-31", 2_00_000_00).isB2CL)
        #expect(invoice("2024-08-01", 2_00_000_00).isB2CL)
        #expect(!invoice("2024-08-01", 1_00_000_00).isB2CL)  // equal is not above
        #expect(!invoice("2024-08-01", 2_00_000_00, ours: "24").isB2CL)  // intra-state is never B2CL
    }

    @Test func hsn_is_one_list_before_may_2025() throws {
        var docs = GoldenMonth.documents
        for i in docs.indices { docs[i].date = CalendarDate(year: 2025, month: 4, day: docs[i].date.day)! }
        let built = try GSTR1.build(filer: GoldenMonth.filer, period: ReturnPeriod("2025-04")!, documents: docs)
        #expect(built.hsn?.data?.isEmpty == false)
        #expect(built.hsn?.hsn_b2b == nil && built.hsn?.hsn_b2c == nil)
        #expect(built.fp == "042025")
    }

    /// QRMP quarters end in June, September, December and March and are named by that month; January–March crosses
    /// no year, October–December none either, and a month that ends no quarter has none.
    @Test func quarters_are_named_by_their_last_month() throws {
        let march = try #require(ReturnPeriod("2026-03")?.quarter)
        #expect(march.first == CalendarDate("2026-01-01") && march.last == CalendarDate("2026-03-31") && march.portal == "032026")
        #expect(march.monthsInPeriod.map(\.description) == ["2026-01", "2026-02", "2026-03"])
        #expect(march.contains(CalendarDate("2026-02-28")!) && !march.contains(CalendarDate("2025-12-31")!))
        #expect(ReturnPeriod("2026-05")?.quarter == nil)
        #expect(ReturnPeriod("2026-12")?.quarter?.first == CalendarDate("2026-10-01"))
    }

    @Test(arguments: ["2025-13", "2025-1", "25-08", "2016-12", "abcd-ef", "2025-08-01"])
    func bad_periods_are_refused(text: String) throws {
        #expect(ReturnPeriod(text) == nil)
    }
}

/// The golden month's purchases: one of each inward kind GSTR-3B separates.
enum GoldenPurchases {
    static func purchase(_ id: String, day: Int, from state: String, registration: Registration, gstin: String?, taxable: Int64, rate: String,
                         taxability: Taxability = .taxable, rcm: Bool = false) -> GSTDocument {
        let tax = try! TaxEngine.tax(taxable: taxable, taxability: taxability, rate: try! TaxRate(parsing: rate),
                                context: SupplyContext(supplierState: StateCode(state)!, placeOfSupply: "27", reverseCharge: rcm,
                                                       supplierIsComposition: registration == .composition))
        return GSTDocument(id: id, direction: .inward, series: "PUR", number: id, date: CalendarDate(year: 2025, month: 8, day: day)!, partyName: id,
                           partyGSTIN: gstin, partyRegistration: registration, supplierState: state, placeOfSupply: "27", reverseCharge: rcm,
                           value: tax.invoiceValue, lines: [.init(hsn: "8471", description: "x", uqc: "NOS", quantity: nil, tax: tax)])
    }

    static var documents: [GSTDocument] {
        [
            purchase("P1", day: 3, from: "29", registration: .regular, gstin: "29AABCR1718E1ZL", taxable: 40_000_00, rate: "18"),
            purchase("P2", day: 4, from: "27", registration: .unregistered, gstin: nil, taxable: 5_000_00, rate: "5", rcm: true),
            purchase("P3", day: 6, from: "27", registration: .composition, gstin: "36AASFP8573D2ZN", taxable: 3_000_00, rate: "18"),
            purchase("P4", day: 8, from: "24", registration: .regular, gstin: "24AANFA2641L1ZF", taxable: 2_000_00, rate: "0", taxability: .exempt),
            purchase("P5", day: 9, from: "27", registration: .unregistered, gstin: nil, taxable: 1_500_00, rate: "0", taxability: .nonGST),
        ]
    }
}

@Suite struct GSTR3BTests {
    @Test func the_golden_month_with_its_purchases_matches_the_hand_worked_3b() throws {
        let (built, sources) = try GSTR3B.build(filer: GoldenMonth.filer, period: ReturnPeriod("2025-08")!,
                                            documents: GoldenMonth.documents + GoldenPurchases.documents)
        let actual = try jsonObject(try JSONEncoder().encode(built))
        let url = try #require(Bundle.module.url(forResource: "gstr3b-2025-08", withExtension: "json", subdirectory: "Golden")
            ?? Bundle.module.url(forResource: "gstr3b-2025-08", withExtension: "json"))
        let expected = try jsonObject(try Data(contentsOf: url))
        for key in Set(expected.allKeys.compactMap { $0 as? String }).union(actual.allKeys.compactMap { $0 as? String }) {
            #expect(actual[key] as? NSObject == expected[key] as? NSObject, "table \(key)")
        }
        // Every figure names the documents behind it; the cancelled invoice is in none. The outward reverse-charge
        // invoice (INV9, ₹10,000 of GTA freight) is in 3.1(a) with its value and no tax: the recipient pays the tax, but
        // the supply is ours and belongs in our turnover (so 3B's outward value agrees with GSTR-1's).
        #expect(sources["sup_details.osup_det"] == ["CN1", "CN2", "INV1", "INV10", "INV2", "INV3", "INV4", "INV9"])
        #expect(sources["itc_elg.itc_avl.ISRC"] == ["P2"])
        #expect(!sources.values.joined().contains("INV8"))
    }

    @Test func gstr1_and_3b_tie_out_on_outward_tax() throws {
        let docs = GoldenMonth.documents
        let r1 = try GSTR1.build(filer: GoldenMonth.filer, period: ReturnPeriod("2025-08")!, documents: docs)
        let (r3, _) = try GSTR3B.build(filer: GoldenMonth.filer, period: ReturnPeriod("2025-08")!, documents: docs)
        // IGST: b2b (less the RCM invoice, which the recipient pays) + b2cl + b2cs − cdnr + exp = 3.1(a) + 3.1(b).
        let b2b = try (r1.b2b ?? []).flatMap(\.inv).filter { $0.rchrg == "N" }.flatMap(\.itms).reduce(Amount.zero) { try $0 + ($1.itm_det.iamt ?? 0) }
        let b2cl = try (r1.b2cl ?? []).flatMap(\.inv).flatMap(\.itms).reduce(Amount.zero) { try $0 + ($1.itm_det.iamt ?? 0) }
        let b2cs = try (r1.b2cs ?? []).reduce(Amount.zero) { try $0 + $1.iamt }
        let cdnr = try (r1.cdnr ?? []).flatMap(\.nt).flatMap(\.itms).reduce(Amount.zero) { try $0 + ($1.itm_det.iamt ?? 0) }
        let exp = try (r1.exp ?? []).flatMap(\.inv).flatMap(\.itms).reduce(Amount.zero) { try $0 + $1.iamt }
        let cdnur = try (r1.cdnur ?? []).flatMap(\.itms).reduce(Amount.zero) { try $0 + ($1.itm_det.iamt ?? 0) }
        #expect(cdnur == 9000)
        #expect(try b2b + b2cl + b2cs - cdnr - cdnur + exp == r3.sup_details.osup_det.iamt + r3.sup_details.osup_zero.iamt)
    }
}

@Suite struct GSTR1ValidationTests {
    @Test func the_golden_month_is_clean_and_broken_documents_are_named() throws {
        let period = ReturnPeriod("2025-08")!
        #expect(GSTR1.validate(filer: GoldenMonth.filer, period: period, documents: GoldenMonth.documents).isEmpty)
        var docs = GoldenMonth.documents
        docs[0].partyGSTIN = "29AABCR1718E1ZX"  // wrong check character
        docs[1].number = "INV 2025 26 0002 LONG"
        docs[2].lines[0].tax.sgst += 1
        docs[3].placeOfSupply = "00"
        docs[9].original = .init(number: "INV/25-26/0001", date: CalendarDate("2025-08-30")!, wasB2CL: false)
        let issues = GSTR1.validate(filer: GoldenMonth.filer, period: period, documents: docs, turnoverAbove5Crore: true)
        let byDoc = Dictionary(grouping: issues, by: \.documentId).mapValues { Set($0.map(\.field)) }
        #expect(byDoc["INV1"] == ["party"])
        #expect(byDoc["INV2"] == ["number"])
        #expect(byDoc["INV3"] == ["lines[0]"])
        #expect(byDoc["INV4"] == ["placeOfSupply"])
        #expect(byDoc["CN1"] == ["date"])
        // Above ₹5 crore the 4-digit milk HSN is too short.
        #expect(byDoc["INV7"] == ["lines[0].hsn"])
    }

    @Test(arguments: [("INV/25-26/0001", true), ("A", true), ("_INV1", false), ("INV 1", false), ("12345678901234567", false), ("inv-1", true)])
    func invoice_numbers(number: String, ok: Bool) {
        #expect((GSTR1.invoiceNumberProblem(number) == nil) == ok)
    }
}
