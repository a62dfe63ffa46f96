import Logging

/// Keeps the database libraries' statement logs out of every log, at every level: their bound values include
/// password hashes, token hashes and emails. Warnings and errors from those libraries (a lost connection, a pool
/// timeout) still pass; they name the failure, not the values.
struct QueryLogFilter: LogHandler {
    static let databaseSources: Set<String> = ["FluentKit", "SQLKit", "SQLiteKit", "SQLiteNIO", "PostgresKit", "PostgresNIO",
                                               "FluentSQLiteDriver", "FluentPostgresDriver"]

    var inner: any LogHandler

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        if level < .warning, Self.databaseSources.contains(source) { return }
        inner.log(level: level, message: message, metadata: metadata, source: source, file: file, function: function, line: line)
    }
}
