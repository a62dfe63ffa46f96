import Foundation
import Ledger

/// Tally's scalar formats (reference §1.4): amounts signed with negative = debit, `YYYYMMDD` dates, quantities
/// with a leading space and a unit (` 10 Nos`), rates as `price/unit`, `Yes`/`No`, and `␄`-marked reserved values.
public enum TallyScalar {
    public static let sentinel = "\u{2404}"

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case amount(String), date(String), quantity(String), rate(String), logical(String)
        public var description: String {
            switch self {
            case let .amount(s): "'\(s)' is not an amount (signed, at most two decimals, at most ₹10,00,00,00,00,000.00)"
            case let .date(s): "'\(s)' is not a date as YYYYMMDD from 19000101 to 21991231"
            case let .quantity(s): "'\(s)' is not a quantity (a number with at most three decimals, then the unit)"
            case let .rate(s): "'\(s)' is not a rate as price/unit"
            case let .logical(s): "'\(s)' is not Yes or No"
            }
        }
    }

    /// A reserved value (`␄ Primary`, `␄ Not Applicable`, `␄ Any`) is no value for our purposes.
    public static func isReserved(_ text: String) -> Bool { text.hasPrefix(sentinel) }

    /// A name that may be a reserved value: nil for `␄ …` and for blanks.
    public static func name(_ text: String?) -> String? {
        guard let t = text?.trimmingWhitespace, !t.isEmpty, !isReserved(t) else { return nil }
        return t
    }

    /// Paise, signed as Tally signs them (negative = debit). Accepts a `Dr`/`Cr` suffix (which wins over the sign)
    /// and the forex form `-$8500.00 @ ₹ 83/$ = -₹ 705500.00` (the base amount after `=`).
    public static func amount(_ raw: String) throws(Problem) -> Int64 {
        var t = raw.trimmingWhitespace
        if let eq = t.lastIndex(of: "=") { t = String(t[t.index(after: eq)...]).trimmingWhitespace }
        var forced: Int64?
        for (suffix, sign) in [("Dr", Int64(-1)), ("Cr", 1)] where t.hasSuffix(suffix) {
            forced = sign
            t = String(t.dropLast(2)).trimmingWhitespace
        }
        t = t.replacingOccurrences(of: "₹", with: "").replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ",", with: "")
        guard let money = try? Money(parsing: t) else { throw .amount(raw) }
        if let forced { return forced * abs(money.paise) }
        return money.paise
    }

    public static func date(_ raw: String) throws(Problem) -> CalendarDate {
        let t = raw.trimmingWhitespace
        guard t.count == 8, t.allSatisfy(\.isASCII), let y = Int(t.prefix(4)), let m = Int(t.dropFirst(4).prefix(2)), let d = Int(t.suffix(2)),
              let date = CalendarDate(accepting: y, m, d) else { throw .date(raw) }
        return date
    }

    public static func formatDate(_ d: CalendarDate) -> String { d.description.replacingOccurrences(of: "-", with: "") }

    /// ` 10 Nos` → (10,000 thousandths, "Nos"); ` 5000 UG =  5 MG` keeps the entered part. The sign is kept (opening
    /// stock may be negative); direction on voucher lines comes from ISDEEMEDPOSITIVE, not from here.
    public static func quantity(_ raw: String) throws(Problem) -> (thousandths: Int64, unit: String) {
        var t = raw.trimmingWhitespace
        if let eq = t.firstIndex(of: "=") { t = String(t[..<eq]).trimmingWhitespace }
        guard !t.isEmpty else { throw .quantity(raw) }
        let parts = t.split(separator: " ", maxSplits: 1)
        guard let number = parts.first, let q = thousandths(String(number)) else { throw .quantity(raw) }
        return (q, parts.count > 1 ? String(parts[1]).trimmingWhitespace : "")
    }

    /// `57.00/Pair` → (5,700 paise, "Pair"); the forex form keeps the base part after `=`.
    public static func rate(_ raw: String) throws(Problem) -> (paise: Int64, unit: String) {
        var t = raw.trimmingWhitespace
        if let eq = t.lastIndex(of: "=") { t = String(t[t.index(after: eq)...]).trimmingWhitespace }
        let parts = t.split(separator: "/", maxSplits: 1)
        guard let price = parts.first, let paise = try? amount(String(price)) else { throw .rate(raw) }
        return (paise, parts.count > 1 ? String(parts[1]).trimmingWhitespace : "")
    }

    public static func logical(_ raw: String?) throws(Problem) -> Bool? {
        guard let t = raw?.trimmingWhitespace, !t.isEmpty else { return nil }
        switch t.lowercased() {
        case "yes", "true": return true
        case "no", "false": return false
        default: throw .logical(t)
        }
    }

    /// `60 Days` → 60 (a credit period); nil when it is not a number of days.
    public static func days(_ raw: String?) -> Int? {
        guard let t = raw?.trimmingWhitespace, !t.isEmpty else { return nil }
        return Int(t.split(separator: " ").first ?? "")
    }

    /// Amount text as Tally writes it: `-1180.00`.
    public static func formatAmount(_ paise: Int64) -> String { Money(paise: paise).description }

    /// Quantity text as Tally writes it: ` 10 Nos`, ` 2.5 Kg`.
    public static func formatQuantity(_ thousandths: Int64, unit: String) -> String {
        " " + decimal(thousandths) + (unit.isEmpty ? "" : " " + unit)
    }

    public static func formatRate(_ paise: Int64, unit: String) -> String { formatAmount(paise) + (unit.isEmpty ? "" : "/" + unit) }

    static func decimal(_ thousandths: Int64) -> String {
        let sign = thousandths < 0 ? "-" : ""
        let m = thousandths.magnitude
        var fraction = String(m % 1000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return sign + String(m / 1000) + (fraction.isEmpty ? "" : "." + fraction)
    }

    static func thousandths(_ s: String) -> Int64? {
        var t = Substring(s)
        let negative = t.first == "-"
        if negative { t.removeFirst() }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 15, whole.allSatisfy(\.isASCIIDigitValue) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        // Tally pads to the unit's decimal places; digits past the third must be zeros.
        guard fraction.allSatisfy(\.isASCIIDigitValue), fraction.dropFirst(3).allSatisfy({ $0 == "0" }), let w = Int64(whole) else { return nil }
        let f = Int64(String(fraction.prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0)) ?? 0
        return (negative ? -1 : 1) * (w * 1000 + f)
    }
}

extension Character {
    var isASCIIDigitValue: Bool { isASCII && isNumber }
}
