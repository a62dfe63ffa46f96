import Foundation

enum MembersPage {
    struct Model: Sendable {
        var companyID: UUID
        var members: [MemberDTO]
        var me: UUID
        var myRole: Role
        var addEmail = ""
        var addRole = Role.viewer.rawValue
        var errors: [String: String] = [:]
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        let base = "/app/c/\(m.companyID.uuidString.lowercased())/members"
        let canManage = m.myRole.can(.membersManage)
        let grantable = Role.allCases.filter { m.myRole.canGrant($0) }.map { (value: $0.rawValue, label: $0.rawValue) }
        var content: [HTMLNode] = [el("h1", text: "Members")]
        var header: [HTMLNode] = [el("th", ["scope": "col"], text: "Name"), el("th", ["scope": "col"], text: "Email"),
                                  el("th", ["scope": "col"], text: "Role")]
        if canManage { header.append(el("th", ["scope": "col"], text: "Change")) }
        content.append(el("div", ["class": "table-wrap"], [el("table", ["id": "members", "class": "stack"], [
            el("thead", [:], [el("tr", [:], header)]),
            el("tbody", [:], m.members.map { member in
                var cells: [HTMLNode] = [
                    el("td", ["data-label": "Name"], text: member.name + (member.userId == m.me ? " (you)" : "")),
                    el("td", ["data-label": "Email"], text: member.email), el("td", ["data-label": "Role"], text: member.role.rawValue),
                ]
                if canManage {
                    let target = "\(base)/\(member.userId.uuidString.lowercased())"
                    cells.append(el("td", ["data-label": "Change"], m.myRole.canGrant(member.role) ? [
                        el("form", ["method": "post", "action": target + "/role", "class": "inline-form"], [
                            Layout.csrfField(chrome.csrf),
                            el("label", ["class": "skip", "for": "role-\(member.userId)"], text: "Role for \(member.email)"),
                            el("select", ["name": "role", "id": "role-\(member.userId)"], grantable.map { option in
                                option.value == member.role.rawValue
                                    ? el("option", ["value": option.value, "selected": nil], text: option.label)
                                    : el("option", ["value": option.value], text: option.label)
                            }),
                            el("button", ["type": "submit", "class": "secondary"], text: "Change role"),
                        ]),
                        el("form", ["method": "post", "action": target + "/remove", "class": "inline-form",
                                    "data-confirm": "Remove \(member.email) from this company?"], [
                            Layout.csrfField(chrome.csrf),
                            el("button", ["type": "submit", "class": "danger"], text: "Remove"),
                        ]),
                    ] : [.t("—")]))
                }
                return el("tr", [:], cells)
            }),
        ])]))
        if canManage {
            content.append(el("h2", ["id": "add-member"], text: "Add a member"))
            content.append(el("form", ["method": "post", "action": base, "class": "card narrow", "novalidate": nil,
                                       "aria-labelledby": "add-member"], [
                Layout.csrfField(chrome.csrf),
                FormField.input("email", label: "Their email", value: m.addEmail, type: "email", error: m.errors["email"],
                                hint: "They need a FinSync360 account first.", required: true,
                                extra: [.attribute(named: "data-shortcut", value: "create")]),
                FormField.select("role", label: "Role", options: grantable, selected: m.addRole, error: m.errors["role"]),
                el("p", ["class": "actions"], [el("button", ["type": "submit"], text: "Add member")]),
            ]))
        }
        return Layout.render(chrome, content)
    }
}
