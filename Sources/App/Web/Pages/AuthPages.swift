import Vapor

/// Sign in and sign up: the two pages anyone can see.
enum SignInPage {
    struct Model: Sendable {
        var email = ""
        var next = ""
        var notice: String? = nil
        var error: String? = nil
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        var form: [HTMLNode] = [Layout.csrfField(chrome.csrf)]
        if !m.next.isEmpty { form.append(void("input", ["type": "hidden", "name": "next", "value": m.next])) }
        form += [
            FormField.input("email", label: "Email", value: m.email, type: "email", required: true, autocomplete: "username"),
            FormField.input("password", label: "Password", type: "password", required: true, autocomplete: "current-password"),
            el("p", ["class": "actions"], [el("button", ["type": "submit"], text: "Sign in")]),
        ]
        var card: [HTMLNode] = [el("h1", text: "Sign in")]
        if let notice = m.notice { card.append(el("p", ["class": "notice", "id": "signin-notice"], text: notice)) }
        if let error = m.error { card.append(el("div", ["class": "notice error-box", "role": "alert", "id": "signin-error"], text: error)) }
        card.append(el("form", ["method": "post", "action": "/signin", "novalidate": nil], form))
        card.append(el("p", [:], [el("a", ["href": "/reset-password"], text: "Forgot your password?")]))
        card.append(el("p", [:], [.t("New to FinSync360? "), el("a", ["href": "/signup"], text: "Create an account")]))
        return Layout.render(chrome, [el("div", ["class": "card narrow"], card)])
    }
}

enum SignUpPage {
    struct Model: Sendable {
        var name = ""
        var email = ""
        var errors: [String: String] = [:]
        var error: String? = nil
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        var card: [HTMLNode] = [el("h1", text: "Create your account")]
        if let error = m.error { card.append(el("div", ["class": "notice error-box", "role": "alert"], text: error)) }
        card.append(el("form", ["method": "post", "action": "/signup", "novalidate": nil], [
            Layout.csrfField(chrome.csrf),
            FormField.input("name", label: "Your name", value: m.name, error: m.errors["name"], required: true, autocomplete: "name"),
            FormField.input("email", label: "Email", value: m.email, type: "email", error: m.errors["email"], required: true, autocomplete: "email"),
            FormField.input("password", label: "Password", type: "password", error: m.errors["password"],
                            hint: "At least 10 characters. A few words you will remember work well.", required: true,
                            autocomplete: "new-password"),
            el("p", ["class": "actions"], [el("button", ["type": "submit"], text: "Create account")]),
        ]))
        card.append(el("p", [:], [.t("Already have an account? "), el("a", ["href": "/signin"], text: "Sign in")]))
        return Layout.render(chrome, [el("div", ["class": "card narrow"], card)])
    }
}
