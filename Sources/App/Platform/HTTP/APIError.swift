import Vapor

/// The one error shape of the API (ARCHITECTURE.md §5). Everything a client can get wrong is thrown as this.
struct APIError: Error, AbortError, Sendable {
    struct FieldError: Codable, Sendable, Equatable {
        var field: String
        var message: String
    }

    var status: HTTPResponseStatus
    var code: String
    var message: String
    var fields: [FieldError] = []
    var headers: HTTPHeaders = [:]

    var reason: String { message }

    static func validation(_ fields: [FieldError]) -> APIError {
        let summary = fields.count == 1 ? "1 field is invalid" : "\(fields.count) fields are invalid"
        return APIError(status: .unprocessableEntity, code: "validation_failed", message: summary, fields: fields)
    }

    static func validation(field: String, _ message: String) -> APIError {
        .validation([FieldError(field: field, message: message)])
    }

    static func malformed(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "malformed_request", message: message)
    }

    static let unauthenticated = APIError(
        status: .unauthorized, code: "unauthenticated", message: "Sign in first: send a valid access token.")

    static func notFound(_ what: String = "Resource") -> APIError {
        APIError(status: .notFound, code: "not_found", message: "\(what) not found.")
    }

    static func forbidden(_ message: String) -> APIError {
        APIError(status: .forbidden, code: "forbidden", message: message)
    }

    static func conflict(_ message: String) -> APIError {
        APIError(status: .conflict, code: "conflict", message: message)
    }
}

/// Body of every error response.
struct ErrorBody: Content {
    struct Payload: Codable {
        var code: String
        var message: String
        var fields: [APIError.FieldError]?
    }
    var error: Payload
}
