import Crypto
import Foundation
import Vapor

/// bcrypt at cost 12, run on the thread pool so a sign-in never stalls an event loop.
///
/// bcrypt reads only the first 72 bytes of its input, so the password is first reduced to a fixed-size SHA-256
/// digest: long passphrases keep all their strength and no input can exceed the limit.
enum Passwords {
    static func prepared(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    static func hash(_ password: String, on request: Request) async throws -> String {
        try await request.password.async.hash(prepared(password))
    }

    static func verify(_ password: String, against hash: String, on request: Request) async throws -> Bool {
        try await request.password.async.verify(prepared(password), created: hash)
    }

    /// A real hash of a random password, checked when the email is unknown so that the answer takes as long as
    /// for a registered account and timing reveals nothing.
    static func decoyHash(cost: Int) throws -> String {
        try Bcrypt.hash(TokenService.newRefreshToken(), cost: cost)
    }
}

extension Application {
    private struct DecoyKey: StorageKey { typealias Value = String }

    var decoyPasswordHash: String {
        get { storage[DecoyKey.self] ?? "" }
        set { storage[DecoyKey.self] = newValue }
    }
}
