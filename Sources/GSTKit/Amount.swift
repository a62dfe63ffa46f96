import Foundation
import Ledger

/// A rupee figure in a return: exact paise in memory, a JSON number with up to two decimals on the wire.
///
/// The portal wants numbers, not strings. Writing them through `Double` is exact here: every paise count of at most
/// 15 digits (the money limit is 10^15 paise) divided by 100 prints (shortest round-trip form) as its own two-decimal
/// text; beyond that a `Double` no longer tells neighbouring paise apart. `Decimal` gave the same text
/// at several times the cost, which a month of 100,000 invoices noticed.
public struct Amount: Codable, Sendable, Hashable, Comparable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public var paise: Int64

    public init(paise: Int64) { self.paise = paise }
    /// Whole rupees, so that `0` and `1800` read naturally in sums and tests.
    public init(integerLiteral rupees: Int64) { paise = rupees * 100 }

    public static let zero = Amount(paise: 0)
    /// Checked, as `Money`'s are: a return's sums throw rather than trap.
    public static func + (a: Amount, b: Amount) throws(AmountOverflow) -> Amount { Amount(paise: try Checked.add(a.paise, b.paise)) }
    public static func - (a: Amount, b: Amount) throws(AmountOverflow) -> Amount { Amount(paise: try Checked.subtract(a.paise, b.paise)) }
    public static func += (a: inout Amount, b: Amount) throws(AmountOverflow) { a = try a + b }
    public static func < (a: Amount, b: Amount) -> Bool { a.paise < b.paise }

    public var description: String { Money(paise: paise).description }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Double(paise) / 100)
    }

    public init(from decoder: any Decoder) throws {
        let rupees = try decoder.singleValueContainer().decode(Double.self)
        guard let exact = Int64(exactly: (rupees * 100).rounded()), exact.magnitude <= Money.limit.paise.magnitude else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an amount within \(Money.limitText)"))
        }
        paise = exact
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
    public mutating func add(_ t: LineTax, sign: Int64) throws(AmountOverflow) {
        taxable = try Checked.add(taxable, Checked.multiply(sign, t.taxable))
        igst = try Checked.add(igst, Checked.multiply(sign, t.igst))
        cgst = try Checked.add(cgst, Checked.multiply(sign, t.cgst))
        sgst = try Checked.add(sgst, Checked.multiply(sign, t.sgst))
        cess = try Checked.add(cess, Checked.multiply(sign, Checked.add(t.cess, t.cessNonAdvol)))
    }
}
