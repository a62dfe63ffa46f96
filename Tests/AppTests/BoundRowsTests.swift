@testable import App
import Foundation
import SQLKit
import SQLiteKit
import Testing

/// The hot tables' rows are bound to their statements by hand (`BoundRow`); these tests hold each type's columns and
/// values to what its `Codable` conformance writes through SQLKit, so rows written either way are the same rows.
@Suite struct BoundRowsTests {
    func check<Row: BoundRow>(_ row: Row) throws {
        let pairs = try SQLQueryEncoder(nilEncodingStrategy: .asNil).encode(row)
        #expect(pairs.map(\.0) == Row.columns, "\(Row.self): columns differ from the encoded keys")
        #expect(row.values.count == Row.columns.count)
        for ((column, expression), value) in zip(pairs, row.values) {
            let expected: SQLiteData = if let bind = expression as? SQLBind { try SQLiteDataEncoder().encode(bind.encodable) } else { .null }
            #expect(expected == value.sqlite, "\(Row.self).\(column): \(expected) written by Codable, \(value.sqlite) bound")
        }
    }

    @Test func every_bound_row_writes_what_its_codable_form_writes() throws {
        let id = UUID(), other = UUID()
        for hash: String? in ["abc", nil] {
            try check(VoucherRow(id: id, company_id: other, voucher_type_id: id, kind: .sales, number: "S/1", date: "2026-05-01",
                                 fy_start: "2026-04-01", narration: hash, reference: hash, status: "active", total_paise: -5,
                                 created_by: hash.map { _ in other }, post_dated: hash == nil, audit_hash: hash))
        }
        try check(VoucherPosting.EntryRow(id: id, company_id: other, voucher_id: id, line_no: 3, ledger_id: other, amount_paise: Int64.max,
                                          superseded: true, date: "2026-05-01", number: "J/9"))
        for bill: UUID? in [other, nil] {
            try check(VoucherPosting.AllocationRow(id: id, company_id: other, voucher_id: id, ledger_id: other, bill_id: bill, type: "agst",
                                                   amount_paise: Int64.min, superseded: false, line_no: bill == nil ? nil : 2))
        }
        for optional: UUID? in [other, nil] {
            try check(InvoiceLineRow(id: id, invoice_id: other, company_id: id, line_no: 1, item_id: other, description: "Keyboard ₹",
                                     hsn: "8471", uqc: "NOS", quantity_milli: 1_500, price_paise: 100, discount_paise: 0, taxable_paise: 150,
                                     treatment: "intraState", rate_milli: 18_000, cess_milli: 0, cgst_paise: 14, sgst_paise: 13, igst_paise: 0,
                                     cess_paise: 0, utgst: optional == nil, cess_non_advol_paise: 7, cess_per_unit_paise: 1,
                                     godown_id: optional, batch_id: optional))
            try check(StockMovementRow(id: id, company_id: other, item_id: id, godown_id: other, batch_id: optional, date: "2026-05-01", seq: 4,
                                       quantity_milli: -2_000, value_paise: -300, valued: true, source_kind: "invoice", source_id: other,
                                       line_no: 0, active: optional != nil))
            try check(AuditRow(id: id, chainKey: "k", seq: 9, companyID: optional, actorID: optional, at: "2026-05-01T00:00:00.000Z",
                               action: "voucher.create", entityType: "voucher", entityID: "x", beforeJSON: optional.map { _ in "{}" },
                               afterJSON: "{\"a\":1}", requestID: "r", clientAddress: "127.0.0.1", prevHash: "0", hash: "1"))
        }
    }

    /// The statement text is built once per table and row count.
    @Test func statements_bind_every_value() {
        let text = BoundRows.statement("bills_test", ["a", "b"], rows: 3)
        #expect(text == "INSERT INTO \"bills_test\" (\"a\", \"b\") VALUES (?, ?), (?, ?), (?, ?)")
    }
}
