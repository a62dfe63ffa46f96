import Fluent
import Ledger
import Vapor

/// The demo a newcomer sees with `finsync serve --demo`: created once, audited like any other change.
enum DemoData {
    struct Info: Sendable {
        var email: String
        var password: String
        var companyName: String
        var companyID: UUID
    }

    static let email = "demo@finsync360.example"
    static let password = "demo-password-2026"
    static let companyName = "Demo Traders Private Limited"

    static func seed(_ app: Application) async throws -> Info {
        let actor = AuditActor(userID: nil, requestID: "demo-seed", clientAddress: "local")
        let hash = try await app.password.async.hash(Passwords.prepared(password))
        return try await app.store.write(on: app.db) { db in
            if let user = try await User.query(on: db).filter(\.$email == email).first(),
                let membership = try await Membership.query(on: db).filter(\.$userID == user.requireID()).first()
            {
                return Info(email: email, password: password, companyName: companyName, companyID: membership.companyID)
            }
            let user = User(email: email, name: "Demo Accountant", passwordHash: hash)
            try await user.create(on: db)
            var withUser = actor
            withUser.userID = try user.requireID()
            try await AuditLog.append(
                AuditEvent(companyID: nil, action: "auth.register", entityType: "user",
                           entityID: try user.requireID().uuidString.lowercased(), after: ["email": .string(email)]),
                by: withUser, on: db)
            let fyStart = Format.today().financialYearStart.description
            let company = Company(
                name: companyName, gstin: "27AAPFU0939F1ZV", stateCode: "27", financialYearStart: fyStart,
                booksBeginning: fyStart)
            try await company.create(on: db)
            let companyID = try company.requireID()
            try await Membership(companyID: companyID, userID: user.requireID(), role: .owner).create(on: db)
            try await ChartSeeder.seed(company: companyID, on: db)
            try await AuditLog.append(
                AuditEvent(companyID: companyID, action: "company.create", entityType: "company",
                           entityID: companyID.uuidString.lowercased(), after: try JSONValue(encoding: CompanyDTO(company))),
                by: withUser, on: db)
            try await DemoBooks.seed(company: companyID, fyStart: (try CalendarDate(stored: fyStart)), actor: withUser, on: db)
            try await DemoGST.seed(company: company, fyStart: (try CalendarDate(stored: fyStart)), actor: withUser, on: db)
            try await DemoStock.seed(company: company, fyStart: (try CalendarDate(stored: fyStart)), actor: withUser, on: db)
            return Info(email: email, password: password, companyName: companyName, companyID: companyID)
        }
    }
}
