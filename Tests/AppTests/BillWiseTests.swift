@testable import App
import Fluent
import Foundation
import Ledger
import SQLKit
import Testing
import Vapor

@Suite struct AmendAndBatchTests {
    @Test func amend_replaces_lines_keeps_the_number_and_is_audited() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            let sale = try await f.voucher("sales", "2026-05-10", [e("Sharma Traders", "100.00", nil), e("Sales", nil, "100.00")])
            let id = try #require(sale.json["id"]?.stringValue)
            let amended = try await f.client.send(.PUT, "\(f.base)/vouchers/\(id)", token: f.owner.accessToken, json: [
                "type": "sales", "date": "2026-05-11", "narration": "corrected rate",
                "entries": [e("Sharma Traders", "120.00", nil), e("Sales", nil, "120.00")],
            ])
            #expect(amended.status == .ok, "\(amended.text)")
            #expect(amended.json["number"] == sale.json["number"])
            #expect(amended.json["total"]?.stringValue == "120.00")
            let tb = try await f.get("reports/trial-balance?asOf=2027-03-31").json
            #expect(tb["totals"]?["debit"]?.stringValue == "120.00")
            let audit = try await f.get("audit-log?action=voucher.amend").json["items"]?[0]
            #expect(audit?["before"]?["total"]?.stringValue == "100.00")
            #expect(audit?["after"]?["total"]?.stringValue == "120.00")
            struct Count: Decodable { var n: Int }
            #expect(try await app.db.sql().raw("SELECT COUNT(*) AS n FROM voucher_entries").first(decoding: Count.self)?.n == 4)

            let unbalanced = try await f.client.send(.PUT, "\(f.base)/vouchers/\(id)", token: f.owner.accessToken, json: [
                "type": "sales", "date": "2026-05-11", "entries": [e("Sharma Traders", "1.00", nil), e("Sales", nil, "2.00")],
            ])
            #expect(unbalanced.status == .unprocessableEntity)
            _ = try await f.post("vouchers/\(id)/cancel", [:])
            let afterCancel = try await f.client.send(.PUT, "\(f.base)/vouchers/\(id)", token: f.owner.accessToken, json: [
                "type": "sales", "date": "2026-05-11", "entries": [e("Sharma Traders", "1.00", nil), e("Sales", nil, "1.00")],
            ])
            #expect(afterCancel.status == .conflict)
        }
    }

    @Test func batch_is_all_or_nothing_and_names_every_bad_voucher() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            func v(_ amount: String, _ date: String = "2026-06-01") -> JSONValue {
                ["type": "sales", "date": .string(date), "entries": [e("Sharma Traders", amount, nil), e("Sales", nil, amount)]]
            }
            let bad = try await f.post("vouchers/batch", ["vouchers": [v("10.00"), v("0.00"), v("5.00", "2020-01-01"), v("7.00")]])
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.errorFields) == ["vouchers[1].entries[0].debit", "vouchers[1].entries[1].credit", "vouchers[2].date"])
            #expect(bad.json["error"]?["message"]?.stringValue == "2 of 4 vouchers are invalid; none was posted")
            #expect(try await f.get("vouchers").json["items"]?.arrayValue.isEmpty == true)

            let good = try await f.post("vouchers/batch", ["vouchers": [v("10.00"), v("20.00"), v("30.00")]])
            #expect(good.status == .created)
            #expect(good.json["items"]?.arrayValue.compactMap { $0["number"]?.stringValue } == ["INV/26-27/0001", "INV/26-27/0002", "INV/26-27/0003"])
            #expect(try await f.post("vouchers/batch", ["vouchers": []]).errorFields == ["vouchers"])
        }
    }
}

@Suite struct BillWiseTests {
    static func entry(_ ledger: String, dr: String? = nil, cr: String? = nil, bills: [JSONValue]) -> JSONValue {
        guard case .object(var o) = BooksFixture.entry(ledger, dr: dr, cr: cr) else { return .null }
        o["bills"] = .array(bills)
        return .object(o)
    }

    static func bill(_ type: String, _ reference: String?, _ amount: String, due: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["type": .string(type), "amount": .string(amount)]
        if let reference { o["reference"] = .string(reference) }
        if let due { o["dueDate"] = .string(due) }
        return .object(o)
    }

    @Test func sales_create_bills_receipts_settle_them_and_outstanding_ages_them() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            // Sharma's credit period is 30 days, so INV-1 falls due on 2026-05-31.
            let s1 = try await f.voucher("sales", "2026-05-01", [Self.entry("Sharma Traders", dr: "1000.00", bills: [Self.bill("new", "INV-1", "1000.00")]),
                                                               e("Sales", nil, "1000.00")])
            #expect(s1.status == .created, "\(s1.text)")
            _ = try await f.voucher("sales", "2026-08-01", [Self.entry("Sharma Traders", dr: "500.00", bills: [Self.bill("new", "INV-2", "500.00", due: "2026-08-15")]),
                                                          e("Sales", nil, "500.00")])
            let r1 = try await f.voucher("receipt", "2026-06-10", [e("HDFC Bank", "600.00", nil),
                                                                 Self.entry("Sharma Traders", cr: "600.00", bills: [Self.bill("against", "INV-1", "400.00"), Self.bill("on-account", nil, "200.00")])])
            #expect(r1.status == .created, "\(r1.text)")

            let out = try await f.get("reports/outstanding?kind=receivable&asOf=2026-09-30").json
            let party = try #require(out["parties"]?[0])
            #expect(party["party"]?.stringValue == "Sharma Traders")
            let bills = party["bills"]?.arrayValue ?? []
            let inv1 = bills.first { $0["reference"]?.stringValue == "INV-1" }
            #expect(inv1?["pending"]?.stringValue == "600.00")
            #expect(inv1?["dueDate"]?.stringValue == "2026-05-31")
            #expect(inv1?["overdueDays"]?.intValue == 122)
            #expect(inv1?["bucket"]?.stringValue == "91-180")
            let onAccount = bills.first { $0["reference"] == nil || $0["reference"] == .null }
            #expect(onAccount?["pending"]?.stringValue == "-200.00")
            // The opening 1000 Dr is not bill-wise allocated, so outstanding is 600 + 500 - 200.
            #expect(out["pending"]?.stringValue == "900.00")
            #expect(out["buckets"]?["0-30"] != nil)
            #expect(out["scheduleIII"]?["<6m"]?.stringValue == "900.00")

            // Cancelling the receipt re-opens INV-1 in full.
            _ = try await f.post("vouchers/\(r1.json["id"]?.stringValue ?? "")/cancel", [:])
            let after = try await f.get("reports/outstanding?kind=receivable&asOf=2026-09-30").json
            #expect(after["pending"]?.stringValue == "1500.00")
            #expect(try await f.get("reports/outstanding?kind=payable&asOf=2026-09-30").json["parties"]?.arrayValue.isEmpty == true)
        }
    }

    @Test func bad_allocations_are_refused() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            _ = try await f.post("ledgers", ["name": "Gupta Stores", "group": "Sundry Debtors", "billWise": true])
            _ = try await f.voucher("sales", "2026-05-01", [Self.entry("Sharma Traders", dr: "100.00", bills: [Self.bill("new", "INV-9", "100.00")]),
                                                          e("Sales", nil, "100.00")])
            let cases: [(String, [JSONValue], String)] = [
                ("unknown bill", [Self.bill("against", "NOPE", "10.00")], "entries[1].bills[0].reference"),
                ("other party's bill", [Self.bill("against", "INV-9", "10.00")], "entries[1].bills[0].reference"),
                ("over-allocated", [Self.bill("against", "INV-9", "150.00")], "entries[1].bills[0].amount"),
                ("duplicate new", [Self.bill("new", "INV-9", "10.00")], "entries[1].bills[0].reference"),
                ("sum differs", [Self.bill("on-account", nil, "5.00")], "entries[1].bills"),
            ]
            for (name, bills, field) in cases {
                let party = name == "other party's bill" ? "Gupta Stores" : "Sharma Traders"
                let amount = name == "over-allocated" ? "150.00" : (name == "sum differs" ? "10.00" : "10.00")
                let r = try await f.voucher("receipt", "2026-06-01", [e("HDFC Bank", amount, nil), Self.entry(party, cr: amount, bills: bills)])
                #expect(r.status == .unprocessableEntity, "\(name)")
                #expect(r.errorFields.contains(field), "\(name): \(r.errorFields)")
            }
            let notBillWise = try await f.voucher("payment", "2026-06-01", [Self.entry("Rent", dr: "10.00", bills: [Self.bill("new", "X", "10.00")]), e("Cash", nil, "10.00")])
            #expect(notBillWise.errorFields == ["entries[0].bills"])
            // Settling INV-9 fully closes it: a second settlement finds no open bill.
            let full = try await f.voucher("receipt", "2026-06-02", [e("HDFC Bank", "100.00", nil), Self.entry("Sharma Traders", cr: "100.00", bills: [Self.bill("against", "INV-9", "100.00")])])
            #expect(full.status == .created)
            let closed = try await f.voucher("receipt", "2026-06-03", [e("HDFC Bank", "1.00", nil), Self.entry("Sharma Traders", cr: "1.00", bills: [Self.bill("against", "INV-9", "1.00")])])
            #expect(closed.errorFields == ["entries[1].bills[0].reference"])
        }
    }
}

@Suite struct VoucherTypeTests {
    @Test func user_defined_types_follow_their_base_and_can_be_numbered_by_hand() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            #expect(try await f.post("voucher-types", ["name": "Counter Sales", "kind": "sales", "prefix": "CS"]).status == .created)
            #expect(try await f.post("voucher-types", ["name": "Manual Journal", "kind": "journal", "automatic": false]).status == .created)
            #expect(try await f.post("voucher-types", ["name": "counter sales", "kind": "sales"]).errorFields == ["name"])
            #expect(try await f.post("voucher-types", ["name": "   ", "kind": "sales"]).errorFields == ["name"], "a blank name is refused")
            // A NUL would end the name in SQLite's C strings: stored as "", not as sent. Control characters are refused.
            #expect(try await f.post("voucher-types", ["name": "\u{0}", "kind": "sales"]).errorFields == ["name"])
            #expect(try await f.post("voucher-types", ["name": "A\u{1F}B", "kind": "sales"]).errorFields == ["name"])
            let cs = try await f.voucher("Counter Sales", "2026-05-01", [e("Sharma Traders", "5.00", nil), e("Sales", nil, "5.00")])
            #expect(cs.json["number"]?.stringValue == "CS/26-27/0001")
            // A series that cannot number its invoices within 16 characters is refused when it is made, not at the
            // 10,000th invoice; lower-case and other characters the IRP refuses too.
            let long = try await f.post("voucher-types", ["name": "Head Office Sales", "kind": "sales", "prefix": "SALES"])
            #expect(long.errorFields == ["prefix"], "\(long.text)")
            #expect(long.text.contains("9999 numbers a year"))
            #expect(try await f.post("voucher-types", ["name": "Head Office", "kind": "sales", "prefix": "HOSALES"]).text.contains("18 characters"))
            #expect(try await f.post("voucher-types", ["name": "Branch", "kind": "credit-note", "prefix": "ABCDEFGHIJKL"]).errorFields == ["prefix"])
            #expect(try await f.post("voucher-types", ["name": "Lower", "kind": "sales", "prefix": "inv"]).text.contains("use capitals"))
            #expect(try await f.post("voucher-types", ["name": "Spaced", "kind": "debit-note", "suffix": " A"]).errorFields == ["suffix"])
            // Other vouchers are not GST documents: their series are free.
            #expect(try await f.post("voucher-types", ["name": "Petty Payments", "kind": "payment", "prefix": "petty cash"]).status == .created)
            // A hand-numbered sales series is checked at posting.
            #expect(try await f.post("voucher-types", ["name": "Manual Sales", "kind": "sales", "automatic": false]).status == .created)
            var manual = try await f.voucher("Manual Sales", "2026-05-01", [e("Sharma Traders", "5.00", nil), e("Sales", nil, "5.00")], number: "ms/2026-27/00001")
            #expect(manual.errorFields == ["number"])
            manual = try await f.voucher("Manual Sales", "2026-05-01", [e("Sharma Traders", "5.00", nil), e("Sales", nil, "5.00")], number: "MS/26-27/1")
            #expect(manual.status == .created)
            // A series from before the short year reaches 17 characters at its 10,000th invoice: refused, not filed.
            let sql = app.db.sql()
            try await sql.raw("UPDATE voucher_types SET compact_year = \(bind: false) WHERE name = 'Sales' AND company_id = \(bind: UUID(uuidString: f.company))").run()
            #expect(try await f.voucher("Sales", "2026-05-01", [e("Sharma Traders", "5.00", nil), e("Sales", nil, "5.00")]).json["number"]?.stringValue == "INV/2026-27/0001")
            try await sql.raw("UPDATE voucher_series SET last_number = 9999 WHERE voucher_type_id IN (SELECT id FROM voucher_types WHERE name = 'Sales' AND company_id = \(bind: UUID(uuidString: f.company)))").run()
            let tooLong = try await f.voucher("Sales", "2026-05-01", [e("Sharma Traders", "5.00", nil), e("Sales", nil, "5.00")])
            #expect(tooLong.errorFields == ["number"])
            #expect(tooLong.json["error"]?["fields"]?[0]?["message"]?.stringValue?.contains("INV/2026-27/10000") == true && tooLong.text.contains("16"))
            #expect(try await f.voucher("Counter Sales", "2026-05-01", [e("Rent", "5.00", nil), e("Cash", nil, "5.00")]).status == .unprocessableEntity)
            let m1 = try await f.voucher("Manual Journal", "2026-05-01", [e("Rent", "5.00", nil), e("Sharma Traders", nil, "5.00")], number: "MJ-7")
            #expect(m1.json["number"]?.stringValue == "MJ-7")
            let dup = try await f.voucher("Manual Journal", "2026-05-02", [e("Rent", "5.00", nil), e("Sharma Traders", nil, "5.00")], number: "MJ-7")
            #expect(dup.errorFields == ["number"])
            let missing = try await f.voucher("Manual Journal", "2026-05-02", [e("Rent", "5.00", nil), e("Sharma Traders", nil, "5.00")])
            #expect(missing.errorFields == ["number"])
            let types = try await f.get("voucher-types").json["items"]?.arrayValue.count
            #expect(types == 12, "8 built-in, Counter Sales, Manual Journal, Petty Payments, Manual Sales")
        }
    }
}

@Suite struct OptionalAndPostDatedTests {
    typealias B = BillWiseTests

    @Test func optional_vouchers_stay_off_the_books_until_regularised() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            _ = try await f.voucher("sales", "2026-05-01", [B.entry("Sharma Traders", dr: "300.00", bills: [B.bill("new", "INV-1", "300.00")]),
                                                          e("Sales", nil, "300.00")])
            let optional = try await f.post("vouchers", [
                "type": "receipt", "date": "2026-06-01", "optional": true,
                "entries": [e("HDFC Bank", "200.00", nil), B.entry("Sharma Traders", cr: "200.00", bills: [B.bill("against", "INV-1", "200.00")])],
            ])
            #expect(optional.status == .created, "\(optional.text)")
            #expect(optional.json["status"]?.stringValue == "optional")
            #expect(optional.json["entries"]?[1]?["bills"]?[0]?["reference"]?.stringValue == "INV-1")
            let id = try #require(optional.json["id"]?.stringValue)

            // Nothing moved: the bank is untouched and INV-1 is still open in full.
            let tb = try await f.get("reports/trial-balance?asOf=2026-12-31").json
            let bank = tb["rows"]?.arrayValue.first { $0["ledger"]?.stringValue == "HDFC Bank" }
            #expect(bank?["closing"]?["amount"]?.stringValue ?? "0.00" == "0.00")
            let pending = { try await f.get("reports/outstanding?kind=receivable&asOf=2026-12-31").json["parties"]?[0]?["bills"]?.arrayValue
                .first { $0["reference"]?.stringValue == "INV-1" }?["pending"]?.stringValue }
            #expect(try await pending() == "300.00")
            #expect(try await f.get("vouchers?status=optional").json["items"]?.arrayValue.count == 1)

            // An active voucher cannot be made optional by amending, nor an optional one active.
            let makeActive = try await f.client.send(.PUT, "\(f.base)/vouchers/\(id)", token: f.owner.accessToken, json: [
                "type": "receipt", "date": "2026-06-01", "optional": false,
                "entries": [e("HDFC Bank", "200.00", nil), B.entry("Sharma Traders", cr: "200.00", bills: [B.bill("against", "INV-1", "200.00")])],
            ])
            #expect(makeActive.errorFields == ["optional"])

            // Meanwhile 150 of INV-1 is received for real: the optional 200 no longer fits and regularising says so.
            _ = try await f.voucher("receipt", "2026-06-05", [e("HDFC Bank", "150.00", nil),
                                                            B.entry("Sharma Traders", cr: "150.00", bills: [B.bill("against", "INV-1", "150.00")])])
            let refused = try await f.post("vouchers/\(id)/regularise", [:])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.errorFields == ["entries[1].bills[0].amount"])
            #expect(try await f.get("vouchers/\(id)").json["status"]?.stringValue == "optional")

            // Amended to the 150 still open, it regularises and settles the bill.
            let amended = try await f.client.send(.PUT, "\(f.base)/vouchers/\(id)", token: f.owner.accessToken, json: [
                "type": "receipt", "date": "2026-06-01",
                "entries": [e("HDFC Bank", "150.00", nil), B.entry("Sharma Traders", cr: "150.00", bills: [B.bill("against", "INV-1", "150.00")])],
            ])
            #expect(amended.status == .ok, "\(amended.text)")
            #expect(amended.json["status"]?.stringValue == "optional")
            let regularised = try await f.post("vouchers/\(id)/regularise", [:])
            #expect(regularised.status == .ok, "\(regularised.text)")
            #expect(regularised.json["status"]?.stringValue == "active")
            #expect(try await pending() == nil)
            let bankAfter = try await f.get("reports/trial-balance?asOf=2026-12-31").json["rows"]?.arrayValue
                .first { $0["ledger"]?.stringValue == "HDFC Bank" }
            #expect(bankAfter?["closing"] == ["amount": "300.00", "side": "Dr"])
            #expect(try await f.post("vouchers/\(id)/regularise", [:]).status == .conflict)
            #expect(try await f.get("audit-log?action=voucher.regularise").json["items"]?.arrayValue.count == 1)
        }
    }

    @Test func cancelling_an_optional_voucher_touches_no_totals() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            let optional = try await f.post("vouchers", ["type": "payment", "date": "2026-06-01", "optional": true,
                                                         "entries": [e("Rent", "50.00", nil), e("Cash", nil, "50.00")]])
            let id = try #require(optional.json["id"]?.stringValue)
            let cancelled = try await f.post("vouchers/\(id)/cancel", [:])
            #expect(cancelled.json["status"]?.stringValue == "cancelled")
            // BooksInvariant (run after every test) recomputes the day totals from the entries: a wrong reversal fails it.
            #expect(try await f.post("vouchers/\(id)/regularise", [:]).status == .conflict)
        }
    }

    @Test func post_dated_vouchers_must_be_dated_ahead_and_count_from_their_date() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            let today = Format.today()
            let ahead = today.adding(days: 20)
            let early = try await f.post("vouchers", ["type": "payment", "date": .string(today.description), "postDated": true,
                                                      "entries": [e("Rent", "50.00", nil), e("HDFC Bank", nil, "50.00")]])
            #expect(early.errorFields == ["postDated"])
            let cheque = try await f.post("vouchers", ["type": "payment", "date": .string(ahead.description), "postDated": true,
                                                       "entries": [e("Rent", "50.00", nil), e("HDFC Bank", nil, "50.00")]])
            #expect(cheque.status == .created, "\(cheque.text)")
            #expect(cheque.json["postDated"]?.boolValue == true)
            func rent(_ asOf: CalendarDate) async throws -> String? {
                try await f.get("reports/trial-balance?asOf=\(asOf)").json["rows"]?.arrayValue
                    .first { $0["ledger"]?.stringValue == "Rent" }?["closing"]?["amount"]?.stringValue
            }
            #expect(try await rent(today) ?? "0.00" == "0.00")
            #expect(try await rent(ahead) == "50.00")
            #expect(try await f.get("vouchers?postDated=true").json["items"]?.arrayValue.count == 1)
            #expect(try await f.get("vouchers?postDated=maybe").errorFields == ["postDated"])
            #expect(try await f.get("vouchers?status=gone").errorFields == ["status"])
        }
    }

    @Test func two_lines_settling_one_bill_are_checked_together() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            _ = try await f.voucher("sales", "2026-05-01", [B.entry("Sharma Traders", dr: "100.00", bills: [B.bill("new", "INV-5", "100.00")]),
                                                          e("Sales", nil, "100.00")])
            let twice = try await f.voucher("receipt", "2026-06-01", [
                e("HDFC Bank", "140.00", nil),
                B.entry("Sharma Traders", cr: "140.00", bills: [B.bill("against", "INV-5", "70.00"), B.bill("against", "INV-5", "70.00")]),
            ])
            #expect(twice.errorFields == ["entries[1].bills[1].amount"] || twice.errorFields == ["entries[1].bills[1].reference"], "\(twice.text)")
            let split = try await f.voucher("receipt", "2026-06-01", [
                e("HDFC Bank", "100.00", nil),
                B.entry("Sharma Traders", cr: "60.00", bills: [B.bill("against", "INV-5", "60.00")]),
                B.entry("Sharma Traders", cr: "40.00", bills: [B.bill("against", "INV-5", "40.00")]),
            ])
            #expect(split.status == .created, "\(split.text)")
            #expect(split.json["entries"]?[2]?["bills"]?[0]?["amount"]?.stringValue == "40.00")
        }
    }
}
