import Fluent
import Foundation
import SQLKit
import Vapor

struct TallySyncSettingsRequest: APIRequestBody {
    var url: String
    var company: String
    var enabled: Bool?
    var conflictRule: String?
    var intervalMinutes: Int?

    static let rules = ["newest", "tally", "finsync"]
    static let schema = Schema.object([
        .required("url", .string(.init(minLength: 8, maxLength: 300, description: "Tally's HTTP XML server, e.g. http://192.168.1.20:9000"))),
        .required("company", .text(max: 200)),
        .optional("enabled", .boolean),
        .optional("conflictRule", .string(.init(allowed: rules, description: "When both sides changed: newest (default) alteration wins, or always tally, or always finsync"))),
        .optional("intervalMinutes", .integer(minimum: 1, maximum: 1_440)),
    ])
}

struct TallySyncStatusDTO: APIResponseBody {
    struct ObjectError: Codable, Sendable { var kind: String; var name: String; var error: String }
    struct Conflict: Codable, Sendable { var kind: String; var name: String; var detectedAt: Date; var resolution: String; var detail: String }
    var configured: Bool
    var url: String?
    var company: String?
    var enabled: Bool
    var conflictRule: String
    var intervalMinutes: Int
    var status: String
    var lastRunAt: Date?
    var lastSuccessAt: Date?
    var lastError: String?
    var failures: Int
    var lastRun: TallySyncReport?
    /// Objects linked to Tally, by sync status (`synced`, `error`, `deleted-in-tally`).
    var objects: [String: Int]
    var errors: [ObjectError]
    var conflicts: [Conflict]

    static let schema = Schema.ref("TallySyncStatus", .object([
        .required("configured", .boolean), .optional("url", .nullable(.string())), .optional("company", .nullable(.text())),
        .required("enabled", .boolean), .required("conflictRule", .string()), .required("intervalMinutes", .integer()),
        .required("status", .string(.init(allowed: ["never", "running", "ok", "failed"]))), .optional("lastRunAt", .nullable(.dateTime)),
        .optional("lastSuccessAt", .nullable(.dateTime)), .optional("lastError", .nullable(.text())), .required("failures", .integer()),
        .optional("lastRun", .nullable(TallySyncReport.schema)),
        .required("objects", .object(["synced", "error", "deleted-in-tally"].map { .optional($0, .integer()) })),
        .required("errors", .array(.object([.required("kind", .string()), .required("name", .text()), .required("error", .text())]))),
        .required("conflicts", .array(.object([
            .required("kind", .string()), .required("name", .text()), .required("detectedAt", .dateTime),
            .required("resolution", .string(.init(allowed: ["took-tally", "kept-ours"]))), .required("detail", .text()),
        ]))),
    ]))
}

/// `…/tally/sync/settings`, `…/tally/sync/run`, `…/tally/sync/status`.
enum TallySyncController {
    static func client(_ app: Application, url: String) -> TallyClient {
        TallyClient(url: url, client: app.outbound, logger: app.logger, timeout: .seconds(app.config.tallyTimeoutSeconds), attempts: app.config.tallyAttempts,
                    firstPause: .milliseconds(app.config.tallyRetryPauseMilliseconds), deadline: .seconds(app.config.tallySyncTimeoutSeconds))
    }

    @Sendable static func saveSettings(req: Request) async throws -> TallySyncStatusDTO {
        let body = try req.decodeBody(TallySyncSettingsRequest.self)
        let context = try req.company
        let actor = req.auditActor, policy = req.application.config.outbound
        try await req.write { db in try await save(body, company: context.companyID, policy: policy, actor: actor, on: db) }
        return try await status(company: context.companyID, on: req.db)
    }

    static func save(_ body: TallySyncSettingsRequest, company: UUID, policy: OutboundPolicy, actor: AuditActor, on db: any Database) async throws {
        guard let url = URL(string: body.url), ["http", "https"].contains(url.scheme ?? ""), let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/" else {
            throw APIError.validation(field: "url", "must be Tally's server as http://host:port, e.g. http://192.168.1.20:9000")
        }
        // An address we would refuse to connect to is refused here already; a name is checked when it is resolved.
        let literal = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        if OutboundPolicy.classify(literal) != nil {
            do { try policy.check(host: literal, port: url.port ?? (url.scheme == "https" ? 443 : 80), address: literal) } catch {
                throw APIError.validation(field: "url", "\(error)")
            }
        }
        let before = try await TallySync.settings(company: company, on: db)
        let sql = db.sql()
        let enabled = body.enabled ?? before?.enabled ?? true, rule = body.conflictRule ?? before?.conflict_rule ?? "newest"
        let interval = body.intervalMinutes ?? before?.interval_minutes ?? 5
        if before == nil {
            try await sql.insert(into: "tally_sync").model(TallySyncRow(company_id: company, url: body.url, tally_company: body.company, enabled: enabled,
                                                                         conflict_rule: rule, interval_minutes: interval, master_alter_id: 0, voucher_alter_id: 0,
                                                                         status: "never", failures: 0), nilEncodingStrategy: .asNil).run()
        } else {
            // Another Tally, or another company in it: its AlterIDs are another sequence, so start from zero.
            let restart = before?.url != body.url || before?.tally_company != body.company
            try await sql.raw("""
                UPDATE tally_sync SET url = \(bind: body.url), tally_company = \(bind: body.company), enabled = \(bind: enabled), conflict_rule = \(bind: rule),
                interval_minutes = \(bind: interval) \(unsafeRaw: restart ? ", master_alter_id = 0, voucher_alter_id = 0" : "") WHERE company_id = \(bind: company)
                """).run()
        }
        try await AuditLog.append(AuditEvent(companyID: company, action: "tally-sync.settings", entityType: "tally-sync", entityID: company.uuidString.lowercased(),
                                             before: before.map { .object(["url": .string($0.url), "company": .string($0.tally_company), "enabled": .bool($0.enabled), "conflictRule": .string($0.conflict_rule)]) },
                                             after: .object(["url": .string(body.url), "company": .string(body.company), "enabled": .bool(enabled), "conflictRule": .string(rule)])),
                                  by: actor, on: db)
    }

    /// Runs a sync now and answers with the status; a failure is in the status (502 when Tally could not be used).
    @Sendable static func runNow(req: Request) async throws -> Response {
        let context = try req.company
        let company = try await CompanyController.find(context, on: req.db)
        guard let s = try await TallySync.settings(company: context.companyID, on: req.db) else {
            throw APIError.conflict("Tally sync is not set up: PUT …/tally/sync/settings with Tally's address and company first.")
        }
        var failed = false
        do { _ = try await TallySync.run(company: company, client: client(req.application, url: s.url), actor: req.auditActor, store: req.application.store, on: req.db) }
        catch is TallyClient.Failure { failed = true }
        catch let e as TallyStream.Failed { failed = true; req.logger.warning("tally sync: \(e)") }
        return try await status(company: context.companyID, on: req.db).encodeResponse(status: failed ? .badGateway : .ok, for: req)
    }

    @Sendable static func statusRoute(req: Request) async throws -> TallySyncStatusDTO { try await status(company: try req.company.companyID, on: req.db) }

    static func status(company: UUID, on db: any Database) async throws -> TallySyncStatusDTO {
        let s = try await TallySync.settings(company: company, on: db)
        struct Count: Decodable { var status: String; var n: Int }
        let counts = try await db.sql().raw("SELECT status, COUNT(*) AS n FROM tally_links WHERE company_id = \(bind: company) GROUP BY status").all(decoding: Count.self)
        struct Err: Decodable { var kind: String; var name: String; var last_error: String? }
        let errors = try await db.sql().raw("""
            SELECT kind, name, last_error FROM tally_links WHERE company_id = \(bind: company) AND status = 'error' ORDER BY kind, name LIMIT 200
            """).all(decoding: Err.self)
        let conflicts = try await db.sql().raw("SELECT * FROM tally_conflicts WHERE company_id = \(bind: company) ORDER BY detected_at DESC LIMIT 100")
            .all(decoding: TallySync.ConflictRow.self)
        return TallySyncStatusDTO(
            configured: s != nil, url: s?.url, company: s?.tally_company, enabled: s?.enabled ?? false, conflictRule: s?.conflict_rule ?? "newest",
            intervalMinutes: s?.interval_minutes ?? 5, status: s?.status ?? "never", lastRunAt: s?.last_run_at, lastSuccessAt: s?.last_success_at,
            lastError: s?.last_error, failures: s?.failures ?? 0,
            lastRun: s?.last_report.flatMap { try? JSONDecoder().decode(TallySyncReport.self, from: Data($0.utf8)) },
            objects: Dictionary(uniqueKeysWithValues: counts.map { ($0.status, $0.n) }),
            errors: errors.map { .init(kind: $0.kind, name: $0.name, error: $0.last_error ?? "") },
            conflicts: conflicts.map { .init(kind: $0.kind, name: $0.name, detectedAt: $0.detected_at, resolution: $0.resolution, detail: $0.detail) })
    }
}

/// Runs each company's sync when its interval has passed, while `finsync serve` runs. Each company's sync is a task
/// of its own with its own deadline, so a slow or silent Tally holds up only its own company.
enum TallySyncScheduler {
    static func loop(_ app: Application) async {
        let running = RunningSyncs()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                for s in await due(app) where await running.claim(s.company_id) {
                    group.addTask {
                        await runOne(s, app)
                        await running.release(s.company_id)
                    }
                }
            }
        }
    }

    /// Every company whose interval has passed; a run marked running for longer than two deadlines was cut off
    /// (the server stopped during it) and is due again.
    static func due(_ app: Application) async -> [TallySyncRow] {
        let stale = Date().addingTimeInterval(-2 * Double(app.config.tallySyncTimeoutSeconds))
        guard let rows = try? await app.db.sql().raw("""
            SELECT * FROM tally_sync WHERE enabled = \(bind: true) AND (status <> 'running' OR last_run_at < \(bind: stale))
            """).all(decoding: TallySyncRow.self) else { return [] }
        return rows.filter { s in (s.last_run_at.map { Date().timeIntervalSince($0) } ?? .infinity) >= Double(s.interval_minutes * 60) }
    }

    /// Runs every due company's sync at once and waits for them all (what the loop does, in one round).
    static func runDue(_ app: Application) async {
        await withDiscardingTaskGroup { group in
            for s in await due(app) { group.addTask { await runOne(s, app) } }
        }
    }

    static func runOne(_ s: TallySyncRow, _ app: Application) async {
        guard let company = try? await Company.find(s.company_id, on: app.db) else { return }
        let actor = AuditActor(userID: nil, requestID: "tally-sync", clientAddress: "scheduler")
        _ = try? await TallySync.run(company: company, client: TallySyncController.client(app, url: s.url), actor: actor, store: app.store, on: app.db)
    }
}

/// The companies whose sync is running in this process.
actor RunningSyncs {
    private var ids: Set<UUID> = []
    func claim(_ id: UUID) -> Bool { ids.insert(id).inserted }
    func release(_ id: UUID) { ids.remove(id) }
}
