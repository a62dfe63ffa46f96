import Fluent
import Foundation
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

    /// Invoice lines summed into totals rows, multiplied by `sign`; the caller adds WHERE and GROUP BY.
    static func select(sign: Int) -> String {
        """
        SELECT \(grouping), CAST(\(sign) * SUM(l.taxable_paise) AS BIGINT), CAST(\(sign) * SUM(l.cgst_paise) AS BIGINT),
            CAST(\(sign) * SUM(l.sgst_paise) AS BIGINT), CAST(\(sign) * SUM(l.igst_paise) AS BIGINT),
            CAST(\(sign) * SUM(l.cess_paise + l.cess_non_advol_paise) AS BIGINT)
        FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id JOIN vouchers v ON v.id = i.voucher_id
        """
    }

    /// Adds (`sign` 1) or takes off (`sign` -1) one invoice's lines. One statement; an invoice without a registration
    /// is in no return. Rows go in key order, so concurrent invoices on PostgreSQL lock shared rows in the same order.
    static func apply(invoice: UUID, sign: Int, on sql: any SQLDatabase) async throws {
        let sets = amounts.map { "\($0) = gst_day_totals.\($0) + excluded.\($0)" }.joined(separator: ", ")
        try await sql.raw("""
            INSERT INTO gst_day_totals (\(unsafeRaw: columns))
            \(unsafeRaw: select(sign: sign))
            WHERE i.id = \(bind: invoice) AND i.registration_id IS NOT NULL
            GROUP BY \(unsafeRaw: grouping) ORDER BY \(unsafeRaw: grouping)
            ON CONFLICT (\(unsafeRaw: key.joined(separator: ", "))) DO UPDATE SET \(unsafeRaw: sets)
            """).run()
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
                SELECT \(unsafeRaw: grouping), -SUM(l.taxable_paise), -SUM(l.cgst_paise), -SUM(l.sgst_paise), -SUM(l.igst_paise),
                    -SUM(l.cess_paise + l.cess_non_advol_paise)
                FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id JOIN vouchers v ON v.id = i.voucher_id
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
