import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import JWTKit
import Vapor

/// The composition root: settings, database, security, middleware, routes and commands.
/// Tests pass their own `AppConfig` (an in-memory database, a fixed secret).
func configure(_ app: Application, config: AppConfig? = nil) async throws {
    let config = try config ?? AppConfig.fromEnvironment(production: app.environment == .production)
    app.config = config
    try DataDirectory.prepare(config)

    // Readers and the writer open the same file. A "memory" database is a temporary file, as SQLiteKit makes one
    // for several connections anyway: here its name is drawn once so both sides find it.
    var sqlitePath: String?
    switch config.database {
    case .sqlite(let path):
        sqlitePath = path
    case .sqliteMemory:
        sqlitePath = FileManager.default.temporaryDirectory.appendingPathComponent("finsync-memory-\(UUID().uuidString).sqlite3").path
    case .postgres(let url):
        do {
            // Three connections per event loop: enough for concurrent requests without exhausting a small
            // server's default of 100 connections when several instances run.
            app.databases.use(
                .postgres(configuration: try SQLPostgresConfiguration(url: url), maxConnectionsPerEventLoop: 3,
                          connectionPoolTimeout: .seconds(10), sqlLogLevel: .debug),
                as: .psql)
        } catch {
            throw StartupError(setting: "DATABASE_URL", problem: "could not be used: \(error)")
        }
    }
    if let sqlitePath { app.databases.use(.sqlite(.file(sqlitePath), sqlLogLevel: .debug), as: .sqlite) }
    await app.useStore(Store(sqlitePath: sqlitePath))

    app.migrations.add(CreatePlatformTables())
    app.migrations.add(CreateAuditEntries())
    app.migrations.add(CreateWebSessions())
    app.migrations.add(CreateBooks())
    app.migrations.add(CreateIdempotencyKeys())
    app.migrations.add(AddVoucherFlags())
    app.migrations.add(CreateMonthTotals())
    app.migrations.add(CreateGST())
    app.migrations.add(AddEntryDates())
    app.migrations.add(AddRateWiseLedgers())
    app.migrations.add(CreateInventory())
    app.migrations.add(CreateNotifications())
    app.migrations.add(CreateStockGroups())
    app.migrations.add(CreateBillsOfMaterials())
    app.migrations.add(CreateOrders())
    app.migrations.add(AddExpiredBatchPolicy())
    app.migrations.add(CreateUnits())
    app.migrations.add(AddUnitsToTradeLines())
    app.migrations.add(CreateOrderInvoiceLines())
    app.migrations.add(AddOpeningBills())
    app.migrations.add(CreateTallyLinks())
    app.migrations.add(CreateTallySync())
    app.migrations.add(CreateStockBalances())
    app.migrations.add(AddIdempotencyClaims())
    app.migrations.add(CreateErrorEvents())
    app.migrations.add(CreateAuditCheckpoints())
    app.migrations.add(AddEnteredBy())
    app.migrations.add(AddSessionVersion())
    app.migrations.add(RefuseAuditTruncate())
    app.migrations.add(AddVoucherAuditHash())
    app.migrations.add(CreateAccountMail())
    app.migrations.add(AddRestrictedLedgers())
    app.migrations.add(AddCompactVoucherYear())
    app.migrations.add(AddShippingBills())
    app.migrations.add(AddShipTo())
    app.migrations.add(AddLargeTaxpayerFlag())
    app.migrations.add(AddLUT())
    app.migrations.add(AddDispatchFrom())
    app.migrations.add(AddECommerce())
    app.migrations.add(AddSpecificCess())
    app.migrations.add(AddQRMP())
    app.migrations.add(AddSelfInvoices())
    app.migrations.add(CreateJobWorkChallans())
    app.migrations.add(KeepBillBalances())

    app.passwords.use(.bcrypt(cost: config.passwordCost))
    app.startPasswordPool()
    app.decoyPasswordHash = try Passwords.decoyHash(cost: config.passwordCost)
    let keys = JWTKeyCollection()
    let secret = try JWTSecret.load(config: config)
    await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    app.tokens = TokenService(keys: keys, formKey: TokenService.formKey(from: secret))
    app.auditAnchors = try AuditAnchors.load(config: config)

    app.routes.defaultMaxBodySize = ByteCount(value: config.maxBodySize)
    let methodIndex = RouteMethodIndex()
    app.middleware = Middlewares()
    app.middleware.use(RequestIDMiddleware())
    app.middleware.use(MetricsMiddleware(registry: app.metricsRegistry))
    app.middleware.use(SecurityHeadersMiddleware())
    if !config.corsOrigins.isEmpty {
        app.middleware.use(CORSMiddleware(configuration: .init(
            allowedOrigin: .any(config.corsOrigins), allowedMethods: [.GET, .POST, .PATCH, .PUT, .DELETE, .OPTIONS],
            allowedHeaders: [.accept, .authorization, .contentType, .origin, "X-Request-ID", "Idempotency-Key"])))
    }
    app.errorTracker = ErrorTracker(registry: app.metricsRegistry, sentry: config.sentryDSN)
    app.middleware.use(APIErrorMiddleware(methodIndex: methodIndex))

    try routes(app)
    methodIndex.rebuild(from: app.routes)

    app.asyncCommands.use(ServeCommand(), as: "serve", isDefault: true)
    app.asyncCommands.use(BenchCommand(), as: "bench")
    app.asyncCommands.use(VerifyBooksCommand(), as: "verify-books")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
    app.asyncCommands.use(ErrorsCommand(), as: "errors")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(ImportTallyCommand(), as: "import-tally")
    app.asyncCommands.use(ExportTallyCommand(), as: "export-tally")
}

extension AppConfig {
    var isPostgres: Bool {
        if case .postgres = database { true } else { false }
    }
}

enum DataDirectory {
    /// Creates the data directory and proves it is writable, so a permissions problem is reported at start-up
    /// in one line rather than as an SQLite error on the first write.
    static func prepare(_ config: AppConfig) throws(StartupError) {
        let fm = FileManager.default
        let dir = config.dataDirectory
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw StartupError(setting: "FINSYNC_DATA_DIR", problem: "'\(dir)' cannot be created: its parent is missing, not a directory, or not writable")
        }
        let probe = (dir as NSString).appendingPathComponent(".write-test")
        guard fm.createFile(atPath: probe, contents: Data()) else {
            throw StartupError(setting: "FINSYNC_DATA_DIR", problem: "'\(dir)' is not writable by this user")
        }
        try? fm.removeItem(atPath: probe)
    }
}
