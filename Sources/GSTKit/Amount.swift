import Foundation
import Ledger

/// A rupee figure in a return: exact paise in memory, a JSON number with up to two decimals on the wire.
///
/// The portal wants numbers, not strings. Writing them through `Double` is exact here: every paise count below
/// 2^53 divided by 100 prints (shortest round-trip form) as its own two-decimal text. `Decimal` gave the same text
/// at several times the cost, which a month of 100,000 invoices noticed.
public struct Amount: Codable, Sendable, Hashable, Comparable, AdditiveArithmetic, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public var paise: Int64

    public init(paise: Int64) { self.paise = paise }
    /// Whole rupees, so that `0` and `1800` read naturally in sums and tests.
    public init(integerLiteral rupees: Int64) { paise = rupees * 100 }

    public static let zero = Amount(paise: 0)
    public static func + (a: Amount, b: Amount) -> Amount { Amount(paise: a.paise + b.paise) }
    public static func - (a: Amount, b: Amount) -> Amount { Amount(paise: a.paise - b.paise) }
    public static func < (a: Amount, b: Amount) -> Bool { a.paise < b.paise }

    public var description: String { Money(paise: paise).description }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Double(paise) / 100)
    }

    public init(from decoder: any Decoder) throws {
        let rupees = try decoder.singleValueContainer().decode(Double.self)
        paise = Int64((rupees * 100).rounded())
    }
}

extension TaxRate {
    /// The rate as the returns print it (`18`, `0.25`, `7.5`).
    public var number: Double { Double(milli) / 1000 }
}

/// Taxable value and the four taxes, summed in paise; credit notes subtract.
public struct TaxSums: Sendable, Equatable {
    public var taxable: Int64 = 0, igst: Int64 = 0, cgst: Int64 = 0, sgst: Int64 = 0, cess: Int64 = 0
    public init() {}
    public mutating func add(_ t: LineTax, sign: Int64) {
        taxable += sign * t.taxable
        igst += sign * t.igst
        cgst += sign * t.cgst
        sgst += sign * t.sgst
        cess += sign * t.cess
    }
}
