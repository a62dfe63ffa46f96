@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Who may touch what: the capability × role table walked over every route, voucher kinds by role, other people's
/// vouchers, period locks, and reads that never write.
@Suite struct AccessTests {
    /// One member per role in one company, each with an API token and a web session.
    struct Staff {
        let f: BooksFixture
        var members: [Role: TestClient.Session] = [:]

        static func make(_ app: Application) async throws -> Staff {
            var s = Staff(f: try await BooksFixture.make(app))
            s.members[.owner] = s.f.owner
            for role in Role.allCases where role != .owner {
                let email = "\(role.rawValue)@example.com"
                let session = try await s.f.client.register(email)
                let added = try await s.f.client.addMember(s.f.owner, company: s.f.company, email: email, role: role.rawValue)
                #expect(added.status == .created || added.status == .ok, "\(role): \(added.text)")
                s.members[role] = session
            }
            return s
        }

        func send(_ role: Role, _ method: HTTPMethod, _ path: String, _ json: JSONValue = [:]) async throws -> TestResponse {
            try await f.client.send(method, "\(f.base)/\(path)", token: members[role]?.accessToken, json: method == .GET ? nil : json)
        }
    }

    /// The router, not a list: every company route, for every role, is refused exactly when the table says so.
    @Test func every_route_for_every_role_follows_the_capability_table() async throws {
        try await withApp { app in
            let staff = try await Staff.make(app)
            var webs: [Role: WebTestSession] = [:]
            for (role, session) in staff.members { webs[role] = try await WebTestSession.start(for: session.userID, on: app) }
            var checked = 0
            for route in app.routes.all where route.path.contains(.parameter("companyID")) {
                guard let capability = route.api?.capability else { Issue.record("\(route.method) \(route.path) declares no capability"); continue }
                let path = "/" + route.path.map { c -> String in
                    switch c {
                    case .parameter("companyID"): staff.f.company
                    case .parameter: UUID().uuidString
                    default: c.description
                    }
                }.joined(separator: "/")
                for role in Role.allCases {
                    let r = route.api?.page == true
                        ? try await webs[role]!.send(route.method, path, form: ["x": "1"])
                        : try await staff.f.client.send(route.method, path, token: staff.members[role]?.accessToken, json: route.method == .GET ? nil : ["x": "1"])
                    checked += 1
                    if role.can(capability) {
                        #expect(r.status != .forbidden, "\(role) was refused \(route.method) \(path) (needs \(capability.rawValue)): \(r.text.prefix(200))")
                    } else {
                        #expect(r.status == .forbidden, "\(role) got \(r.status.code) for \(route.method) \(path) without \(capability.rawValue)")
                    }
                    #expect(r.status.code < 500, "\(role) \(route.method) \(path) answered \(r.status.code)")
                }
            }
            #expect(checked > 500, "only \(checked) route × role pairs")
        }
    }

    @Test func roles_enter_only_their_kinds_of_voucher() async throws {
        try await withApp { app in
            let s = try await Staff.make(app)
            func e(_ l: String, dr: String? = nil, cr: String? = nil) -> JSONValue { BooksFixture.entry(l, dr: dr, cr: cr) }
            func voucher(_ role: Role, _ type: String) async throws -> TestResponse {
                let (dr, cr) = switch type {
                case "receipt", "contra": ("HDFC Bank", type == "contra" ? "Cash" : "Sharma Traders")
                case "payment": ("Sharma Traders", "HDFC Bank")
                default: ("Rent", "Sharma Traders")
                }
                return try await s.send(role, .POST, "vouchers", ["type": .string(type), "date": "2026-06-15", "entries": [e(dr, dr: "10.00"), e(cr, cr: "10.00")]])
            }
            #expect(try await voucher(.sales, "receipt").status == .created)
            let payment = try await voucher(.sales, "payment")
            #expect(payment.status == .forbidden && payment.text.contains("does not enter payment vouchers"), "\(payment.text)")
            #expect(try await voucher(.sales, "journal").status == .forbidden)
            #expect(try await voucher(.purchase, "payment").status == .created)
            #expect(try await voucher(.purchase, "receipt").status == .forbidden)
            #expect(try await voucher(.inventory, "journal").status == .forbidden)
            #expect(try await voucher(.accountant, "journal").status == .created)
            #expect(try await voucher(.auditor, "receipt").status == .forbidden)
            // A batch with one voucher the role may not enter posts nothing.
            let before = try await s.f.get("vouchers").json["items"]?.arrayValue.count
            let batch = try await s.send(.sales, .POST, "vouchers/batch", ["vouchers": [
                ["type": "receipt", "date": "2026-06-16", "entries": [e("HDFC Bank", dr: "1.00"), e("Sharma Traders", cr: "1.00")]],
                ["type": "contra", "date": "2026-06-16", "entries": [e("HDFC Bank", dr: "1.00"), e("Cash", cr: "1.00")]],
            ]])
            #expect(batch.status == .forbidden && batch.text.contains("vouchers[1]"), "\(batch.text)")
            #expect(try await s.f.get("vouchers").json["items"]?.arrayValue.count == before)
            // Orders and notes by role.
            let order: JSONValue = ["date": "2026-06-15", "party": "Sharma Traders", "lines": []]
            #expect(try await s.send(.purchase, .POST, "sales-orders", order).status == .forbidden)
            #expect(try await s.send(.sales, .POST, "sales-orders", order).status != .forbidden)
            #expect(try await s.send(.inventory, .POST, "delivery-notes", order).status != .forbidden)
            #expect(try await s.send(.inventory, .POST, "sales-orders", order).status == .forbidden)
        }
    }

    @Test func changing_someone_elses_voucher_needs_amend_or_cancel() async throws {
        try await withApp { app in
            let s = try await Staff.make(app)
            func e(_ l: String, dr: String? = nil, cr: String? = nil) -> JSONValue { BooksFixture.entry(l, dr: dr, cr: cr) }
            let body: JSONValue = ["type": "receipt", "date": "2026-06-15", "entries": [e("HDFC Bank", dr: "10.00"), e("Sharma Traders", cr: "10.00")]]
            var changed = body
            changed = ["type": "receipt", "date": "2026-06-15", "entries": [e("HDFC Bank", dr: "12.00"), e("Sharma Traders", cr: "12.00")]]
            let accountants = try await s.send(.accountant, .POST, "vouchers", body)
            let theirs = accountants.json["id"]?.stringValue ?? ""
            #expect(try await s.send(.sales, .PUT, "vouchers/\(theirs)", changed).status == .forbidden)
            #expect(try await s.send(.sales, .POST, "vouchers/\(theirs)/cancel").status == .forbidden)
            let own = try await s.send(.sales, .POST, "vouchers", body).json["id"]?.stringValue ?? ""
            let amended = try await s.send(.sales, .PUT, "vouchers/\(own)", changed)
            #expect(amended.status == .ok, "\(amended.text)")
            #expect(try await s.send(.sales, .POST, "vouchers/\(own)/cancel").status == .ok)
            // The accountant may amend and cancel anyone's.
            let salesAgain = try await s.send(.sales, .POST, "vouchers", body).json["id"]?.stringValue ?? ""
            #expect(try await s.send(.accountant, .PUT, "vouchers/\(salesAgain)", changed).status == .ok)
            #expect(try await s.send(.accountant, .POST, "vouchers/\(salesAgain)/cancel").status == .ok)
            // A purchase user cannot amend a receipt even if it were theirs to see.
            #expect(try await s.send(.purchase, .PUT, "vouchers/\(theirs)", changed).status == .forbidden)
            // The web form's amendment follows the same rule.
            let web = try await WebTestSession.start(for: s.members[.sales]!.userID, on: app)
            let page = try await web.send(.POST, "/app/c/\(s.f.company)/vouchers/\(theirs)/edit", form: ["date": "2026-06-15"])
            #expect(page.status == .forbidden, "\(page.status)")
        }
    }

    @Test func accountants_lock_periods_and_only_owners_and_admins_lift_them() async throws {
        try await withApp { app in
            let s = try await Staff.make(app)
            #expect(try await s.send(.accountant, .POST, "period-locks", ["lockedThrough": "2026-06-30", "reason": "Q1 filed"]).status == .created)
            #expect(try await s.send(.accountant, .POST, "period-locks/unlock").status == .forbidden)
            #expect(try await s.send(.sales, .POST, "period-locks", ["lockedThrough": "2026-07-31", "reason": "x"]).status == .forbidden)
            // Openings stand before the books begin: a lock keeps them, on a ledger's change and on a new ledger with bills.
            let opening = try await s.send(.owner, .PATCH, "ledgers/Sharma Traders", ["openingBalance": ["amount": "2000.00", "side": "Dr"]])
            #expect(opening.status == .conflict && opening.errorFields == ["openingBalance"], "\(opening.text)")
            let same = try await s.send(.owner, .PATCH, "ledgers/Sharma Traders", ["openingBalance": ["amount": "1000.00", "side": "Dr"], "contact": "Mr Sharma"])
            #expect(same.status == .ok, "an unchanged opening is no change: \(same.text)")
            let withBills = try await s.send(.owner, .POST, "ledgers", [
                "name": "Gupta Stores", "group": "Sundry Debtors", "billWise": true, "openingBalance": ["amount": "50.00", "side": "Dr"],
                "openingBills": [["reference": "OB-1", "date": "2026-03-01", "amount": "50.00", "side": "Dr"]],
            ])
            #expect(withBills.status == .conflict && withBills.errorFields == ["openingBalance"] || withBills.errorFields == ["openingBills"], "\(withBills.text)")
            #expect(try await s.send(.admin, .POST, "period-locks/unlock").status == .noContent)
            #expect(try await s.send(.owner, .PATCH, "ledgers/Sharma Traders", ["openingBalance": ["amount": "2000.00", "side": "Dr"]]).status == .ok)
            // The page offers the lift only to those who may.
            let accountantPage = try await WebTestSession.start(for: s.members[.accountant]!.userID, on: app)
            #expect(try await s.send(.accountant, .POST, "period-locks", ["lockedThrough": "2026-06-30", "reason": "again"]).status == .created)
            #expect(!(try await accountantPage.send(.GET, "/app/c/\(s.f.company)/period-locks").text.contains("Lift the lock")))
            let ownerPage = try await WebTestSession.start(for: s.f.owner.userID, on: app)
            #expect(try await ownerPage.send(.GET, "/app/c/\(s.f.company)/period-locks").text.contains("Lift the lock"))
        }
    }

    /// An auditor walks every GET route of the API and the web UI with real ids; the database is unchanged to the byte.
    @Test func no_get_route_writes() async throws {
        try await withApp { app in
            let world = try await EdgeWorld.make(app)
            let auditor = try await world.client.register("auditor@example.com")
            // A new company with a GSTIN and nothing posted: its returns once stored a registration on the way.
            let fresh = try await world.client.createCompany(world.owner, name: "Fresh Traders")
            for company in [world.gst.f.company, fresh] {
                _ = try await world.client.addMember(world.owner, company: company, email: "auditor@example.com", role: "auditor")
            }
            let web = try await WebTestSession.start(for: auditor.userID, on: app)
            let before = try await DatabaseFingerprint.take(app.db)
            var visited = 0
            for route in app.routes.all where route.method == .GET && route.path.contains(.parameter("companyID")) {
                for path in [world.path(route), world.path(route).replacingOccurrences(of: world.gst.f.company, with: fresh)] {
                    let query = path.contains("/gst/") ? "?period=2026-05" : ""
                    let r = route.api?.page == true ? try await web.send(.GET, path + query) : try await world.client.send(.GET, path + query, token: auditor.accessToken)
                    #expect(r.status.code < 500, "GET \(path): \(r.status.code)")
                    visited += 1
                }
            }
            let after = try await DatabaseFingerprint.take(app.db)
            for (table, content) in after where before[table] != content { Issue.record("a GET changed table \(table)") }
            #expect(visited > 60)
        }
    }
}

/// Every table's content as one string per table, on SQLite or PostgreSQL.
enum DatabaseFingerprint {
    static func take(_ db: any Database) async throws -> [String: String] {
        struct Name: Decodable { var name: String }
        struct Text: Decodable { var t: String? }
        let sql = db.sql()
        var out: [String: String] = [:]
        if TestDatabase.isPostgres {
            for table in try await sql.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'").all(decoding: Name.self) {
                out[table.name] = try await sql.raw("SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS t FROM \(ident: table.name) x").first(decoding: Text.self)?.t ?? ""
            }
        } else {
            for table in try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all(decoding: Name.self) {
                let columns = try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table.name))").all(decoding: Name.self).map(\.name)
                let row = columns.map { "quote(\"\($0)\")" }.joined(separator: " || ',' || ")
                out[table.name] = try await sql.raw("SELECT group_concat(r, '|') AS t FROM (SELECT \(unsafeRaw: row) AS r FROM \(ident: table.name) ORDER BY 1)").first(decoding: Text.self)?.t ?? ""
            }
        }
        return out
    }
}

@Suite struct RoleTableTests {
    /// The README shows the table; the code is its only source.
    @Test func the_readme_shows_the_capability_table_as_the_code_has_it() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let readme = try String(contentsOf: url, encoding: .utf8)
        let table = Role.markdownTable
        let matches = readme.contains(table)
        if !matches { try? table.write(toFile: NSTemporaryDirectory() + "finsync-role-table.md", atomically: true, encoding: .utf8) }
        #expect(matches, "README's capability table differs from Role.markdownTable (written to the temporary directory as finsync-role-table.md)")
    }
}
