import Foundation

/// A date without a time or zone (`YYYY-MM-DD`), as books and returns use them.
///
/// Dates that come from outside (a request, a file, a form) are accepted from 1900-01-01 to 2199-12-31
/// (`accepted`): wide enough for any books, narrow enough that a year of arithmetic on them never leaves what
/// the type can hold. The type itself holds years 1 to 9999, and every operation on it is total: arithmetic
/// stops at those ends instead of trapping, so no date anyone sends can stop the server.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The first and last dates accepted from outside.
    public static let earliest = CalendarDate(unchecked: 1900, 1, 1)
    public static let latest = CalendarDate(unchecked: 2199, 12, 31)
    public static let accepted = earliest...latest
    /// What a far-off default ("until whenever") means: the last accepted date.
    public static let distantFuture = latest
    public static let distantPast = earliest

    /// A calendar-valid date in years 1–9999; nil otherwise. Callers building a date from outside input use
    /// `init?(_:)`, which also keeps to `accepted`.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...Self.days(in: month, of: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Only for components already known to be valid.
    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` within `accepted`; nil for anything else (30 February, year 0001, 9999…).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigitChar) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(accepting: y, m, d)
    }

    /// A date from outside given as numbers (Tally's `YYYYMMDD`, a form's fields): nil unless valid and accepted.
    public init?(accepting year: Int, _ month: Int, _ day: Int) {
        guard let date = CalendarDate(year: year, month: month, day: day), Self.accepted.contains(date) else { return nil }
        self = date
    }

    /// Why a text is not an accepted date, for error messages.
    public static let acceptedDescription = "a YYYY-MM-DD date from 1900-01-01 to 2199-12-31"

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not " + Self.acceptedDescription))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// The same day `years` later (29 February falls back to the 28th); stops at years 1 and 9999.
    public func adding(years: Int) -> CalendarDate {
        let (sum, overflow) = year.addingReportingOverflow(years)
        let y = overflow ? (years < 0 ? 1 : 9999) : min(max(sum, 1), 9999)
        return CalendarDate(unchecked: y, month, min(day, Self.days(in: month, of: y)))
    }

    /// The first and last day of this date's month.
    public var monthStart: CalendarDate { CalendarDate(unchecked: year, month, 1) }
    public var monthEnd: CalendarDate { CalendarDate(unchecked: year, month, Self.days(in: month, of: year)) }
    /// `YYYY-MM`, the key of monthly totals.
    public var monthKey: String { String(description.prefix(7)) }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}

extension CalendarDate {
    /// The following calendar day (9999-12-31 is its own next day).
    public var nextDay: CalendarDate {
        if day < Self.days(in: month, of: year) { return CalendarDate(unchecked: year, month, day + 1) }
        if month < 12 { return CalendarDate(unchecked: year, month + 1, 1) }
        return year < 9999 ? CalendarDate(unchecked: year + 1, 1, 1) : self
    }
}

extension CalendarDate {
    /// 1 April of the Indian financial year (April–March) that contains this date.
    public var financialYearStart: CalendarDate { financialYearStart(month: 4) }

    /// The first day of the twelve-month year, starting in `month` (1–12, else April), that contains this date.
    public func financialYearStart(month startMonth: Int) -> CalendarDate {
        let start = (1...12).contains(startMonth) ? startMonth : 4
        let y = month >= start ? year : year - 1
        return y >= 1 ? CalendarDate(unchecked: y, start, 1) : CalendarDate(unchecked: 1, 1, 1)
    }
}

extension CalendarDate {
    /// Days since 1970-01-01 (proleptic Gregorian), for day differences such as a bill's age.
    public var dayNumber: Int {
        // Howard Hinnant's days-from-civil algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func - (a: CalendarDate, b: CalendarDate) -> Int { a.dayNumber - b.dayNumber }
}

extension CalendarDate {
    static let minimumDayNumber = CalendarDate(unchecked: 1, 1, 1).dayNumber
    static let maximumDayNumber = CalendarDate(unchecked: 9999, 12, 31).dayNumber

    /// The date `dayNumber` days after 1970-01-01 (inverse of `dayNumber`), held to years 1–9999.
    public init(dayNumber: Int) {
        let n = min(max(dayNumber, Self.minimumDayNumber), Self.maximumDayNumber)
        let z = n + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(unchecked: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `days` later (earlier when negative), stopping at 0001-01-01 and 9999-12-31.
    public func adding(days: Int) -> CalendarDate {
        let (sum, overflow) = dayNumber.addingReportingOverflow(days)
        return CalendarDate(dayNumber: overflow ? (days < 0 ? Int.min : Int.max) : sum)
    }
}
