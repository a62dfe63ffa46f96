import Fluent
import Foundation

// Fluent's property wrappers cannot be checked for Sendable (vapor/fluent-kit#601). Models therefore stay
// inside the request or job that loaded them and only DTO structs cross task boundaries.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "password_hash") var passwordHash: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, email: String, name: String, passwordHash: String) {
        self.id = id
        self.email = email
        self.name = name
        self.passwordHash = passwordHash
    }
}

final class RefreshToken: Model, @unchecked Sendable {
    static let schema = "refresh_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    /// Every token issued from one sign-in shares a family, so a replayed token can revoke them all.
    @Field(key: "family_id") var familyID: UUID
    /// SHA-256 of the token: a database leak does not yield usable refresh tokens.
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(userID: UUID, familyID: UUID, tokenHash: String, expiresAt: Date) {
        self.userID = userID
        self.familyID = familyID
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}

final class LoginFailure: Model, @unchecked Sendable {
    static let schema = "login_failures"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "client_address") var clientAddress: String
    @Field(key: "at") var at: Date

    init() {}

    init(email: String, clientAddress: String, at: Date) {
        self.email = email
        self.clientAddress = clientAddress
        self.at = at
    }
}
