import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

/// `…/job-work/challans`: goods sent to job workers and received back, their e-way bills, and cancellation.
enum JobWorkController {
    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(JobWorkRequest.self)
        let (context, actor) = (try req.company, req.auditActor)
        try context.require(body.direction.voucherClass)
        let dto = try await req.write { db in
            try await JobWork.post(body, company: try await CompanyController.find(context, on: db), actor: actor, on: db)
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    @Sendable static func list(req: Request) async throws -> Page<JobWorkDTO> {
        let company = try req.company.companyID
        let paging = try OffsetPaging(req)
        struct ID: Decodable { var id: UUID }
        let ids = try await req.db.sql().raw("""
            SELECT id FROM job_work_challans WHERE company_id = \(bind: company) ORDER BY date DESC, number DESC, id
            LIMIT \(bind: paging.limit + 1) OFFSET \(bind: paging.offset)
            """).all(decoding: ID.self)
        var items: [JobWorkDTO] = []
        for i in ids.prefix(paging.limit) { items.append(try await JobWork.load(i.id, company: company, on: req.db)) }
        return Page(items: items, nextCursor: paging.next(fetched: ids.count))
    }

    @Sendable static func show(req: Request) async throws -> JobWorkDTO {
        let company = try req.company.companyID
        guard let row = try await JobWork.find(req.parameters.get("challanID") ?? "", company: company, on: req.db) else {
            throw APIError.notFound("Job work challan")
        }
        return try await JobWork.load(row.id, company: company, on: req.db)
    }

    /// A challan sent out cannot be cancelled while goods received back against it would exceed what remains sent.
    @Sendable static func cancel(req: Request) async throws -> JobWorkDTO {
        let (member, actor) = (try req.company, req.auditActor)
        let ref = req.parameters.get("challanID") ?? ""
        return try await req.write { db in
            guard let row = try await JobWork.find(ref, company: member.companyID, on: db) else { throw APIError.notFound("Job work challan") }
            let direction = JobWorkDirection(rawValue: row.direction) ?? .sent
            try member.require(direction.voucherClass, .cancel, enteredBy: row.created_by)
            guard row.active else { throw APIError.conflict("Job work challan \(row.number) is already cancelled.") }
            try await PeriodLocks.check(date: try CalendarDate(stored: row.date), company: member.companyID, on: db)
            let contents = try await JobWork.contents(row.id, company: member.companyID, on: db)
            if direction == .sent {
                let held = try await JobWork.withJobWorker(row.party_ledger_id, company: member.companyID, on: db)
                if JobWork.quantities(contents.lines).contains(where: { (held[$0.key] ?? 0) < $0.value }) {
                    throw APIError.conflict("Goods on challan \(row.number) have come back from the job worker; cancel the return first.")
                }
            }
            let before = JobWork.dto(contents)
            try await db.sql().update("job_work_challans").set("active", to: false).where("id", .equal, row.id).run()
            let after = try await JobWork.load(row.id, company: member.companyID, on: db)
            try await AuditLog.append(AuditEvent(companyID: member.companyID, action: "job_work.cancel", entityType: "job_work_challan",
                                                 entityID: row.id.uuidString.lowercased(), before: try JSONValue(encoding: before),
                                                 after: try JSONValue(encoding: after)), by: actor, on: db)
            return after
        }
    }

    /// The e-way bill for a challan: sub-type 4 (job work) for goods sent, 6 (job work returns) for goods back,
    /// document CHL; needed whatever the value when the job worker is in another State.
    @Sendable static func ewaybill(req: Request) async throws -> Response {
        let company = try req.company.companyID
        guard let row = try await JobWork.find(req.parameters.get("challanID") ?? "", company: company, on: req.db) else {
            throw APIError.notFound("Job work challan")
        }
        guard row.active else { throw APIError.conflict("Job work challan \(row.number) is cancelled.") }
        guard let registrationID = row.registration_id,
            let reg = try await Registrations.all(company: company, on: req.db).first(where: { $0.id == registrationID })
        else { throw APIError.validation(field: "registration", "the challan was made without a GST registration: an e-way bill needs one") }
        guard let party = try await Chart.ledger(row.party_ledger_id.uuidString, company: company, on: req.db) else { throw APIError.notFound("Ledger") }
        var errors: [APIError.FieldError] = []
        let voluntary = EDocuments.voluntary(req, errors: &errors)
        guard errors.isEmpty else { throw APIError.validation(errors) }
        let contents = try await JobWork.contents(row.id, company: company, on: req.db)
        let ours = try await EDocuments.ours(reg, req)
        let worker = EDocuments.other(party, gstin: party.gstin, otherwise: reg.state_code)
        let document = JobWork.document(contents, ourState: reg.state_code, partyState: worker.stateCode)
        switch EWayBill.build(document: document, ours: ours, party: worker, transport: .init(voluntary: voluntary),
                              challan: contents.direction == .sent ? .jobWork : .jobWorkReturn) {
        case .success(let payload):
            return try GSTReturns.portalJSON(payload, filename: "ewaybill-\(EDocuments.safe(row.number)).json")
        case .failure(let problems): throw EDocuments.refuse(problems)
        }
    }
}
