import Vapor

/// Email confirmation, password reset and invitations in the browser. GETs only show; every change is a POST with
/// the page's CSRF token, through the same functions the API uses.
enum WebAccountController {
    // MARK: Email confirmation

    @Sendable static func verifyPage(req: Request) async throws -> Response {
        let token = req.query[String.self, at: "token"] ?? ""
        let model = AccountPage.Model(title: "Confirm your email", message: "Confirm that this email address is yours.",
                                      action: "/verify-email", hidden: ["token": token], button: "Confirm my email",
                                      footer: [AccountPage.signInLink])
        return WebForm.page(AccountPage.render(model, chrome: req.chrome("Confirm your email")))
    }

    @Sendable static func verify(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        do {
            let answer = try await AccountController.verify(token: form["token"] ?? "", on: req)
            let model = AccountPage.Model(title: "Email confirmed", message: answer.message,
                                          footer: [el("p", [:], [el("a", ["href": "/app"], text: "Go to your companies")])])
            return WebForm.page(AccountPage.render(model, chrome: req.chrome("Email confirmed")))
        } catch let error as APIError where error.status.code < 500 {
            let model = AccountPage.Model(title: "Confirm your email", error: error.message, footer: [AccountPage.signInLink])
            return WebForm.page(AccountPage.render(model, chrome: req.chrome("Confirm your email")), status: error.status)
        }
    }

    // MARK: Password reset

    @Sendable static func resetPage(req: Request) async throws -> Response {
        let token = req.query[String.self, at: "token"] ?? ""
        return WebForm.page(AccountPage.render(resetModel(token: token), chrome: req.chrome("Set a new password")))
    }

    private static func resetModel(token: String, email: String = "", error: String? = nil, fieldError: String? = nil) -> AccountPage.Model {
        if token.isEmpty {
            return AccountPage.Model(
                title: "Forgot your password?", message: "We will email you a link to set a new one.", error: error,
                action: "/reset-password",
                fields: [FormField.input("email", label: "Email", value: email, type: "email", error: fieldError, required: true, autocomplete: "username")],
                button: "Email me a link", footer: [AccountPage.signInLink])
        }
        return AccountPage.Model(title: "Set a new password", error: error, action: "/reset-password", hidden: ["token": token],
                                 fields: [AccountPage.newPasswordField(error: fieldError)], button: "Set password",
                                 footer: [AccountPage.signInLink])
    }

    @Sendable static func reset(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        let token = form["token"] ?? ""
        do {
            let answer: AccountAnswer
            if token.isEmpty {
                let body = try ResetRequest.decode(from: WebForm.json(form, only: ["email"]))
                answer = try await AccountController.requestReset(email: body.email, on: req)
            } else {
                let body = try ResetConfirmRequest.decode(from: WebForm.json(form, only: ["token", "newPassword"]))
                answer = try await AccountController.confirmReset(token: body.token, newPassword: body.newPassword, on: req)
            }
            let model = AccountPage.Model(title: token.isEmpty ? "Check your email" : "Password set", message: answer.message,
                                          footer: [AccountPage.signInLink])
            return WebForm.page(AccountPage.render(model, chrome: req.chrome("Set a new password")))
        } catch let error as APIError where error.status.code < 500 {
            let model = resetModel(token: token, email: form["email"] ?? "", error: error.fields.isEmpty ? error.message : nil,
                                   fieldError: error.fields.first?.message)
            let response = WebForm.page(AccountPage.render(model, chrome: req.chrome("Set a new password")), status: error.status)
            response.headers.add(contentsOf: error.headers)
            return response
        }
    }

    // MARK: Invitations

    @Sendable static func invitationPage(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let userID = try req.authenticatedUserID
        do {
            let view = try await InvitationController.view(token: token, for: userID, on: req)
            let message = "\(view.invitedBy) invited \(view.email) to \(view.companyName) as \(view.role.rawValue)."
            let model = AccountPage.Model(title: "Join \(view.companyName)", message: message, error: view.reason,
                                          action: view.canAccept ? "/invitations/\(token)" : nil, button: "Accept and join",
                                          footer: [el("p", [:], [el("a", ["href": "/app"], text: "Your companies")])])
            return WebForm.page(AccountPage.render(model, chrome: req.chrome("Invitation")))
        } catch let error as APIError where error.status.code < 500 {
            let model = AccountPage.Model(title: "Invitation", error: error.message)
            return WebForm.page(AccountPage.render(model, chrome: req.chrome("Invitation")), status: error.status)
        }
    }

    @Sendable static func accept(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        do {
            _ = try await InvitationController.accept(token: token, by: req.authenticatedUserID, on: req)
            let view = try await InvitationController.view(token: token, for: req.authenticatedUserID, on: req)
            return req.redirect(to: "/app/c/\(view.companyId.uuidString.lowercased())")
        } catch let error as APIError where error.status.code < 500 {
            let model = AccountPage.Model(title: "Invitation", error: error.message,
                                          footer: [el("p", [:], [el("a", ["href": "/app"], text: "Your companies")])])
            return WebForm.page(AccountPage.render(model, chrome: req.chrome("Invitation")), status: error.status)
        }
    }
}
