import Ledger

/// A field of a Tally object that could not be read, named by its path (`ALLLEDGERENTRIES.LIST[2].AMOUNT`).
public struct TallyFieldError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(_ path: String, _ message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}

/// Reads one object's children: every read marks its tag as known, so what is left at the end is what no type
/// understood — kept for the round trip and counted for the report.
struct NodeReader {
    let node: TallyNode
    let prefix: String
    private(set) var known: Set<String> = []

    init(_ node: TallyNode, prefix: String = "") { self.node = node; self.prefix = prefix }

    mutating func text(_ tag: String) -> String? { known.insert(tag); return node.value(tag) }
    mutating func name(_ tag: String) -> String? { known.insert(tag); return TallyScalar.name(node.value(tag)) }
    mutating func children(_ tag: String) -> [TallyNode] { known.insert(tag); return node.children(tag) }
    mutating func mark(_ tags: String...) { known.formUnion(tags) }

    mutating func amount(_ tag: String) throws(TallyFieldError) -> Int64? {
        guard let t = text(tag) else { return nil }
        do { return try TallyScalar.amount(t) } catch { throw TallyFieldError(prefix + tag, error.description) }
    }
    mutating func date(_ tag: String) throws(TallyFieldError) -> CalendarDateText? {
        guard let t = text(tag) else { return nil }
        do { return CalendarDateText(try TallyScalar.date(t)) } catch { throw TallyFieldError(prefix + tag, error.description) }
    }
    mutating func quantity(_ tag: String) throws(TallyFieldError) -> TallyQuantity? {
        guard let t = text(tag) else { return nil }
        do { let q = try TallyScalar.quantity(t); return TallyQuantity(thousandths: q.thousandths, unit: q.unit) }
        catch { throw TallyFieldError(prefix + tag, error.description) }
    }
    mutating func rate(_ tag: String) throws(TallyFieldError) -> TallyRate? {
        guard let t = text(tag) else { return nil }
        do { let r = try TallyScalar.rate(t); return TallyRate(paise: r.paise, unit: r.unit) } catch { throw TallyFieldError(prefix + tag, error.description) }
    }
    mutating func flag(_ tag: String) throws(TallyFieldError) -> Bool? {
        let t = text(tag)
        do { return try TallyScalar.logical(t) } catch { throw TallyFieldError(prefix + tag, error.description) }
    }
    mutating func int(_ tag: String) throws(TallyFieldError) -> Int64? {
        guard let t = text(tag) else { return nil }
        guard let n = Int64(t) else { throw TallyFieldError(prefix + tag, "'\(t)' is not a whole number") }
        return n
    }

    /// Children no read asked for, in document order.
    var extras: [TallyNode] { node.children.filter { !known.contains($0.name) } }
}


/// A date kept as `YYYY-MM-DD` text in our models (Codable-friendly, sorts as it reads).
public struct CalendarDateText: Hashable, Sendable, CustomStringConvertible {
    public var date: CalendarDate
    public init(_ date: CalendarDate) { self.date = date }
    public var description: String { date.description }
}

public struct TallyQuantity: Hashable, Sendable {
    public var thousandths: Int64
    public var unit: String
    public init(thousandths: Int64, unit: String) { self.thousandths = thousandths; self.unit = unit }
    public var text: String { TallyScalar.formatQuantity(thousandths, unit: unit) }
}

public struct TallyRate: Hashable, Sendable {
    public var paise: Int64
    public var unit: String
    public init(paise: Int64, unit: String) { self.paise = paise; self.unit = unit }
    public var text: String { TallyScalar.formatRate(paise, unit: unit) }
}

/// Builds an object's node for the writer: fields in Tally's order, nil values left out.
struct NodeBuilder {
    var node: TallyNode
    init(_ name: String, attributes: [(String, String)] = []) { node = TallyNode(name, attributes: attributes) }
    mutating func add(_ tag: String, _ value: String?) { if let value, !value.isEmpty { node.children.append(.leaf(tag, value)) } }
    mutating func add(_ tag: String, flag: Bool?) { if let flag { node.children.append(.leaf(tag, flag ? "Yes" : "No")) } }
    mutating func add(_ tag: String, amount: Int64?) { if let amount { node.children.append(.leaf(tag, TallyScalar.formatAmount(amount))) } }
    mutating func add(_ tag: String, date: CalendarDateText?) { if let date { node.children.append(.leaf(tag, TallyScalar.formatDate(date.date))) } }
    mutating func add(_ child: TallyNode) { node.children.append(child) }
    mutating func add(_ children: [TallyNode]) { node.children += children }
    /// A reserved value goes back with Tally's mark: `␄ Primary` → `&#4; Primary` when written.
    mutating func add(_ tag: String, reserved: String) { node.children.append(.leaf(tag, TallyScalar.sentinel + " " + reserved)) }
}
