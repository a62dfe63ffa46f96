import AsyncHTTPClient
import Foundation
import NIOCore
import Prometheus
import SQLKit
import Vapor

/// Records every 5xx and every unexpected error caught at the edge: a row in `error_events` (time, request id,
/// route template, user and company, error type and a short message — never bodies or secrets), a count by type
/// in `/metrics`, and, when `FINSYNC_SENTRY_DSN` is set, an event in Sentry's envelope format.
struct ErrorTracker: Sendable {
    struct Event: Codable, Sendable, Equatable {
        var id: UUID
        var at: Date
        var requestID: String
        var method: String
        var route: String
        var status: Int
        var userID: UUID?
        var companyID: UUID?
        var type: String
        var message: String
    }

    let registry: PrometheusCollectorRegistry
    let sentry: SentryDSN?

    func record(_ error: any Error, status: HTTPStatus, request: Request) async {
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let type = String(reflecting: Swift.type(of: error))
        let event = Event(id: UUID(), at: Date(), requestID: request.requestID, method: request.method.rawValue, route: route,
                          status: Int(status.code), userID: request.storage[AuthenticatedUserKey.self],
                          companyID: request.parameters.get("companyID").flatMap(UUID.init(uuidString:)),
                          type: type, message: Self.scrub(String(describing: error)))
        registry.makeCounter(descriptor: .init(metricName: "finsync_errors", unitName: "total", helpText: "Server errors by error type"),
                             labels: [("type", String(type.prefix(100)))]).increment()
        do {
            try await request.db.sql().raw("""
                INSERT INTO error_events (id, at, request_id, method, route, status, user_id, company_id, error_type, message)
                VALUES (\(bind: event.id), \(bind: event.at), \(bind: event.requestID), \(bind: event.method), \(bind: event.route),
                        \(bind: event.status), \(bind: event.userID), \(bind: event.companyID), \(bind: event.type), \(bind: event.message))
                """).run()
        } catch {
            // The database may be what failed; the log line still carries the event.
            request.logger.error("could not record error event \(event.id): \(String(describing: error))")
        }
        if let sentry {
            let logger = request.logger
            Task { await sentry.send(event, logger: logger) }
        }
    }

    /// Short, and without anything that looks like a credential or a connection string.
    static func scrub(_ text: String) -> String {
        var out = String(text.prefix(500))
        for pattern in [#"[a-z]+://[^\s"']*@"#, #"(?i)(password|secret|token|authorization)[=:]\s*\S+"#] {
            out = out.replacingOccurrences(of: pattern, with: "[redacted]", options: .regularExpression)
        }
        return out
    }

    /// `finsync errors --since`: the newest first.
    static func list(since: Date?, limit: Int = 200, on sql: any SQLDatabase) async throws -> [Event] {
        struct Row: Decodable {
            var id: UUID; var at: Date; var request_id: String; var method: String; var route: String; var status: Int
            var user_id: UUID?; var company_id: UUID?; var error_type: String; var message: String
        }
        return try await sql.raw("""
            SELECT * FROM error_events WHERE at >= \(bind: since ?? Date(timeIntervalSince1970: 0)) ORDER BY at DESC LIMIT \(bind: limit)
            """).all(decoding: Row.self).map {
            Event(id: $0.id, at: $0.at, requestID: $0.request_id, method: $0.method, route: $0.route, status: $0.status,
                  userID: $0.user_id, companyID: $0.company_id, type: $0.error_type, message: $0.message)
        }
    }
}

/// A Sentry DSN (`https://KEY@HOST[:PORT]/PROJECT`) and the envelope it takes events in.
struct SentryDSN: Sendable, Equatable {
    var key: String
    var envelopeURL: String
    var dsn: String

    init?(_ raw: String) {
        guard let url = URLComponents(string: raw), let scheme = url.scheme, ["http", "https"].contains(scheme), let key = url.user, !key.isEmpty,
              let host = url.host, !host.isEmpty else { return nil }
        let project = url.path.split(separator: "/").last.map(String.init) ?? ""
        guard !project.isEmpty, project.allSatisfy(\.isNumber) else { return nil }
        let prefix = url.path.split(separator: "/").dropLast().joined(separator: "/")
        self.key = key
        self.dsn = raw
        envelopeURL = "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")/\(prefix.isEmpty ? "" : prefix + "/")api/\(project)/envelope/"
    }

    /// The envelope: a header line, an item header line, the event (https://develop.sentry.dev/sdk/envelopes/).
    func envelope(_ event: ErrorTracker.Event) throws -> String {
        let id = event.id.uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let at = formatter.string(from: event.at)
        var user: JSONValue = .null
        if let u = event.userID { user = ["id": .string(u.uuidString.lowercased())] }
        let body: JSONValue = [
            "event_id": .string(id), "timestamp": .string(at), "platform": "other", "level": "error", "logger": "finsync",
            "transaction": .string("\(event.method) \(event.route)"),
            "exception": ["values": [["type": .string(event.type), "value": .string(event.message)]]],
            "tags": ["request_id": .string(event.requestID), "route": .string(event.route), "status": .string(String(event.status)),
                     "company_id": event.companyID.map { .string($0.uuidString.lowercased()) } ?? .null],
            "user": user,
        ]
        let payload = body.canonical
        let header: JSONValue = ["event_id": .string(id), "sent_at": .string(formatter.string(from: Date())), "dsn": .string(dsn)]
        let item: JSONValue = ["type": "event", "length": .int(Int64(payload.utf8.count)), "content_type": "application/json"]
        return header.canonical + "\n" + item.canonical + "\n" + payload + "\n"
    }

    func send(_ event: ErrorTracker.Event, logger: Logger) async {
        do {
            var request = HTTPClientRequest(url: envelopeURL)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-sentry-envelope")
            request.headers.add(name: "X-Sentry-Auth", value: "Sentry sentry_version=7, sentry_key=\(key), sentry_client=finsync/1.0")
            request.body = .bytes(ByteBuffer(string: try envelope(event)))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            if response.status.code >= 300 { logger.warning("Sentry answered \(response.status.code) for error event \(event.id)") }
        } catch {
            logger.warning("could not forward error event \(event.id) to Sentry: \(String(describing: error))")
        }
    }
}

extension Application {
    private struct ErrorTrackerKey: StorageKey { typealias Value = ErrorTracker }

    var errorTracker: ErrorTracker {
        get { required(ErrorTrackerKey.self) }
        set { storage[ErrorTrackerKey.self] = newValue }
    }
}

/// `finsync errors [--since YYYY-MM-DD|ISO 8601]`: the tracked server errors, newest first.
struct ErrorsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "since", help: "Only errors from this day (YYYY-MM-DD) or moment (ISO 8601) on.")
        var since: String?
        init() {}
    }

    var help: String { "Lists the server errors recorded at the edge (time, request id, route, user, company, type, message)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        var since: Date?
        if let raw = signature.since {
            let iso = ISO8601DateFormatter()
            if let d = iso.date(from: raw) { since = d } else if let d = iso.date(from: raw + "T00:00:00Z") { since = d } else {
                throw StartupError(setting: "--since", problem: "'\(raw)' is not a date (YYYY-MM-DD) or an ISO 8601 time")
            }
        }
        try await DatabaseStartup.migrate(context.application)
        let events = try await ErrorTracker.list(since: since, on: context.application.db.sql())
        let iso = ISO8601DateFormatter()
        for e in events {
            context.console.print("\(iso.string(from: e.at))  \(e.status)  \(e.method) \(e.route)  request \(e.requestID)  "
                + "user \(e.userID?.uuidString ?? "-")  company \(e.companyID?.uuidString ?? "-")  \(e.type): \(e.message)")
        }
        context.console.print("\(events.count) error(s)\(since.map { " since \(iso.string(from: $0))" } ?? "").")
    }
}
