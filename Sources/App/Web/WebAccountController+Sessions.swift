import Foundation
import SQLKit
import Vapor

/// The signed-in person's own account: change the password, sign out everywhere. Both end every other session,
/// through the same functions as `POST /api/v1/auth/password` and `/auth/logout-all`.
extension WebAccountController {
    @Sendable static func accountPage(req: Request) async throws -> Response {
        try await accountPage(req, status: .ok)
    }

    private static func accountPage(_ req: Request, status: HTTPStatus, error: String? = nil,
                                    fieldErrors: [String: String] = [:]) async throws -> Response {
        struct UserRow: Decodable { var email: String; var email_verified_at: Date? }
        guard let user = try await req.db.sql().raw("""
            SELECT email, email_verified_at FROM users WHERE id = \(bind: try req.authenticatedUserID)
            """).first(decoding: UserRow.self) else { throw APIError.unauthenticated }
        let chrome = req.chrome("Your account")
        let verified = user.email_verified_at == nil ? "not yet confirmed" : "confirmed"
        let message = req.query[String.self, at: "notice"] == "password-changed"
            ? "Password changed. Every other session has been signed out."
            : "Signed in as \(user.email) (email \(verified))."
        let signOutEverywhere = el("form", ["method": "post", "action": "/app/account/sign-out-everywhere", "class": "card-section"], [
            Layout.csrfField(chrome.csrf),
            el("h2", text: "Sign out everywhere"),
            el("p", [:], [.t("Ends every session of this account — other browsers, phones and API tokens — and this one.")]),
            el("p", ["class": "actions"], [el("button", ["type": "submit", "class": "secondary"], text: "Sign out everywhere")]),
        ])
        let model = AccountPage.Model(
            title: "Your account", message: message, error: error, action: "/app/account/password",
            fields: [
                el("h2", text: "Change password"),
                FormField.input("currentPassword", label: "Current password", type: "password", error: fieldErrors["currentPassword"],
                                required: true, autocomplete: "current-password"),
                AccountPage.newPasswordField(error: fieldErrors["newPassword"]),
            ],
            button: "Change password",
            footer: [signOutEverywhere, el("p", [:], [el("a", ["href": "/app"], text: "Your companies")])])
        return WebForm.page(AccountPage.render(model, chrome: chrome), status: status)
    }

    @Sendable static func changePassword(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        do {
            let body = try PasswordChangeRequest.decode(from: WebForm.json(form, only: ["currentPassword", "newPassword"]))
            let (_, token) = try await SessionsController.changePassword(body, on: req) { userID, db in
                try await WebAuthController.startSession(for: userID, on: db)
            }
            return WebAuthController.signedIn(req, token: token, to: "/app/account?notice=password-changed")
        } catch let error as APIError where error.status.code < 500 {
            let response = try await accountPage(req, status: error.status, error: error.fields.isEmpty ? error.message : nil,
                                                 fieldErrors: WebForm.errors(error))
            response.headers.add(contentsOf: error.headers)
            return response
        }
    }

    @Sendable static func signOutEverywhere(req: Request) async throws -> Response {
        let userID = try req.authenticatedUserID
        var signedIn = req.auditActor
        signedIn.userID = userID
        let actor = signedIn
        try await req.write { db in try await SessionsController.endAll(of: userID, reason: "auth.logout_all", actor: actor, on: db) }
        return WebAuthController.signedOut(req)
    }
}
