/// Which side of an account an amount sits on.
public enum Side: String, Codable, Sendable, CaseIterable {
    case debit = "Dr"
    case credit = "Cr"
}

/// A ledger balance: an amount and its side. Arithmetic happens on the signed value (debit positive).
public struct Balance: Hashable, Sendable, CustomStringConvertible {
    /// Debit positive, credit negative, in paise.
    public var signed: Int64

    public init(signed: Int64) { self.signed = signed }

    public init(_ amount: Money, _ side: Side) {
        signed = side == .debit ? amount.paise : -amount.paise
    }

    public static let zero = Balance(signed: 0)

    /// A zero balance is shown on the debit side, as Tally does.
    public var side: Side { signed < 0 ? .credit : .debit }
    public var amount: Money { Money(paise: signed.magnitude > UInt64(Int64.max) ? Int64.max : Int64(signed.magnitude)) }
    public var description: String { "\(amount) \(side.rawValue)" }

    public static func + (a: Balance, b: Balance) throws(AmountOverflow) -> Balance { Balance(signed: try Checked.add(a.signed, b.signed)) }
}

/// The four natures every group and ledger has, from which reports place it.
public enum GroupNature: String, Codable, Sendable, CaseIterable {
    case assets, liabilities, income, expenses

    /// Assets and expenses normally carry debit balances.
    public var normalSide: Side { self == .assets || self == .expenses ? .debit : .credit }
    public var isRevenue: Bool { self == .income || self == .expenses }
}
