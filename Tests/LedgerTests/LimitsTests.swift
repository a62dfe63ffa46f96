import Ledger
import Testing

/// Nothing a request, file or row holds may trap the process: limits are checked, sums throw, dates stop at their ends.
@Suite struct LimitsTests {
    @Test func money_sums_throw_past_int64_instead_of_trapping() throws {
        let big = Money(paise: .max - 1)
        #expect(throws: AmountOverflow.self) { try big + Money(paise: 2) }
        #expect(throws: AmountOverflow.self) { try Money(paise: .min) - Money(paise: 1) }
        #expect(try Money(paise: 5) + Money(paise: 7) == Money(paise: 12))
        #expect(throws: AmountOverflow.self) { try Balance(signed: .max) + Balance(signed: 1) }
    }

    @Test func checked_products_are_exact_in_128_bits_and_throw_only_when_the_result_does_not_fit() throws {
        // 999,999,999,999.999 units at ₹1 crore: the product of the raw figures and the result both pass Int64.
        #expect(throws: AmountOverflow.self) { try Checked.multiplyDivide(999_999_999_999_999, 1_000_000_000, by: 1_000) }
        // 999,999,999,999.999 units at ₹10,000: the raw product passes Int64, the result (10¹⁸ paise) does not.
        #expect(try Checked.multiplyDivide(999_999_999_999_999, 1_000_000, by: 1_000) == 999_999_999_999_999_000)
        #expect(try Checked.multiplyDivide(2_500, 1_999, by: 1_000) == 4_998)  // 2.5 × ₹19.99 = 49.975 → 49.98
        #expect(try Checked.multiplyDivide(-2_500, 1_999, by: 1_000) == -4_998)
        #expect(try Checked.multiplyDivide(Int64.max, 1_000, by: 1_000) == .max)
        #expect(throws: AmountOverflow.self) { try Checked.multiplyDivide(1, 1, by: 0) }
        #expect(throws: AmountOverflow.self) { try Checked.sum([Int64.max, 1]) }
    }

    @Test func a_voucher_whose_lines_each_pass_but_whose_total_overflows_is_refused_by_field() {
        let line = { (side: Side) in VoucherLine(ledgerName: "A", role: .other, side: side, amount: Money.limit) }
        // Ten debits at the limit: each is allowed, the total (10¹⁶ paise) is not.
        let lines = Array(repeating: line(.debit), count: 10) + Array(repeating: line(.credit), count: 10)
        let issues = VoucherRules.check(kind: .journal, lines: lines)
        #expect(issues.contains { $0.field == "entries" && $0.message.contains("limit") })
        // Lines beyond the limit (built in code, never parsed) are named one by one and nothing traps.
        let huge = [VoucherLine(ledgerName: "A", role: .other, side: .debit, amount: Money(paise: .max)),
                    VoucherLine(ledgerName: "B", role: .other, side: .debit, amount: Money(paise: .max)),
                    VoucherLine(ledgerName: "C", role: .other, side: .credit, amount: Money(paise: 1))]
        let hugeIssues = VoucherRules.check(kind: .journal, lines: huge)
        #expect(hugeIssues.contains { $0.field == "entries[0]" })
        #expect(hugeIssues.contains { $0.field == "entries" })
    }

    @Test(arguments: ["0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01", "2025-02-30", "2025-00-10", "", "2025-1-1", "２０２５-01-01",
                      "99999-01-01", "-001-01-01"])
    func dates_outside_1900_to_2199_or_not_on_the_calendar_are_refused(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test func the_ends_of_the_accepted_range_parse_and_arithmetic_on_any_date_stops_at_the_ends_of_the_type() throws {
        let first = try #require(CalendarDate("1900-01-01")), last = try #require(CalendarDate("2199-12-31"))
        #expect(first == CalendarDate.earliest && last == CalendarDate.latest)
        // The financial year of 1 January 1900 starts in 1899: representable, no trap.
        #expect(first.financialYearStart.description == "1899-04-01")
        #expect(last.adding(days: Int.max).description == "9999-12-31")
        #expect(first.adding(days: Int.min).description == "0001-01-01")
        #expect(last.adding(years: Int.max).year == 9999)
        #expect(first.adding(years: Int.min).year == 1)
        let end = try #require(CalendarDate(year: 9999, month: 12, day: 31))
        #expect(end.nextDay == end)
        #expect(CalendarDate(dayNumber: .max) == end)
        #expect(first.financialYearStart(month: 13).month == 4)
        #expect(CalendarDate(accepting: 2200, 1, 1) == nil && CalendarDate(accepting: 2199, 12, 31) == last)
    }
}
