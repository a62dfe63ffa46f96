@testable import App
import Ledger
import Testing

@Suite struct FormatTests {
    @Test func rupees_use_indian_grouping() {
        #expect(Format.rupees(Money(paise: 12_345_678_00)) == "₹1,23,45,678.00")
        #expect(Format.rupees(Money(paise: -1_50)) == "-₹1.50")
        #expect(Format.rupees(.zero) == "₹0.00")
    }

    @Test func dates_read_day_first() {
        #expect(Format.date(CalendarDate("2026-04-01")!) == "01-04-2026")
    }

    @Test func audit_times_are_shown_in_ist_across_midnight_and_year_end() {
        #expect(Format.timestamp("2026-11-25T02:00:00.000Z") == "25-11-2026 07:30:00 IST")
        #expect(Format.timestamp("2026-11-25T20:15:09.123Z") == "26-11-2026 01:45:09 IST")
        #expect(Format.timestamp("2026-12-31T18:30:00.000Z") == "01-01-2027 00:00:00 IST")
        #expect(Format.timestamp("garbage") == "garbage")
    }

    @Test func escaping_covers_markup_and_quotes() {
        #expect(HTMLText.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTMLText.escape("plain text") == "plain text")
    }
}
