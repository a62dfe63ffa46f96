import Foundation

/// Where and how mail is handed over: `smtp://[user:password@]host[:port]` (plain, port 25 by default) or
/// `smtps://…` (TLS from the first byte, port 465 by default). A password is sent only over `smtps`, so a
/// misconfigured relay never sees it in the clear.
struct SMTPSettings: Sendable, Equatable {
    var host: String
    var port: Int
    var implicitTLS: Bool
    var username: String?
    var password: String?
    /// The envelope and `From:` address.
    var from: String

    struct Invalid: Error { var problem: String }

    init(url raw: String, from: String?) throws(Invalid) {
        guard let url = URLComponents(string: raw), let scheme = url.scheme?.lowercased() else {
            throw Invalid(problem: "is not a URL like smtp://host:25 or smtps://user:password@host:465")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw Invalid(problem: "has scheme '\(scheme)'; use smtp:// or smtps://")
        }
        guard let host = url.host, !host.isEmpty else { throw Invalid(problem: "names no host") }
        implicitTLS = scheme == "smtps"
        self.host = host
        port = url.port ?? (implicitTLS ? 465 : 25)
        guard (1...65535).contains(port) else { throw Invalid(problem: "has port \(port)") }
        username = url.user.flatMap { $0.isEmpty ? nil : $0 }
        password = url.password
        if password != nil, !implicitTLS {
            throw Invalid(problem: "carries a password over plain smtp://; use smtps:// so it is never sent in the clear")
        }
        let sender = from.flatMap { $0.isEmpty ? nil : $0 } ?? "no-reply@finsync.invalid"
        guard MailAddress.isPlausible(sender) else {
            throw Invalid(problem: "cannot be used: FINSYNC_MAIL_FROM '\(sender)' is not an email address")
        }
        self.from = sender
    }
}

enum MailAddress {
    /// Enough to refuse what would break the SMTP dialogue (spaces, angle brackets, line breaks); the schema checks
    /// user-entered addresses properly before they get here.
    static func isPlausible(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !address.contains(where: { $0.isWhitespace || "<>\r\n\"".contains($0) })
    }
}
