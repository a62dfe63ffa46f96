@testable import App
import Fluent
import Foundation
import Testing
import Vapor

@Suite struct CompanyTests {
    @Test func create_list_show_and_update_a_company() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let id = try await client.createCompany(owner, name: "Shree Ganesh Traders", gstin: "27aapfu0939f1zv")

            let list = try await client.send(.GET, "/api/v1/companies", token: owner.accessToken)
            #expect(list.json["items"]?.arrayValue.count == 1)
            #expect(list.json["nextCursor"] == .null)

            let show = try await client.send(.GET, "/api/v1/companies/\(id)", token: owner.accessToken)
            #expect(show.json["gstin"]?.stringValue == "27AAPFU0939F1ZV")
            #expect(show.json["stateName"]?.stringValue == "Maharashtra")
            #expect(show.json["currency"]?.stringValue == "INR")

            let patch = try await client.send(.PATCH, "/api/v1/companies/\(id)", token: owner.accessToken,
                                              json: ["name": "Shree Ganesh Traders LLP", "gstin": nil])
            #expect(patch.status == .ok)
            #expect(patch.json["gstin"] == .null)
            #expect(patch.json["name"]?.stringValue == "Shree Ganesh Traders LLP")

            let me = try await client.send(.GET, "/api/v1/me", token: owner.accessToken)
            #expect(me.json["companies"]?[0]?["role"]?.stringValue == "owner")
        }
    }

    @Test func invalid_settings_are_reported_together_and_change_nothing() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let bad = try await client.send(.POST, "/api/v1/companies", token: owner.accessToken, json: [
                "name": "X", "gstin": "27AAPFU0939F1ZO", "stateCode": "45",
                "financialYearStart": "2026-04-15", "booksBeginning": "2025-01-01",
            ])
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.errorFields) == ["gstin", "stateCode", "financialYearStart", "booksBeginning"])
            #expect(bad.text.contains("check character O but the checksum gives V"))

            let mismatch = try await client.send(.POST, "/api/v1/companies", token: owner.accessToken, json: [
                "name": "X", "gstin": "29AABCR1718E1ZL", "stateCode": "27",
                "financialYearStart": "2026-04-01", "booksBeginning": "2026-04-01",
            ])
            #expect(mismatch.errorFields == ["gstin"])

            let missing = try await client.send(.POST, "/api/v1/companies", token: owner.accessToken,
                                                json: ["name": .int(5), "currency": "USD"])
            #expect(missing.status == .unprocessableEntity)
            #expect(Set(missing.errorFields) == ["name", "stateCode", "financialYearStart", "booksBeginning", "currency"])
            #expect(try await Company.query(on: app.db).count() == 0)

            let id = try await client.createCompany(owner)
            let badPatch = try await client.send(.PATCH, "/api/v1/companies/\(id)", token: owner.accessToken,
                                                 json: ["stateCode": "29", "booksBeginning": "not a date"])
            #expect(badPatch.status == .unprocessableEntity)
            let unchanged = try await client.send(.GET, "/api/v1/companies/\(id)", token: owner.accessToken)
            #expect(unchanged.json["stateCode"]?.stringValue == "27")
        }
    }

    @Test func hostile_text_is_stored_and_returned_verbatim() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let hostile = [
                #"O'Brien "Quoted" & Sons"#, "'; DROP TABLE companies; --", "<script>alert('x')</script>",
                String(repeating: "क", count: 10_000),
            ]
            for text in hostile {
                let session = try await client.register(name: text)
                #expect(try await client.send(.GET, "/api/v1/me", token: session.accessToken).json["name"]?.stringValue == text)
                let id = try await client.createCompany(session, name: text)
                let show = try await client.send(.GET, "/api/v1/companies/\(id)", token: session.accessToken)
                #expect(show.json["name"]?.stringValue == text)
            }
            let tooLong = try await client.register()
            let r = try await client.send(.PATCH, "/api/v1/companies/\(try await client.createCompany(tooLong))",
                                          token: tooLong.accessToken, json: ["name": .string(String(repeating: "x", count: 10_001))])
            #expect(r.status == .unprocessableEntity)
            #expect(try await Company.query(on: app.db).count() == 5)
        }
    }
}

@Suite struct MemberTests {
    @Test func owner_adds_changes_and_removes_members() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let clerk = try await client.register("clerk@example.com")
            let company = try await client.createCompany(owner)

            let add = try await client.addMember(owner, company: company, email: "clerk@example.com", role: "sales")
            #expect(add.status == .created)
            #expect(try await client.addMember(owner, company: company, email: "clerk@example.com", role: "viewer").status == .conflict)
            // Someone without an account yet can be invited: the token waits for them to sign up with that email.
            let ghost = try await client.invite(owner, company: company, email: "ghost@example.com", role: "viewer")
            #expect(ghost.status == .created && ghost.json["token"]?.stringValue?.isEmpty == false, "\(ghost.text)")
            #expect(try await client.invite(owner, company: company, email: "not an email", role: "viewer").errorFields == ["email"])
            #expect(try await client.addMember(owner, company: company, email: "clerk@example.com", role: "emperor").errorFields == ["role"])

            let members = try await client.send(.GET, "/api/v1/companies/\(company)/members", token: clerk.accessToken)
            #expect(members.json["items"]?.arrayValue.count == 2)

            let promote = try await client.send(.PATCH, "/api/v1/companies/\(company)/members/\(clerk.userID)",
                                                token: owner.accessToken, json: ["role": "accountant"])
            #expect(promote.json["role"]?.stringValue == "accountant")

            let remove = try await client.send(.DELETE, "/api/v1/companies/\(company)/members/\(clerk.userID)", token: owner.accessToken)
            #expect(remove.status == .noContent)
            let gone = try await client.send(.GET, "/api/v1/companies/\(company)", token: clerk.accessToken)
            #expect(gone.status == .notFound)
            // Re-adding reuses the membership row: nothing is deleted.
            #expect(try await client.addMember(owner, company: company, email: "clerk@example.com", role: "viewer").status == .created)
            #expect(try await Membership.query(on: app.db).count() == 2)
        }
    }

    @Test func roles_cannot_be_escalated_and_the_last_owner_stays() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let admin = try await client.register("admin@example.com")
            let sales = try await client.register("sales@example.com")
            _ = try await client.register("new@example.com")
            let company = try await client.createCompany(owner)
            _ = try await client.addMember(owner, company: company, email: "admin@example.com", role: "admin")
            _ = try await client.addMember(owner, company: company, email: "sales@example.com", role: "sales")

            // An admin cannot make anyone owner, nor touch the owner.
            #expect(try await client.addMember(admin, company: company, email: "new@example.com", role: "owner").status == .forbidden)
            let promoteSelf = try await client.send(.PATCH, "/api/v1/companies/\(company)/members/\(admin.userID)",
                                                    token: admin.accessToken, json: ["role": "owner"])
            #expect(promoteSelf.status == .forbidden)
            let demoteOwner = try await client.send(.PATCH, "/api/v1/companies/\(company)/members/\(owner.userID)",
                                                    token: admin.accessToken, json: ["role": "viewer"])
            #expect(demoteOwner.status == .forbidden)
            // A sales user cannot manage members at all.
            #expect(try await client.addMember(sales, company: company, email: "new@example.com", role: "viewer").status == .forbidden)
            // The last owner can neither be demoted nor removed, even by themselves.
            let selfDemote = try await client.send(.PATCH, "/api/v1/companies/\(company)/members/\(owner.userID)",
                                                   token: owner.accessToken, json: ["role": "admin"])
            #expect(selfDemote.status == .conflict)
            let selfRemove = try await client.send(.DELETE, "/api/v1/companies/\(company)/members/\(owner.userID)", token: owner.accessToken)
            #expect(selfRemove.status == .conflict)
            // With a second owner, the first may step down.
            _ = try await client.send(.PATCH, "/api/v1/companies/\(company)/members/\(admin.userID)", token: owner.accessToken, json: ["role": "owner"])
            let stepDown = try await client.send(.PATCH, "/api/v1/companies/\(company)/members/\(owner.userID)",
                                                 token: owner.accessToken, json: ["role": "viewer"])
            #expect(stepDown.status == .ok)
            // An admin may add below owner.
            #expect(try await client.addMember(admin, company: company, email: "new@example.com", role: "admin").status == .created)
        }
    }

    @Test func auditor_reads_everything_and_writes_nothing() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let auditor = try await client.register("auditor@example.com")
            let company = try await client.createCompany(owner)
            _ = try await client.addMember(owner, company: company, email: "auditor@example.com", role: "auditor")

            #expect(try await client.send(.GET, "/api/v1/companies/\(company)/audit-log", token: auditor.accessToken).status == .ok)
            #expect(try await client.send(.GET, "/api/v1/companies/\(company)/members", token: auditor.accessToken).status == .ok)
            let patch = try await client.send(.PATCH, "/api/v1/companies/\(company)", token: auditor.accessToken, json: ["name": "Mine now"])
            #expect(patch.status == .forbidden)
            #expect(patch.errorCode == "forbidden")
            #expect(Role.auditor.capabilities.allSatisfy { Capability.readOnly.contains($0) })
        }
    }
}
