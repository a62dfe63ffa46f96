import Foundation

enum MembersPage {
    struct Model: Sendable {
        var companyID: UUID
        var members: [MemberDTO]
        var me: UUID
        var myRole: Role
        var invitations: [InvitationDTO] = []
        /// The invitation just made, whose link is shown this once.
        var invited: InvitationDTO? = nil
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
        if let invited = m.invited, let link = invited.link {
            content.append(el("div", ["class": "notice ok", "role": "status", "id": "invitation-link"], [
                .t("Invitation for \(invited.email) (\(invited.role.rawValue)) sent. You can also pass on this link; it works once, for 7 days, "
                   + "and only for someone signed in with that email: "),
                el("code", [:], text: link),
            ]))
        }
        if canManage, !m.invitations.isEmpty {
            content.append(el("h2", ["id": "pending"], text: "Waiting for an answer"))
            content.append(el("div", ["class": "table-wrap"], [el("table", ["id": "invitations", "class": "stack"], [
                el("thead", [:], [el("tr", [:], ["Email", "Role", "Invited by", "Until", ""].map { el("th", ["scope": "col"], text: $0) })]),
                el("tbody", [:], m.invitations.map { invitation in
                    el("tr", [:], [
                        el("td", ["data-label": "Email"], text: invitation.email),
                        el("td", ["data-label": "Role"], text: invitation.role.rawValue),
                        el("td", ["data-label": "Invited by"], text: invitation.invitedBy),
                        el("td", ["data-label": "Until"], text: String(ISO8601DateFormatter().string(from: invitation.expiresAt).prefix(10))),
                        el("td", [:], m.myRole.canGrant(invitation.role) ? [
                            el("form", ["method": "post", "class": "inline-form",
                                        "action": "/app/c/\(m.companyID.uuidString.lowercased())/invitations/\(invitation.id.uuidString.lowercased())/revoke"], [
                                Layout.csrfField(chrome.csrf),
                                el("button", ["type": "submit", "class": "danger"], text: "Revoke"),
                            ]),
                        ] : []),
                    ])
                }),
            ])]))
        }
        if canManage {
            content.append(el("h2", ["id": "add-member"], text: "Invite a member"))
            content.append(el("form", ["method": "post", "action": base, "class": "card narrow", "novalidate": nil,
                                       "aria-labelledby": "add-member"], [
                Layout.csrfField(chrome.csrf),
                FormField.input("email", label: "Their email", value: m.addEmail, type: "email", error: m.errors["email"],
                                hint: "They accept from the emailed link, signed in with this email.", required: true,
                                extra: [.attribute(named: "data-shortcut", value: "create")]),
                FormField.select("role", label: "Role", options: grantable, selected: m.addRole, error: m.errors["role"]),
                el("p", ["class": "actions"], [el("button", ["type": "submit"], text: "Send invitation")]),
            ]))
        }
        return Layout.render(chrome, content)
    }
}
