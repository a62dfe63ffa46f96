import Vapor

/// Web forms go through the same schemas and rules as the API: a form body becomes the JSON object the API
/// would have received (empty fields left out), and API field errors become messages beside the fields.
enum WebForm {
    static func fields(_ req: Request) -> [String: String] {
        ((try? req.content.decode([String: String].self)) ?? [:]).filter { $0.key != "_csrf" }
    }

    static func json(_ fields: [String: String], only keys: Set<String>) -> JSONValue {
        .object(fields.filter { keys.contains($0.key) && !$0.value.isEmpty }.mapValues(JSONValue.string))
    }

    /// The `lines` of a form with numbered rows (`item0`, `quantity0`, …): a row counts when its item or quantity
    /// is filled; `keys` are always sent, `optional` ones only when filled. Returns the rows and which form rows
    /// they were, for `errors(_:rows:filled:)`.
    static func rows(_ form: [String: String], count: Int, keys: [String], optional: [String]) -> ([JSONValue], [Int]) {
        var lines: [JSONValue] = []
        var filled: [Int] = []
        for i in 0..<count {
            guard !(form["item\(i)"] ?? "").isEmpty || !(form["quantity\(i)"] ?? "").isEmpty else { continue }
            var line: [String: JSONValue] = [:]
            for key in keys { line[key] = .string(form[key + "\(i)"] ?? "") }
            for key in optional { if let v = form[key + "\(i)"], !v.isEmpty { line[key] = .string(v) } }
            lines.append(.object(line))
            filled.append(i)
        }
        return (lines, filled)
    }

    static func errors(_ error: APIError) -> [String: String] {
        Dictionary(error.fields.map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })
    }

    /// Errors of a form whose blank rows were skipped: the API's `prefix[n]` names the n-th filled row, which is
    /// the form's row `filled[n]`, so the message lands beside the row the user typed.
    static func errors(_ error: APIError, rows prefix: String, filled: [Int]) -> [String: String] {
        var out: [String: String] = [:]
        for f in error.fields {
            var field = f.field
            if field.hasPrefix(prefix + "["), let close = field.firstIndex(of: "]"),
                let n = Int(field[field.index(field.startIndex, offsetBy: prefix.count + 1)..<close]), filled.indices.contains(n)
            {
                field = "\(prefix)[\(filled[n])]" + field[field.index(after: close)...]
            }
            out[field] = out[field] ?? f.message
        }
        return out
    }

    /// A page response with the status the API would have used.
    static func page(_ html: String, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: html))
    }

    static let notices: [String: String] = [
        "company-created": "Company created. You are its owner.",
        "settings-saved": "Settings saved.",
        "member-added": "Member added.",
        "invitation-revoked": "Invitation revoked: its link no longer works.",
        "role-changed": "Role changed.",
        "member-removed": "Member removed.",
        "voucher-posted": "Voucher posted.",
        "voucher-saved": "Voucher saved.",
        "ledger-saved": "Ledger saved.",
        "group-created": "Group created.",
        "item-created": "Item created.",
        "invoice-saved": "Invoice saved and posted.",
        "journal-saved": "Stock journal saved; the summary below includes it.",
    ]
}

extension Request {
    /// The frame of a page for whoever is signed in.
    func chrome(_ title: String, section: Chrome.Section? = nil, company: CompanyDTO? = nil, back: String? = nil) -> Chrome {
        var chrome = Chrome(title: title, userName: browserSession?.userName, section: section, csrf: csrfToken, back: back)
        if let company, let context = try? self.company {
            chrome.company = .init(id: company.id, name: company.name, role: context.role)
        }
        if let code = query[String.self, at: "notice"], let message = WebForm.notices[code] {
            chrome.flash = .init(kind: .ok, message: message)
        }
        return chrome
    }
}
