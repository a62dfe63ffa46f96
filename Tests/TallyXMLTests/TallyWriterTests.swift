import Foundation
import Ledger
import Testing
@testable import TallyXML

@Suite struct TallyWriterTests {
    /// Masters read from a file carry no ACTION; what we write says Create. Everything else must survive.
    func withoutAction(_ o: TallyObject) -> TallyObject {
        switch o {
        case var .group(g): g.header.action = nil; return .group(g)
        case var .ledger(l): l.header.action = nil; return .ledger(l)
        case var .stockItem(s): s.header.action = nil; return .stockItem(s)
        case var .unit(u): u.header.action = nil; return .unit(u)
        case var .master(m): m.header.action = nil; return .master(m)
        default: return o
        }
    }

    @Test func what_we_write_reads_back_the_same() throws {
        let (objects, _) = try decodeAll(TallyBytes(try golden("masters-and-vouchers.xml")))
        let written = TallyWriter.envelope(.allMasters, company: "Anand & Sons Traders", objects: objects.compactMap(\.node))
        #expect(written.contains("<SVCURRENTCOMPANY>Anand &amp; Sons Traders</SVCURRENTCOMPANY>"))
        #expect(written.contains("<PARENT>&#4; Primary</PARENT>"), "a top-level master's parent goes back as Tally's reserved value")
        #expect(written.contains("<GSTAPPLICABLE>&#4; Applicable</GSTAPPLICABLE>"))
        #expect(written.contains("NAME=\"Gupta &apos;Wholesale&apos; Supplies\""))
        let (again, summary) = try decodeAll(Trickle(bytes: TallyWriter.utf16LE(written), step: 777))
        #expect(summary.encoding == .utf16LE && summary.controlCharactersDropped == 0)
        let known = objects.filter { if case .other = $0 { false } else { true } }
        #expect(again.count == known.count)
        for (a, b) in zip(known, again) { #expect(withoutAction(a) == withoutAction(b), "\(a)") }
        // Writing is stable: the second generation writes the same text.
        #expect(TallyWriter.envelope(.allMasters, company: "Anand & Sons Traders", objects: again.compactMap(\.node)) == written)
    }

    @Test func a_voucher_we_build_is_written_in_tallys_shape() throws {
        var v = TallyVoucher(typeName: "Sales", date: CalendarDate("2025-04-15")!, number: "INV-000123")
        v.remoteID = "finsync-0b7e"
        v.partyLedger = "Sharma Traders"
        v.isInvoice = true
        v.ledgerList = "LEDGERENTRIES.LIST"
        var party = TallyLedgerEntry(ledger: "Sharma Traders", amount: -118_000, isPartyLedger: true)
        party.bills = [TallyBillAllocation(name: "INV-000123", type: "New Ref", amount: -118_000)]
        v.ledgerEntries = [party, TallyLedgerEntry(ledger: "Output CGST", amount: 9_000), TallyLedgerEntry(ledger: "Output SGST", amount: 9_000)]
        var line = TallyInventoryEntry(item: "Widget", inward: false, rate: TallyRate(paise: 10_000, unit: "Nos"), amount: 100_000,
                                       quantity: TallyQuantity(thousandths: 10_000, unit: "Nos"))
        line.batches = [TallyBatchAllocation(godown: "Main Location", batch: "B-42", amount: 100_000, actualQuantity: TallyQuantity(thousandths: 10_000, unit: "Nos"))]
        line.accountingAllocations = [TallyLedgerEntry(ledger: "Sales GST 18%", amount: 100_000)]
        v.inventoryEntries = [line]
        #expect(v.problems().isEmpty)
        let text = TallyWriter.envelope(.vouchers, company: nil, objects: [v.node])
        for fragment in ["<REPORTNAME>Vouchers</REPORTNAME>", "REMOTEID=\"finsync-0b7e\" VCHTYPE=\"Sales\" ACTION=\"Create\" OBJVIEW=\"Invoice Voucher View\"",
                         "<DATE>20250415</DATE>", "<ISDEEMEDPOSITIVE>Yes</ISDEEMEDPOSITIVE>", "<AMOUNT>-1180.00</AMOUNT>", "<ACTUALQTY> 10 Nos</ACTUALQTY>",
                         "<RATE>100.00/Nos</RATE>", "<BATCHNAME>B-42</BATCHNAME>", "<BILLTYPE>New Ref</BILLTYPE>"] {
            #expect(text.contains(fragment), "missing \(fragment)")
        }
        let (nodes, _) = try TallyReader.objects(text)
        #expect(try TallyVoucher(node: nodes[0]) == { var w = v; w.view = "Invoice Voucher View"; w.action = "Create"
            w.ledgerEntries = w.ledgerEntries.map { var e = $0; e.isDeemedPositive = e.amount < 0; return e }
            w.inventoryEntries[0].accountingAllocations[0].isDeemedPositive = false
            w.inventoryEntries[0].batches[0].destinationGodown = "Main Location"
            return w }())
    }
}
