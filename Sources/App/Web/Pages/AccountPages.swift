import Vapor

/// The pages a link in an email opens, and the request for one: each a short card with one form.
enum AccountPage {
    struct Model {
        var title: String
        var message: String?
        var error: String?
        /// The form's action, hidden fields, visible fields and button; nil shows the message alone.
        var action: String?
        var hidden: [String: String] = [:]
        var fields: [HTMLNode] = []
        var button = "Continue"
        var footer: [HTMLNode] = []
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        var card: [HTMLNode] = [el("h1", text: m.title)]
        if let error = m.error { card.append(el("div", ["class": "notice error-box", "role": "alert", "id": "account-error"], text: error)) }
        if let message = m.message { card.append(el("p", ["class": "notice", "id": "account-message"], text: message)) }
        if let action = m.action {
            var form: [HTMLNode] = [Layout.csrfField(chrome.csrf)]
            for (name, value) in m.hidden.sorted(by: { $0.key < $1.key }) {
                form.append(void("input", ["type": "hidden", "name": name, "value": value]))
            }
            form += m.fields
            form.append(el("p", ["class": "actions"], [el("button", ["type": "submit"], text: m.button)]))
            card.append(el("form", ["method": "post", "action": action, "novalidate": nil], form))
        }
        card += m.footer
        return Layout.render(chrome, [el("div", ["class": "card narrow"], card)])
    }

    static var signInLink: HTMLNode { el("p", [:], [el("a", ["href": "/signin"], text: "Back to sign in")]) }

    static func newPasswordField(error: String? = nil) -> HTMLNode {
        FormField.input("newPassword", label: "New password", type: "password", error: error,
                        hint: "At least 10 characters.", required: true, autocomplete: "new-password")
    }
}
