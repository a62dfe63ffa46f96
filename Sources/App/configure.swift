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
    if let sqlitePath {
        // Reads (`req.db`, `app.db`) on our own reader connections; Fluent's SQLite driver only runs the migrations.
        app.databases.use(DatabaseConfigurationFactory { SQLiteReaderConfiguration(path: sqlitePath) }, as: .sqliteEngine, isDefault: true)
        app.databases.use(.sqlite(.file(sqlitePath), sqlLogLevel: .debug), as: .sqlite, isDefault: false)
    }
    await app.useStore(Store(sqlitePath: sqlitePath))
    let schemaID: DatabaseID? = sqlitePath == nil ? nil : .sqlite

    app.migrations.add(CreatePlatformTables(), to: schemaID)
    app.migrations.add(CreateAuditEntries(), to: schemaID)
    app.migrations.add(CreateWebSessions(), to: schemaID)
    app.migrations.add(CreateBooks(), to: schemaID)
    app.migrations.add(CreateIdempotencyKeys(), to: schemaID)
    app.migrations.add(AddVoucherFlags(), to: schemaID)
    app.migrations.add(CreateMonthTotals(), to: schemaID)
    app.migrations.add(CreateGST(), to: schemaID)
    app.migrations.add(AddEntryDates(), to: schemaID)
    app.migrations.add(AddRateWiseLedgers(), to: schemaID)
    app.migrations.add(CreateInventory(), to: schemaID)
    app.migrations.add(CreateNotifications(), to: schemaID)
    app.migrations.add(CreateStockGroups(), to: schemaID)
    app.migrations.add(CreateBillsOfMaterials(), to: schemaID)
    app.migrations.add(CreateOrders(), to: schemaID)
    app.migrations.add(AddExpiredBatchPolicy(), to: schemaID)
    app.migrations.add(CreateUnits(), to: schemaID)
    app.migrations.add(AddUnitsToTradeLines(), to: schemaID)
    app.migrations.add(CreateOrderInvoiceLines(), to: schemaID)
    app.migrations.add(AddOpeningBills(), to: schemaID)
    app.migrations.add(CreateTallyLinks(), to: schemaID)
    app.migrations.add(CreateTallySync(), to: schemaID)
    app.migrations.add(CreateStockBalances(), to: schemaID)
    app.migrations.add(AddIdempotencyClaims(), to: schemaID)
    app.migrations.add(CreateErrorEvents(), to: schemaID)
    app.migrations.add(CreateAuditCheckpoints(), to: schemaID)
    app.migrations.add(AddEnteredBy(), to: schemaID)
    app.migrations.add(AddSessionVersion(), to: schemaID)
    app.migrations.add(RefuseAuditTruncate(), to: schemaID)
    app.migrations.add(AddVoucherAuditHash(), to: schemaID)
    app.migrations.add(CreateAccountMail(), to: schemaID)
    app.migrations.add(AddRestrictedLedgers(), to: schemaID)
    app.migrations.add(AddCompactVoucherYear(), to: schemaID)
    app.migrations.add(AddShippingBills(), to: schemaID)
    app.migrations.add(AddShipTo(), to: schemaID)
    app.migrations.add(AddLargeTaxpayerFlag(), to: schemaID)
    app.migrations.add(AddLUT(), to: schemaID)
    app.migrations.add(AddDispatchFrom(), to: schemaID)
    app.migrations.add(AddECommerce(), to: schemaID)
    app.migrations.add(AddSpecificCess(), to: schemaID)
    app.migrations.add(AddQRMP(), to: schemaID)
    app.migrations.add(AddSelfInvoices(), to: schemaID)
    app.migrations.add(CreateJobWorkChallans(), to: schemaID)
    app.migrations.add(KeepBillBalances(), to: schemaID)
    app.migrations.add(KeepSnapshotVersions(), to: schemaID)
    app.migrations.add(KeepGSTDayTotals(), to: schemaID)
    app.migrations.add(IndexBillReferences(), to: schemaID)
    app.migrations.add(IndexReturnsOrder(), to: schemaID)
    app.migrations.add(SnapshotItemsAndRegistrations(), to: schemaID)

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

extension DatabaseID {
    /// SQLite through FinSync360's own connections (`SQLiteReaders`, `SQLiteWriter`).
    static let sqliteEngine = DatabaseID(string: "sqlite-engine")
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
