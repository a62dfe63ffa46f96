/// Tally's predefined chart of accounts (tally-xml.md §4.2): 15 primary groups and 13 sub-groups, each with its
/// nature, and the two predefined ledgers. Every new company starts from it so Tally users find their way.
public enum DefaultChart {
    public struct Group: Sendable, Equatable {
        public var name: String
        public var parent: String?
        public var nature: GroupNature
        public var affectsGrossProfit: Bool
        /// Sundry Debtors and Sundry Creditors: their ledgers are parties.
        public var isPartyGroup: Bool
        /// What the voucher rules need to know about ledgers in this group.
        public var role: LedgerRole
    }

    public static let groups: [Group] = [
        .init(name: "Capital Account", parent: nil, nature: .liabilities, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Loans (Liability)", parent: nil, nature: .liabilities, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Current Liabilities", parent: nil, nature: .liabilities, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Fixed Assets", parent: nil, nature: .assets, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Investments", parent: nil, nature: .assets, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Current Assets", parent: nil, nature: .assets, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Branch / Divisions", parent: nil, nature: .liabilities, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Misc. Expenses (ASSET)", parent: nil, nature: .assets, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Suspense A/c", parent: nil, nature: .liabilities, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Sales Accounts", parent: nil, nature: .income, affectsGrossProfit: true, isPartyGroup: false, role: .sales),
        .init(name: "Purchase Accounts", parent: nil, nature: .expenses, affectsGrossProfit: true, isPartyGroup: false, role: .purchase),
        .init(name: "Direct Incomes", parent: nil, nature: .income, affectsGrossProfit: true, isPartyGroup: false, role: .other),
        .init(name: "Direct Expenses", parent: nil, nature: .expenses, affectsGrossProfit: true, isPartyGroup: false, role: .other),
        .init(name: "Indirect Incomes", parent: nil, nature: .income, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Indirect Expenses", parent: nil, nature: .expenses, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Bank Accounts", parent: "Current Assets", nature: .assets, affectsGrossProfit: false, isPartyGroup: false, role: .bank),
        .init(name: "Cash-in-Hand", parent: "Current Assets", nature: .assets, affectsGrossProfit: false, isPartyGroup: false, role: .cash),
        .init(name: "Deposits (Asset)", parent: "Current Assets", nature: .assets, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Loans & Advances (Asset)", parent: "Current Assets", nature: .assets, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Stock-in-Hand", parent: "Current Assets", nature: .assets, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Sundry Debtors", parent: "Current Assets", nature: .assets, affectsGrossProfit: false, isPartyGroup: true, role: .party),
        .init(name: "Duties & Taxes", parent: "Current Liabilities", nature: .liabilities, affectsGrossProfit: false, isPartyGroup: false, role: .tax),
        .init(name: "Provisions", parent: "Current Liabilities", nature: .liabilities, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Sundry Creditors", parent: "Current Liabilities", nature: .liabilities, affectsGrossProfit: false, isPartyGroup: true, role: .party),
        .init(name: "Bank OD A/c", parent: "Loans (Liability)", nature: .liabilities, affectsGrossProfit: false, isPartyGroup: false, role: .bank),
        .init(name: "Secured Loans", parent: "Loans (Liability)", nature: .liabilities, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Unsecured Loans", parent: "Loans (Liability)", nature: .liabilities, affectsGrossProfit: false, isPartyGroup: false, role: .other),
        .init(name: "Reserves & Surplus", parent: "Capital Account", nature: .liabilities, affectsGrossProfit: false, isPartyGroup: false, role: .other),
    ]

    public struct Ledger: Sendable, Equatable {
        public var name: String
        public var group: String
    }

    public static let ledgers: [Ledger] = [
        .init(name: "Cash", group: "Cash-in-Hand"),
        .init(name: "Profit & Loss A/c", group: "Capital Account"),
    ]
}

/// What a ledger is for, as far as the voucher rules care. Custom groups inherit their parent's role.
public enum LedgerRole: String, Codable, Sendable, CaseIterable {
    case cash, bank, party, sales, purchase, tax, other

    public var isCashOrBank: Bool { self == .cash || self == .bank }
}
