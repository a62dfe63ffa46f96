import Fluent
import GSTKit
import Ledger
import SQLKit
import Vapor

/// Groups and ledgers: `…/groups`, `…/ledgers`. Writes are audited; nothing is deleted, only deactivated.
enum ChartController {
    @Sendable static func listGroups(req: Request) async throws -> Page<GroupDTO> {
        let groups = try await Chart.groups(company: req.company.companyID, on: req.db)
        let all = Dictionary(uniqueKeysWithValues: groups.map { ($0.id, $0) })
        return try OffsetPaging(req).page(groups.map { GroupDTO($0, all: all) })
    }

    @Sendable static func showGroup(req: Request) async throws -> GroupDTO {
        let context = try req.company
        let groups = try await Chart.groups(company: context.companyID, on: req.db)
        guard let g = try await Chart.group(req.parameters.get("group") ?? "", company: context.companyID, on: req.db) else {
            throw APIError.notFound("Group")
        }
        return GroupDTO(g, all: Dictionary(uniqueKeysWithValues: groups.map { ($0.id, $0) }))
    }

    @Sendable static func createGroup(req: Request) async throws -> Response {
        let body = try req.decodeBody(CreateGroupRequest.self)
        let context = try req.company
        let actor = req.auditActor
        let dto = try await req.write { db in try await createGroup(body, company: context.companyID, actor: actor, on: db) }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    /// Creating a group from the API or the group form.
    static func createGroup(_ body: CreateGroupRequest, company: UUID, actor: AuditActor, on db: any Database) async throws -> GroupDTO {
        var row = GroupRow(id: UUID(), company_id: company, name: body.name.trimmingCharacters(in: .whitespaces), parent_id: nil,
                           nature: body.nature ?? .assets, role: .other, affects_gross_profit: body.affectsGrossProfit ?? false,
                           is_party_group: false, reserved: false, active: true)
        if let parentRef = body.parent {
            guard let parent = try await Chart.group(parentRef, company: company, on: db), parent.active else {
                throw APIError.validation(field: "parent", "no active group '\(parentRef)' in this company")
            }
            // A sub-group behaves like its parent: same nature, same role in vouchers, same party-ness.
            row.parent_id = parent.id
            row.nature = parent.nature
            row.role = parent.role
            row.affects_gross_profit = parent.affects_gross_profit
            row.is_party_group = parent.is_party_group
        } else if body.nature == nil {
            throw APIError.validation(field: "nature", "is required for a primary group (one without a parent)")
        }
        try await Chart.claimName(row.name, kind: "group", entity: row.id, company: company, field: "name", on: db)
        try await db.sql().insert(into: "account_groups").model(row).run()
        let all = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: company, on: db).map { ($0.id, $0) })
        let dto = GroupDTO(row, all: all)
        try await AuditLog.append(
            AuditEvent(companyID: company, action: "group.create", entityType: "group", entityID: row.id.uuidString.lowercased(),
                       after: try JSONValue(encoding: dto)), by: actor, on: db)
        return dto
    }

    @Sendable static func updateGroup(req: Request) async throws -> GroupDTO {
        let body = try req.decodeBody(UpdateGroupRequest.self)
        let context = try req.company
        let reference = req.parameters.get("group") ?? ""
        let actor = req.auditActor
        return try await req.write { db in try await updateGroup(reference, with: body, company: context.companyID, actor: actor, on: db) }
    }

    /// Renaming, moving or deactivating a group (the API and Tally imports): audited before and after.
    static func updateGroup(_ reference: String, with body: UpdateGroupRequest, company: UUID, actor: AuditActor, on db: any Database) async throws -> GroupDTO {
        guard var row = try await Chart.group(reference, company: company, on: db) else { throw APIError.notFound("Group") }
        var all = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: company, on: db).map { ($0.id, $0) })
        let before = GroupDTO(row, all: all)
        if let name = body.name?.trimmingCharacters(in: .whitespaces), name != row.name {
            try await Chart.renameClaim(to: name, entity: row.id, company: company, field: "name", on: db)
            row.name = name
        }
        if let parentRef = body.parent {
            guard !row.reserved else { throw APIError.validation(field: "parent", "Tally's predefined groups cannot be moved") }
            guard let parent = try await Chart.group(parentRef, company: company, on: db), parent.active else {
                throw APIError.validation(field: "parent", "no active group '\(parentRef)' in this company")
            }
            guard !Chart.path(of: parent.id, in: all).contains(row.name), parent.id != row.id else {
                throw APIError.validation(field: "parent", "a group cannot be moved under itself or one of its sub-groups")
            }
            row.parent_id = parent.id
            row.nature = parent.nature
            row.role = parent.role
            row.is_party_group = parent.is_party_group
        }
        if let active = body.active, active != row.active {
            if !active {
                guard !row.reserved else { throw APIError.validation(field: "active", "Tally's predefined groups stay active") }
                try await ensureUnused(group: row.id, company: company, on: db)
            }
            row.active = active
        }
        try await db.sql().update("account_groups").set(model: row).where("id", .equal, row.id).run()
        all[row.id] = row
        let after = GroupDTO(row, all: all)
        try await AuditLog.append(
            AuditEvent(companyID: company, action: "group.update", entityType: "group", entityID: row.id.uuidString.lowercased(),
                       before: try JSONValue(encoding: before), after: try JSONValue(encoding: after)), by: actor, on: db)
        return after
    }

    private static func ensureUnused(group: UUID, company: UUID, on db: any Database) async throws {
        struct Count: Decodable { var n: Int }
        let children = try await db.sql().raw("""
            SELECT COUNT(*) AS n FROM account_groups WHERE company_id = \(bind: company) AND parent_id = \(bind: group) AND active = \(bind: true)
            """).first(decoding: Count.self)?.n ?? 0
        let ledgers = try await db.sql().raw("""
            SELECT COUNT(*) AS n FROM ledgers WHERE company_id = \(bind: company) AND group_id = \(bind: group) AND active = \(bind: true)
            """).first(decoding: Count.self)?.n ?? 0
        guard children == 0, ledgers == 0 else {
            throw APIError.conflict("This group still has \(children) active sub-group(s) and \(ledgers) active ledger(s); move or deactivate them first.")
        }
    }

    // MARK: - Ledgers

    @Sendable static func listLedgers(req: Request) async throws -> Page<LedgerDTO> {
        let company = try req.company.companyID
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: company, on: req.db).map { ($0.id, $0) })
        return try OffsetPaging(req).page(try await req.visibleLedgers().map { LedgerDTO($0, groups: groups) })
    }

    @Sendable static func showLedger(req: Request) async throws -> LedgerDTO {
        let company = try req.company.companyID
        guard let l = try await Chart.ledger(req.parameters.get("ledger") ?? "", company: company, on: req.db),
              try await req.ledgerVisibility().allows(ledger: l.id)
        else { throw APIError.notFound("Ledger") }
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: company, on: req.db).map { ($0.id, $0) })
        return LedgerDTO(l, groups: groups)
    }

    @Sendable static func createLedger(req: Request) async throws -> Response {
        let body = try req.decodeBody(LedgerRequest.self, schema: LedgerRequest.createSchema)
        let context = try req.company
        let actor = req.auditActor
        let dto = try await req.write { db in try await createLedger(body, company: context.companyID, actor: actor, on: db) }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    @Sendable static func updateLedger(req: Request) async throws -> LedgerDTO {
        let body = try req.decodeBody(LedgerRequest.self)
        let context = try req.company
        let reference = req.parameters.get("ledger") ?? ""
        let actor = req.auditActor
        return try await req.write { db in try await updateLedger(reference, with: body, company: context.companyID, actor: actor, on: db) }
    }

    /// Creating a ledger from the API or the ledger form: the name is claimed, the row written and audited together.
    static func createLedger(_ body: LedgerRequest, company: UUID, actor: AuditActor, on db: any Database) async throws -> LedgerDTO {
        var row = LedgerRow(id: UUID(), company_id: company, name: "", group_id: UUID(), opening_paise: 0,
                            bill_wise: false, reserved: false, active: true)
        try await apply(body, to: &row, creating: true, on: db)
        let openingBills = try body.openingBills.map { try checkOpeningBills($0, for: row, creditPeriod: row.credit_period_days) } ?? []
        try await Chart.claimName(row.name, kind: "ledger", entity: row.id, company: company, field: "name", on: db)
        try await db.sql().insert(into: "ledgers").model(row).run()
        try await Bills.saveOpening(openingBills, ledger: row.id, company: company, on: db.sql())
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: company, on: db).map { ($0.id, $0) })
        let dto = LedgerDTO(row, groups: groups)
        try await AuditLog.append(
            AuditEvent(companyID: company, action: "ledger.create", entityType: "ledger",
                       entityID: row.id.uuidString.lowercased(), after: try JSONValue(encoding: dto)), by: actor, on: db)
        return dto
    }

    /// Opening bills must belong to a bill-wise ledger, have distinct references and add up to its opening balance.
    static func checkOpeningBills(_ inputs: [LedgerRequest.OpeningBillInput], for row: LedgerRow, creditPeriod: Int?) throws -> [Bills.OpeningBill] {
        guard !inputs.isEmpty else { return [] }
        guard row.bill_wise else { throw APIError.validation(field: "openingBills", "'\(row.name)' is not maintained bill-wise") }
        var errors: [APIError.FieldError] = []
        var out: [Bills.OpeningBill] = []
        var seen: Set<String> = []
        for (i, b) in inputs.enumerated() {
            let f = "openingBills[\(i)]"
            if !seen.insert(b.reference.lowercased()).inserted { errors.append(.init(field: f + ".reference", message: "'\(b.reference)' appears twice")) }
            guard let date = CalendarDate(b.date) else { errors.append(.init(field: f + ".date", message: "must be " + CalendarDate.acceptedDescription)); continue }
            let due = b.dueDate.flatMap(CalendarDate.init) ?? date.adding(days: creditPeriod ?? 0)
            if b.dueDate != nil && CalendarDate(b.dueDate ?? "") == nil { errors.append(.init(field: f + ".dueDate", message: "must be " + CalendarDate.acceptedDescription)) }
            guard let money = try? Money(parsing: b.amount), money.paise > 0 else {
                errors.append(.init(field: f + ".amount", message: "must be a positive amount with at most two decimals")); continue
            }
            out.append(.init(reference: b.reference, date: date, dueDate: due, signedAmount: Balance(money, b.side).signed))
        }
        let total = out.reduce(Int64(0)) { $0 + $1.signedAmount }
        if errors.isEmpty && total != row.opening_paise {
            let t = Balance(signed: total), o = Balance(signed: row.opening_paise)
            errors.append(.init(field: "openingBills", message: "add up to \(t.amount) \(t.side.rawValue) but the opening balance is \(o.amount) \(o.side.rawValue)"))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return out
    }

    /// Renaming keeps the ledger's id (so history follows it); the audit entry shows before and after.
    static func updateLedger(_ reference: String, with body: LedgerRequest, company: UUID, actor: AuditActor,
                             on db: any Database) async throws -> LedgerDTO {
        guard var row = try await Chart.ledger(reference, company: company, on: db) else { throw APIError.notFound("Ledger") }
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: company, on: db).map { ($0.id, $0) })
        let before = LedgerDTO(row, groups: groups)
        let oldName = row.name
        if body.openingBills != nil { throw APIError.validation(field: "openingBills", "are given when the ledger is created") }
        try await apply(body, to: &row, creating: false, on: db)
        if row.name != oldName {
            try await Chart.renameClaim(to: row.name, entity: row.id, company: company, field: "name", on: db)
        }
        try await db.sql().update("ledgers").set(model: row).where("id", .equal, row.id).run()
        let after = LedgerDTO(row, groups: groups)
        try await AuditLog.append(
            AuditEvent(companyID: company, action: "ledger.update", entityType: "ledger",
                       entityID: row.id.uuidString.lowercased(), before: try JSONValue(encoding: before),
                       after: try JSONValue(encoding: after)), by: actor, on: db)
        return after
    }

    /// Applies a create or change, collecting every invalid field before failing.
    private static func apply(_ body: LedgerRequest, to row: inout LedgerRow, creating: Bool, on db: any Database) async throws {
        var errors: [APIError.FieldError] = []
        if let name = body.name?.trimmingCharacters(in: .whitespaces) {
            if name.isEmpty { errors.append(.init(field: "name", message: "must not be empty")) } else { row.name = name }
        }
        if let groupRef = body.group {
            guard !row.reserved || creating else { throw APIError.validation(field: "group", "predefined ledgers cannot be moved") }
            if let group = try await Chart.group(groupRef, company: row.company_id, on: db), group.active {
                row.group_id = group.id
            } else {
                errors.append(.init(field: "group", message: "no active group '\(groupRef)' in this company"))
            }
        }
        if let opening = body.openingBalance {
            do {
                let signed = try opening.balance(field: "openingBalance").signed
                if signed != row.opening_paise { try await PeriodLocks.checkOpening(company: row.company_id, field: "openingBalance", on: db) }
                row.opening_paise = signed
            } catch let e as APIError where e.status == .unprocessableEntity { errors += e.fields }
        }
        if creating, body.openingBills?.isEmpty == false {
            try await PeriodLocks.checkOpening(company: row.company_id, field: "openingBills", on: db)
        }
        if let raw = body.gstin {
            do { row.gstin = try GSTIN(raw).value } catch { errors.append(.init(field: "gstin", message: error.description)) }
        }
        if let t = body.registrationType { row.registration_type = t.rawValue }
        let overseas = row.registration_type == Registration.overseas.rawValue
        if let state = body.stateCode {
            // 96 is "Other Country" in GST returns and e-invoices: the state of an overseas party, and of no one else.
            if StateCode.registrable.contains(state) || (state == "96" && overseas) { row.state_code = state } else {
                errors.append(.init(field: "stateCode", message: state == "96" ? "96 (other country) is the state of overseas parties only"
                                                                                : "'\(state)' is not a GST state code"))
            }
        }
        if overseas, row.gstin != nil {
            errors.append(.init(field: "gstin", message: "an overseas party has no Indian GSTIN; if it holds one, register it as regular (or sez), not overseas"))
        } else if let gstin = row.gstin, let state = row.state_code, !gstin.hasPrefix(state) {
            errors.append(.init(field: "gstin", message: "belongs to state \(gstin.prefix(2)) but stateCode is \(state)"))
        }
        if let a = body.address { row.address = a }
        if let p = body.place { row.place = p }
        if let pin = body.pincode {
            if PINCode.isValid(pin) { row.pincode = pin } else {
                errors.append(.init(field: "pincode", message: "must be a 6-digit PIN code"))
            }
        }
        if let c = body.contact { row.contact = c }
        if let b = body.billWise { row.bill_wise = b }
        if let d = body.creditPeriodDays { row.credit_period_days = d }
        if let raw = body.creditLimit {
            do {
                let m = try Money(parsing: raw)
                if m.paise < 0 { errors.append(.init(field: "creditLimit", message: "must not be negative")) } else { row.credit_limit_paise = m.paise }
            } catch { errors.append(.init(field: "creditLimit", message: error.description)) }
        }
        if let restricted = body.restricted {
            // Cash and Profit & Loss A/c sit in every report's totals and most vouchers; hiding them would hide the books.
            if restricted && row.reserved { errors.append(.init(field: "restricted", message: "predefined ledgers cannot be restricted")) }
            row.restricted = restricted
        }
        if let active = body.active {
            if !active && row.reserved { errors.append(.init(field: "active", message: "predefined ledgers stay active")) }
            row.active = active
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
    }
}
