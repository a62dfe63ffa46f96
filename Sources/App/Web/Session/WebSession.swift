import Fluent
import Foundation
import Vapor

final class WebSession: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(key: .id) var id: UUID?
    /// Only the SHA-256 of the cookie is stored, as for refresh tokens.
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userID: UUID
    /// The synchroniser token every form of this session must carry.
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(tokenHash: String, userID: UUID, csrfToken: String, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.userID = userID
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

/// The signed-in browser, as resolved from its cookie for this request.
struct BrowserSession: Sendable {
    var id: UUID
    var userID: UUID
    var userName: String
    var csrf: String
}

enum WebCookies {
    static let session = "fs_session"
    /// Double-submit token for forms shown before sign-in (sign in, sign up), signed by the server.
    static let csrf = "fs_csrf"
    static let lifetime: TimeInterval = 12 * 3600

    /// Over TLS the names carry the `__Host-` prefix: the browser then accepts them only when Secure, for path `/` and
    /// with no Domain, so a sibling subdomain or a plain-HTTP page cannot plant or shadow them.
    static func name(_ base: String, tls: Bool) -> String { tls ? "__Host-" + base : base }

    static func make(_ value: String, tls: Bool, maxAge: Int? = nil) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: nil, maxAge: maxAge, path: "/", isSecure: tls, isHTTPOnly: true, sameSite: .lax)
    }

    static func expired(tls: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: tls, isHTTPOnly: true, sameSite: .lax)
    }
}

private struct BrowserSessionKey: StorageKey { typealias Value = BrowserSession }
private struct AnonymousCSRFKey: StorageKey { typealias Value = String }

/// Resolves the session cookie (if any) and enforces CSRF on every form POST before the handler runs,
/// so a refused form changes nothing.
struct WebSessionMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let tls = request.application.config.tls
        if let cookie = request.cookies[WebCookies.name(WebCookies.session, tls: tls)]?.string, !cookie.isEmpty,
            let session = try await WebSession.query(on: request.db)
                .filter(\.$tokenHash == TokenService.hash(cookie)).filter(\.$revokedAt == nil)
                .filter(\.$expiresAt > Date()).first(),
            let user = try await User.find(session.userID, on: request.db)
        {
            request.storage[BrowserSessionKey.self] = BrowserSession(
                id: try session.requireID(), userID: session.userID, userName: user.name, csrf: session.csrfToken)
            request.storage[AuthenticatedUserKey.self] = session.userID
        }
        var newAnonymousToken: String?
        if request.browserSession == nil {
            if let existing = request.cookies[WebCookies.name(WebCookies.csrf, tls: tls)]?.string,
               request.application.tokens.isIssuedFormToken(existing)
            {
                request.storage[AnonymousCSRFKey.self] = existing
            } else {
                newAnonymousToken = request.application.tokens.newFormToken()
                request.storage[AnonymousCSRFKey.self] = newAnonymousToken
            }
        }
        if request.method == .POST {
            // A file upload streams its body to disk, unread here: its form carries the token in the query instead.
            let streamed = request.headers.contentType?.type == "multipart"
            let sent = (streamed ? request.query[String.self, at: "_csrf"] : try? request.content.get(String.self, at: "_csrf")) ?? ""
            let expected = request.csrfToken
            guard newAnonymousToken == nil, !expected.isEmpty, constantTimeEquals(sent, expected) else {
                throw WebError.csrf
            }
        }
        let response = try await next.respond(to: request)
        if let newAnonymousToken {
            response.cookies[WebCookies.name(WebCookies.csrf, tls: tls)] = WebCookies.make(newAnonymousToken, tls: tls)
        }
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

/// Pages under /app need a signed-in browser; anyone else is sent to sign in and brought back afterwards.
struct RequireBrowserSession: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.browserSession != nil else {
            let target = request.method == .GET ? request.url.path : "/app"
            return request.redirect(to: "/signin?next=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/app"))
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    var browserSession: BrowserSession? { storage[BrowserSessionKey.self] }

    /// The token this request's forms must carry.
    var csrfToken: String { browserSession?.csrf ?? storage[AnonymousCSRFKey.self] ?? "" }
}
