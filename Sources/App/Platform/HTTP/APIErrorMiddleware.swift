import Ledger
import NIOConcurrencyHelpers
import StockKit
import Vapor

/// Turns every error into the one JSON error shape. Client mistakes keep their status; anything unexpected
/// becomes a 500 that names only the request id, so SQL, paths and stack traces never reach a client.
struct APIErrorMiddleware: AsyncMiddleware {
    let methodIndex: RouteMethodIndex

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            let response = try await next.respond(to: request)
            if response.status.code >= 500 {
                await request.application.errorTracker.record(Abort(response.status), status: response.status, request: request)
            }
            return response
        } catch {
            let response = response(for: error, on: request)
            if response.status.code >= 500 { await request.application.errorTracker.record(error, status: response.status, request: request) }
            return response
        }
    }

    func response(for error: any Error, on request: Request) -> Response {
        let apiError = translate(error, request: request)
        if apiError.status.code >= 500 {
            request.logger.error("unhandled error: \(String(reflecting: error))")
        } else {
            request.logger.debug("client error \(apiError.status.code): \(apiError.message)")
        }
        if Self.wantsHTML(request) {
            if apiError.status == .unauthorized {
                return request.redirect(to: "/signin")
            }
            var chrome = Chrome(title: ErrorPage.model(for: apiError).heading, userName: request.browserSession?.userName,
                                csrf: request.csrfToken)
            chrome.back = "/app"
            let response = WebForm.page(ErrorPage.render(ErrorPage.model(for: apiError), chrome: chrome), status: apiError.status)
            response.headers.add(contentsOf: apiError.headers)
            return response
        }
        let body = ErrorBody(error: .init(
            code: apiError.code, message: apiError.message, fields: apiError.fields.isEmpty ? nil : apiError.fields))
        let response = Response(status: apiError.status, headers: apiError.headers)
        do {
            try response.content.encode(body, as: .json)
        } catch {
            response.body = .init(string: #"{"error":{"code":"internal_error","message":"Internal error."}}"#)
        }
        return response
    }

    /// Everything but the JSON API and the machine endpoints is a page for people.
    static func wantsHTML(_ request: Request) -> Bool {
        let path = request.url.path
        if path.hasPrefix("/api/") || ["/health", "/ready", "/metrics", "/openapi.json"].contains(path) { return false }
        return !(request.headers.accept.first?.mediaType == .json)
    }

    private func translate(_ error: any Error, request: Request) -> APIError {
        switch error {
        case let e as APIError:
            return e
        case is RouteNotFound:
            let allowed = methodIndex.methods(matching: request.url.path)
            if !allowed.isEmpty, !allowed.contains(request.method) {
                var e = APIError(
                    status: .methodNotAllowed, code: "method_not_allowed",
                    message: "\(request.method.rawValue) is not allowed here; use "
                        + allowed.map(\.rawValue).sorted().joined(separator: ", ") + ".")
                e.headers.replaceOrAdd(name: .allow, value: allowed.map(\.rawValue).sorted().joined(separator: ", "))
                return e
            }
            return APIError(status: .notFound, code: "not_found", message: "No such route: \(request.url.path)")
        case let e as AmountOverflow:
            // Figures past what the books can hold: the request's numbers, not our fault (ARCHITECTURE.md §4).
            return .validation(field: e.field.isEmpty ? "amount" : e.field, e.message)
        case let e as StockOverflow:
            return .validation(field: "quantity", e.description)
        case let e where DatabaseContention.isContention(e):
            // The write could not get its lock or snapshot even after retrying: contention, nothing was written.
            var e = APIError(status: .serviceUnavailable, code: "busy", message: "The books are busy with other writes; try again in a moment (with the same Idempotency-Key).")
            e.headers.replaceOrAdd(name: .retryAfter, value: "1")
            return e
        case is ConnectionPoolTimeoutError:
            // Every database connection stayed busy past the pool's wait: overload, not a fault. Nothing was written.
            var e = APIError(status: .serviceUnavailable, code: "busy", message: "The database is too busy to take this request now; try again in a moment (a write with the same Idempotency-Key if it was one).")
            e.headers.replaceOrAdd(name: .retryAfter, value: "1")
            return e
        case let e as any AbortError where e.status == .payloadTooLarge:
            return APIError(
                status: .payloadTooLarge, code: "payload_too_large",
                message: "The request body is larger than the \(request.application.config.maxBodySize)-byte limit.")
        case let e as any AbortError where e.status.code < 500:
            return APIError(status: e.status, code: Self.code(for: e.status), message: e.reason, headers: e.headers)
        default:
            return APIError(
                status: .internalServerError, code: "internal_error",
                message: "Internal error. Quote request id \(request.requestID) when reporting it.")
        }
    }

    static func code(for status: HTTPResponseStatus) -> String {
        switch status {
        case .badRequest: "malformed_request"
        case .unauthorized: "unauthenticated"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .conflict: "conflict"
        case .unprocessableEntity: "validation_failed"
        case .tooManyRequests: "rate_limited"
        case .unsupportedMediaType: "unsupported_media_type"
        default: "http_\(status.code)"
        }
    }
}

/// Which methods a path answers to, so a wrong method gets 405 with `Allow` instead of a bare 404.
/// Only consulted for requests no route matched, so a linear scan is fine.
final class RouteMethodIndex: Sendable {
    private let routes = NIOLockedValueBox<[(method: HTTPMethod, path: [PathComponent])]>([])

    func rebuild(from all: Routes) {
        let snapshot = all.all.map { (method: $0.method, path: $0.path) }
        routes.withLockedValue { $0 = snapshot }
    }

    func methods(matching path: String) -> [HTTPMethod] {
        let components = path.split(separator: "/").map(String.init)
        let matching = routes.withLockedValue { $0.filter { Self.matches($0.path, components) }.map(\.method) }
        var seen = Set<String>()
        return matching.filter { seen.insert($0.rawValue).inserted }
    }

    private static func matches(_ pattern: [PathComponent], _ components: [String]) -> Bool {
        for (i, part) in pattern.enumerated() {
            switch part {
            case .catchall: return true
            case .anything, .parameter: guard i < components.count else { return false }
            case .constant(let c): guard i < components.count, components[i] == c else { return false }
            }
        }
        return pattern.count == components.count
    }
}
