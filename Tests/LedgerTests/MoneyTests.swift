import Ledger
import Testing

@Suite struct MoneyTests {
    @Test(arguments: [
        ("1180.00", Int64(118_000)), ("1180", 118_000), ("0.5", 50), ("-12.05", -1_205), ("0", 0),
        ("10000000000000.00", Money.limit.paise), ("-10000000000000", -Money.limit.paise),
    ])
    func parses_decimal_strings(text: String, paise: Int64) throws {
        #expect(try Money(parsing: text).paise == paise)
    }

    @Test(arguments: [
        ("", Money.ParseError.empty), ("1,180.00", .notANumber), ("1.005", .tooManyDecimals), ("abc", .notANumber),
        ("1.", .notANumber), (".5", .notANumber), ("1e3", .notANumber), ("92233720368547758.08", .outOfRange),
        ("92233720368547758.07", .outOfRange), ("10000000000000.01", .outOfRange), ("-10000000000000.01", .outOfRange),
        ("9223372036854775807", .outOfRange), ("123456789012345678901234567890", .outOfRange),
        ("--1", .notANumber),
    ])
    func rejects_malformed_amounts(text: String, error: Money.ParseError) {
        #expect(throws: error) { try Money(parsing: text) }
    }

    @Test func formats_plain_and_indian_grouping() {
        #expect(Money(paise: 12_345_678_00).indianGrouped == "1,23,45,678.00")
        #expect(Money(paise: 100_000).indianGrouped == "1,000.00")
        #expect(Money(paise: 99_999).indianGrouped == "999.99")
        #expect(Money(paise: -10_000_000_05).indianGrouped == "-1,00,00,000.05")
        #expect(Money(paise: 118_000).description == "1180.00")
        #expect(Money(paise: -5).description == "-0.05")
    }
}

@Suite struct CalendarDateTests {
    @Test func parses_only_real_dates() {
        #expect(CalendarDate("2024-02-29")?.description == "2024-02-29")
        #expect(CalendarDate("2025-02-29") == nil)
        #expect(CalendarDate("2026-13-01") == nil)
        #expect(CalendarDate("26-04-01") == nil)
        #expect(CalendarDate("2026-4-1") == nil)
    }

    @Test func next_day_and_years_roll_over() {
        #expect(CalendarDate("2026-12-31")?.nextDay.description == "2027-01-01")
        #expect(CalendarDate("2024-02-28")?.nextDay.description == "2024-02-29")
        #expect(CalendarDate("2026-04-30")?.nextDay.description == "2026-05-01")
        #expect(CalendarDate("2024-02-29")?.adding(years: 1).description == "2025-02-28")
    }
}

@Suite struct FinancialYearTests {
    @Test func financial_year_starts_on_the_april_before() {
        #expect(CalendarDate("2026-11-25")?.financialYearStart.description == "2026-04-01")
        #expect(CalendarDate("2027-03-31")?.financialYearStart.description == "2026-04-01")
        #expect(CalendarDate("2026-04-01")?.financialYearStart.description == "2026-04-01")
    }
}

@Suite struct DayNumberTests {
    @Test func day_differences() {
        #expect(CalendarDate("1970-01-01")!.dayNumber == 0)
        #expect(CalendarDate("2026-03-01")! - CalendarDate("2026-02-01")! == 28)
        #expect(CalendarDate("2024-03-01")! - CalendarDate("2024-02-01")! == 29)
        #expect(CalendarDate("2027-04-01")! - CalendarDate("2026-04-01")! == 365)
    }
}

@Suite struct DayArithmeticTests {
    @Test func day_numbers_round_trip() {
        for text in ["1970-01-01", "2024-02-29", "2026-12-31", "2000-03-01", "1999-12-31"] {
            let d = CalendarDate(text)!
            #expect(CalendarDate(dayNumber: d.dayNumber) == d)
        }
        #expect(CalendarDate("2026-12-31")!.adding(days: 1).description == "2027-01-01")
        #expect(CalendarDate("2026-04-01")!.adding(days: 729).description == "2028-03-30")
    }
}

@Suite struct AmountInWordsTests {
    @Test(arguments: [
        (Int64(1_18_000_00), "Rupees One Lakh Eighteen Thousand Only"),
        (Int64(13_900_50), "Rupees Thirteen Thousand Nine Hundred and Fifty Paise Only"),
        (Int64(0), "Rupees Zero Only"),
        (Int64(1_00_00_000_00), "Rupees One Crore Only"),
        // ₹1,23,45,67,890.05: 123 crore 45 lakh 67 thousand 890 rupees and 5 paise.
        (Int64(123_456_789_005), "Rupees One Hundred Twenty Three Crore Forty Five Lakh Sixty Seven Thousand Eight Hundred Ninety and Five Paise Only"),
        (Int64(-5_01), "Minus Rupees Five and One Paise Only"),
        (Int64(21_015_00), "Rupees Twenty One Thousand Fifteen Only"),
    ])
    func indian_words(paise: Int64, words: String) {
        #expect(Money(paise: paise).inWords == words)
    }
}
