import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// Writes accept `Idempotency-Key` (ARCHITECTURE.md §5): a retried request with the same key and the same
/// method, path and body gets the first response again instead of doing the work twice. Keys belong to the
/// signed-in user; the same key with a different request is refused. Server errors are not remembered, so a
/// retry after a 500 runs again.
struct IdempotencyMiddleware: AsyncMiddleware {
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
        hasher.update(data: Data("\(request.method.rawValue) \(request.url.path)\n".utf8))
        if let body { hasher.update(data: Data(buffer: body)) }
        let hash = hasher.finalize().hexString

        struct Stored: Decodable { var request_hash: String; var status: Int; var content_type: String; var body: String }
        let sql = request.db.sql()
        if let stored = try await sql.raw("""
            SELECT request_hash, status, content_type, body FROM idempotency_keys WHERE user_id = \(bind: userID) AND key = \(bind: key)
            """).first(decoding: Stored.self)
        {
            guard stored.request_hash == hash else {
                throw APIError(status: .unprocessableEntity, code: "idempotency_key_reused",
                               message: "This Idempotency-Key was already used for a different request.",
                               fields: [.init(field: "Idempotency-Key", message: "was used for a different request")])
            }
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: stored.content_type)
            headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
            return Response(status: HTTPResponseStatus(statusCode: stored.status), headers: headers, body: .init(string: stored.body))
        }

        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch let error as APIError where error.status.code < 500 {
            let body = ErrorBody(error: .init(code: error.code, message: error.message, fields: error.fields.isEmpty ? nil : error.fields))
            try await remember(userID, key, hash, status: Int(error.status.code), contentType: "application/json",
                               body: String(decoding: try JSONEncoder().encode(body), as: UTF8.self), on: sql)
            throw error
        }
        if response.status.code < 500, let data = response.body.data {
            try await remember(userID, key, hash, status: Int(response.status.code),
                               contentType: response.headers.first(name: .contentType) ?? "application/json",
                               body: String(decoding: data, as: UTF8.self), on: sql)
        }
        return response
    }

    private func remember(_ user: UUID, _ key: String, _ hash: String, status: Int, contentType: String, body text: String,
                          on sql: any SQLDatabase) async throws
    {
        try await sql.raw("""
            INSERT INTO idempotency_keys (user_id, key, request_hash, status, content_type, body, created_at)
            VALUES (\(bind: user), \(bind: key), \(bind: hash), \(bind: status), \(bind: contentType), \(bind: text), \(bind: Date()))
            ON CONFLICT (user_id, key) DO NOTHING
            """).run()
    }
}
