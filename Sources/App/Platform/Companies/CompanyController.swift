import Fluent
import SQLKit
import Vapor

enum CompanyController {
    @Sendable static func create(req: Request) async throws -> Response {
        let dto = try await create(req.decodeBody(CreateCompanyRequest.self), by: req.authenticatedUserID, on: req)
        return try await dto.encodeResponse(status: .created, for: req)
    }

    /// Creates the company with its creator as owner; shared by the API and the web form.
    static func create(_ body: CreateCompanyRequest, by userID: UUID, on req: Request) async throws -> CompanyDTO {
        let gstin = try CompanyRules.validate(.init(
            gstin: body.gstin, stateCode: body.stateCode, financialYearStart: body.financialYearStart,
            booksBeginning: body.booksBeginning))
        let actor = req.auditActor
        return try await req.write { db in
            let company = Company(
                name: body.name, gstin: gstin, stateCode: body.stateCode, financialYearStart: body.financialYearStart,
                booksBeginning: body.booksBeginning)
            try await company.create(on: db)
            let companyID = try company.requireID()
            try await Membership(companyID: companyID, userID: userID, role: .owner).create(on: db)
            try await ChartSeeder.seed(company: companyID, on: db)
            let dto = try CompanyDTO(company)
            try await AuditLog.append(
                AuditEvent(companyID: companyID, action: "company.create", entityType: "company",
                           entityID: companyID.uuidString.lowercased(), after: try JSONValue(encoding: dto)),
                by: actor, on: db)
            try await AuditLog.append(
                AuditEvent(companyID: companyID, action: "member.add", entityType: "membership",
                           entityID: userID.uuidString.lowercased(), after: ["role": "owner"]),
                by: actor, on: db)
            return dto
        }
    }

    @Sendable static func list(req: Request) async throws -> Page<CompanyDTO> {
        let companies = try await query(memberOf: try req.authenticatedUserID, on: req.db)
        return try OffsetPaging(req).page(try companies.map(CompanyDTO.init))
    }

    /// Companies where the user is an active member, by name.
    static func query(memberOf userID: UUID, on db: any Database) async throws -> [Company] {
        let ids = try await Membership.query(on: db).filter(\.$userID == userID).filter(\.$active == true).all(\.$companyID)
        guard !ids.isEmpty else { return [] }
        return try await Company.query(on: db).filter(\.$id ~~ ids).sort(\.$name).sort(\.$id).all()
    }

    @Sendable static func show(req: Request) async throws -> CompanyDTO {
        try CompanyDTO(try await find(try req.company, on: req.db))
    }

    static func find(_ context: CompanyContext, on db: any Database) async throws -> Company {
        guard let company = try await Company.find(context.companyID, on: db) else { throw APIError.notFound("Company") }
        return company
    }

    @Sendable static func update(req: Request) async throws -> CompanyDTO {
        try await update(req.decodeBody(UpdateCompanyRequest.self), in: req.company, on: req)
    }

    static func update(_ body: UpdateCompanyRequest, in context: CompanyContext, on req: Request) async throws -> CompanyDTO {
        let actor = req.auditActor
        return try await req.write { db in
            let company = try await find(context, on: db)
            let before = try CompanyDTO(company)
            let settings = CompanyRules.Settings(
                gstin: body.gstin ?? company.gstin, stateCode: body.stateCode ?? company.stateCode,
                financialYearStart: body.financialYearStart ?? company.financialYearStart,
                booksBeginning: body.booksBeginning ?? company.booksBeginning)
            let gstin = try CompanyRules.validate(settings)
            if let name = body.name { company.name = name }
            company.gstin = gstin
            company.stateCode = settings.stateCode
            company.financialYearStart = settings.financialYearStart
            company.booksBeginning = settings.booksBeginning
            if let allow = body.allowNegativeStock { company.allowNegativeStock = allow }
            if let policy = body.expiredBatchIssues { company.expiredBatchIssues = policy }
            try await company.save(on: db)
            let after = try CompanyDTO(company)
            try await AuditLog.append(
                AuditEvent(companyID: context.companyID, action: "company.update", entityType: "company",
                           entityID: context.companyID.uuidString.lowercased(),
                           before: try JSONValue(encoding: before), after: try JSONValue(encoding: after)),
                by: actor, on: db)
            return after
        }
    }
}
