import Ledger
import Testing

@Suite struct VoucherRulesTests {
    func line(_ name: String, _ role: LedgerRole, _ side: Side, _ paise: Int64) -> VoucherLine {
        VoucherLine(ledgerName: name, role: role, side: side, amount: Money(paise: paise))
    }

    @Test func balanced_sales_passes() {
        let lines = [line("Sharma", .party, .debit, 118_00), line("Sales", .sales, .credit, 100_00), line("GST", .tax, .credit, 18_00)]
        #expect(VoucherRules.check(kind: .sales, lines: lines).isEmpty)
    }

    @Test func unbalanced_and_single_entry_vouchers_fail() {
        let unbalanced = VoucherRules.check(kind: .journal, lines: [line("A", .other, .debit, 100), line("B", .other, .credit, 90)])
        #expect(unbalanced == [VoucherIssue("entries", "debits (1.00) and credits (0.90) differ by 0.10")])
        let single = VoucherRules.check(kind: .journal, lines: [line("A", .other, .debit, 100)])
        #expect(single.contains(VoucherIssue("entries", "a voucher needs at least two entries, got 1")))
    }

    @Test func per_type_rules() {
        let contra = VoucherRules.check(kind: .contra, lines: [line("Cash", .cash, .debit, 100), line("Rent", .other, .credit, 100)])
        #expect(contra.map(\.field) == ["entries[1].ledger"])
        #expect(VoucherRules.check(kind: .contra, lines: [line("Cash", .cash, .debit, 100), line("HDFC", .bank, .credit, 100)]).isEmpty)
        let receipt = VoucherRules.check(kind: .receipt, lines: [line("Sharma", .party, .debit, 100), line("Cash", .cash, .credit, 100)])
        #expect(receipt.map(\.message) == ["a receipt must debit a cash or bank ledger"])
        let payment = VoucherRules.check(kind: .payment, lines: [line("Rent", .other, .debit, 100), line("HDFC", .bank, .credit, 100)])
        #expect(payment.isEmpty)
        let journal = VoucherRules.check(kind: .journal, lines: [line("Rent", .other, .debit, 100), line("Cash", .cash, .credit, 100)])
        #expect(journal.map(\.field) == ["entries[1].ledger"])
        let purchase = VoucherRules.check(kind: .purchase, lines: [line("Rent", .other, .debit, 100), line("Supplier", .party, .credit, 100)])
        #expect(purchase.map(\.message) == ["a purchase voucher must debit a ledger under Purchase Accounts"])
    }

    @Test func numbering_follows_the_financial_year() {
        let fy = CalendarDate("2025-04-01")!
        #expect(VoucherNumbering.format(prefix: "INV", suffix: "", width: 4, fyStart: fy, sequence: 1) == "INV/2025-26/0001")
        #expect(VoucherNumbering.format(prefix: "", suffix: "-A", width: 2, fyStart: fy, sequence: 123) == "2025-26/123-A")
        #expect(VoucherNumbering.yearLabel(CalendarDate("2099-04-01")!) == "2099-00")
        #expect(CalendarDate("2026-03-31")!.financialYearStart(month: 4) == fy)
        #expect(CalendarDate("2026-01-15")!.financialYearStart(month: 1).description == "2026-01-01")
    }

    /// CGST Rule 46(b): at most 16 characters of letters, digits, - and /; the IRP's DocDtls.No pattern adds capitals
    /// only and no 0, / or - first.
    @Test func gst_document_numbers_follow_rule_46_and_the_irp_pattern() {
        #expect(GSTDocumentNumber.problem("INV/26-27/000001") == nil)
        #expect(GSTDocumentNumber.problem("INV/2026-27/10000")?.contains("17 characters") == true)
        #expect(GSTDocumentNumber.problem("inv/26-27/0001")?.contains("use capitals") == true)
        #expect(GSTDocumentNumber.problem("INV 1")?.contains("' '") == true)
        #expect(GSTDocumentNumber.problem("0001")?.contains("starts with '0'") == true)
        #expect(GSTDocumentNumber.problem("/A") != nil && GSTDocumentNumber.problem("-A") != nil)
        #expect(GSTDocumentNumber.problem("") == "is empty")
        #expect(GSTDocumentNumber.problem("INV_1")?.contains("'_'") == true)

        let fy = CalendarDate("2026-04-01")!
        #expect(VoucherNumbering.format(prefix: "INV", suffix: "", width: 4, fyStart: fy, sequence: 1, compactYear: true) == "INV/26-27/0001")
        // The short year leaves six digits to a three-letter prefix: a million invoices a year fit.
        #expect(VoucherNumbering.capacity(prefix: "INV", suffix: "", width: 4, fyStart: fy, compactYear: true) == 999_999)
        // The long year leaves four: the 10,000th invoice would break the rule.
        #expect(VoucherNumbering.capacity(prefix: "INV", suffix: "", width: 4, fyStart: fy, compactYear: false) == 9_999)
        #expect(VoucherNumbering.capacity(prefix: "ABCD", suffix: "", width: 4, fyStart: fy, compactYear: false) == 0)
        #expect(VoucherNumbering.capacity(prefix: "SALES", suffix: "", width: 4, fyStart: fy, compactYear: true) == 9_999)
        #expect(VoucherNumbering.capacity(prefix: "SALESHO", suffix: "", width: 4, fyStart: fy, compactYear: true) == 0)
    }

    @Test func balances_carry_their_side() throws {
        let b = try Balance(Money(paise: 500), .credit) + Balance(Money(paise: 200), .debit)
        #expect(b.side == .credit)
        #expect(b.amount == Money(paise: 300))
        #expect(Balance.zero.side == .debit)
    }

    @Test func default_chart_is_tallys() {
        #expect(DefaultChart.groups.count == 28)
        #expect(DefaultChart.groups.filter { $0.parent == nil }.count == 15)
        let names = Set(DefaultChart.groups.map(\.name))
        #expect(DefaultChart.groups.allSatisfy { $0.parent == nil || names.contains($0.parent!) })
        #expect(DefaultChart.groups.filter(\.isPartyGroup).map(\.name) == ["Sundry Debtors", "Sundry Creditors"])
        #expect(DefaultChart.groups.filter(\.affectsGrossProfit).count == 4)
        #expect(DefaultChart.ledgers.map(\.name) == ["Cash", "Profit & Loss A/c"])
    }
}
