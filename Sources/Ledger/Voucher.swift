/// The voucher types Tally ships; user-defined types derive from one of them and follow its rules.
public enum VoucherKind: String, Codable, Sendable, CaseIterable {
    case sales, purchase, receipt, payment, journal, contra
    case creditNote = "credit-note"
    case debitNote = "debit-note"

    public var displayName: String {
        switch self {
        case .sales: "Sales"
        case .purchase: "Purchase"
        case .receipt: "Receipt"
        case .payment: "Payment"
        case .journal: "Journal"
        case .contra: "Contra"
        case .creditNote: "Credit Note"
        case .debitNote: "Debit Note"
        }
    }

    /// Tax invoices, credit notes and debit notes: documents whose numbers GST rules (`GSTDocumentNumber`).
    public var isGSTDocument: Bool { self == .sales || self == .creditNote || self == .debitNote }

    /// Default number prefix, e.g. `INV` for sales.
    public var defaultPrefix: String {
        switch self {
        case .sales: "INV"
        case .purchase: "PUR"
        case .receipt: "RCT"
        case .payment: "PMT"
        case .journal: "JV"
        case .contra: "CTR"
        case .creditNote: "CN"
        case .debitNote: "DN"
        }
    }
}

/// One line of a voucher as the domain sees it: a resolved ledger and a positive amount on one side.
public struct VoucherLine: Sendable, Equatable {
    public var ledgerName: String
    public var role: LedgerRole
    public var side: Side
    public var amount: Money

    public init(ledgerName: String, role: LedgerRole, side: Side, amount: Money) {
        self.ledgerName = ledgerName
        self.role = role
        self.side = side
        self.amount = amount
    }
}

/// A problem with a voucher, tied to the field it concerns (`entries[2].credit`, `entries`, `type`).
public struct VoucherIssue: Error, Equatable, Sendable {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

/// The rules every voucher obeys, whatever its source (API, web form, import, webhook).
public enum VoucherRules {
    /// Refuses vouchers larger than this: bigger postings are almost certainly mistakes or abuse, and a
    /// batch import can split them.
    public static let maxEntries = 1_000

    public static func check(kind: VoucherKind, lines: [VoucherLine]) -> [VoucherIssue] {
        var issues: [VoucherIssue] = []
        if lines.count < 2 { issues.append(.init("entries", "a voucher needs at least two entries, got \(lines.count)")) }
        if lines.count > maxEntries { issues.append(.init("entries", "at most \(maxEntries) entries per voucher, got \(lines.count)")) }
        for (i, line) in lines.enumerated() where !line.amount.isWithinLimit {
            issues.append(.init("entries[\(i)]", "is more than the limit of \(Money.limitText)"))
        }
        guard let debits = try? Checked.sum(lines.lazy.filter { $0.side == .debit }.map(\.amount.paise)),
              let credits = try? Checked.sum(lines.lazy.filter { $0.side == .credit }.map(\.amount.paise)),
              debits <= Money.limit.paise, credits <= Money.limit.paise
        else {
            issues.append(.init("entries", "the voucher's total is more than the limit of \(Money.limitText)"))
            return issues
        }
        if debits != credits {
            let diff = Money(paise: debits - credits)
            issues.append(.init("entries", "debits (\(Money(paise: debits))) and credits (\(Money(paise: credits))) differ by \(diff)"))
        }
        issues += typeRules(kind, lines)
        return issues
    }

    /// Tally's per-type rules, expressed on ledger roles.
    static func typeRules(_ kind: VoucherKind, _ lines: [VoucherLine]) -> [VoucherIssue] {
        func indexed(_ predicate: (VoucherLine) -> Bool) -> [Int] { lines.indices.filter { predicate(lines[$0]) } }
        switch kind {
        case .contra:
            // Contra moves money between cash and bank accounts only.
            return indexed { !$0.role.isCashOrBank }.map {
                VoucherIssue("entries[\($0)].ledger", "a contra voucher may only use cash and bank ledgers; '\(lines[$0].ledgerName)' is neither")
            }
        case .receipt:
            return indexed { $0.side == .debit && $0.role.isCashOrBank }.isEmpty
                ? [VoucherIssue("entries", "a receipt must debit a cash or bank ledger")] : []
        case .payment:
            return indexed { $0.side == .credit && $0.role.isCashOrBank }.isEmpty
                ? [VoucherIssue("entries", "a payment must credit a cash or bank ledger")] : []
        case .sales:
            return indexed { $0.role == .sales && $0.side == .credit }.isEmpty
                ? [VoucherIssue("entries", "a sales voucher must credit a ledger under Sales Accounts")] : []
        case .purchase:
            return indexed { $0.role == .purchase && $0.side == .debit }.isEmpty
                ? [VoucherIssue("entries", "a purchase voucher must debit a ledger under Purchase Accounts")] : []
        case .journal:
            // Tally keeps cash and bank out of journals: those movements belong in receipt, payment or contra.
            return indexed { $0.role.isCashOrBank }.map {
                VoucherIssue("entries[\($0)].ledger", "a journal may not use cash or bank ledgers ('\(lines[$0].ledgerName)'); use a receipt, payment or contra")
            }
        case .creditNote, .debitNote:
            return []
        }
    }
}

/// Voucher numbers as Tally users expect them: `INV/2025-26/0001`, or `INV/25-26/0001` for series that number GST
/// documents (the short year leaves the 16 characters of CGST Rule 46(b) room for a million invoices a year).
public enum VoucherNumbering {
    /// `2025-26` for the year starting 1 April 2025.
    public static func yearLabel(_ fyStart: CalendarDate) -> String {
        let next = (fyStart.year + 1) % 100
        return "\(fyStart.year)-\(next < 10 ? "0" : "")\(next)"
    }

    /// `25-26` for the year starting 1 April 2025.
    public static func shortYearLabel(_ fyStart: CalendarDate) -> String {
        String(yearLabel(fyStart).suffix(5))
    }

    public static func format(prefix: String, suffix: String, width: Int, fyStart: CalendarDate, sequence: Int64,
                              compactYear: Bool = false) -> String {
        let digits = String(sequence)
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        var parts = [String]()
        if !prefix.isEmpty { parts.append(prefix) }
        parts.append(compactYear ? shortYearLabel(fyStart) : yearLabel(fyStart))
        parts.append(padded)
        return parts.joined(separator: "/") + suffix
    }

    /// The largest sequence a series can number in a year while its numbers stay valid GST document numbers
    /// (0 when not even the first is valid).
    public static func capacity(prefix: String, suffix: String, width: Int, fyStart: CalendarDate, compactYear: Bool) -> Int64 {
        guard GSTDocumentNumber.problem(format(prefix: prefix, suffix: suffix, width: width, fyStart: fyStart, sequence: 1,
                                               compactYear: compactYear)) == nil else { return 0 }
        let fixed = format(prefix: prefix, suffix: suffix, width: 0, fyStart: fyStart, sequence: 0, compactYear: compactYear).count - 1
        let room = min(18, GSTDocumentNumber.maximumLength - fixed)
        guard room > 0 else { return 0 }
        var capacity: Int64 = 1
        for _ in 0..<room { capacity *= 10 }
        return capacity - 1
    }
}

/// The number of a tax invoice, credit note or debit note: at most 16 characters (CGST Rule 46(b), and Rule 53 for
/// notes), and for the IRP's INV-01 schema (`DocDtls.No`) an upper-case letter or 1-9 first, then upper-case
/// letters, digits, `/` and `-` only.
public enum GSTDocumentNumber {
    public static let maximumLength = 16

    /// What is wrong with `number` as a GST document number, or nil when nothing is.
    public static func problem(_ number: String) -> String? {
        guard !number.isEmpty else { return "is empty" }
        if number.count > maximumLength {
            return "'\(number)' has \(number.count) characters; a GST invoice or note number has at most 16 (CGST Rule 46(b))"
        }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-")
        if let bad = number.first(where: { !allowed.contains($0) }) {
            let hint = bad.isLowercase ? "; use capitals, as the e-invoice schema requires" : ""
            return "'\(number)' contains '\(bad)': a GST invoice or note number has only capital letters, digits, / and -\(hint)"
        }
        if let first = number.first, first == "0" || first == "/" || first == "-" {
            return "'\(number)' starts with '\(first)': the e-invoice schema requires a capital letter or a digit 1-9 first"
        }
        return nil
    }
}
