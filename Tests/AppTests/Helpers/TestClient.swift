@testable import App
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

struct TestResponse {
    var status: HTTPStatus
    var headers: HTTPHeaders
    var text: String

    var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null }
    var errorCode: String? { json["error"]?["code"]?.stringValue }
    var errorFields: [String] {
        guard case .array(let items)? = json["error"]?["fields"] else { return [] }
        return items.compactMap { $0["field"]?.stringValue }
    }
}

/// Small typed calls over VaporTesting so tests read as a sequence of API calls.
struct TestClient {
    let app: Application

    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, token: String? = nil, json: JSONValue? = nil,
              raw: String? = nil, headers: HTTPHeaders = [:]) async throws -> TestResponse
    {
        var headers = headers
        if let token { headers.bearerAuthorization = .init(token: token) }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(string: json.canonical)
            headers.contentType = .json
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers.contentType = .json
        }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        return TestResponse(status: response.status, headers: response.headers, text: response.body.string)
    }

    struct Session {
        var userID: String
        var accessToken: String
        var refreshToken: String
    }

    func register(_ email: String = "user-\(UUID().uuidString.prefix(8))@example.com", name: String = "Test User",
                  password: String = "correct horse battery") async throws -> Session
    {
        let registered = try await send(.POST, "/api/v1/auth/register",
                                        json: ["email": .string(email), "password": .string(password), "name": .string(name)])
        #expect(registered.status == .accepted, "register failed: \(registered.text)")
        return try await login(email, password: password)
    }

    func login(_ email: String, password: String = "correct horse battery") async throws -> Session {
        let r = try await send(.POST, "/api/v1/auth/login", json: ["email": .string(email), "password": .string(password)])
        #expect(r.status == .ok, "sign-in failed: \(r.text)")
        return Session(
            userID: r.json["user"]?["id"]?.stringValue ?? "", accessToken: r.json["accessToken"]?.stringValue ?? "",
            refreshToken: r.json["refreshToken"]?.stringValue ?? "")
    }

    func createCompany(_ session: Session, name: String = "Acme Traders", gstin: String? = "27AAPFU0939F1ZV")
        async throws -> String
    {
        var body: [String: JSONValue] = [
            "name": .string(name), "stateCode": "27", "financialYearStart": "2026-04-01", "booksBeginning": "2026-04-01",
        ]
        if let gstin { body["gstin"] = .string(gstin) }
        let r = try await send(.POST, "/api/v1/companies", token: session.accessToken, json: .object(body))
        #expect(r.status == .created, "create company failed: \(r.text)")
        return r.json["id"]?.stringValue ?? ""
    }

    /// Invites `email` and accepts as that user (registered with the default password): the invitation's answer
    /// when it fails, the acceptance's (201 and the member) when it works.
    func addMember(_ session: Session, company: String, email: String, role: String,
                   password: String = "correct horse battery") async throws -> TestResponse {
        let invited = try await invite(session, company: company, email: email, role: role)
        guard invited.status == .created, let token = invited.json["token"]?.stringValue else { return invited }
        let invitee = try await login(email, password: password)
        return try await send(.POST, "/api/v1/invitations/\(token)", token: invitee.accessToken)
    }

    func invite(_ session: Session, company: String, email: String, role: String) async throws -> TestResponse {
        try await send(.POST, "/api/v1/companies/\(company)/members", token: session.accessToken,
                       json: ["email": .string(email), "role": .string(role)])
    }
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { a[index] } else { nil }
    }
    var arrayValue: [JSONValue] { if case .array(let a) = self { a } else { [] } }
    var intValue: Int64? { if case .int(let i) = self { i } else { nil } }
    var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
}
