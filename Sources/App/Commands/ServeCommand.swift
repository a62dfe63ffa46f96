import Fluent
import Vapor

/// `finsync serve`: migrates the database, optionally loads the demo, then serves HTTP.
/// Replaces Vapor's own serve command so that migration and the demo happen before the port opens.
struct ServeCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "hostname", short: "H", help: "Address to listen on (default 127.0.0.1).")
        var hostname: String?

        @Option(name: "port", short: "p", help: "Port to listen on (default 8080).")
        var port: Int?

        @Flag(name: "demo", help: "Create a demo user and company (once) and print how to sign in.")
        var demo: Bool

        @Option(name: "tls-cert", help: "PEM certificate chain: serve HTTPS (or FINSYNC_TLS_CERT).")
        var tlsCert: String?

        @Option(name: "tls-key", help: "PEM private key of the certificate (or FINSYNC_TLS_KEY).")
        var tlsKey: String?

        @Option(name: "http-redirect-port", help: "With TLS, also listen for plain HTTP here and only redirect to HTTPS (or FINSYNC_HTTP_REDIRECT_PORT).")
        var httpRedirectPort: Int?

        init() {}
    }

    var help: String { "Migrates the database and serves FinSync360 (API and web UI) over HTTP, or HTTPS with --tls-cert and --tls-key." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let environment = ProcessInfo.processInfo.environment
        let certificate = signature.tlsCert ?? environment["FINSYNC_TLS_CERT"].flatMap { $0.isEmpty ? nil : $0 }
        let key = signature.tlsKey ?? environment["FINSYNC_TLS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        var hangup: Task<Void, Never>?
        switch (certificate, key) {
        case (nil, nil): break
        case (let certificate?, let key?):
            do {
                let certificates = try TLSCertificates(certificate: certificate, key: key)
                certificates.install(on: app)
                hangup = certificates.reloadOnHangup(logger: app.logger)
            } catch {
                throw StartupError(setting: "--tls-cert/--tls-key", problem: "cannot be used: \(error)")
            }
        default:
            throw StartupError(setting: "--tls-cert/--tls-key", problem: "must be given together")
        }
        defer { hangup?.cancel() }
        let redirectPort = try signature.httpRedirectPort ?? environment["FINSYNC_HTTP_REDIRECT_PORT"].flatMap { raw in
            guard !raw.isEmpty else { return nil }
            guard let port = Int(raw), (1...65535).contains(port) else {
                throw StartupError(setting: "FINSYNC_HTTP_REDIRECT_PORT", problem: "must be a port number (1-65535), not '\(raw)'")
            }
            return port
        }
        if redirectPort != nil, hangup == nil {
            throw StartupError(setting: "--http-redirect-port", problem: "only makes sense with --tls-cert and --tls-key")
        }
        try await DatabaseStartup.migrate(app)
        if case .sqlite = app.config.database {
            try await IdempotencyClaim.settleAbandoned(on: app.db.sql())
            try await TallyImporter.settleInterrupted(on: app.db)
        }
        if signature.demo {
            let demo = try await DemoData.seed(app)
            context.console.print("Demo ready. Sign in as \(demo.email) with password \(demo.password) (company: \(demo.companyName)).")
        }
        // Companies with Tally sync set up are synced on their interval while the server runs.
        let scheduler = Task { await TallySyncScheduler.loop(app) }
        defer { scheduler.cancel() }
        let backups = app.config.backupDirectory.map { directory in Task { await BackupScheduler.loop(app, directory: directory) } }
        defer { backups?.cancel() }
        let housekeeping = Task { await Housekeeping.loop(app) }
        defer { housekeeping.cancel() }
        let anchoring = Task { await AuditAnchorScheduler.loop(app) }
        defer { anchoring.cancel() }
        let mail = Task { await Outbox.loop(app) }
        defer { mail.cancel() }
        var redirect: (any Channel)?
        if let redirectPort {
            let host = signature.hostname ?? app.http.server.configuration.hostname
            let httpsPort = signature.port ?? app.http.server.configuration.port
            redirect = try await HTTPSRedirect.start(host: host, port: redirectPort, httpsPort: httpsPort, on: app.eventLoopGroup)
            app.logger.notice("Plain HTTP on \(host):\(redirectPort) redirects to HTTPS on port \(httpsPort)")
        }
        defer { redirect?.close(promise: nil) }
        var arguments = ["serve"]
        if let hostname = signature.hostname { arguments += ["--hostname", hostname] }
        if let port = signature.port { arguments += ["--port", String(port)] }
        var serveContext = CommandContext(console: context.console, input: CommandInput(arguments: arguments))
        serveContext.application = app
        try await app.servers.asyncCommand.run(using: &serveContext)
    }
}

enum DatabaseStartup {
    /// Runs pending migrations, turning the database's errors into one line a person can act on.
    static func migrate(_ app: Application) async throws {
        do {
            // A quiet first contact: an unreachable server should produce our one line, not the pool's log too.
            var quiet = Logger(label: "finsync.startup")
            quiet.logLevel = .critical
            if let db = app.databases.database(logger: quiet, on: app.eventLoopGroup.any()) {
                try await db.sql().raw("SELECT 1").run()
            }
            if !app.config.isPostgres {
                // WAL lets readers proceed while a write is in progress; the setting is stored in the file.
                try await app.db.sql().raw("PRAGMA journal_mode=WAL").run()
                // Each of our own connections sets its own (`SQLiteReaders`, `SQLiteWriter`).
            }
            try await app.autoMigrate()
        } catch {
            throw describe(error, config: app.config)
        }
    }

    static func describe(_ error: any Error, config: AppConfig) -> StartupError {
        let text = String(reflecting: error)
        switch config.database {
        case .postgres(let url):
            let target = "\(url.host ?? "?"):\(url.port ?? 5432)\(url.path)"
            if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("connect(descriptor")
                || text.contains("NIOConnectionError") || text.contains("connectTimeout")
            {
                return StartupError(setting: "DATABASE_URL", problem: "points at \(target), which is not reachable (connection refused)")
            }
            if text.contains("28P01") || text.contains("password authentication failed") || text.contains("28000") {
                return StartupError(setting: "DATABASE_URL", problem: "was refused by \(target): wrong user name or password")
            }
            if text.contains("3D000") {
                return StartupError(setting: "DATABASE_URL", problem: "names database \(url.path.dropFirst()), which does not exist on \(url.host ?? "?")")
            }
            if text.contains("42501") {
                return StartupError(setting: "DATABASE_URL", problem: "user lacks permission to create tables in \(target)")
            }
            return StartupError(setting: "DATABASE_URL", problem: "could not be migrated: \(Self.firstLine(text))")
        case .sqlite(let path):
            return StartupError(setting: "FINSYNC_DATA_DIR", problem: "database \(path) could not be opened or migrated: \(Self.firstLine(text))")
        case .sqliteMemory:
            return StartupError(setting: "database", problem: "in-memory database failed: \(Self.firstLine(text))")
        }
    }

    private static func firstLine(_ s: String) -> String {
        String(s.prefix(while: { $0 != "\n" }).prefix(300))
    }
}
