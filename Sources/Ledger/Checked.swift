/// An amount, quantity or product too large to compute. The App answers it as a 422; it never traps.
public struct AmountOverflow: Error, Equatable, Sendable, CustomStringConvertible {
    /// What overflowed, when the caller knows (`entries`, `lines[2]`); empty otherwise.
    public var field: String
    public var message: String

    public init(field: String = "", _ message: String = "is too large to compute (the limit for any amount is \(Money.limitText))") {
        self.field = field
        self.message = message
    }

    public var description: String { field.isEmpty ? message : "\(field) \(message)" }
}

/// Overflow-checked integer arithmetic for paise, thousandths and their products: every figure that came from a
/// request, a file or a row goes through here (or through `Money`'s throwing operators), never through `+` or `*`.
public enum Checked {
    @inlinable public static func add(_ a: Int64, _ b: Int64) throws(AmountOverflow) -> Int64 {
        let (r, o) = a.addingReportingOverflow(b)
        if o { throw AmountOverflow() }
        return r
    }

    @inlinable public static func subtract(_ a: Int64, _ b: Int64) throws(AmountOverflow) -> Int64 {
        let (r, o) = a.subtractingReportingOverflow(b)
        if o { throw AmountOverflow() }
        return r
    }

    @inlinable public static func multiply(_ a: Int64, _ b: Int64) throws(AmountOverflow) -> Int64 {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        if o { throw AmountOverflow() }
        return r
    }

    /// The sum of all, checked at every step.
    @inlinable public static func sum<S: Sequence>(_ values: S) throws(AmountOverflow) -> Int64 where S.Element == Int64 {
        var total: Int64 = 0
        for v in values { total = try add(total, v) }
        return total
    }

    /// `a × b / divisor` rounded half away from zero, computed in 128 bits so the product itself cannot
    /// overflow; throws only when the result does not fit `Int64`. The one rounding rule for quantity × rate,
    /// value × share and amount × tax rate.
    public static func multiplyDivide(_ a: Int64, _ b: Int64, by divisor: Int64) throws(AmountOverflow) -> Int64 {
        guard divisor != 0 else { throw AmountOverflow("cannot be computed (division by zero)") }
        let product = Int128(a) * Int128(b)
        let (q, r) = product.quotientAndRemainder(dividingBy: Int128(divisor))
        let rounded = r.magnitude * 2 >= Int128(divisor).magnitude ? q + ((product < 0) != (divisor < 0) ? -1 : 1) : q
        guard let result = Int64(exactly: rounded) else { throw AmountOverflow() }
        return result
    }

    /// `a × b / divisor` truncated toward zero, in 128 bits (for shares that must add up exactly).
    public static func multiplyDivideTruncating(_ a: Int64, _ b: Int64, by divisor: Int64) throws(AmountOverflow) -> Int64 {
        guard divisor != 0 else { throw AmountOverflow("cannot be computed (division by zero)") }
        guard let result = Int64(exactly: Int128(a) * Int128(b) / Int128(divisor)) else { throw AmountOverflow() }
        return result
    }
}

extension Money {
    /// This amount, or an `AmountOverflow` naming `field` when it is beyond ±`limit`.
    public func withinLimit(_ field: String) throws(AmountOverflow) -> Money {
        guard isWithinLimit else { throw AmountOverflow(field: field, "is more than the limit of \(Money.limitText)") }
        return self
    }
}
