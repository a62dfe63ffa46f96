import Fluent
import Prometheus
import SQLKit
import Vapor

enum HealthController {
    struct Status: APIResponseBody {
        var status: String
        static let schema = Schema.object([.required("status", .string())])
    }

    @Sendable static func health(req: Request) async throws -> Status { Status(status: "ok") }

    @Sendable static func ready(req: Request) async throws -> Response {
        do {
            try await req.db.sql().raw("SELECT 1").run()
            return try await Status(status: "ready").encodeResponse(for: req)
        } catch {
            req.logger.error("readiness check failed: \(error)")
            throw APIError(status: .serviceUnavailable, code: "database_unavailable", message: "The database is not reachable.")
        }
    }

    @Sendable static func metrics(req: Request) async throws -> Response {
        if let expected = req.application.config.metricsToken {
            // Compared as digests, so the time taken says nothing about how much of the token was right.
            let given = req.headers.bearerAuthorization?.token ?? ""
            guard Data(SHA256.hash(data: Data(given.utf8))) == Data(SHA256.hash(data: Data(expected.utf8))) else {
                var error = APIError(status: .unauthorized, code: "unauthenticated", message: "Send Authorization: Bearer with the metrics token.")
                error.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer")
                throw error
            }
        }
        let text = req.application.metricsRegistry.emitToString()
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    @Sendable static func openAPI(req: Request) async throws -> Response {
        let document = OpenAPIDocument.build(from: req.application.routes, version: FinSync.version)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: document.canonical))
    }
}

enum FinSync {
    static let version = "0.1.0"
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = PrometheusCollectorRegistry }

    /// One registry per application (not the process-global MetricsSystem, which can be bootstrapped only once
    /// and would be shared by every app a test run creates).
    var metricsRegistry: PrometheusCollectorRegistry {
        get {
            if let r = storage[MetricsKey.self] { return r }
            let r = PrometheusCollectorRegistry()
            storage[MetricsKey.self] = r
            return r
        }
        set { storage[MetricsKey.self] = newValue }
    }
}
