import FluentKit
import FluentSQL
import NIOCore
import SQLKit
import SQLiteKit

/// Our SQLite connections as Fluent and SQLKit see them, so every existing query (raw SQL, the query builders,
/// Fluent models) runs on them unchanged.
struct EngineDatabase: Database, SQLDatabase {
    enum Connection: Sendable {
        /// The writer's handle inside its transaction, on the writer's thread: statements run where they are called.
        case writer(SQLiteHandle)
        /// The readers: each statement runs whole on a reader thread, on whichever handle is free.
        case readers(SQLiteReaders)
        /// Point reads on hot paths (who is calling, their role): run on the caller's thread, no hop at all.
        case inline(SQLiteReaders)
    }

    let connection: Connection
    let context: DatabaseContext

    /// The writer's handle, when this is the writer (inside its transaction, on its thread).
    var writerHandle: SQLiteHandle? { if case .writer(let handle) = connection { handle } else { nil } }

    /// The writer is always inside `SQLiteWriter.write`'s transaction: nested `transaction` calls join it.
    var inTransaction: Bool { if case .writer = connection { true } else { false } }

    private static let encoder = SQLiteDataEncoder()

    /// Serialises `query` in SQLite's dialect and runs it where this connection runs statements.
    func run(_ query: any SQLExpression, _ onRow: @escaping @Sendable (EngineRow) -> Void) async throws {
        let (sql, binds) = try serialize(query)
        try await run(sql: sql, binds: binds, onRow)
    }

    /// Runs a statement already in SQLite's text with its values (`BoundRows` builds them without SQLKit).
    func run(sql: String, binds: [SQLiteData], _ onRow: @escaping @Sendable (EngineRow) -> Void = { _ in }) async throws {
        try await onHandle { try $0.run(sql, binds, onRow) }
    }

    /// Runs `query` handing each row as a view of the statement, read in place during the call (bulk readers).
    func stream(_ query: any SQLExpression, _ onRow: @escaping @Sendable (SQLiteHandle.LiveRow) throws -> Void) async throws {
        let (sql, binds) = try serialize(query)
        try await onHandle { try $0.stream(sql, binds, onRow) }
    }

    /// Runs `body` where this connection runs statements: on the writer's handle, or on a free reader's (on a reader
    /// thread, or on the caller's for point reads).
    private func onHandle(_ body: @escaping @Sendable (SQLiteHandle) throws -> Void) async throws {
        switch connection {
        case .writer(let handle): try body(handle)
        case .inline(let readers): try readers.withHandle(body)
        case .readers(let readers): try await readers.threads.runIfActive { try readers.withHandle(body) }
        }
    }

    /// The same, for Fluent's and SQLKit's future-based entry points.
    func runFuture(_ query: any SQLExpression, _ onRow: @escaping @Sendable (EngineRow) -> Void) -> EventLoopFuture<Void> {
        do {
            let (sql, binds) = try serialize(query)
            switch connection {
            case .writer(let handle): try handle.run(sql, binds, onRow)
            case .inline(let readers): try readers.withHandle { try $0.run(sql, binds, onRow) }
            case .readers(let readers):
                return readers.threads.runIfActive(eventLoop: eventLoop) { try readers.withHandle { try $0.run(sql, binds, onRow) } }
            }
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    private func serialize(_ query: any SQLExpression) throws -> (String, [SQLiteData]) {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        return (serializer.sql, try serializer.binds.map { try Self.encoder.encode($0) })
    }

    /// This database for point reads: on the readers, the same handles without the hop to a reader thread.
    var pointReads: EngineDatabase {
        guard case .readers(let readers) = connection else { return self }
        return EngineDatabase(connection: .inline(readers), context: context)
    }

    // SQLDatabase

    var dialect: any SQLDialect { SQLiteDialect() }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        runFuture(query) { onRow($0) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try await run(query) { onRow($0) }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    // Database

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> ()) -> EventLoopFuture<Void> {
        var sql = SQLQueryConverter(delegate: ConverterDelegate()).convert(query)
        // A created row answers with its id, as Fluent expects of SQLite (an empty custom id key means "none").
        if case .create = query.action, query.customIDKey != .some(.string("")) {
            sql = SQLList([sql, SQLReturning(SQLColumn((query.customIDKey ?? .id).description))], separator: SQLRaw(" "))
        }
        return runFuture(sql) { onOutput($0) }
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        eventLoop.makeFailedFuture(SQLiteEngineError(code: 1, message: "schema changes run as migrations, on Fluent's SQLite connection"))
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { eventLoop.makeSucceededVoidFuture() }

    /// The writer joins its own transaction; the readers have none to offer (writes go through `Store.write`).
    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        guard inTransaction else {
            return eventLoop.makeFailedFuture(SQLiteEngineError(code: 21, message: "transactions on SQLite run through Store.write"))
        }
        return closure(self)
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> { closure(self) }

    /// Queries only; schema changes never reach the writer.
    private struct ConverterDelegate: SQLConverterDelegate {
        func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
    }
}

extension Database {
    /// For a read of a row or two by key on a hot path (who is calling, their role, `/me`): on SQLite it runs on the
    /// caller's thread with no hop to a reader thread and back; elsewhere it is the database itself.
    var pointReads: any Database { (self as? EngineDatabase)?.pointReads ?? self }
}
