import Fluent
import SQLKit

/// Migration 046: GSTR-1 reads a registration's month of invoices with their lines in the return's order
/// (`GSTReturns.documents`). With these two indexes the read walks invoices by (registration, date, number) and each
/// invoice's lines by line number, so neither the invoices nor half a million lines are sorted; the lines' index
/// replaces the one on `invoice_id` alone, which it covers.
struct IndexReturnsOrder: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql()
        try await sql.raw("CREATE INDEX invoices_registration_date ON invoices (company_id, registration_id, date, number, id)").run()
        try await sql.raw("CREATE INDEX invoice_lines_invoice_line ON invoice_lines (invoice_id, line_no)").run()
        try await sql.raw("DROP INDEX invoice_lines_invoice").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql()
        try await sql.raw("CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id)").run()
        try await sql.raw("DROP INDEX invoice_lines_invoice_line").run()
        try await sql.raw("DROP INDEX invoices_registration_date").run()
    }
}
