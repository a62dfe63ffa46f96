import FluentKit
import SQLKit
import SQLiteKit

/// One result row from our SQLite connections, readable by SQLKit (`decode(column:)`, `decode(model:)`) and by
/// Fluent models (`DatabaseOutput`), decoded the way SQLiteKit decodes its own rows.
struct EngineRow: SQLRow, DatabaseOutput {
    /// Column names and their positions, shared by every row of one statement.
    final class Columns: Sendable {
        let names: [String]
        let positions: [String: Int]

        init(names: [String]) {
            self.names = names
            positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    let columns: Columns
    let values: [SQLiteData]
    /// Fluent reads eager-loaded and joined models' fields as `schema_field`.
    var schema: String? = nil

    private static let decoder = SQLiteDataDecoder()

    private func value(_ column: String) -> SQLiteData? {
        columns.positions[column].map { values[$0] }
    }

    // SQLRow

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.positions[column] != nil }

    func decodeNil(column: String) throws -> Bool { (value(column) ?? .null) == .null }

    func decode<D: Decodable>(column: String, as: D.Type) throws -> D {
        guard let data = value(column) else {
            throw DecodingError.keyNotFound(SQLCodingKey(stringValue: column), .init(codingPath: [], debugDescription: "No column named '\(column)'"))
        }
        return try Self.decoder.decode(D.self, from: data)
    }

    // DatabaseOutput

    private func column(_ key: FieldKey) -> String { schema.map { "\($0)_\(key.description)" } ?? key.description }

    func schema(_ schema: String) -> any DatabaseOutput {
        var row = self
        row.schema = schema
        return row
    }

    func contains(_ key: FieldKey) -> Bool { contains(column: column(key)) }
    func decodeNil(_ key: FieldKey) throws -> Bool { try decodeNil(column: column(key)) }
    func decode<T: Decodable>(_ key: FieldKey, as: T.Type) throws -> T { try decode(column: column(key), as: T.self) }

    var description: String { zip(columns.names, values).map { "\($0)=\($1)" }.joined(separator: ", ") }
}

private struct SQLCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
