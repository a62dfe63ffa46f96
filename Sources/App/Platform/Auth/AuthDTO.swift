import Foundation
import Vapor

struct RegisterRequest: APIRequestBody {
    var email: String
    var password: String
    var name: String

    static let schema = Schema.object([
        .required("email", .email),
        .required("password", .string(.init(minLength: 10, maxLength: Schema.maxText, description: "At least 10 characters"))),
        .required("name", .text()),
    ])
}

/// The same answer for a new and an existing email.
struct RegistrationAnswer: APIResponseBody {
    var status: String
    var message: String

    static let schema = Schema.ref("RegistrationAnswer", .object([.required("status", .text()), .required("message", .text())]))
}

struct LoginRequest: APIRequestBody {
    var email: String
    var password: String

    static let schema = Schema.object([
        .required("email", .string(.init(minLength: 1, maxLength: 254))),
        .required("password", .string(.init(minLength: 1, maxLength: Schema.maxText))),
    ])
}

struct RefreshRequest: APIRequestBody {
    var refreshToken: String

    static let schema = Schema.object([.required("refreshToken", .string(.init(minLength: 1, maxLength: 200)))])
}

struct UserDTO: Content, Sendable {
    var id: UUID
    var email: String
    var name: String

    init(_ user: User) throws {
        id = try user.requireID()
        email = user.email
        name = user.name
    }

    static let schema = Schema.ref("User", .object([.required("id", .uuid), .required("email", .email), .required("name", .text())]))
}

struct AuthResponse: APIResponseBody {
    var accessToken: String
    var refreshToken: String
    var expiresIn: Int
    var user: UserDTO

    static let schema = Schema.ref("AuthTokens", .object([
        .required("accessToken", .string()), .required("refreshToken", .string()),
        .required("expiresIn", .integer()), .required("user", UserDTO.schema),
    ]))
}

struct MeResponse: APIResponseBody {
    struct CompanyRole: Content, Sendable {
        var id: UUID
        var name: String
        var role: Role
    }

    var id: UUID
    var email: String
    var name: String
    var emailVerified: Bool
    var companies: [CompanyRole]

    static let schema = Schema.ref("Me", .object([
        .required("id", .uuid), .required("email", .email), .required("name", .text()), .required("emailVerified", .boolean),
        .required("companies", .array(.object([
            .required("id", .uuid), .required("name", .text()), .required("role", .oneOf(Role.self)),
        ]))),
    ]))
}

extension String {
    /// Emails are compared like names: one key for what looks the same.
    var normalisedEmail: String { comparisonKey }

    /// What two names or emails are compared by: Unicode NFC (so "é" typed either way is one letter), without
    /// zero-width characters (which would let "Cash" and "Ca\u{200B}sh" look alike yet differ), trimmed, lower-cased.
    var comparisonKey: String {
        let invisible: Set<Unicode.Scalar> = ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{00AD}"]
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: precomposedStringWithCanonicalMapping.unicodeScalars.filter { !invisible.contains($0) })
        return String(scalars).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
