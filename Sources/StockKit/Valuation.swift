import Foundation

/// How an item's outward movements are costed. Both are perpetual: every movement is costed when it happens, in
/// date order, so the stock's value is known after each day.
public enum ValuationMethod: String, Codable, Sendable, CaseIterable {
    case fifo
    case weightedAverage = "weighted-average"
}

/// One movement of an item, as valuation sees it: a signed quantity in thousandths (+ in, − out) and, for inward
/// movements, what the stock cost. Outward movements get their cost from the position.
public struct StockMovement: Sendable, Equatable {
    public var quantity: Int64
    /// Inward: the cost in paise. Ignored for outward movements.
    public var value: Int64
    public init(quantity: Int64, value: Int64 = 0) {
        self.quantity = quantity
        self.value = value
    }
    public static func inward(_ quantity: Int64, value: Int64) -> StockMovement { .init(quantity: quantity, value: value) }
    public static func outward(_ quantity: Int64) -> StockMovement { .init(quantity: -quantity) }
}

/// An item's stock at a moment: quantity and value, and under FIFO the receipts still on hand, oldest first.
/// Positions are what the books keep per item and day, so a backdated movement is replayed from the position
/// before it instead of from the beginning of time.
public struct StockPosition: Sendable, Equatable {
    public struct Layer: Sendable, Equatable {
        public var quantity: Int64
        public var value: Int64
        public init(quantity: Int64, value: Int64) {
            self.quantity = quantity
            self.value = value
        }
    }

    public let method: ValuationMethod
    public private(set) var quantity: Int64 = 0
    public private(set) var value: Int64 = 0
    /// FIFO only: receipts not yet consumed, oldest first; their quantities and values sum to the position's.
    public private(set) var layers: [Layer] = []
    /// The last known unit cost (paise per unit, ×1000 for thousandths), used when stock runs out or negative.
    public private(set) var lastRate: (value: Int64, quantity: Int64) = (0, 0)

    public init(method: ValuationMethod) { self.method = method }

    public init(method: ValuationMethod, quantity: Int64, value: Int64, layers: [Layer] = [], lastRate: (value: Int64, quantity: Int64) = (0, 0)) {
        self.method = method
        self.quantity = quantity
        self.value = value
        self.layers = layers
        self.lastRate = lastRate
    }

    public static func == (a: StockPosition, b: StockPosition) -> Bool {
        a.method == b.method && a.quantity == b.quantity && a.value == b.value && a.layers == b.layers
            && a.lastRate.value == b.lastRate.value && a.lastRate.quantity == b.lastRate.quantity
    }

    /// Applies one movement and returns its value: the given cost for an inward movement, the cost taken out of
    /// stock (positive) for an outward one. Throws, leaving the position as it was, when the position's quantity
    /// or value would pass what an `Int64` holds: the books refuse such a movement rather than trap.
    @discardableResult
    public mutating func apply(_ m: StockMovement) throws(StockOverflow) -> Int64 {
        var next = self
        let cost: Int64
        if m.quantity >= 0 {
            try next.receive(m.quantity, value: m.value)
            cost = m.value
        } else {
            guard m.quantity != .min else { throw StockOverflow() }
            cost = try next.issue(-m.quantity)
        }
        self = next
        return cost
    }

    private mutating func receive(_ q: Int64, value v: Int64) throws(StockOverflow) {
        guard q > 0 else { value = try add(value, v); return }
        if quantity < 0 {
            // Stock was negative: the receipt first covers what was issued without stock, at this receipt's rate.
            let covered = quantity == .min ? q : min(q, -quantity)
            let coveredValue = try Self.share(v, of: q, taking: covered)
            // The difference between what the issue was costed at and this receipt's cost stays in the value, so
            // the value is always exactly receipts less issues.
            quantity = try add(quantity, covered)
            value = try add(value, coveredValue)
            lastRate = (v, q)
            if covered < q { try receive(q - covered, value: subtract(v, coveredValue)) }
            return
        }
        quantity = try add(quantity, q)
        value = try add(value, v)
        lastRate = (v, q)
        if method == .fifo { layers.append(Layer(quantity: q, value: v)) }
    }

    private mutating func issue(_ q: Int64) throws(StockOverflow) -> Int64 {
        var cost: Int64 = 0
        var wanted = q
        switch method {
        case .fifo:
            while wanted > 0, !layers.isEmpty {
                let take = min(wanted, layers[0].quantity)
                let part = take == layers[0].quantity ? layers[0].value : try Self.share(layers[0].value, of: layers[0].quantity, taking: take)
                layers[0].quantity -= take
                layers[0].value = try subtract(layers[0].value, part)
                if layers[0].quantity == 0 { layers.removeFirst() }
                cost = try add(cost, part)
                wanted -= take
                quantity = try subtract(quantity, take)
                value = try subtract(value, part)
            }
        case .weightedAverage:
            let take = min(wanted, max(quantity, 0))
            if take > 0 {
                // The last units out take whatever value is left, so a position that reaches zero is worth zero.
                let part = take == quantity ? value : try Self.share(value, of: quantity, taking: take)
                cost = try add(cost, part)
                wanted -= take
                quantity = try subtract(quantity, take)
                value = try subtract(value, part)
            }
        }
        if wanted > 0 {
            // Issued without stock (only where the company allows negative stock): costed at the last known rate.
            let part = lastRate.quantity > 0 ? try Self.share(lastRate.value, of: lastRate.quantity, taking: wanted) : 0
            cost = try add(cost, part)
            quantity = try subtract(quantity, wanted)
            value = try subtract(value, part)
        }
        return cost
    }

    /// `value × taking / of`, rounded half up, computed in 128 bits; throws only when the share itself does not fit.
    public static func share(_ value: Int64, of quantity: Int64, taking: Int64) throws(StockOverflow) -> Int64 {
        guard quantity != 0 else { throw StockOverflow() }
        let product = Int128(value) * Int128(taking)
        let (q, r) = product.quotientAndRemainder(dividingBy: Int128(quantity))
        let half = r.magnitude * 2 >= UInt128(quantity.magnitude)
        guard let result = Int64(exactly: q + (half ? (product < 0 ? -1 : 1) : 0)) else { throw StockOverflow() }
        return result
    }

    /// Unit rate in paise (rounded), for reports.
    public var rate: Int64 { quantity > 0 ? (try? Self.share(value, of: quantity, taking: 1000)) ?? 0 : 0 }
}

/// A stock quantity or value past what the books can hold; the App answers it as a 422.
public struct StockOverflow: Error, Equatable, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "the item's stock quantity or value would be too large to hold" }
}

private func add(_ a: Int64, _ b: Int64) throws(StockOverflow) -> Int64 {
    let (r, o) = a.addingReportingOverflow(b)
    if o { throw StockOverflow() }
    return r
}

private func subtract(_ a: Int64, _ b: Int64) throws(StockOverflow) -> Int64 {
    let (r, o) = a.subtractingReportingOverflow(b)
    if o { throw StockOverflow() }
    return r
}
