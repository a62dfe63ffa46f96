import FluentKit
import FluentSQL
import NIOCore
import SQLKit
import SQLiteKit

/// The writer's connection as Fluent and SQLKit see it inside a write transaction, so every existing query (raw
/// SQL, the query builders, Fluent models) runs on it unchanged. Each statement runs at once on the calling thread;
/// the futures it returns are already complete.
struct EngineDatabase: Database, SQLDatabase {
    let handle: SQLiteHandle
    let context: DatabaseContext

    /// Always inside `SQLiteWriter.write`'s transaction: nested `transaction` calls join it.
    var inTransaction: Bool { true }

    private static let encoder = SQLiteDataEncoder()

    /// Serialises `query` in SQLite's dialect and runs it.
    func run(_ query: any SQLExpression, _ onRow: (EngineRow) throws -> Void) throws {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        let binds = try serializer.binds.map { try Self.encoder.encode($0) }
        try handle.run(serializer.sql, binds, onRow)
    }

    // SQLDatabase

    var dialect: any SQLDialect { SQLiteDialect() }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        do {
            try run(query) { onRow($0) }
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query) { onRow($0) }
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
        do {
            try run(sql) { onOutput($0) }
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        eventLoop.makeFailedFuture(SQLiteEngineError(code: 1, message: "schema changes run as migrations at start-up, not inside a write"))
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { eventLoop.makeSucceededVoidFuture() }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> { closure(self) }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> { closure(self) }

    /// Queries only; schema changes never reach the writer.
    private struct ConverterDelegate: SQLConverterDelegate {
        func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
    }
}
