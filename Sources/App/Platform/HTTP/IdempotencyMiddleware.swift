import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// Writes accept `Idempotency-Key` (ARCHITECTURE.md §5): a retried request with the same key and the same
/// method, path, query and body gets the first response again instead of doing the work twice. Keys belong to the
/// signed-in user; the same key with a different request is refused.
///
/// The key is claimed before the request runs (a row with status 0), and the write transaction that makes the
/// change marks the claim `applied` (see `Store.write`), so:
/// - concurrent requests with one key run once: the others wait for the first and replay its answer;
/// - a request that fails with a server error before changing anything releases its claim, so a retry runs again;
/// - a claim left behind by a crashed process before it changed anything is taken over after `staleAfter`;
/// - a change is never made without its key, even if the process dies before the response is stored (a retry is
///   then told the change was applied, never runs it twice).
struct IdempotencyMiddleware: AsyncMiddleware {
    /// How long a retry waits for the first request with its key before answering 409.
    static let waitLimit: Duration = .seconds(10)
    /// A claim older than this that changed nothing belonged to a process that died.
    static let staleAfter: TimeInterval = 120

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(request.method), let key = request.headers.first(name: "Idempotency-Key") else {
            return try await next.respond(to: request)
        }
        guard (1...200).contains(key.count) else {
            throw APIError.validation(field: "Idempotency-Key", "must be 1 to 200 characters")
        }
        let userID = try request.authenticatedUserID
        let body = try await request.body.collect(max: request.application.config.maxBodySize).get()
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.url.path)?\(request.url.query ?? "")\n".utf8))
        if let body { hasher.update(data: Data(buffer: body)) }
        let claim = IdempotencyClaim(user: userID, key: key, hash: hasher.finalize().hexString)
        let sql = request.db.sql()

        if let answer = try await claim.acquireOrReplay(on: sql) { return answer }
        let response: Response
        do {
            response = try await IdempotencyClaim.$current.withValue(claim) { try await next.respond(to: request) }
        } catch let error as APIError where error.status.code < 500 {
            let body = ErrorBody(error: .init(code: error.code, message: error.message, fields: error.fields.isEmpty ? nil : error.fields))
            try await claim.complete(status: Int(error.status.code), contentType: "application/json",
                                     body: String(decoding: try JSONEncoder().encode(body), as: UTF8.self), on: sql)
            throw error
        } catch {
            try? await claim.release(on: sql)
            throw error
        }
        if response.status.code < 500, let data = response.body.data {
            try await claim.complete(status: Int(response.status.code), contentType: response.headers.first(name: .contentType) ?? "application/json",
                                     body: String(decoding: data, as: UTF8.self), on: sql)
        } else {
            try? await claim.release(on: sql)
        }
        return response
    }
}

/// One request's hold on its `Idempotency-Key`. `Store.write` marks the claim of the running request applied in
/// the same transaction as the change.
struct IdempotencyClaim: Sendable {
    var user: UUID
    var key: String
    var hash: String

    @TaskLocal static var current: IdempotencyClaim?

    private struct Stored: Decodable { var request_hash: String; var status: Int; var content_type: String; var body: String; var applied: Bool }

    /// Claims the key (nil: go ahead), or answers as the first request with it did: its stored response, 422 for a
    /// different request, 409 when it is still running after the wait or its change was applied but its answer lost.
    func acquireOrReplay(on sql: any SQLDatabase) async throws -> Response? {
        let deadline = ContinuousClock.now + IdempotencyMiddleware.waitLimit
        while true {
            let claimed = try await sql.raw("""
                INSERT INTO idempotency_keys (user_id, key, request_hash, status, content_type, body, created_at, applied)
                VALUES (\(bind: user), \(bind: key), \(bind: hash), 0, '', '', \(bind: Date()), \(bind: false))
                ON CONFLICT (user_id, key) DO NOTHING RETURNING key
                """).all()
            if !claimed.isEmpty { return nil }
            guard let stored = try await sql.raw("""
                SELECT request_hash, status, content_type, body, applied FROM idempotency_keys WHERE user_id = \(bind: user) AND key = \(bind: key)
                """).first(decoding: Stored.self) else { continue }  // released meanwhile: claim it now
            guard stored.request_hash == hash else {
                throw APIError(status: .unprocessableEntity, code: "idempotency_key_reused",
                               message: "This Idempotency-Key was already used for a different request.",
                               fields: [.init(field: "Idempotency-Key", message: "was used for a different request")])
            }
            if stored.status > 0 {
                var headers = HTTPHeaders()
                headers.replaceOrAdd(name: .contentType, value: stored.content_type)
                headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
                return Response(status: HTTPResponseStatus(statusCode: stored.status), headers: headers, body: .init(string: stored.body))
            }
            if !stored.applied, try await takeOverStale(on: sql) { return nil }
            guard ContinuousClock.now < deadline else {
                var e = APIError(status: .conflict, code: stored.applied ? "idempotent_request_applied" : "idempotent_request_running",
                                 message: stored.applied
                                     ? "The request with this Idempotency-Key was applied, but its response was not kept; look the result up instead of retrying."
                                     : "A request with this Idempotency-Key is still running; retry shortly.")
                if !stored.applied { e.headers.replaceOrAdd(name: .retryAfter, value: "1") }
                throw e
            }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// A claim that changed nothing and is older than `staleAfter` was left by a process that died: take it over.
    private func takeOverStale(on sql: any SQLDatabase) async throws -> Bool {
        let cutoff = Date().addingTimeInterval(-IdempotencyMiddleware.staleAfter)
        return !(try await sql.raw("""
            UPDATE idempotency_keys SET created_at = \(bind: Date())
            WHERE user_id = \(bind: user) AND key = \(bind: key) AND status = 0 AND applied = \(bind: false) AND created_at < \(bind: cutoff)
            RETURNING key
            """).all()).isEmpty
    }

    /// Inside the change's own transaction.
    func markApplied(on sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE idempotency_keys SET applied = \(bind: true) WHERE user_id = \(bind: user) AND key = \(bind: key)").run()
    }

    func complete(status: Int, contentType: String, body: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE idempotency_keys SET status = \(bind: status), content_type = \(bind: contentType), body = \(bind: body)
            WHERE user_id = \(bind: user) AND key = \(bind: key)
            """).run()
    }

    /// After a server error: if nothing was changed, forget the claim so a retry runs again.
    func release(on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            DELETE FROM idempotency_keys WHERE user_id = \(bind: user) AND key = \(bind: key) AND status = 0 AND applied = \(bind: false)
            """).run()
    }
}

extension IdempotencyClaim {
    /// At start on SQLite, where this process is the only writer: claims still running belonged to the process
    /// that stopped. Those that changed nothing are released (a retry runs); those whose change committed without
    /// its answer get a final 409 answer, so a retry learns at once that it was applied.
    static func settleAbandoned(on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM idempotency_keys WHERE status = 0 AND applied = \(bind: false)").run()
        let body = #"{"error":{"code":"idempotent_request_applied","message":"The request with this Idempotency-Key was applied, but the server stopped before answering; look the result up instead of retrying."}}"#
        try await sql.raw("""
            UPDATE idempotency_keys SET status = 409, content_type = 'application/json', body = \(bind: body) WHERE status = 0 AND applied = \(bind: true)
            """).run()
    }
}

