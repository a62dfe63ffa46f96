import FluentKit
import Foundation
import NIOCore
import SQLiteNIO
import VaporCSQLite

/// One of our SQLite connections (the writer's, or a reader's), driven directly: statements are prepared once and
/// kept, and each runs to completion on the calling thread, with no hop to a thread pool and back for every
/// statement and every row. It is the SQLite `sqlite-nio` embeds (its C module), never a second copy: two copies of
/// SQLite in one process would each keep their own file locks and corrupt the database.
///
/// Not thread-safe by itself: `SQLiteWriter` uses it from one transaction at a time, `SQLiteReaders` lends each
/// handle to one statement at a time.
final class SQLiteHandle: @unchecked Sendable {
    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    /// Statements with `IN (…)` lists vary with the list's length; past this many the cache starts afresh.
    private static let cacheLimit = 512

    /// The writer's record of each audit chain's last entry, so an append need not read it back (`AuditLog`). The
    /// writer puts it back as it was when a savepoint or the transaction rolls back, and forgets it when another
    /// connection has committed to the file (`forgetIfChangedElsewhere`).
    var chainHeads: [String: AuditChainHead] = [:]
    private var dataVersion: Int64?

    /// `PRAGMA data_version` changes exactly when another connection (another process, a restore, a maintenance
    /// statement on a reader) committed since this one last asked: what this handle keeps about the file may then be
    /// stale, so it is dropped and read again from the database.
    func forgetIfChangedElsewhere() throws {
        var now: Int64?
        try run("PRAGMA data_version", []) { row in if case .integer(let v) = row.values.first { now = Int64(v) } }
        if now != dataVersion { chainHeads = [:] }
        dataVersion = now
    }

    private static let initialised: Bool = { sqlite_nio_sqlite3_initialize() == SQLITE_OK }()
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// What every connection sets: foreign keys as SQLiteKit enables them (maintenance statements may write through
    /// a reader), a larger page cache and a memory map to keep a busy item's movements or a month of invoices in reach.
    private static let pragmas = ["PRAGMA foreign_keys = ON", "PRAGMA cache_size = -65536", "PRAGMA mmap_size = 268435456"]

    /// Opens `path` with the settings every connection shares, then `pragmas` of its own.
    init(path: String, pragmas: [String] = []) throws {
        _ = Self.initialised
        var handle: OpaquePointer?
        // No mutex of SQLite's own: a handle is only ever used by one thread at a time (see above), and its mutex was taken
        // and released on every column read.
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
        let rc = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open"
            sqlite_nio_sqlite3_close(handle)
            throw SQLiteEngineError(code: rc, message: "\(message) (\(path))")
        }
        db = handle
        // Another process (a CLI command beside `serve`) may hold the lock for a moment: wait for it, up to 5 s.
        sqlite_nio_sqlite3_busy_timeout(handle, 5_000)
        for pragma in Self.pragmas + pragmas { try run(pragma, []) }
    }

    deinit { close() }

    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements = [:]
        if let db { sqlite_nio_sqlite3_close_v2(db) }
        db = nil
    }

    /// Whether a transaction is open (SQLite leaves autocommit mode at BEGIN and returns to it at COMMIT/ROLLBACK,
    /// or when an error rolled the transaction back by itself).
    var inTransaction: Bool { db.map { sqlite_nio_sqlite3_get_autocommit($0) == 0 } ?? false }

    /// Runs one statement with its bound values, handing each result row to `onRow` as it is stepped.
    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (EngineRow) throws -> Void = { _ in }) throws {
        var columns: EngineRow.Columns?
        try stream(sql, binds) { row in
            let names = columns ?? EngineRow.Columns(names: row.names)
            columns = names
            try onRow(EngineRow(columns: names, values: (0..<row.count).map(row.value(at:))))
        }
    }

    /// Runs one statement and hands each row to `onRow` as a view of the statement itself, read in place: nothing
    /// is copied out but the columns the reader asks for. The view is valid only during the call.
    func stream(_ sql: String, _ binds: [SQLiteData], _ onRow: (LiveRow) throws -> Void) throws {
        let started = SQLProfile.enabled ? DispatchTime.now().uptimeNanoseconds : 0
        let statement = try prepared(sql)
        defer {
            if SQLProfile.enabled {
                SQLProfile.record(sql, since: started, reprepared: Int(sqlite_nio_sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_REPREPARE, 1)))
            }
            // Bindings are left as they are: every run binds every parameter again, and clearing them marks a statement
            // expired whenever SQLite made a parameter's value part of its plan (`active = ?` bound to 0 or 1), so
            // such statements were compiled again on every run.
            sqlite_nio_sqlite3_reset(statement)
        }
        for (i, value) in binds.enumerated() {
            try check(bind(value, at: Int32(i + 1), in: statement))
        }
        var lookup: LiveRow.Lookup?
        while true {
            let rc = sqlite_nio_sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw error(rc) }
            let names = lookup ?? LiveRow.Lookup(statement: statement)
            lookup = names
            try onRow(LiveRow(statement: statement, lookup: names))
        }
    }

    /// The current row of a statement being stepped.
    struct LiveRow {
        let statement: OpaquePointer
        let lookup: Lookup

        /// Column names and where they are. Readers mostly ask for columns in the order the query lists them, so
        /// the column after the last one asked for is tried before the dictionary (no hashing for most reads).
        final class Lookup {
            let names: [String]
            let positions: [String: Int32]
            var next: Int32 = 0

            init(statement: OpaquePointer) {
                names = (0..<sqlite_nio_sqlite3_column_count(statement)).map { i in
                    sqlite_nio_sqlite3_column_name(statement, i).map { String(cString: $0) } ?? ""
                }
                positions = Dictionary(names.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
            }

            func position(of name: String) -> Int32? {
                let guess = Int(next)
                let found: Int32? = guess < names.count && names[guess] == name ? Int32(guess) : positions[name]
                if let found { next = found + 1 }
                return found
            }
        }

        var names: [String] { lookup.names }
        var count: Int32 { Int32(lookup.names.count) }
        func position(of column: String) -> Int32? { lookup.position(of: column) }
        func type(at i: Int32) -> Int32 { sqlite_nio_sqlite3_column_type(statement, i) }
        func integer(at i: Int32) -> Int64 { sqlite_nio_sqlite3_column_int64(statement, i) }

        func text(at i: Int32) -> String {
            guard let text = sqlite_nio_sqlite3_column_text(statement, i) else { return "" }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, i))
            return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
        }

        func value(at i: Int32) -> SQLiteData {
            switch type(at: i) {
            case SQLITE_INTEGER: return .integer(Int(integer(at: i)))
            case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, i))
            case SQLITE_TEXT: return .text(text(at: i))
            case SQLITE_BLOB:
                let count = Int(sqlite_nio_sqlite3_column_bytes(statement, i))
                var buffer = ByteBufferAllocator().buffer(capacity: count)
                if let bytes = sqlite_nio_sqlite3_column_blob(statement, i) {
                    buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
                }
                return .blob(buffer)
            default: return .null
            }
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        guard let db else { throw SQLiteEngineError(code: SQLITE_MISUSE, message: "the writer connection is closed") }
        var statement: OpaquePointer?
        let rc = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc) }
        if statements.count >= Self.cacheLimit {
            for s in statements.values { sqlite_nio_sqlite3_finalize(s) }
            statements = [:]
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteData, at i: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let v): sqlite_nio_sqlite3_bind_int64(statement, i, Int64(v))
        case .float(let v): sqlite_nio_sqlite3_bind_double(statement, i, v)
        case .text(let v): sqlite_nio_sqlite3_bind_text64(statement, i, v, UInt64(v.utf8.count), Self.transient, UInt8(SQLITE_UTF8))
        case .blob(let v): v.withUnsafeReadableBytes {
                sqlite_nio_sqlite3_bind_blob64(statement, i, $0.baseAddress, UInt64($0.count), Self.transient)
            }
        case .null: sqlite_nio_sqlite3_bind_null(statement, i)
        }
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw error(rc) }
    }

    private func error(_ rc: Int32) -> SQLiteEngineError {
        let message = db.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "unknown error"
        return SQLiteEngineError(code: rc, message: message)
    }
}

/// An error SQLite reported to the writer, with its (extended) result code.
struct SQLiteEngineError: Error, CustomStringConvertible, DatabaseError {
    var code: Int32
    var message: String

    private var primary: Int32 { code & 0xFF }
    var isBusy: Bool { primary == SQLITE_BUSY || primary == SQLITE_LOCKED }
    var isConstraintFailure: Bool { primary == SQLITE_CONSTRAINT }
    var isSyntaxError: Bool { primary == SQLITE_ERROR && message.contains("syntax error") }
    var isConnectionClosed: Bool { primary == SQLITE_MISUSE }
    var description: String { "SQLite error \(code): \(message)" }
}
