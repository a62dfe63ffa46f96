import Fluent
import Vapor

/// Sign in, sign up, sign out and the static assets of the web UI.
enum WebAuthController {
    @Sendable static func home(req: Request) async throws -> Response {
        req.redirect(to: req.browserSession == nil ? "/signin" : "/app")
    }

    @Sendable static func signInPage(req: Request) async throws -> Response {
        if req.browserSession != nil { return req.redirect(to: "/app") }
        let next = safeNext(req.query[String.self, at: "next"])
        let notice = req.query[String.self, at: "notice"] == "registered"
            ? (req.application.config.requiresEmailVerification
                ? "If this email was new, your account is ready and a link to confirm it is on its way. Sign in."
                : "If this email was new, your account is ready. Sign in.")
            : nil
        return WebForm.page(SignInPage.render(.init(next: next, notice: notice), chrome: req.chrome("Sign in")))
    }

    @Sendable static func signIn(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        let email = form["email"] ?? ""
        let next = safeNext(form["next"])
        do {
            let (_, token) = try await AuthController.signIn(email: email, password: form["password"] ?? "", on: req) { userID, db in
                try await startSession(for: userID, on: db)
            }
            return signedIn(req, token: token, to: next.isEmpty ? "/app" : next)
        } catch let error as APIError where [.unauthorized, .tooManyRequests].contains(error.status) {
            let page = SignInPage.render(.init(email: email, next: next, error: error.message), chrome: req.chrome("Sign in"))
            let response = WebForm.page(page, status: error.status)
            response.headers.add(contentsOf: error.headers)
            return response
        }
    }

    @Sendable static func signUpPage(req: Request) async throws -> Response {
        if req.browserSession != nil { return req.redirect(to: "/app") }
        return WebForm.page(SignUpPage.render(.init(), chrome: req.chrome("Create account")))
    }

    @Sendable static func signUp(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        do {
            let body = try RegisterRequest.decode(from: WebForm.json(form, only: ["name", "email", "password"]))
            // The same page for a new and a taken email: the person signs in next.
            _ = try await AuthController.register(body, on: req)
            return req.redirect(to: "/signin?notice=registered")
        } catch let error as APIError where error.status.code < 500 {
            let model = SignUpPage.Model(name: form["name"] ?? "", email: form["email"] ?? "", errors: WebForm.errors(error),
                                         error: error.fields.isEmpty ? error.message : nil)
            return WebForm.page(SignUpPage.render(model, chrome: req.chrome("Create account")), status: error.status)
        }
    }

    @Sendable static func signOut(req: Request) async throws -> Response {
        if let session = req.browserSession {
            let actor = req.auditActor
            try await req.write { db in
                try await WebSession.query(on: db).filter(\.$id == session.id).set(\.$revokedAt, to: Date()).update()
                try await AuditLog.append(
                    AuditEvent(companyID: nil, action: "auth.logout", entityType: "web_session",
                               entityID: session.id.uuidString.lowercased()),
                    by: actor, on: db)
            }
        }
        return signedOut(req)
    }

    /// Back to sign in with the session cookie gone.
    static func signedOut(_ req: Request) -> Response {
        let response = req.redirect(to: "/signin")
        let tls = req.application.config.tls
        response.cookies[WebCookies.name(WebCookies.session, tls: tls)] = WebCookies.expired(tls: tls)
        // Pages the service worker kept for offline use belong to the person signing out.
        response.headers.replaceOrAdd(name: "Clear-Site-Data", value: "\"cache\"")
        return response
    }

    /// A new random session id on every sign-in, so a session id planted before sign-in is worthless.
    static func startSession(for userID: UUID, on db: any Database) async throws -> String {
        let token = TokenService.newRefreshToken()
        try await WebSession(tokenHash: TokenService.hash(token), userID: userID, csrfToken: TokenService.newRefreshToken(),
                             expiresAt: Date().addingTimeInterval(WebCookies.lifetime)).create(on: db)
        return token
    }

    static func signedIn(_ req: Request, token: String, to target: String) -> Response {
        let response = req.redirect(to: target, redirectType: .normal)
        let tls = req.application.config.tls
        response.cookies[WebCookies.name(WebCookies.session, tls: tls)] = WebCookies.make(token, tls: tls, maxAge: Int(WebCookies.lifetime))
        response.cookies[WebCookies.name(WebCookies.csrf, tls: tls)] = WebCookies.expired(tls: tls)
        return response
    }

    /// Only local paths: `next` must never send someone to another site after signing in. Browsers drop tabs and
    /// line breaks from URLs and read `\` as `/`, so "/\tevil.com" or "/\\evil.com" would become "//evil.com":
    /// any control character, whitespace or backslash, and any second leading slash, is refused.
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), raw.count < 500,
              !raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.isWhitespace || $0 == "\\" }),
              !raw.dropFirst().hasPrefix("/")
        else { return "" }
        return raw
    }

    // MARK: - Assets

    @Sendable static func offline(req: Request) async throws -> Response { WebForm.page(OfflinePage.render()) }
    @Sendable static func css(req: Request) async throws -> Response { asset(Stylesheet.css, "text/css") }
    @Sendable static func js(req: Request) async throws -> Response { asset(Script.appJS, "application/javascript") }
    @Sendable static func icon(req: Request) async throws -> Response { asset(Script.icon, "image/svg+xml") }
    @Sendable static func manifest(req: Request) async throws -> Response { asset(Script.manifest, "application/manifest+json") }

    @Sendable static func serviceWorker(req: Request) async throws -> Response {
        let response = asset(Script.serviceWorker, "application/javascript")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        return response
    }

    private static func asset(_ body: String, _ type: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type + "; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }
}
