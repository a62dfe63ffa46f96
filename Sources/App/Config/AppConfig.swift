import Foundation
import Vapor

/// Every setting FinSync360 reads from the environment, read here and nowhere else.
public struct AppConfig: Sendable {
    enum DatabaseKind: Sendable, Equatable {
        case sqlite(path: String)
        case sqliteMemory
        case postgres(url: URL)
    }

    var database: DatabaseKind
    var dataDirectory: String
    var jwtSecret: String?
    var corsOrigins: [String]
    var maxBodySize: Int
    /// Tally uploads stream to disk; past this many bytes they are refused (413).
    var tallyMaxUploadBytes = defaultTallyMaxUpload
    /// Talking to Tally's server: how long one request may take, how often it is tried, the first pause between tries.
    var tallyTimeoutSeconds: Int64 = 300
    var tallyAttempts = 4
    var tallyRetryPauseMilliseconds: Int64 = 500
    /// FINSYNC_TALLY_SYNC_TIMEOUT: how long one company's whole sync may run before it is stopped and marked failed.
    var tallySyncTimeoutSeconds: Int64 = 120
    /// FINSYNC_OUTBOUND_ALLOW_PRIVATE, FINSYNC_OUTBOUND_ALLOW: what requests leaving the server may reach.
    var outbound = OutboundPolicy()
    var trustProxy: Bool
    /// FINSYNC_TRUSTED_PROXIES: the proxies in front of the server (default loopback), skipped when finding the client.
    var trustedProxies = AddressBlock.loopback
    var tls: Bool
    var logLevel: Logger.Level
    var jsonLogs: Bool
    /// bcrypt cost. Never below 12 in a running server; tests lower it only to keep the suite fast.
    var passwordCost = 12
    /// FINSYNC_BACKUP_DIR: where `finsync backup` writes by default, and what turns on daily backups in `serve`.
    var backupDirectory: String?
    /// FINSYNC_AUDIT_KEY: the Ed25519 key that signs audit anchors (else one generated into the data directory).
    var auditKey: String?
    /// FINSYNC_SENTRY_DSN: server errors are also sent to this Sentry-compatible endpoint.
    var sentryDSN: SentryDSN?
    /// Where email leaves (`FINSYNC_SMTP_URL`); without it, mail waits in the outbox.
    var smtp: SMTPSettings?
    /// The address links in emails point at (`FINSYNC_PUBLIC_URL`); never taken from a request's Host header, so a
    /// forged Host cannot redirect someone's reset link.
    var publicURL = "http://localhost:8080"
    var production = false
    /// When set, `/metrics` answers only `Authorization: Bearer <token>` (`FINSYNC_METRICS_TOKEN`).
    var metricsToken: String?
    /// Accounts one client address may create per hour (`FINSYNC_REGISTRATIONS_PER_HOUR`): each costs a bcrypt.
    var registrationsPerHour = 20
    /// Email verification applies whenever mail can be sent, and always in production.
    var requiresEmailVerification: Bool { smtp != nil || production }

    static let defaultMaxBodySize = 1_048_576
    static let defaultTallyMaxUpload = 1 << 30

    /// Reads the process environment. Each invalid value is reported with the variable's name.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment, production: Bool)
        throws(StartupError) -> AppConfig
    {
        let dataDirectory = env["FINSYNC_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        let database: DatabaseKind
        if let raw = env["DATABASE_URL"], !raw.isEmpty {
            database = .postgres(url: try parseDatabaseURL(raw))
        } else {
            database = .sqlite(path: (dataDirectory as NSString).appendingPathComponent("finsync.sqlite"))
        }
        var maxBody = defaultMaxBodySize
        if let raw = env["FINSYNC_MAX_BODY_BYTES"] {
            guard let n = Int(raw), n >= 1024 else {
                throw StartupError(setting: "FINSYNC_MAX_BODY_BYTES", problem: "must be a whole number of bytes, at least 1024; got '\(raw)'")
            }
            maxBody = n
        }
        var tallyMax = defaultTallyMaxUpload
        if let raw = env["FINSYNC_TALLY_MAX_UPLOAD_BYTES"] {
            guard let n = Int(raw), n >= 1024 else {
                throw StartupError(setting: "FINSYNC_TALLY_MAX_UPLOAD_BYTES", problem: "must be a whole number of bytes, at least 1024; got '\(raw)'")
            }
            tallyMax = n
        }
        var level: Logger.Level = production ? .notice : .info
        if let raw = env["LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: raw.lowercased()) else {
                throw StartupError(setting: "LOG_LEVEL", problem: "must be one of trace, debug, info, notice, warning, error, critical; got '\(raw)'")
            }
            level = parsed
        }
        var jsonLogs = production
        if let raw = env["FINSYNC_LOG_FORMAT"] {
            switch raw {
            case "json": jsonLogs = true
            case "text": jsonLogs = false
            default: throw StartupError(setting: "FINSYNC_LOG_FORMAT", problem: "must be json or text; got '\(raw)'")
            }
        }
        let secret = env["FINSYNC_JWT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        if let secret, secret.utf8.count < 32 {
            throw StartupError(setting: "FINSYNC_JWT_SECRET", problem: "must be at least 32 bytes long")
        }
        var config = AppConfig(
            database: database,
            dataDirectory: dataDirectory,
            jwtSecret: secret,
            corsOrigins: (env["FINSYNC_CORS_ORIGINS"] ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            maxBodySize: maxBody,
            tallyMaxUploadBytes: tallyMax,
            trustProxy: env["FINSYNC_TRUST_PROXY"] == "1",
            tls: env["FINSYNC_TLS"] == "1",
            logLevel: level,
            jsonLogs: jsonLogs
        )
        if let raw = env["FINSYNC_TRUSTED_PROXIES"], !raw.isEmpty {
            var blocks: [AddressBlock] = []
            for item in raw.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                guard let block = AddressBlock(item) else {
                    throw StartupError(setting: "FINSYNC_TRUSTED_PROXIES", problem: "must be comma-separated addresses or CIDR blocks; '\(item)' is not one")
                }
                blocks.append(block)
            }
            config.trustedProxies = blocks
        }
        config.outbound.allowPrivate = env["FINSYNC_OUTBOUND_ALLOW_PRIVATE"] == "1"
        switch OutboundPolicy.parseAllowList(env["FINSYNC_OUTBOUND_ALLOW"] ?? "") {
        case let .success(pairs): config.outbound.allowed = pairs
        case let .failure(bad):
            throw StartupError(setting: "FINSYNC_OUTBOUND_ALLOW", problem: "must be comma-separated host:port pairs; '\(bad.item)' is not one")
        }
        if let raw = env["FINSYNC_TALLY_SYNC_TIMEOUT"] {
            guard let n = Int64(raw), (5...86_400).contains(n) else {
                throw StartupError(setting: "FINSYNC_TALLY_SYNC_TIMEOUT", problem: "must be a whole number of seconds from 5 to 86400; got '\(raw)'")
            }
            config.tallySyncTimeoutSeconds = n
        }
        config.production = production
        config.metricsToken = env["FINSYNC_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let raw = env["FINSYNC_REGISTRATIONS_PER_HOUR"] {
            guard let n = Int(raw), (1...100_000).contains(n) else {
                throw StartupError(setting: "FINSYNC_REGISTRATIONS_PER_HOUR", problem: "must be a whole number from 1 to 100000; got '\(raw)'")
            }
            config.registrationsPerHour = n
        }
        if let raw = env["FINSYNC_SMTP_URL"], !raw.isEmpty {
            do { config.smtp = try SMTPSettings(url: raw, from: env["FINSYNC_MAIL_FROM"]) } catch {
                throw StartupError(setting: "FINSYNC_SMTP_URL", problem: error.problem)
            }
        }
        if let raw = env["FINSYNC_PUBLIC_URL"], !raw.isEmpty {
            guard let url = URL(string: raw), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw StartupError(setting: "FINSYNC_PUBLIC_URL", problem: "is not an http(s) URL like https://books.example.com; got '\(raw)'")
            }
            config.publicURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        }
        config.auditKey = env["FINSYNC_AUDIT_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        config.backupDirectory = env["FINSYNC_BACKUP_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        if let raw = env["FINSYNC_SENTRY_DSN"], !raw.isEmpty {
            guard let dsn = SentryDSN(raw) else {
                throw StartupError(setting: "FINSYNC_SENTRY_DSN", problem: "is not a DSN like https://KEY@HOST/PROJECT")
            }
            config.sentryDSN = dsn
        }
        return config
    }

    static func parseDatabaseURL(_ raw: String) throws(StartupError) -> URL {
        func fail(_ why: String) -> StartupError {
            StartupError(setting: "DATABASE_URL", problem: "\(why); expected postgres://user:password@host:port/database")
        }
        guard let url = URL(string: raw), let scheme = url.scheme else { throw fail("is not a URL") }
        guard scheme == "postgres" || scheme == "postgresql" else { throw fail("has scheme '\(scheme)'") }
        guard let host = url.host, !host.isEmpty else { throw fail("names no host") }
        guard url.path.count > 1 else { throw fail("names no database") }
        if let port = url.port, !(1...65535).contains(port) { throw fail("has port \(port)") }
        return url
    }
}

/// A start-up problem a person must fix: printed as one line naming the setting, never as a stack trace.
public struct StartupError: Error, CustomStringConvertible {
    var setting: String
    var problem: String
    public var description: String { "\(setting) \(problem)" }
}

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = AppConfig }

    var config: AppConfig {
        get { required(ConfigKey.self) }
        set { storage[ConfigKey.self] = newValue }
    }
}
