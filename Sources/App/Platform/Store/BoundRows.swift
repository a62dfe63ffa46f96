import FluentKit
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SQLiteNIO

/// A value of a row the posting paths write by the thousand, bound to its statement as it is: no `Codable` encoder
/// and no SQLKit serialisation on the way (together they were an eighth of a posting's time in profiles).
enum BoundValue: Sendable {
    case text(String), int(Int64), bool(Bool), uuid(UUID), null

    init(_ value: String?) { self = value.map(BoundValue.text) ?? .null }
    init(_ value: UUID?) { self = value.map(BoundValue.uuid) ?? .null }
    init(_ value: Int64?) { self = value.map(BoundValue.int) ?? .null }
    init(_ value: Int?) { self = value.map { .int(Int64($0)) } ?? .null }

    /// Exactly what `SQLiteDataEncoder` writes for the same Swift value (a UUID as its upper-case text, a Bool as 0
    /// or 1), so rows written either way read back the same.
    var sqlite: SQLiteData {
        switch self {
        case .text(let s): .text(s)
        case .int(let i): .integer(Int(i))
        case .bool(let b): .integer(b ? 1 : 0)
        case .uuid(let u): .text(u.uuidString)
        case .null: .null
        }
    }

    /// The same value as SQLKit binds it for any other database.
    var expression: any SQLExpression {
        switch self {
        case .text(let s): SQLBind(s)
        case .int(let i): SQLBind(i)
        case .bool(let b): SQLBind(b)
        case .uuid(let u): SQLBind(u)
        case .null: SQLLiteral.null
        }
    }
}

/// A row type written in bulk: its columns, and its values in the same order. It stays `Encodable` (the other
/// writers and the tests use that); `BoundRowsTests` holds `columns` to the encoded keys, so the two cannot drift.
protocol BoundRow: Encodable, Sendable {
    static var columns: [String] { get }
    var values: [BoundValue] { get }
}

enum BoundRows {
    /// One statement per 500 rows keeps well under every bind-parameter limit.
    static let rowsPerStatement = 500

    static func insert<Row: BoundRow>(_ rows: [Row], into table: String, on sql: any SQLDatabase) async throws {
        try await write(rows, into: table, onConflict: nil, on: sql)
    }

    /// Inserts rows or, where a row with the same `conflict` columns exists, applies `update` to it (column and SQL
    /// value, such as `t.n + excluded.n`): the kept totals' upserts, bound like the inserts.
    static func upsert<Row: BoundRow>(_ rows: [Row], into table: String, conflict: [String], update: [(column: String, value: String)],
                                      on sql: any SQLDatabase) async throws {
        try await write(rows, into: table, onConflict: (conflict, update), on: sql)
    }

    private static func write<Row: BoundRow>(_ rows: [Row], into table: String,
                                             onConflict: (columns: [String], update: [(column: String, value: String)])?,
                                             on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: rows.count, by: rowsPerStatement) {
            let slice = rows[start..<min(start + rowsPerStatement, rows.count)]
            if let engine = sql as? EngineDatabase {
                var binds: [SQLiteData] = []
                binds.reserveCapacity(slice.count * Row.columns.count)
                for row in slice { for value in row.values { binds.append(value.sqlite) } }
                var text = statement(table, Row.columns, rows: slice.count)
                if let onConflict {
                    text += " ON CONFLICT (" + onConflict.columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") DO UPDATE SET "
                        + onConflict.update.map { "\"\($0.column)\" = \($0.value)" }.joined(separator: ", ")
                }
                try await engine.run(sql: text, binds: binds)
            } else {
                var insert = SQLInsert(table: SQLIdentifier(table))
                insert.columns = Row.columns.map { SQLIdentifier($0) }
                insert.values = slice.map { $0.values.map(\.expression) }
                if let onConflict {
                    insert.conflictStrategy = .init(targets: onConflict.columns, action: .update(assignments: onConflict.update.map {
                        SQLBinaryExpression(SQLColumn($0.column), .equal, SQLRaw($0.value))
                    }, predicate: nil))
                }
                try await sql.execute(sql: insert) { _ in }
            }
        }
    }

    /// `INSERT INTO table (columns) VALUES (?, …), …`, built once per table and row count.
    private static let statements = NIOLockedValueBox<[String: String]>([:])

    static func statement(_ table: String, _ columns: [String], rows: Int) -> String {
        let key = "\(table)|\(rows)"
        if let known = statements.withLockedValue({ $0[key] }) { return known }
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let text = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
            + Array(repeating: tuple, count: rows).joined(separator: ", ")
        statements.withLockedValue { $0[key] = text }
        return text
    }
}
