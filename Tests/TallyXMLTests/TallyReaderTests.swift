import Foundation
import Ledger
import Testing
@testable import TallyXML

/// A source that hands out a fixed number of bytes per read: chunk boundaries fall inside `&#4;`, inside UTF-16
/// code units and surrogate pairs, inside tags.
struct Trickle: TallyByteSource {
    var bytes: [UInt8]
    var step: Int
    var offset = 0
    mutating func read(maxLength: Int) throws -> [UInt8] {
        let end = min(bytes.count, offset + min(step, maxLength))
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

func golden(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: "Golden/\(name)", withExtension: nil))
    return Array(try Data(contentsOf: url))
}

func decodeAll(_ source: some TallyByteSource) throws -> ([TallyObject], TallyReadSummary) {
    var objects: [TallyObject] = []
    let summary = try TallyReader.read(source) { objects.append(try TallyObject.decode($0)) }
    return (objects, summary)
}

@Suite struct TallyReaderTests {
    @Test func reads_every_object_of_a_utf8_export_with_control_characters() throws {
        let (objects, summary) = try decodeAll(TallyBytes(try golden("masters-and-vouchers.xml")))
        #expect(summary.objects == 22)
        #expect(summary.objectsByKind["LEDGER"] == 7 && summary.objectsByKind["VOUCHER"] == 4 && summary.objectsByKind["TDSRATE"] == 1)
        #expect(summary.envelope["SVCURRENTCOMPANY"] == "Anand & Sons Traders" && summary.envelope["REPORTNAME"] == "All Masters")
        // The two raw 0x05 bytes in the voucher class name are dropped; `&#4;` became the sentinel, not an error.
        #expect(summary.controlCharactersDropped == 2)
        #expect(objects.contains(.other("TDSRATE")))
        guard case let .master(type)? = objects.first(where: { if case let .master(m) = $0 { m.tag == "VOUCHERTYPE" } else { false } }) else {
            Issue.record("no voucher type"); return
        }
        #expect(type.header.parent == "Sales" && type.detail == "Automatic" && type.isActive == true)
        #expect(type.extras.first?.child("CLASSNAME")?.text == "DefaultVoucherClass")
    }

    @Test func utf16_either_way_and_any_chunking_read_the_same() throws {
        let utf8 = try golden("masters-and-vouchers.xml")
        let text = String(decoding: utf8, as: UTF8.self)
        let (expected, _) = try decodeAll(TallyBytes(utf8))
        let le = TallyWriter.utf16LE(text)
        var be: [UInt8] = []
        for u in text.utf16 { be.append(UInt8(u >> 8)); be.append(UInt8(u & 0xFF)) }  // no BOM: found by its NULs
        for (bytes, encoding) in [(le, TallyEncoding.utf16LE), (be, .utf16BE), (utf8, .utf8)] {
            for step in [1, 3, 4096] {
                let (objects, summary) = try decodeAll(Trickle(bytes: bytes, step: step))
                #expect(summary.encoding == encoding)
                #expect(objects == expected, "\(encoding) in chunks of \(step)")
            }
        }
        // Characters outside the BMP survive a UTF-16 surrogate pair split across reads.
        let emoji = "<ENVELOPE><BODY><DATA><TALLYMESSAGE><LEDGER NAME=\"Cafe \u{1F375}\"><PARENT>Sundry Debtors</PARENT></LEDGER></TALLYMESSAGE></DATA></BODY></ENVELOPE>"
        let (one, _) = try decodeAll(Trickle(bytes: TallyWriter.utf16LE(emoji), step: 1))
        #expect(one == [.ledger({ var l = TallyLedger(header: .init(name: "Cafe \u{1F375}", parent: "Sundry Debtors")); l.header.action = nil; return l }())])
    }

    @Test func masters_decode_with_tallys_conventions() throws {
        let (objects, _) = try decodeAll(TallyBytes(try golden("masters-and-vouchers.xml")))
        let ledgers = objects.compactMap { if case let .ledger(l) = $0 { l } else { nil } }
        let sharma = try #require(ledgers.first { $0.header.name == "Sharma Traders" })
        #expect(sharma.openingBalance == -1_500_000 && sharma.isBillWise == true && sharma.creditPeriodDays == 30)
        #expect(sharma.gstin == "29ABCDE1234F1ZW" && sharma.state == "Karnataka" && sharma.pincode == "560001")
        #expect(sharma.address == ["12 MG Road", "Bengaluru"] && sharma.mobile == "9800000001")
        #expect(sharma.openingBills == [TallyOpeningBill(name: "OLD-7", date: CalendarDateText(CalendarDate("2025-03-10")!), creditPeriodDays: 30,
                                                         amount: -1_500_000, isAdvance: false)])
        #expect(sharma.extras.map(\.name) == ["UDF:CUSTOMERCODE.LIST"])
        // Pre-3.0 flat fields; an apostrophe in the name.
        let gupta = try #require(ledgers.first { $0.header.name == "Gupta 'Wholesale' Supplies" })
        #expect(gupta.gstin == "27ABCDE1234F1Z0" && gupta.state == "Maharashtra" && gupta.address == ["4 Market Yard"] && gupta.openingBalance == 820_050)
        let sales = try #require(ledgers.first { $0.header.name == "Sales GST 18%" })
        #expect(sales.extras.first?.text == TallyScalar.sentinel + " Applicable")

        let groups = objects.compactMap { if case let .group(g) = $0 { g } else { nil } }
        #expect(groups.map(\.header.name) == ["Sundry Debtors", "North Debtors"])
        #expect(groups[0].header.reservedName == "Sundry Debtors" && groups[0].isDeemedPositive == true && groups[0].isRevenue == false)
        #expect(groups[1].header.aliases == ["ND"] && groups[1].header.parent == "Sundry Debtors" && groups[1].header.alterID == 31)

        let masters = objects.compactMap { if case let .master(m) = $0 { m } else { nil } }
        // `<PARENT/>` and `␄ Primary` both mean the top.
        #expect(masters.first { $0.header.name == "Back Store" }?.header.parent == nil)
        #expect(masters.first { $0.header.name == "Hardware" }?.header.parent == nil)
        #expect(masters.first { $0.tag == "CURRENCY" }?.header.name == "₹")
        #expect(masters.first { $0.tag == "COSTCENTRE" }?.detail == "Primary Cost Category")

        let units = objects.compactMap { if case let .unit(u) = $0 { u } else { nil } }
        #expect(units.map(\.header.name) == ["Nos", "Box of 12 Nos"])
        #expect(units[0].uqc == "NOS" && units[0].isSimple && units[0].decimalPlaces == 0)
        #expect(!units[1].isSimple && units[1].baseUnit == "Box" && units[1].additionalUnit == "Nos" && units[1].conversion == 12_000)

        let widget = try #require(objects.compactMap { if case let .stockItem(s) = $0 { s } else { nil } }.first)
        #expect(widget.header.parent == "Hardware" && widget.baseUnit == "Nos" && widget.isBatchWise == true && widget.isPerishable == true)
        #expect(widget.openingQuantity == TallyQuantity(thousandths: 50_000, unit: "Nos") && widget.openingRate == TallyRate(paise: 6_000, unit: "Nos"))
        #expect(widget.openingValue == -300_000 && widget.hsn == "84719000" && widget.gstRateBasisPoints == 1_800 && widget.taxability == "Taxable")
        #expect(widget.openingBatches.map { [$0.godown ?? "", $0.batch ?? "", $0.quantity?.text ?? "", $0.expiresOn?.description ?? ""] }
                == [["Main Location", "W-01", " 30 Nos", "2026-04-01"], ["Back Store", "W-02", " 20 Nos", "2026-09-30"]])
        #expect(widget.openingBatches[0].manufacturedOn?.description == "2025-03-01")
    }

    @Test func vouchers_decode_with_the_sign_convention_and_balance() throws {
        let (objects, _) = try decodeAll(TallyBytes(try golden("masters-and-vouchers.xml")))
        let vouchers = objects.compactMap { if case let .voucher(v) = $0 { v } else { nil } }
        #expect(vouchers.map(\.typeName) == ["GST Sale Invoice", "Receipt", "Payment", "Journal"])
        let sale = vouchers[0]
        #expect(sale.date.description == "2025-04-15" && sale.number == "INV-0001" && sale.partyLedger == "Sharma Traders" && sale.isInvoice == true)
        #expect(sale.remoteID == sale.guid && sale.masterID == 257 && sale.alterID == 1 && sale.view == "Invoice Voucher View")
        #expect(sale.ledgerList == "LEDGERENTRIES.LIST" && sale.ledgerEntries.map(\.amount) == [-118_000, 9_000, 9_000])
        // Only with the inventory line's accounting allocation do the postings balance.
        #expect(sale.postings.map(\.ledger) == ["Sharma Traders", "Output CGST", "Output SGST", "Sales GST 18%"])
        #expect(sale.postings.reduce(0) { $0 + $1.amount } == 0 && sale.problems().isEmpty)
        let line = try #require(sale.inventoryEntries.first)
        #expect(line.item == "Widget" && !line.isInward && line.actualQuantity?.thousandths == 10_000 && line.rate?.paise == 10_000 && line.amount == 100_000)
        #expect(line.batches.map { [$0.godown ?? "", $0.batch ?? ""] } == [["Main Location", "W-01"]] && line.batches[0].orderNumber == nil)
        #expect(line.accountingAllocations[0].costCentres == [TallyCostAllocation(category: "Primary Cost Category", centre: "Showroom", amount: 100_000)])
        #expect(sale.ledgerEntries[0].bills == [TallyBillAllocation(name: "INV-0001", type: "New Ref", amount: -118_000, creditPeriodDays: 30)])
        #expect(sale.ledgerEntries[0].extras.isEmpty, "the empty BANKALLOCATIONS.LIST is nothing")

        let receipt = vouchers[1]
        #expect(receipt.narration == "Cheque 000123 <cleared>" && receipt.ledgerEntries[0].bills.map(\.amount) == [1_500_000, 118_000])
        #expect(receipt.problems().isEmpty)
        #expect(vouchers[2].isCancelled && !vouchers[2].isOptional && vouchers[3].isOptional)
    }

    @Test func what_is_wrong_with_a_voucher_is_named_by_field() throws {
        func voucher(_ body: String) throws -> TallyVoucher {
            let (nodes, _) = try TallyReader.objects("<ENVELOPE><BODY><DATA><TALLYMESSAGE><VOUCHER VCHTYPE=\"Journal\">\(body)</VOUCHER></TALLYMESSAGE></DATA></BODY></ENVELOPE>")
            return try TallyVoucher(node: nodes[0])
        }
        let entries = "<ALLLEDGERENTRIES.LIST><LEDGERNAME>A</LEDGERNAME><AMOUNT>-100.00</AMOUNT></ALLLEDGERENTRIES.LIST>"
        let unbalanced = try voucher("<DATE>20250401</DATE>" + entries + "<ALLLEDGERENTRIES.LIST><LEDGERNAME>B</LEDGERNAME><AMOUNT>99.00</AMOUNT></ALLLEDGERENTRIES.LIST>")
        #expect(unbalanced.problems().map(\.description) == ["AMOUNT: debits 100.00 and credits 99.00 differ by 1.00"])
        // Cancelled vouchers have no effect and are not checked.
        var cancelled = unbalanced
        cancelled.isCancelled = true
        #expect(cancelled.problems().isEmpty)
        #expect(throws: TallyFieldError("DATE", "'20250231' is not a date as YYYYMMDD from 19000101 to 21991231")) { try voucher("<DATE>20250231</DATE>" + entries) }
        #expect(throws: TallyFieldError("DATE", "is missing")) { try voucher(entries) }
        #expect(throws: TallyFieldError("ALLLEDGERENTRIES.LIST[1].AMOUNT", "'1,00.0.0' is not an amount (signed, at most two decimals, at most ₹10,00,00,00,00,000.00)")) {
            try voucher("<DATE>20250401</DATE>" + entries + "<ALLLEDGERENTRIES.LIST><LEDGERNAME>B</LEDGERNAME><AMOUNT>1,00.0.0</AMOUNT></ALLLEDGERENTRIES.LIST>")
        }
        // A 19-digit amount and dates past the accepted range are refused by field, never trapped on.
        #expect(throws: TallyFieldError("ALLLEDGERENTRIES.LIST[1].AMOUNT", "'-1234567890123456789' is not an amount (signed, at most two decimals, at most ₹10,00,00,00,00,000.00)")) {
            try voucher("<DATE>20250401</DATE>" + entries + "<ALLLEDGERENTRIES.LIST><LEDGERNAME>B</LEDGERNAME><AMOUNT>-1234567890123456789</AMOUNT></ALLLEDGERENTRIES.LIST>")
        }
        for far in ["99991231", "00010101", "22000101"] {
            #expect(throws: TallyFieldError("DATE", "'\(far)' is not a date as YYYYMMDD from 19000101 to 21991231")) { try voucher("<DATE>\(far)</DATE>" + entries) }
        }
        let bills = try voucher("<DATE>20250401</DATE><ALLLEDGERENTRIES.LIST><LEDGERNAME>A</LEDGERNAME><AMOUNT>-100.00</AMOUNT><BILLALLOCATIONS.LIST><NAME>X</NAME><BILLTYPE>New Ref</BILLTYPE><AMOUNT>-90.00</AMOUNT></BILLALLOCATIONS.LIST></ALLLEDGERENTRIES.LIST><ALLLEDGERENTRIES.LIST><LEDGERNAME>B</LEDGERNAME><AMOUNT>100.00</AMOUNT></ALLLEDGERENTRIES.LIST>")
        #expect(bills.problems().map(\.path) == ["ALLLEDGERENTRIES.LIST[0].BILLALLOCATIONS.LIST"])
    }

    @Test func bad_files_are_refused_with_a_reason() throws {
        func refusal(_ text: String) -> TallyReadError? {
            if case let .failure(e) = Result(catching: { try TallyReader.read(TallyBytes(text)) { _ in } }) { return e as? TallyReadError }
            return nil
        }
        #expect(refusal("") == .empty)
        #expect(refusal("  \r\n ") == .empty)
        if case .notXML? = refusal("this is not xml at all") {} else { Issue.record("plain text: \(String(describing: refusal("this is not xml at all")))") }
        if case .notXML? = refusal("<ENVELOPE><BODY></ENVELOPE>") {} else { Issue.record("mismatched tags: \(String(describing: refusal("<ENVELOPE><BODY></ENVELOPE>")))") }
        #expect(refusal("<DATA><X/></DATA>") == .wrongRoot("DATA"))
        let full = String(decoding: (try? golden("masters-and-vouchers.xml")) ?? [], as: UTF8.self)
        let cut = String(full.prefix(full.count / 2))
        let truncated = refusal(cut)
        if case .truncated? = truncated {} else if case .notXML? = truncated {} else { Issue.record("truncated: \(String(describing: truncated))") }
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <ENVELOPE><BODY>&lol2;</BODY></ENVELOPE>
            """
        #expect(refusal(laughs) == .declarationRefused("DOCTYPE", line: 2))
        let external = "<!DOCTYPE ENVELOPE [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]><ENVELOPE>&secret;</ENVELOPE>"
        #expect(refusal(external) == .declarationRefused("DOCTYPE", line: 1))
        // A declaration naming UTF-16 after we transcoded is removed, not fatal.
        let declared = TallyWriter.utf16LE("<?xml version=\"1.0\" encoding=\"utf-16\"?><ENVELOPE><BODY><DATA><TALLYMESSAGE><GODOWN NAME=\"A\"/></TALLYMESSAGE></DATA></BODY></ENVELOPE>")
        #expect(try TallyReader.read(TallyBytes(declared)) { _ in }.objects == 1)
        // One object bigger than the limit stops the read (memory stays bounded by the largest object).
        #expect(throws: TallyReadError.objectTooLarge("LEDGER", elements: 10)) { try TallyReader.read(TallyBytes(full), maxObjectElements: 10) { _ in } }
        // A handler's error stops the read and comes out as it was thrown.
        struct Stop: Error, Equatable {}
        #expect(throws: Stop()) { try TallyReader.read(TallyBytes(full)) { _ in throw Stop() } }
    }

    /// The guard judges what the parser will see: control bytes are dropped first, so they cannot hide a DTD.
    @Test func no_dtd_entity_or_instruction_gets_past_the_guard() throws {
        func refusal(_ bytes: [UInt8]) -> TallyReadError? {
            if case let .failure(e) = Result(catching: { try TallyReader.read(TallyBytes(bytes)) { _ in } }) { return e as? TallyReadError }
            return nil
        }
        func refusal(_ text: String) -> TallyReadError? { refusal(Array(text.utf8)) }
        func utf16BE(_ text: String) -> [UInt8] { [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
        let body = "<ENVELOPE><BODY>&a;</BODY></ENVELOPE>"
        let refusedDOCTYPE: [String] = [
            "<!DOC\u{01}TYPE e [<!ENTITY a \"b\">]>" + body,
            "<!\u{01}DOCTYPE e [<!ENTITY a \"b\">]>" + body,
            "<!DOCTYPE\u{1F}\u{7} e [<!ENTITY a \"b\">]>" + body,
            "\u{0B}\u{0C}  \r\n<\u{02}!DOCTYPE e [<!ENTITY a \"b\">]>" + body,
            "<?xml version=\"1.0\"?>\n\n<!DOCTYPE e SYSTEM \"http://169.254.169.254/\">" + body,
            "<!-- a comment -\u{01}->\n<!DOCTYPE e [<!ENTITY a \"b\">]>" + body,
            "<!DOCTYPE",
        ]
        for text in refusedDOCTYPE {
            guard case .declarationRefused("DOCTYPE", _)? = refusal(text) else { Issue.record("not refused as DOCTYPE: \(text.debugDescription) → \(String(describing: refusal(text)))"); continue }
        }
        #expect(refusal("<ENVELOPE>\n<!ENT\u{01}ITY a \"b\"><BODY/></ENVELOPE>") == .declarationRefused("ENTITY", line: 2))
        #expect(refusal("<!doctype e>" + body) == .declarationRefused("doctype", line: 1))
        for sneaky in ["<! DOCTYPE e>", "<!\tENTITY a \"b\">", "<!&#68;OCTYPE e>", "<!-x->", "<![CDAT>"] {
            guard case .declarationRefused("a markup declaration <!", _)? = refusal(sneaky + body) else { Issue.record("not refused: \(sneaky.debugDescription)"); continue }
        }
        for instruction in ["<?xml-stylesheet href=\"x\"?>", "<?php echo 1 ?>", "<?xmlfoo?>"] {
            guard case let .declarationRefused(what, _)? = refusal(instruction + body), what.hasPrefix("a processing instruction <?") else {
                Issue.record("not refused: \(instruction)"); continue
            }
        }
        // UTF-16 either way round: transcoded first, then judged.
        let laughs = "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<!DOCTYPE l [<!ENTITY l \"lol\"><!ENTITY l2 \"&l;&l;&l;&l;&l;&l;&l;&l;\"><!ENTITY l3 \"&l2;&l2;&l2;&l2;&l2;&l2;&l2;\">]>\n<ENVELOPE><BODY>&l3;</BODY></ENVELOPE>"
        #expect(refusal(TallyWriter.utf16LE(laughs)) == .declarationRefused("DOCTYPE", line: 2))
        #expect(refusal(utf16BE(laughs)) == .declarationRefused("DOCTYPE", line: 2))
        #expect(refusal(TallyWriter.utf16LE("<!DOC\u{01}TYPE e>" + body)) == .declarationRefused("DOCTYPE", line: 1))
        // Comments and CDATA are what Tally may write, and a DTD inside them is only text.
        let ok = "<!-- <!DOCTYPE e> --><ENVELOPE><BODY><DATA><TALLYMESSAGE><GODOWN NAME=\"A\"><NARRATION><![CDATA[<!ENTITY x \"y\"> & <?pi?>]]></NARRATION></GODOWN></TALLYMESSAGE></DATA></BODY></ENVELOPE>"
        var narration = ""
        let summary = try TallyReader.read(TallyBytes(ok)) { node in narration = node.children.first { $0.name == "NARRATION" }?.text ?? "" }
        #expect(summary.objects == 1)
        #expect(narration == "<!ENTITY x \"y\"> & <?pi?>")
    }

    @Test func import_responses_in_both_forms() throws {
        let legacy = Array("<RESPONSE><CREATED>1</CREATED><ALTERED>0</ALTERED><DELETED>0</DELETED><LASTVCHID>11544</LASTVCHID><LASTMID>0</LASTMID><COMBINED>0</COMBINED><IGNORED>0</IGNORED><ERRORS>0</ERRORS><CANCELLED>0</CANCELLED><EXCEPTIONS>0</EXCEPTIONS></RESPONSE>".utf8)
        let ok = try TallyImportResponse.parse(legacy)
        #expect(ok.created == 1 && ok.lastVoucherID == 11544 && ok.succeeded)
        // A LINEERROR with every counter at zero is a failure (reference §3.3).
        let failed = try TallyImportResponse.parse(TallyWriter.utf16LE("<ENVELOPE><HEADER><VERSION>1</VERSION><STATUS>1</STATUS></HEADER><BODY><DATA><LINEERROR>Ledger &apos;Sales X&apos; does not exist!</LINEERROR><IMPORTRESULT><CREATED>0</CREATED><ALTERED>0</ALTERED><ERRORS>0</ERRORS></IMPORTRESULT></DATA></BODY></ENVELOPE>"))
        #expect(!failed.succeeded && failed.lineErrors == ["Ledger 'Sales X' does not exist!"] && failed.created == 0)
    }

    @Test func scalars() throws {
        #expect(try TallyScalar.amount(" -48091.00") == -4_809_100)
        #expect(try TallyScalar.amount("1200.00 Dr") == -120_000 && (try TallyScalar.amount("-1200.00 Cr")) == 120_000)
        #expect(try TallyScalar.amount("-$8500.00 @ ₹ 83/$ = -₹ 705500.00") == -70_550_000)
        #expect(throws: TallyScalar.Problem.amount("12.345")) { try TallyScalar.amount("12.345") }
        #expect(try TallyScalar.quantity(" 670 Pair") == (670_000, "Pair"))
        #expect(try TallyScalar.quantity(" 5000 UG =  5 MG") == (5_000_000, "UG"))
        #expect(try TallyScalar.quantity(" 2.5000 Kg") == (2_500, "Kg"))
        #expect(throws: TallyScalar.Problem.quantity(" 1.2345 Kg")) { try TallyScalar.quantity(" 1.2345 Kg") }
        #expect(try TallyScalar.rate("57.00/Pair") == (5_700, "Pair"))
        #expect(try TallyScalar.date("20240229").description == "2024-02-29")
        #expect(throws: TallyScalar.Problem.date("20230229")) { try TallyScalar.date("20230229") }
        #expect(TallyScalar.julianDay(45723).description == "2025-03-08")
        #expect(TallyScalar.formatQuantity(-2_500, unit: "Kg") == " -2.5 Kg")
        #expect(TallyWriter.escape("Ram & Shyam's <\u{2404} Primary>", attribute: true) == "Ram &amp; Shyam&apos;s &lt;&#4; Primary&gt;")
    }

    @Test func a_filter_hands_over_only_the_objects_a_pass_wants_and_still_counts_all() throws {
        let bytes = try golden("masters-and-vouchers.xml")
        var vouchers: [String] = []
        let only = try TallyReader.read(Trickle(bytes: bytes, step: 4096), filter: .only(["VOUCHER"])) { vouchers.append($0.name) }
        #expect(vouchers == ["VOUCHER", "VOUCHER", "VOUCHER", "VOUCHER"])
        #expect(only.objects == 22 && only.objectsByKind["LEDGER"] == 7, "skipped objects are counted")
        var masters: [String] = []
        let except = try TallyReader.read(TallyBytes(bytes), filter: .except(["VOUCHER"])) { masters.append($0.name) }
        #expect(masters.count == 18 && !masters.contains("VOUCHER") && except.objects == 22)
        // A skipped object that is cut short is still a truncated file.
        let cut = Array(bytes[..<(bytes.count - 400)])
        #expect(throws: TallyReadError.self) { try TallyReader.read(TallyBytes(cut), filter: .only(["LEDGER"])) { _ in } }
    }

    @Test func order_lines_keep_their_due_date_through_write_and_read() throws {
        let file = String(decoding: try golden("inventory-vouchers.xml"), as: UTF8.self)
        let (nodes, _) = try TallyReader.objects(file)
        let order = try TallyVoucher(node: try #require(nodes.first { $0.name == "VOUCHER" }))
        #expect(order.inventoryEntries.first?.batches.first?.orderDueDate?.description == "2025-05-15")
        #expect(order.inventoryEntries.first?.batches.first?.orderNumber == "SO-1")
        let (again, _) = try TallyReader.objects(TallyWriter.envelope(.vouchers, company: nil, objects: [order.node]))
        #expect(try TallyVoucher(node: try #require(again.first)) == order)
    }
}

@Suite struct TallyReaderLimitTests {
    static func envelope(_ body: String) -> String {
        "<ENVELOPE><BODY><DATA><TALLYMESSAGE>\(body)</TALLYMESSAGE></DATA></BODY></ENVELOPE>"
    }

    @Test func a_text_node_an_attribute_and_nesting_are_capped_with_a_clear_error() {
        let long = String(repeating: "x", count: TallyReader.maxTextBytes + 1)
        #expect(throws: TallyReadError.textTooLong("NARRATION", bytes: TallyReader.maxTextBytes)) {
            try TallyReader.objects(Self.envelope("<VOUCHER><NARRATION>\(long)</NARRATION></VOUCHER>"))
        }
        let attribute = String(repeating: "a", count: TallyReader.maxAttributeBytes + 1)
        #expect(throws: TallyReadError.attributeTooLong("VOUCHER", bytes: TallyReader.maxAttributeBytes)) {
            try TallyReader.objects(Self.envelope("<VOUCHER REMOTEID=\"\(attribute)\"></VOUCHER>"))
        }
        let deep = String(repeating: "<A>", count: 70) + String(repeating: "</A>", count: 70)
        #expect(throws: TallyReadError.self) { try TallyReader.objects(Self.envelope("<VOUCHER>\(deep)</VOUCHER>")) }
        // Just inside every limit reads.
        let fits = String(repeating: "x", count: TallyReader.maxTextBytes)
        #expect((try? TallyReader.objects(Self.envelope("<VOUCHER><NARRATION>\(fits)</NARRATION></VOUCHER>")))?.0.count == 1)
    }

    @Test func line_errors_past_the_limit_are_counted_not_kept() throws {
        let errors = String(repeating: "<LINEERROR>bad</LINEERROR>", count: TallyReader.maxLineErrors + 500)
        let (_, summary) = try TallyReader.objects("<RESPONSE>\(errors)</RESPONSE>")
        #expect(summary.lineErrors.count == TallyReader.maxLineErrors)
        #expect(summary.lineErrorsNotKept == 500)
    }
}
