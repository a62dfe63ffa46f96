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
            return Set(Capability.allCases).subtracting([.membersManage, .settingsEdit])
        case .auditor:
            return Capability.readOnly
        case .sales:
            return [.companyView, .mastersView, .vouchersView, .vouchersCreate, .inventoryView, .paymentsView]
        case .purchase:
            return [.companyView, .mastersView, .vouchersView, .vouchersCreate, .inventoryView]
        case .inventory:
            return [.companyView, .mastersView, .vouchersView, .inventoryView, .inventoryEdit]
        case .viewer:
            return [.companyView, .mastersView, .vouchersView, .inventoryView, .reportsView]
        }
    }

    func can(_ capability: Capability) -> Bool { capabilities.contains(capability) }
}

/// What a route needs. Every company route declares one (a test walks the router to make sure).
enum Capability: String, CaseIterable, Sendable {
    case companyView = "company.view"
    case settingsEdit = "settings.edit"
    case membersManage = "members.manage"
    case auditView = "audit.view"
    case mastersView = "masters.view"
    case mastersEdit = "masters.edit"
    case vouchersView = "vouchers.view"
    case vouchersCreate = "vouchers.create"
    case vouchersCancel = "vouchers.cancel"
    case reportsView = "reports.view"
    case gstExport = "gst.export"
    case inventoryView = "inventory.view"
    case inventoryEdit = "inventory.edit"
    case paymentsView = "payments.view"
    case paymentsManage = "payments.manage"
    case periodsLock = "periods.lock"

    /// What an auditor holds: every read, the audit log and exports, and no write.
    static let readOnly: Set<Capability> = [
        .companyView, .auditView, .mastersView, .vouchersView, .reportsView, .gstExport, .inventoryView, .paymentsView,
    ]
}
