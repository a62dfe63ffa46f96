import Crypto
import Foundation
import JWTKit
import Vapor

/// Claims of an access token. Short-lived (15 minutes); each request also checks the user's session version and the
/// sign-in it came from, so signing out, everywhere or once, and a password change end it at once.
struct AccessClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    /// Guards against a refresh token or any other JWT signed with the same key being used as an access token.
    var typ: String
    /// The user's session version when the token was issued.
    var sv: Int64
    /// The sign-in (refresh-token family) the token belongs to.
    var sid: String

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard typ == "access" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an access token") }
    }
}

/// Issues and checks tokens. Refresh tokens are opaque random strings; only their SHA-256 is stored.
struct TokenService: Sendable {
    static let accessLifetime: TimeInterval = 15 * 60
    static let refreshLifetime: TimeInterval = 30 * 24 * 3600

    let keys: JWTKeyCollection
    /// Signs the pre-sign-in CSRF token, so the only such token a form accepts is one this server issued (a cookie
    /// planted from a sibling subdomain or over plain HTTP does not verify).
    var formKey = SymmetricKey(size: .bits256)

    /// A fresh pre-sign-in token: random, then its HMAC under `formKey`.
    func newFormToken() -> String {
        let random = Self.newRefreshToken()
        return random + "." + Data(HMAC<SHA256>.authenticationCode(for: Data(random.utf8), using: formKey)).hexString
    }

    /// True only for a token `newFormToken` made with this key.
    func isIssuedFormToken(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count >= 32, parts[1].utf8.count == 64 else { return false }
        let expected = Data(HMAC<SHA256>.authenticationCode(for: Data(parts[0].utf8), using: formKey)).hexString
        return constantTimeEquals(expected, String(parts[1]))
    }

    /// The form-token key, derived from the signing secret so every instance behind a load balancer agrees.
    static func formKey(from secret: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(secret.utf8)), info: Data("finsync form token".utf8),
                               outputByteCount: 32)
    }

    func accessToken(for userID: UUID, session: Session, now: Date = Date()) async throws -> String {
        let claims = AccessClaims(
            sub: .init(value: userID.uuidString), exp: .init(value: now.addingTimeInterval(Self.accessLifetime)),
            iat: .init(value: now), typ: "access", sv: session.version, sid: session.family.uuidString.lowercased())
        return try await keys.sign(claims)
    }

    /// Which sign-in a token belongs to and the session version it was issued under.
    struct Session: Sendable, Equatable { var family: UUID; var version: Int64 }

    /// The user and session in a validly signed, unexpired access token, or nil for anything forged, expired,
    /// unsigned or malformed. Whether the session still stands is the caller's check (`UserAuthMiddleware`).
    func verifyAccessToken(_ token: String) async -> (user: UUID, session: Session)? {
        guard let claims = try? await keys.verify(token, as: AccessClaims.self), let user = UUID(uuidString: claims.sub.value),
              let family = UUID(uuidString: claims.sid) else { return nil }
        return (user, Session(family: family, version: claims.sv))
    }

    static func newRefreshToken() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in bytes.indices { bytes[i] = UInt8.random(in: .min ... .max) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexString
    }
}

extension Application {
    private struct TokenServiceKey: StorageKey { typealias Value = TokenService }

    var tokens: TokenService {
        get { required(TokenServiceKey.self) }
        set { storage[TokenServiceKey.self] = newValue }
    }
}

/// Loads the signing secret: `FINSYNC_JWT_SECRET`, or one generated once into the data directory for development.
enum JWTSecret {
    static func load(config: AppConfig) throws(StartupError) -> String {
        if let secret = config.jwtSecret { return secret }
        let path = (config.dataDirectory as NSString).appendingPathComponent("jwt-secret")
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), existing.utf8.count >= 32 {
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let secret = TokenService.newRefreshToken() + TokenService.newRefreshToken()
        guard FileManager.default.createFile(atPath: path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw StartupError(setting: "FINSYNC_DATA_DIR", problem: "'\(config.dataDirectory)' is not writable (could not create jwt-secret)")
        }
        return secret
    }
}
