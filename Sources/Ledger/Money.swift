/// An exact amount of Indian rupees, held as integer paise (ARCHITECTURE.md §4: no floating point in money paths).
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var paise: Int64

    public init(paise: Int64) { self.paise = paise }

    public static let zero = Money(paise: 0)

    /// The largest amount any single figure, voucher or invoice total or running balance may reach:
    /// ₹10,00,00,00,00,000.00 (10¹³ rupees, 10¹⁵ paise). Far above any real business, and a thousand of them
    /// still add up inside an `Int64`, so checked sums of a voucher's lines cannot overflow before the check.
    public static let limit = Money(paise: 1_000_000_000_000_000)
    public static let limitText = "₹10,00,00,00,00,000.00"

    /// True when the amount is within ±`limit`.
    public var isWithinLimit: Bool { paise.magnitude <= Self.limit.paise.magnitude }

    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case empty, notANumber, tooManyDecimals, outOfRange
        public var description: String {
            switch self {
            case .empty: "is empty"
            case .notANumber: "is not a decimal amount like \"1180.00\""
            case .tooManyDecimals: "has more than two decimal places"
            case .outOfRange: "is more than the limit of \(Money.limitText)"
            }
        }
    }

    /// Parses the API's decimal-string form: `"1180"`, `"1180.5"`, `"-12.05"`. No grouping, no exponent; at most
    /// `limit` either way.
    public init(parsing text: String) throws(ParseError) {
        var s = Substring(text)
        guard !s.isEmpty else { throw .empty }
        let negative = s.first == "-"
        if negative { s.removeFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigitChar)
        else { throw .notANumber }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigitChar) else {
            throw .notANumber
        }
        guard fraction.count <= 2 else { throw .tooManyDecimals }
        guard whole.count <= 18, let rupees = Int64(whole) else { throw .outOfRange }
        let paiseFraction = Int64(fraction.padding(toLength: 2, withPad: "0", startingAt: 0)) ?? 0
        let (scaled, o1) = rupees.multipliedReportingOverflow(by: 100)
        let (total, o2) = scaled.addingReportingOverflow(paiseFraction)
        guard !o1, !o2, total <= Self.limit.paise else { throw .outOfRange }
        self.paise = negative ? -total : total
    }

    /// `"1180.00"`: the API form.
    public var description: String { Self.format(paise, grouping: false) }

    /// `"1,23,45,678.00"`: Indian digit grouping (lakh, crore) for people.
    public var indianGrouped: String { Self.format(paise, grouping: true) }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.paise < rhs.paise }
    /// Sums and differences are checked: past what an `Int64` holds they throw instead of trapping.
    public static func + (lhs: Money, rhs: Money) throws(AmountOverflow) -> Money { Money(paise: try Checked.add(lhs.paise, rhs.paise)) }
    public static func - (lhs: Money, rhs: Money) throws(AmountOverflow) -> Money { Money(paise: try Checked.subtract(lhs.paise, rhs.paise)) }

    private static func format(_ paise: Int64, grouping: Bool) -> String {
        let magnitude = paise.magnitude
        let whole = String(magnitude / 100)
        let cents = magnitude % 100
        let wholeText = grouping ? indianGroups(whole) : whole
        return (paise < 0 ? "-" : "") + wholeText + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// The last three digits form a group; every two digits before that form another.
    static func indianGroups(_ digits: String) -> String {
        guard digits.count > 3 else { return digits }
        var head = Array(digits.dropLast(3))
        var groups: [String] = [String(digits.suffix(3))]
        while !head.isEmpty {
            let take = min(2, head.count)
            groups.insert(String(head.suffix(take)), at: 0)
            head.removeLast(take)
        }
        return groups.joined(separator: ",")
    }
}

extension Character {
    var isASCIIDigitChar: Bool { isASCII && isNumber }
}
