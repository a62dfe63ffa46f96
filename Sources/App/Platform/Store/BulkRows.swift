import FluentKit
import Foundation
import FluentSQLiteDriver
import NIOConcurrencyHelpers
import SQLKit
import VaporCSQLite

/// Reading result sets too large for `Codable`: a month's GST returns read over half a million invoice lines, and
/// decoding each through `Decodable` cost more than everything else put together. Rows are streamed to the
/// caller one at a time (never collected), and on SQLite each value is read straight from the driver's row.
enum BulkRows {
    /// One row's columns by name, with the few types bulk readers need.
    protocol Row {
        func int(_ column: String) throws -> Int64
        func optionalInt(_ column: String) throws -> Int64?
        func string(_ column: String) throws -> String
        func optionalString(_ column: String) throws -> String?
        func uuid(_ column: String) throws -> UUID
        func optionalUUID(_ column: String) throws -> UUID?
        /// A UUID column as text (upper case), for keys: parsing half a million UUIDs is measurable.
        func uuidText(_ column: String) throws -> String
        /// Integers on SQLite, booleans on PostgreSQL.
        func bool(_ column: String) throws -> Bool
    }

    /// Runs `query` and hands each row to `onRow` in order, on the database's own thread; `onRow` must not block.
    static func stream(_ query: SQLQueryString, on db: any Database, _ onRow: @escaping @Sendable (any Row) throws -> Void) async throws {
        let sql = db.sql()
        // A failure inside the row callback is remembered and rethrown once the statement has finished.
        let failure = NIOLockedValueBox<(any Error)?>(nil as (any Error)?)
        if let engine = db as? EngineDatabase {
            // Our own SQLite connections: each value read in place from the stepped statement, only when asked for.
            try await engine.stream(query) { row in try onRow(LiveValues(row: row)) }
        } else if let sqlite = db as? any SQLiteDatabase {
            var serializer = SQLSerializer(database: sql)
            query.serialize(to: &serializer)
            let binds = try serializer.binds.map { try SQLiteDataEncoder().encode($0) }
            try await sqlite.query(serializer.sql, binds) { row in
                guard failure.withLockedValue({ $0 == nil }) else { return }
                do { try onRow(SQLiteValues(row: row)) } catch { failure.withLockedValue { $0 = error } }
            }
        } else {
            try await sql.execute(sql: query) { row in
                guard failure.withLockedValue({ $0 == nil }) else { return }
                do { try onRow(DecodedValues(row: row)) } catch { failure.withLockedValue { $0 = error } }
            }
        }
        if let error = failure.withLockedValue({ $0 }) { throw error }
    }

    /// Every row, made into a `T` by `make` as it streams past (for pages of a few thousand rows read often).
    static func all<T: Sendable>(_ query: SQLQueryString, on db: any Database, _ make: @escaping @Sendable (any Row) throws -> T) async throws -> [T] {
        let rows = NIOLockedValueBox<[T]>([])
        try await stream(query, on: db) { row in
            let value = try make(row)
            rows.withLockedValue { $0.append(value) }
        }
        return rows.withLockedValue { $0 }
    }

    struct Missing: Error, CustomStringConvertible {
        var column: String
        var description: String { "column '\(column)' is missing or of another type" }
    }

    /// SQLite's own rows (SQLiteNIO's, or our engine's statement in place): UUIDs are text (as Fluent keeps them)
    /// and booleans integers.
    fileprivate protocol SQLiteStored: Row {}

    private struct SQLiteValues: SQLiteStored {
        let row: SQLiteRow
        func int(_ column: String) throws -> Int64 {
            guard case .integer(let v)? = row.column(column) else { throw Missing(column: column) }
            return Int64(v)
        }
        func optionalInt(_ column: String) throws -> Int64? {
            if case .null? = row.column(column) { return nil }
            return try int(column)
        }
        func string(_ column: String) throws -> String {
            guard case .text(let v)? = row.column(column) else { throw Missing(column: column) }
            return v
        }
        func optionalString(_ column: String) throws -> String? {
            if case .null? = row.column(column) { return nil }
            return try string(column)
        }
    }

    private struct LiveValues: SQLiteStored {
        let row: SQLiteHandle.LiveRow

        /// The column's position when it holds a value of SQLite type `type`; nil when it is NULL.
        private func position(_ column: String, _ type: Int32) throws -> Int32? {
            guard let i = row.position(of: column) else { throw Missing(column: column) }
            let actual = row.type(at: i)
            if actual == SQLITE_NULL { return nil }
            guard actual == type else { throw Missing(column: column) }
            return i
        }

        func int(_ column: String) throws -> Int64 {
            guard let i = try position(column, SQLITE_INTEGER) else { throw Missing(column: column) }
            return row.integer(at: i)
        }
        func optionalInt(_ column: String) throws -> Int64? { try position(column, SQLITE_INTEGER).map(row.integer(at:)) }
        func string(_ column: String) throws -> String {
            guard let i = try position(column, SQLITE_TEXT) else { throw Missing(column: column) }
            return row.text(at: i)
        }
        func optionalString(_ column: String) throws -> String? { try position(column, SQLITE_TEXT).map(row.text(at:)) }
    }

    private struct DecodedValues: Row {
        let row: any SQLRow
        func int(_ column: String) throws -> Int64 { try row.decode(column: column, as: Int64.self) }
        func optionalInt(_ column: String) throws -> Int64? { try row.decode(column: column, as: Int64?.self) }
        func string(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
        func optionalString(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
        func uuid(_ column: String) throws -> UUID { try row.decode(column: column, as: UUID.self) }
        func optionalUUID(_ column: String) throws -> UUID? { try row.decode(column: column, as: UUID?.self) }
        func uuidText(_ column: String) throws -> String { try uuid(column).uuidString }
        func bool(_ column: String) throws -> Bool { try row.decode(column: column, as: Bool.self) }
    }
}

extension BulkRows.SQLiteStored {
    func uuid(_ column: String) throws -> UUID {
        guard let v = UUID(uuidString: try string(column)) else { throw BulkRows.Missing(column: column) }
        return v
    }
    func optionalUUID(_ column: String) throws -> UUID? {
        guard let text = try optionalString(column) else { return nil }
        guard let v = UUID(uuidString: text) else { throw BulkRows.Missing(column: column) }
        return v
    }
    func uuidText(_ column: String) throws -> String { try string(column) }
    func bool(_ column: String) throws -> Bool { try int(column) != 0 }
}
