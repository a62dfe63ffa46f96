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

    @Test func kept_totals_and_invoices_bind_what_their_codable_form_writes() throws {
        let id = UUID(), other = UUID()
        try check(VoucherPosting.DayTotalRow(company_id: id, ledger_id: other, date: "2026-05-01", debit_paise: Int64.max, credit_paise: -1))
        try check(DayTotals.MonthTotalRow(company_id: id, ledger_id: other, month: "2026-05", debit_paise: 0, credit_paise: Int64.min))
        try check(GSTDayTotals.Row(company_id: id, registration_id: other, date: "2026-05-01", direction: "outward", kind: "sales",
                                   party_registration: "regular", supplier_state: "27", place_of_supply: "29", supply_type: "regular",
                                   reverse_charge: true, treatment: "interState", rate_milli: 18_000, taxable_paise: 1, cgst_paise: 2,
                                   sgst_paise: 3, igst_paise: 4, cess_paise: 5))
        try check(Stock.BalanceChange(company_id: id, item_id: other, godown_id: id, batch_key: Stock.noBatch, quantity_milli: -7, last_date: "2026-05-01"))
        for optional: String? in ["x", nil] {
            try check(InvoiceRow(id: id, company_id: other, registration_id: optional.map { _ in other }, kind: "sales", direction: "outward",
                                 number: "INV/1", fy_start: "2026-04-01", date: "2026-05-01", party_ledger_id: id, party_registration: "regular",
                                 party_gstin: optional, supplier_state: "27", place_of_supply: "29", supply_type: "regular", reverse_charge: false,
                                 original_invoice_id: optional.map { _ in id }, voucher_id: other, taxable_paise: 1, tax_paise: 2,
                                 round_off_paise: -3, total_paise: 4, shipping_bill_number: optional, shipping_bill_date: optional,
                                 shipping_port: optional, ship_to: optional, dispatch_from: optional, ecommerce_gstin: optional,
                                 ecommerce_section: optional, self_invoice_number: optional))
        }
    }

    /// The statement text is built once per table and row count.
    @Test func statements_bind_every_value() {
        let text = BoundRows.statement("bills_test", ["a", "b"], rows: 3)
        #expect(text == "INSERT INTO \"bills_test\" (\"a\", \"b\") VALUES (?, ?), (?, ?), (?, ?)")
    }
}
