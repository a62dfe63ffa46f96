import Ledger

/// A member's role in one company. The capability table below is the only place that says who may do what.
enum Role: String, Codable, CaseIterable, Sendable {
    case owner, admin, accountant, auditor, sales, purchase, inventory, viewer

    /// Granting is ordered by rank: a role may grant roles at or below its own, so an admin can make anyone but an
    /// owner. The working roles (accountant … viewer) share a rank because none of them manages members.
    var rank: Int {
        switch self {
        case .owner: 3
        case .admin: 2
        default: 1
        }
    }

    func canGrant(_ other: Role) -> Bool { other.rank <= rank }

    var capabilities: Set<Capability> {
        switch self {
        case .owner, .admin:
            return Set(Capability.allCases)
        case .accountant:
            return Set(Capability.allCases).subtracting([.membersManage, .settingsEdit, .periodsUnlock])
        case .auditor:
            return Capability.readOnly
        case .sales:
            return [.companyView, .mastersView, .vouchersView, .vouchersCreate, .inventoryView, .paymentsView]
        case .purchase:
            return [.companyView, .mastersView, .vouchersView, .vouchersCreate, .inventoryView]
        case .inventory:
            return [.companyView, .mastersView, .vouchersView, .vouchersCreate, .inventoryView, .inventoryEdit]
        case .viewer:
            return [.companyView, .mastersView, .vouchersView, .inventoryView, .reportsView]
        }
    }

    func can(_ capability: Capability) -> Bool { capabilities.contains(capability) }

    /// The kinds of voucher a role enters: the second half of the table. A route's capability lets a role post at all;
    /// this says what.
    var voucherClasses: Set<VoucherClass> {
        switch self {
        case .owner, .admin, .accountant: Set(VoucherClass.allCases)
        case .sales: [.sales, .receipt, .creditNote, .salesOrder, .deliveryNote]
        case .purchase: [.purchase, .payment, .debitNote, .purchaseOrder, .receiptNote]
        case .inventory: [.stockJournal, .physicalStock, .deliveryNote, .receiptNote]
        case .auditor, .viewer: []
        }
    }

}

/// What a voucher-writing route writes, for the voucher half of the capability table.
enum VoucherClass: String, CaseIterable, Sendable {
    case sales, purchase, receipt, payment, journal, contra
    case creditNote = "credit-note", debitNote = "debit-note"
    case salesOrder = "sales-order", purchaseOrder = "purchase-order", deliveryNote = "delivery-note", receiptNote = "receipt-note"
    case stockJournal = "stock-journal", physicalStock = "physical-stock"

    init(_ kind: VoucherKind) {
        switch kind {
        case .sales: self = .sales
        case .purchase: self = .purchase
        case .receipt: self = .receipt
        case .payment: self = .payment
        case .journal: self = .journal
        case .contra: self = .contra
        case .creditNote: self = .creditNote
        case .debitNote: self = .debitNote
        }
    }

    var title: String {
        switch self {
        case .creditNote: "credit note"
        case .debitNote: "debit note"
        case .salesOrder: "sales order"
        case .purchaseOrder: "purchase order"
        case .deliveryNote: "delivery note"
        case .receiptNote: "receipt note"
        case .stockJournal: "stock journal"
        case .physicalStock: "physical stock"
        default: rawValue
        }
    }
}

/// What is being done to a voucher: entering a new one, or changing one already entered.
enum VoucherChange: Sendable { case enter, amend, cancel }

/// What a route needs. Every company route declares one (a test walks the router to make sure).
enum Capability: String, CaseIterable, Sendable {
    case companyView = "company.view"
    case settingsEdit = "settings.edit"
    case membersManage = "members.manage"
    case auditView = "audit.view"
    case mastersView = "masters.view"
    case mastersEdit = "masters.edit"
    /// Seeing restricted ledgers, their entries and the vouchers touching them: not a route's capability but a filter
    /// on every read (`LedgerVisibility`).
    case ledgersRestricted = "ledgers.restricted"
    case vouchersView = "vouchers.view"
    case vouchersCreate = "vouchers.create"
    case vouchersAmend = "vouchers.amend"
    case vouchersCancel = "vouchers.cancel"
    case reportsView = "reports.view"
    case gstExport = "gst.export"
    case inventoryView = "inventory.view"
    case inventoryEdit = "inventory.edit"
    case paymentsView = "payments.view"
    case paymentsManage = "payments.manage"
    case periodsLock = "periods.lock"
    case periodsUnlock = "periods.unlock"

    /// What an auditor holds: every read, the audit log and exports, and no write.
    static let readOnly: Set<Capability> = [
        .companyView, .auditView, .mastersView, .ledgersRestricted, .vouchersView, .reportsView, .gstExport, .inventoryView, .paymentsView,
    ]
}

extension Role {
    /// The capability × role table as Markdown, for the README (a test keeps the README's copy equal to this).
    static var markdownTable: String {
        let roles = Role.allCases
        var lines = ["| capability | " + roles.map(\.rawValue).joined(separator: " | ") + " |",
                     "| --- |" + String(repeating: " :-: |", count: roles.count)]
        for c in Capability.allCases {
            lines.append("| `\(c.rawValue)` | " + roles.map { $0.can(c) ? "✓" : "" }.joined(separator: " | ") + " |")
        }
        for v in VoucherClass.allCases {
            lines.append("| enters \(v.title) | " + roles.map { $0.voucherClasses.contains(v) ? "✓" : "" }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
