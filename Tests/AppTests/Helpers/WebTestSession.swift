@testable import App
import Fluent
import Foundation
import NIOCore
import Vapor
import VaporTesting

/// A signed-in browser for page tests: its session cookie and the CSRF token its forms carry.
struct WebTestSession {
    let app: Application
    let cookie: String
    let csrf: String

    static func start(for userID: String, on app: Application) async throws -> WebTestSession {
        let id = try require(UUID(uuidString: userID))
        let token = try await app.write { db in try await WebAuthController.startSession(for: id, on: db) }
        let session = try await WebSession.query(on: app.db).filter(\.$tokenHash == TokenService.hash(token)).first()
        return WebTestSession(app: app, cookie: token, csrf: session?.csrfToken ?? "")
    }

    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, form: [String: String] = [:], csrf: String? = nil) async throws -> TestResponse {
        var headers: HTTPHeaders = ["Cookie": "\(WebCookies.session)=\(cookie)", "Accept": "text/html"]
        var body: ByteBuffer?
        if method == .POST {
            var fields = form
            fields["_csrf"] = csrf ?? self.csrf
            headers.contentType = .urlEncodedForm
            body = ByteBuffer(string: fields.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&"))
        }
        let r = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        return TestResponse(status: r.status, headers: r.headers, text: r.body.string)
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw Abort(.internalServerError, reason: "missing value in test setup") }
    return value
}
