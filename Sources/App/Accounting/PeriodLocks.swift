import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

/// Books locked through a date accept no voucher dated on or before it, whoever asks.
enum PeriodLocks {
    struct Row: Codable, Sendable { var id: UUID; var company_id: UUID; var locked_through: String; var reason: String; var active: Bool; var created_by: UUID? }

    static func current(company: UUID, on db: any Database) async throws -> Row? {
        try await db.sql().raw("""
            SELECT id, company_id, locked_through, reason, active, created_by FROM period_locks
            WHERE company_id = \(bind: company) AND active = \(bind: true) ORDER BY locked_through DESC LIMIT 1
            """).first(decoding: Row.self)
    }

    static func check(date: CalendarDate, company: UUID, on db: any Database) async throws {
        try check(date: date, against: try await current(company: company, on: db))
    }

    /// Opening balances and opening bills stand on the day before the books begin, so any lock reaching that day
    /// (every lock does, in practice) keeps them as they are.
    static func checkOpening(company: UUID, field: String, on db: any Database) async throws {
        guard let lock = try await current(company: company, on: db), let row = try await Company.find(company, on: db) else { return }
        let openingDay = (try CalendarDate(stored: row.booksBeginning)).adding(days: -1)
        if openingDay.description <= lock.locked_through {
            throw APIError(status: .conflict, code: "period_locked",
                           message: "The books are locked through \(lock.locked_through) (\(lock.reason)); opening balances and opening bills cannot change while the lock covers the books' beginning.",
                           fields: [.init(field: field, message: "cannot change inside the period locked through \(lock.locked_through)")])
        }
    }

    /// 409 naming the lock when `date` is on or before it.
    static func check(date: CalendarDate, against lock: Row?) throws {
        if let lock, date.description <= lock.locked_through {
            throw APIError(status: .conflict, code: "period_locked",
                           message: "The books are locked through \(lock.locked_through) (\(lock.reason)); \(date) falls inside the locked period.",
                           fields: [.init(field: "date", message: "is inside the period locked through \(lock.locked_through)")])
        }
    }

    @Sendable static func list(req: Request) async throws -> Page<PeriodLockDTO> {
        try OffsetPaging(req).page(try await all(company: req.company.companyID, on: req.db))
    }

    static func all(company: UUID, on db: any Database) async throws -> [PeriodLockDTO] {
        try await db.sql().raw("""
            SELECT id, company_id, locked_through, reason, active, created_by FROM period_locks
            WHERE company_id = \(bind: company) ORDER BY created_at DESC
            """).all(decoding: Row.self).map { PeriodLockDTO(id: $0.id, lockedThrough: $0.locked_through, reason: $0.reason, active: $0.active) }
    }

    @Sendable static func lock(req: Request) async throws -> Response {
        let dto = try await lock(req.decodeBody(PeriodLockRequest.self), on: req)
        return try await dto.encodeResponse(status: .created, for: req)
    }

    static func lock(_ body: PeriodLockRequest, on req: Request) async throws -> PeriodLockDTO {
        let context = try req.company
        let actor = req.auditActor
        return try await req.write { db in
            let id = UUID()
            try await db.sql().raw("""
                INSERT INTO period_locks (id, company_id, locked_through, reason, active, created_by, created_at)
                VALUES (\(bind: id), \(bind: context.companyID), \(bind: body.lockedThrough), \(bind: body.reason), \(bind: true),
                        \(bind: context.userID), \(bind: Date()))
                """).run()
            let dto = PeriodLockDTO(id: id, lockedThrough: body.lockedThrough, reason: body.reason, active: true)
            try await AuditLog.append(
                AuditEvent(companyID: context.companyID, action: "period.lock", entityType: "period_lock",
                           entityID: id.uuidString.lowercased(), after: try JSONValue(encoding: dto)), by: actor, on: db)
            return dto
        }
    }

    /// Lifts every active lock; a separate, audited act, as the issue requires.
    @Sendable static func unlock(req: Request) async throws -> HTTPStatus {
        let context = try req.company
        let actor = req.auditActor
        try await req.write { db in
            guard let lock = try await current(company: context.companyID, on: db) else {
                throw APIError.conflict("The books are not locked.")
            }
            try await db.sql().raw("""
                UPDATE period_locks SET active = \(bind: false), unlocked_at = \(bind: Date())
                WHERE company_id = \(bind: context.companyID) AND active = \(bind: true)
                """).run()
            try await AuditLog.append(
                AuditEvent(companyID: context.companyID, action: "period.unlock", entityType: "period_lock",
                           entityID: lock.id.uuidString.lowercased(), before: ["lockedThrough": .string(lock.locked_through)]),
                by: actor, on: db)
        }
        return .noContent
    }
}
