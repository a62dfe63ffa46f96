@testable import App
import Foundation
import Testing
import Vapor

@Suite struct IsolationTests {
    /// Walks the router, not a hand-written list, so routes added by later features are covered automatically.
    @Test func every_company_route_is_404_for_a_member_of_another_company() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let alice = try await client.register("alice@example.com")
            let mallory = try await client.register("mallory@example.com")
            let aliceCompany = try await client.createCompany(alice, name: "Alice Traders")
            _ = try await client.createCompany(mallory, name: "Mallory Traders")

            let companyRoutes = app.routes.all.filter { $0.path.contains(.parameter("companyID")) }
            #expect(companyRoutes.count >= 16)
            let web = try await WebTestSession.start(for: mallory.userID, on: app)
            for route in companyRoutes {
                for companyID in [aliceCompany, UUID().uuidString, "not-a-uuid"] {
                    let path = "/" + route.path.map { component -> String in
                        switch component {
                        case .parameter("companyID"): companyID
                        case .parameter: UUID().uuidString
                        default: component.description
                        }
                    }.joined(separator: "/")
                    let r = route.api?.page == true
                        ? try await web.send(route.method, path, form: ["name": "x", "role": "owner"])
                        : try await client.send(route.method, path, token: mallory.accessToken, json: ["name": "x", "role": "owner"])
                    #expect(r.status == .notFound, "\(route.method) \(path) answered \(r.status.code) to an outsider")
                    if route.api?.page == true {
                        #expect(r.text.contains("Page not found"))
                    } else {
                        #expect(r.errorCode == "not_found")
                    }
                }
            }
            let untouched = try await client.send(.GET, "/api/v1/companies/\(aliceCompany)", token: alice.accessToken)
            #expect(untouched.json["name"]?.stringValue == "Alice Traders")
        }
    }

    @Test func every_company_route_declares_a_capability() async throws {
        try await withApp { app in
            for route in app.routes.all where route.path.contains(.parameter("companyID")) {
                #expect(route.api?.capability != nil, "\(route.method) \(route.path) declares no capability")
            }
        }
    }

    @Test func every_api_route_is_described_and_in_openapi() async throws {
        try await withApp { app in
            let r = try await TestClient(app: app).send(.GET, "/openapi.json")
            #expect(r.json["openapi"]?.stringValue == "3.1.0")
            let paths = try #require(r.json["paths"]?.objectValue)
            for route in app.routes.all {
                #expect(route.api != nil, "\(route.method) \(route.path) has no API description")
                if route.api?.page == true { continue }
                let path = "/" + route.path.map { c -> String in
                    if case .parameter(let name) = c { return "{\(name)}" }
                    return c.description
                }.joined(separator: "/")
                #expect(paths[path]?[route.method.rawValue.lowercased()] != nil, "\(route.method) \(path) missing from /openapi.json")
            }
            let register = paths["/api/v1/auth/register"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]
            #expect(register?["required"]?.arrayValue.count == 3)
            #expect(paths["/api/v1/companies/{companyID}"]?["patch"]?["x-capability"]?.stringValue == "settings.edit")
        }
    }
}
