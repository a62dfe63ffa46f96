import Crypto
import Foundation
import NIOPosix
import Vapor

/// bcrypt at cost 12, run on a small thread pool of its own: never on an event loop, and never on the pool SQLite's
/// queries run on, where a burst of sign-ins would make every company's reads and writes wait.
///
/// bcrypt reads only the first 72 bytes of its input, so the password is first reduced to a fixed-size SHA-256
/// digest: long passphrases keep all their strength and no input can exceed the limit.
enum Passwords {
    static func prepared(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    static func hash(_ password: String, on request: Request) async throws -> String {
        try await hasher(for: request).hash(prepared(password))
    }

    static func verify(_ password: String, against hash: String, on request: Request) async throws -> Bool {
        try await hasher(for: request).verify(prepared(password), created: hash)
    }

    private static func hasher(for request: Request) -> AsyncPasswordHasher {
        request.password.sync.async(on: request.application.passwordPool, hopTo: request.eventLoop)
    }

    /// A real hash of a random password, checked when the email is unknown so that the answer takes as long as
    /// for a registered account and timing reveals nothing.
    static func decoyHash(cost: Int) throws -> String {
        try Bcrypt.hash(TokenService.newRefreshToken(), cost: cost)
    }
}

extension Application {
    private struct DecoyKey: StorageKey { typealias Value = String }
    private struct PoolKey: StorageKey { typealias Value = NIOThreadPool }

    /// bcrypt's own threads (half the cores, at least one), started by `configure`; the shared pool only if none was.
    var passwordPool: NIOThreadPool { storage[PoolKey.self] ?? threadPool }

    func startPasswordPool() {
        let pool = NIOThreadPool(numberOfThreads: max(1, System.coreCount / 2))
        pool.start()
        storage.set(PoolKey.self, to: pool, onShutdown: { try $0.syncShutdownGracefully() })
    }

    var decoyPasswordHash: String {
        get { storage[DecoyKey.self] ?? "" }
        set { storage[DecoyKey.self] = newValue }
    }
}
