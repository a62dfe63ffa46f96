import Fluent
import Foundation
import Ledger
import SQLKit

/// GST per company, registration and day, summed by everything GSTR-3B distinguishes (direction, kind, the party's
/// registration, states, supply type, reverse charge, the line's treatment and rate). Kept in the same transaction as
/// the invoice that moves it: added when an active invoice is posted, taken off when it is cancelled (an invoice's
/// lines never change after posting: amending its voucher is refused). `BooksVerifier` recomputes them.
enum GSTDayTotals {
    /// The unique key, in the order GSTR-3B reads (company, registration, then a date range).
    static let key = ["company_id", "registration_id", "date", "direction", "kind", "party_registration", "supplier_state",
                      "place_of_supply", "supply_type", "reverse_charge", "treatment", "rate_milli"]
    static let amounts = ["taxable_paise", "cgst_paise", "sgst_paise", "igst_paise", "cess_paise"]
    static var columns: String { (key + amounts).joined(separator: ", ") }

    /// The invoice columns behind the key, as selected from `invoice_lines l JOIN invoices i JOIN vouchers v`.
    static let grouping = "i.company_id, i.registration_id, i.date, i.direction, i.kind, i.party_registration, i.supplier_state, "
        + "i.place_of_supply, i.supply_type, i.reverse_charge, l.treatment, l.rate_milli"

    /// Invoice lines summed into totals rows, multiplied by `sign` (the verifier; posting sums in Swift what it has
    /// just computed); the caller adds WHERE and GROUP BY.
    static func select(sign: Int) -> String {
        """
        SELECT \(grouping), CAST(\(sign) * SUM(l.taxable_paise) AS BIGINT), CAST(\(sign) * SUM(l.cgst_paise) AS BIGINT),
            CAST(\(sign) * SUM(l.sgst_paise) AS BIGINT), CAST(\(sign) * SUM(l.igst_paise) AS BIGINT),
            CAST(\(sign) * SUM(l.cess_paise + l.cess_non_advol_paise) AS BIGINT)
        FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id JOIN vouchers v ON v.id = i.voucher_id
        """
    }

    struct Row: Encodable, BoundRow {
        var company_id: UUID
        var registration_id: UUID
        var date: String
        var direction: String
        var kind: String
        var party_registration: String
        var supplier_state: String
        var place_of_supply: String
        var supply_type: String
        var reverse_charge: Bool
        var treatment: String
        var rate_milli: Int64
        var taxable_paise: Int64 = 0
        var cgst_paise: Int64 = 0
        var sgst_paise: Int64 = 0
        var igst_paise: Int64 = 0
        var cess_paise: Int64 = 0

        static let columns = key + amounts
        var values: [BoundValue] {
            [.uuid(company_id), .uuid(registration_id), .text(date), .text(direction), .text(kind), .text(party_registration),
             .text(supplier_state), .text(place_of_supply), .text(supply_type), .bool(reverse_charge), .text(treatment), .int(rate_milli),
             .int(taxable_paise), .int(cgst_paise), .int(sgst_paise), .int(igst_paise), .int(cess_paise)]
        }
    }

    /// Adds (`sign` 1) or takes off (`sign` -1) one invoice's lines, summed here by treatment and rate and upserted in
    /// one statement, rows in key order (so concurrent invoices on PostgreSQL lock shared rows in the same order). An
    /// invoice without a registration is in no return.
    static func apply(_ invoice: InvoiceRow, lines: [InvoiceLineRow], sign: Int64, on sql: any SQLDatabase) async throws {
        guard let registration = invoice.registration_id else { return }
        var rows: [String: Row] = [:]
        for line in lines {
            let key = "\(line.treatment)|\(line.rate_milli)"
            var row = rows[key] ?? Row(
                company_id: invoice.company_id, registration_id: registration, date: invoice.date, direction: invoice.direction,
                kind: invoice.kind, party_registration: invoice.party_registration, supplier_state: invoice.supplier_state,
                place_of_supply: invoice.place_of_supply, supply_type: invoice.supply_type, reverse_charge: invoice.reverse_charge,
                treatment: line.treatment, rate_milli: line.rate_milli)
            row.taxable_paise = try Checked.add(row.taxable_paise, Checked.multiply(sign, line.taxable_paise))
            row.cgst_paise = try Checked.add(row.cgst_paise, Checked.multiply(sign, line.cgst_paise))
            row.sgst_paise = try Checked.add(row.sgst_paise, Checked.multiply(sign, line.sgst_paise))
            row.igst_paise = try Checked.add(row.igst_paise, Checked.multiply(sign, line.igst_paise))
            row.cess_paise = try Checked.add(row.cess_paise, Checked.multiply(sign, Checked.add(line.cess_paise, line.cess_non_advol_paise)))
            rows[key] = row
        }
        guard !rows.isEmpty else { return }
        let ordered = rows.values.sorted { ($0.treatment, $0.rate_milli) < ($1.treatment, $1.rate_milli) }
        try await BoundRows.upsert(ordered, into: "gst_day_totals", conflict: key,
                                   update: amounts.map { ($0, "gst_day_totals.\($0) + excluded.\($0)") }, on: sql)
    }

    /// Takes a posted invoice off the totals (its voucher was cancelled).
    static func remove(invoice id: UUID, on sql: any SQLDatabase) async throws {
        guard let invoice = try await sql.raw("SELECT * FROM invoices WHERE id = \(bind: id)").first(decoding: InvoiceRow.self) else { return }
        let lines = try await sql.raw("SELECT * FROM invoice_lines WHERE invoice_id = \(bind: id)").all(decoding: InvoiceLineRow.self)
        try await apply(invoice, lines: lines, sign: -1, on: sql)
    }

    /// Keys whose kept totals differ from the active invoices' lines (none when the books are right), for one
    /// company or all.
    static func differences(company: UUID?, on sql: any SQLDatabase) async throws -> [String] {
        struct Row: Decodable { var company_id: UUID; var date: String; var rate_milli: Int64; var treatment: String }
        let kept: SQLQueryString = company.map { "WHERE company_id = \(bind: $0)" } ?? ""
        let live: SQLQueryString = company.map { "AND i.company_id = \(bind: $0)" } ?? ""
        let keyList = key.joined(separator: ", ")
        return try await sql.raw("""
            SELECT company_id, date, rate_milli, treatment FROM (
                SELECT \(unsafeRaw: columns) FROM gst_day_totals \(kept)
                UNION ALL
                \(unsafeRaw: select(sign: -1))
                WHERE i.registration_id IS NOT NULL AND v.status = 'active' \(live)
                GROUP BY \(unsafeRaw: grouping)
            ) both_sides
            GROUP BY \(unsafeRaw: keyList)
            HAVING SUM(taxable_paise) <> 0 OR SUM(cgst_paise) <> 0 OR SUM(sgst_paise) <> 0 OR SUM(igst_paise) <> 0 OR SUM(cess_paise) <> 0
            """).all(decoding: Row.self).map {
            "GST day totals of company \($0.company_id) on \($0.date) (\($0.treatment), rate \($0.rate_milli)/1000 %) disagree with its invoices"
        }
    }
}
