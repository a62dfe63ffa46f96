import Foundation
import Ledger

/// A GST or cess rate in thousandths of a percent, so half rates stay exact (0.25% → CGST 0.125%).
public struct TaxRate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let milli: Int64

    public init(milli: Int64) { self.milli = milli }
    public static let zero = TaxRate(milli: 0)

    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case notANumber(String), tooManyDecimals, outOfRange
        public var description: String {
            switch self {
            case .notANumber(let s): "'\(s)' is not a percentage like \"18\" or \"0.25\""
            case .tooManyDecimals: "has more than two decimal places"
            case .outOfRange: "must be between 0 and 100"
            }
        }
    }

    /// Parses `"18"`, `"0.25"`, `"7.5"`: a percentage with at most two decimals, 0–100.
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 3, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            parts.count == 1 || !parts[1].isEmpty
        else { throw .notANumber(text) }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 2 else { throw .tooManyDecimals }
        guard let whole = Int64(parts[0]), let thousandths = Int64((fraction + "000").prefix(3)) else { throw .notANumber(text) }
        let milli = whole * 1000 + thousandths  // at most 999,999: three digits before the point, three after
        guard milli <= 100_000 else { throw .outOfRange }
        self.milli = milli
    }

    /// Half the rate, for CGST and SGST/UTGST.
    public var half: TaxRate { TaxRate(milli: milli / 2) }

    /// The rate as a JSON number (`18`, `0.25`, `0.125`).
    public var decimal: Decimal { Decimal(milli) / 1000 }

    public var description: String {
        var s = "\(milli / 1000)"
        let fraction = milli % 1000
        if fraction != 0 {
            var f = String(fraction)
            while f.count < 3 { f = "0" + f }
            while f.hasSuffix("0") { f.removeLast() }
            s += "." + f
        }
        return s
    }

    /// `amount × rate / 100`, rounded half away from zero to the paisa. A rate is at most 100%, so the tax never
    /// exceeds the amount and cannot overflow; a rate built outside `init(parsing:)` is checked all the same.
    public func of(_ paise: Int64) throws(AmountOverflow) -> Int64 {
        try Checked.multiplyDivide(paise, milli, by: 100_000)
    }

    public static func < (a: TaxRate, b: TaxRate) -> Bool { a.milli < b.milli }

    /// Rates the e-invoice master accepts (gst.md §A2.9); 40% from 22 September 2025.
    public static func isAllowed(_ rate: TaxRate, on date: CalendarDate) -> Bool {
        let base: Set<Int64> = [0, 100, 250, 1_000, 1_500, 3_000, 5_000, 6_000, 7_500, 12_000, 18_000, 28_000]
        if base.contains(rate.milli) { return true }
        return rate.milli == 40_000 && date >= rationalisation
    }

    /// The 56th Council's rate rationalisation took effect on this date.
    public static let rationalisation = CalendarDate(year: 2025, month: 9, day: 22)!
}

/// A rate with the dates it applies from, as the rate master keeps it: invoices use the rate in force on
/// their date, so old invoices and notes against them keep the old rate.
public struct RateSchedule: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var from: CalendarDate
        public var rate: TaxRate
        public var cess: TaxRate
        /// Specific (non-ad-valorem) cess in paise per unit of the item, e.g. per 1,000 cigarettes (gst.md §A2.8).
        public var cessPerUnit: Int64
        public init(from: CalendarDate, rate: TaxRate, cess: TaxRate = .zero, cessPerUnit: Int64 = 0) {
            self.from = from
            self.rate = rate
            self.cess = cess
            self.cessPerUnit = cessPerUnit
        }
    }

    public private(set) var entries: [Entry]

    public init(_ entries: [Entry]) { self.entries = entries.sorted { $0.from < $1.from } }

    /// The entry in force on `date`, or nil before the first one.
    public func entry(on date: CalendarDate) -> Entry? { entries.last { $0.from <= date } }
}

/// A quantity with up to three decimals, in thousandths (2.5 kg → 2500).
public struct Quantity: Hashable, Sendable, CustomStringConvertible {
    public let thousandths: Int64
    public init(thousandths: Int64) { self.thousandths = thousandths }

    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case notANumber, tooManyDecimals, notPositive
        public var description: String {
            switch self {
            case .notANumber: "is not a quantity like \"10\" or \"2.5\" (at most 999999999999.999)"
            case .tooManyDecimals: "has more than three decimal places"
            case .notPositive: "must be more than zero"
            }
        }
    }

    public init(parsing text: String) throws(ParseError) {
        if text.hasPrefix("-") { throw .notPositive }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            parts.count == 1 || !parts[1].isEmpty
        else { throw .notANumber }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 3 else { throw .tooManyDecimals }
        guard let whole = Int64(parts[0]), let part = Int64((fraction + "000").prefix(3)) else { throw .notANumber }
        let value = whole * 1000 + part  // below 10¹⁵: twelve digits before the point, three after
        guard value > 0 else { throw .notPositive }
        thousandths = value
    }

    public var decimal: Decimal { Decimal(thousandths) / 1000 }

    public var description: String {
        var s = "\(thousandths / 1000)"
        var f = String(thousandths % 1000)
        guard f != "0" else { return s }
        while f.count < 3 { f = "0" + f }
        while f.hasSuffix("0") { f.removeLast() }
        s += "." + f
        return s
    }

    /// The largest quantity accepted: 999,999,999,999.999 of any unit.
    public static let limit = Quantity(thousandths: 999_999_999_999_999)

    /// quantity × unit price, rounded half up to the paisa; throws when the product passes `Money.limit`.
    public func times(_ pricePaise: Int64) throws(AmountOverflow) -> Int64 {
        let value = try Checked.multiplyDivide(thousandths, pricePaise, by: 1000)
        guard value.magnitude <= Money.limit.paise.magnitude else {
            throw AmountOverflow("quantity × rate is more than the limit of \(Money.limitText)")
        }
        return value
    }
}

extension Money {
    /// Paise as an exact JSON number of rupees (`13900`, `13900.5`).
    public var decimal: Decimal { Decimal(paise) / 100 }
}
