@testable import App
import Fluent
import Foundation
import Ledger
import SQLKit
import Testing
import Vapor

/// Stock through the API: invoices move it, valuation follows each item's method, a backdated purchase revalues
/// only its item, and every bad movement is refused by field with nothing written.
@Suite struct InventoryTests {
    func L(_ item: String, _ quantity: String, _ rate: String, _ extra: [String: JSONValue] = [:]) -> JSONValue {
        var o: [String: JSONValue] = ["item": .string(item), "quantity": .string(quantity), "rate": .string(rate)]
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }

    func summary(_ g: GSTFixture, _ asOf: String, by: String = "item") async throws -> [String: (String, String)] {
        let rows = try await g.f.get("reports/stock-summary?asOf=\(asOf)&by=\(by)").json["rows"]?.arrayValue ?? []
        return Dictionary(uniqueKeysWithValues: rows.map {
            (($0["item"]?.stringValue ?? "") + ($0["godown"]?.stringValue.map { " @ " + $0 } ?? ""),
             ($0["quantity"]?.stringValue ?? "", $0["value"]?.stringValue ?? ""))
        })
    }

    /// The StockKit golden sequence, through invoices: 10 @ ₹100 and 5 @ ₹120 bought, 12 sold, 1 returned, then
    /// 4 @ ₹110 bought with an earlier date. Figures worked out by hand (see ValuationTests).
    @Test func fifo_and_weighted_average_follow_purchases_sales_returns_and_a_backdated_purchase() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            for (name, method) in [("Tea FIFO", "fifo"), ("Tea Avg", "weighted-average")] {
                let r = try await g.f.post("items", ["name": .string(name), "hsn": "090230", "unit": "KGS", "gstRate": "5", "valuationMethod": .string(method)])
                #expect(r.status == .created, "\(r.text)")
            }
            var n = 0
            func buy(_ date: String, _ q: String, _ rate: String) async throws {
                n += 1
                let r = try await g.invoice("purchase", "Gujarat Supplies", date, [L("Tea FIFO", q, rate), L("Tea Avg", q, rate)], extra: ["number": .string("GS-\(n)")])
                #expect(r.status == .created, "\(r.text)")
            }
            try await buy("2026-06-01", "10", "100.00")
            try await buy("2026-06-05", "5", "120.00")
            let sale = try await g.invoice("sales", "Pune Retail", "2026-06-10", [L("Tea FIFO", "12", "150.00"), L("Tea Avg", "12", "150.00")])
            #expect(sale.status == .created, "\(sale.text)")
            var s = try await summary(g, "2026-06-10")
            #expect(s["Tea FIFO"]! == ("3", "360.00") && s["Tea Avg"]! == ("3", "320.00"))
            let note = try await g.invoice("credit-note", "Pune Retail", "2026-06-12", [L("Tea FIFO", "1", "150.00"), L("Tea Avg", "1", "150.00")],
                                           extra: ["originalInvoice": .string(sale.json["number"]?.stringValue ?? "")])
            #expect(note.status == .created, "\(note.text)")
            // Returns come back at the item's rate that day: ₹120 (FIFO), ₹106.67 (average of ₹320 over 3).
            s = try await summary(g, "2026-06-30")
            #expect(s["Tea FIFO"]! == ("4", "480.00") && s["Tea Avg"]! == ("4", "426.67"))

            try await buy("2026-06-07", "4", "110.00")
            s = try await summary(g, "2026-06-30")
            // FIFO: the sale still took the oldest units; ₹360 + ₹440 + the ₹120 return.
            #expect(s["Tea FIFO"]! == ("8", "920.00"))
            // Average: 19 units worth ₹2,040, 12 sold for ₹1,288.42, leaving ₹751.58, plus the ₹106.67 return.
            #expect(s["Tea Avg"]! == ("8", "858.25"))
            // The day before the backdated purchase is untouched.
            s = try await summary(g, "2026-06-06")
            #expect(s["Tea Avg"]! == ("15", "1600.00"))

            let ledger = try await g.f.get("reports/stock-ledger?item=Tea%20Avg&from=2026-06-06&to=2026-06-30").json
            #expect(ledger["openingQuantity"]?.stringValue == "15" && ledger["openingValue"]?.stringValue == "1600.00")
            let rows = ledger["rows"]?.arrayValue ?? []
            #expect(rows.map { $0["date"]?.stringValue ?? "" } == ["2026-06-07", "2026-06-10", "2026-06-12"])
            #expect(rows[1]["outward"]?.stringValue == "12" && rows[1]["value"]?.stringValue == "1288.42")
            #expect(ledger["closingValue"]?.stringValue == "858.25")

            // Cancelling the sale puts its 12 back and revalues from its date.
            _ = try await g.f.post("vouchers/\(sale.json["voucherId"]?.stringValue ?? "")/cancel", [:])
            s = try await summary(g, "2026-06-30")
            #expect(s["Tea FIFO"]! == ("20", "2160.00"))
        }
    }

    @Test func godowns_transfers_batches_and_their_errors() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            let godowns = try await g.f.get("godowns").json["items"]?.arrayValue.map { $0["name"]?.stringValue ?? "" }
            #expect(godowns == ["Main Location"])
            #expect(try await g.f.post("godowns", ["name": "Warehouse B", "parent": "Main Location"]).status == .created)
            #expect(try await g.f.post("godowns", ["name": "warehouse b"]).errorFields == ["name"])
            #expect(try await g.f.post("godowns", ["name": "Shed", "parent": "Nowhere"]).errorFields == ["parent"])

            let syrup = try await g.f.post("items", [
                "name": "Cough Syrup", "hsn": "300490", "unit": "BTL", "gstRate": "12", "batchWise": true, "trackExpiry": true,
                "valuationMethod": "fifo",
                "openingStock": [["batch": "B1", "quantity": "10", "rate": "50.00", "expiryDate": "2026-07-01"],
                                 ["batch": "B2", "quantity": "10", "rate": "55.00", "expiryDate": "2026-12-31", "godown": "Warehouse B"]],
            ])
            #expect(syrup.status == .created, "\(syrup.text)")
            #expect(syrup.json["batchWise"]?.boolValue == true && syrup.json["valuationMethod"]?.stringValue == "fifo")
            let moveB2 = try await g.f.post("stock-journals", ["date": "2026-07-15", "kind": "transfer",
                                                                "lines": [["item": "Cough Syrup", "quantity": "6", "batch": "B2", "fromGodown": "Warehouse B", "toGodown": "Main Location"]]])
            #expect(moveB2.status == .created, "\(moveB2.text)")
            var s = try await summary(g, "2026-07-15", by: "godown")
            #expect(s["Cough Syrup @ Main Location"]?.0 == "16" && s["Cough Syrup @ Warehouse B"]?.0 == "4")
            // A transfer moves quantity, not value.
            #expect(try await summary(g, "2026-07-15")["Cough Syrup"]! == ("20", "1050.00"))

            struct Count: Decodable { var n: Int }
            func counts() async throws -> [Int] {
                var out: [Int] = []
                for table in ["stock_movements", "stock_positions", "stock_batches", "stock_journals", "invoices", "vouchers"] {
                    out.append(try await app.db.sql().raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(decoding: Count.self)?.n ?? -1)
                }
                return out
            }
            let before = try await counts()
            let badSales: [(String, [JSONValue], String)] = [
                ("expired batch", [L("Cough Syrup", "1", "90.00", ["batch": "B1"])], "lines[0].batch"),
                ("unknown batch", [L("Cough Syrup", "1", "90.00", ["batch": "B9"])], "lines[0].batch"),
                ("unknown godown", [L("Cough Syrup", "1", "90.00", ["godown": "Moon"])], "lines[0].godown"),
                ("more than in stock", [L("USB Keyboard", "5000", "10.00")], "lines[0].quantity"),
                ("more than the unexpired batches hold", [L("Cough Syrup", "11", "90.00")], "lines[0].quantity"),
                ("four decimals", [L("Cough Syrup", "1.0005", "90.00")], "lines[0].quantity"),
                ("batch on a plain item", [L("USB Keyboard", "1", "10.00", ["batch": "X"])], "lines[0].batch"),
            ]
            for (name, lines, field) in badSales {
                let r = try await g.invoice("sales", "Pune Retail", "2026-08-01", lines)
                #expect(r.status == .unprocessableEntity, "\(name): \(r.text)")
                #expect(r.errorFields.contains(field), "\(name): \(r.text)")
            }
            let shortage = try await g.invoice("sales", "Pune Retail", "2026-08-01", [L("USB Keyboard", "5000", "10.00")])
            #expect(shortage.text.contains("only 1000 of 'USB Keyboard' in Main Location"), "\(shortage.text)")
            let noBatch = try await g.invoice("purchase", "Gujarat Supplies", "2026-08-01", [L("Cough Syrup", "5", "40.00")], extra: ["number": "GS-9"])
            #expect(noBatch.errorFields == ["lines[0].batch"])
            let noExpiry = try await g.invoice("purchase", "Gujarat Supplies", "2026-08-01", [L("Cough Syrup", "5", "40.00", ["batch": "B3"])], extra: ["number": "GS-9"])
            #expect(noExpiry.errorFields == ["lines[0].expiryDate"])
            let badJournals: [(JSONValue, String)] = [
                (["date": "2026-08-01", "kind": "transfer", "lines": [["item": "USB Keyboard", "quantity": "1", "fromGodown": "Main Location", "toGodown": "Main Location"]]], "lines[0].toGodown"),
                (["date": "2026-08-01", "kind": "transfer", "lines": [["item": "USB Keyboard", "quantity": "1", "fromGodown": "Main Location"]]], "lines[0].toGodown"),
                (["date": "2026-08-01", "kind": "consumption", "lines": [["item": "USB Keyboard", "quantity": "1001"]]], "lines[0].quantity"),
                (["date": "2026-08-01", "kind": "adjustment", "lines": [["item": "USB Keyboard", "quantity": "1", "toGodown": "Main Location"]]], "lines[0].rate"),
                (["date": "2026-08-01", "kind": "consumption", "lines": [["item": "Road Freight", "quantity": "1"]]], "lines[0].item"),
                (["date": "2026-08-01", "kind": "production", "lines": [["item": "USB Keyboard", "quantity": "1"]]], "lines[0].item"),
                (["date": "2026-08-01", "kind": "repair", "lines": [["item": "USB Keyboard", "quantity": "1"]]], "kind"),
            ]
            for (body, field) in badJournals {
                let r = try await g.f.post("stock-journals", body)
                #expect(r.status == .unprocessableEntity, "\(body): \(r.text)")
                #expect(r.errorFields.contains(field), "\(body): \(r.text)")
            }
            #expect(try await counts() == before)

            // Without a batch, a sale takes the batch that expires first among the unexpired ones (B1 expired in July).
            let sale = try await g.invoice("sales", "Pune Retail", "2026-08-01", [L("Cough Syrup", "5", "90.00")])
            #expect(sale.status == .created, "\(sale.text)")
            s = try await summary(g, "2026-08-01", by: "godown")
            #expect(s["Cough Syrup @ Main Location"]?.0 == "11")
            // FIFO across the item: the 5 sold are costed from the oldest receipts (B1's ₹50), whatever batch left.
            #expect(try await summary(g, "2026-08-01")["Cough Syrup"]! == ("15", "800.00"))
            // A stock-journal adjustment brings found stock in at its rate; cancelling it takes it out again.
            let found = try await g.f.post("stock-journals", ["date": "2026-08-02", "kind": "adjustment",
                                                              "lines": [["item": "USB Keyboard", "quantity": "2", "toGodown": "Warehouse B", "rate": "310.00"]]])
            #expect(found.status == .created, "\(found.text)")
            #expect(try await summary(g, "2026-08-02")["USB Keyboard"]! == ("1002", "300620.00"))
            let cancelled = try await g.f.post("stock-journals/\(found.json["id"]?.stringValue ?? "")/cancel", [:])
            #expect(cancelled.json["status"]?.stringValue == "cancelled")
            #expect(try await summary(g, "2026-08-02")["USB Keyboard"]! == ("1000", "300000.00"))
        }
    }

    /// Closing stock joins the trading account and the balance sheet as Tally shows them; opening stock counts as
    /// an opening debit, so the sheet's two sides differ by exactly the opening difference.
    @Test func closing_stock_feeds_profit_and_loss_and_the_balance_sheet() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            // Opening stock from the fixture: 1,000 keyboards @ ₹300, shirts @ ₹60, milk @ ₹10 = ₹3,70,000.
            let sale = try await g.invoice("sales", "Sharma Traders", "2026-08-05", [L("USB Keyboard", "10", "1000.00")])
            #expect(sale.status == .created, "\(sale.text)")
            let year = try await g.f.get("reports/profit-and-loss?from=2026-04-01&to=2026-08-31").json
            #expect(year["openingStock"]?.stringValue == "370000.00" && year["closingStock"]?.stringValue == "367000.00")
            // ₹10,000 of sales less the ₹3,000 the ten keyboards cost.
            #expect(year["grossProfit"]?.stringValue == "7000.00")
            let later = try await g.f.get("reports/profit-and-loss?from=2026-08-06&to=2026-08-31").json
            #expect(later["openingStock"]?.stringValue == "367000.00" && later["grossProfit"]?.stringValue == "0.00")

            let bs = try await g.f.get("reports/balance-sheet?asOf=2026-08-31").json
            #expect(bs["closingStock"]?.stringValue == "367000.00")
            #expect(bs["currentYearProfit"]?.stringValue == "7000.00")
            func paise(_ key: String) -> Int64 { (try? Money(parsing: bs[key]?.stringValue ?? "")).map(\.paise) ?? -1 }
            #expect(paise("openingDifference") == 371_000_00)  // Sharma's ₹1,000 opening debit and the opening stock
            #expect(paise("totalAssets") - paise("totalLiabilities") == paise("openingDifference"))
        }
    }

    @Test func notifications_for_expiring_batches_and_low_stock_come_once() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            let expiry = Format.today().adding(days: 10).description
            let item = try await g.f.post("items", [
                "name": "Paracetamol", "hsn": "300490", "unit": "BOX", "gstRate": "12", "batchWise": true, "trackExpiry": true,
                "reorderLevel": "5", "minimumOrderQuantity": "20",
                "openingStock": [["batch": "P1", "quantity": "8", "rate": "20.00", "expiryDate": .string(expiry)]],
            ])
            #expect(item.status == .created, "\(item.text)")
            func notices(_ query: String = "") async throws -> [JSONValue] { try await g.f.get("notifications" + query).json["items"]?.arrayValue ?? [] }
            var list = try await notices()
            #expect(list.count == 1 && list[0]["kind"]?.stringValue == "batch-expiry", "\(list)")
            #expect(try await notices().count == 1)  // asking again adds nothing
            let read = try await g.f.post("notifications/\(list[0]["id"]?.stringValue ?? "")/read", [:])
            #expect(read.json["read"]?.boolValue == true)
            #expect(try await notices("?unread=true").isEmpty)
            #expect(try await g.f.post("notifications/\(UUID().uuidString)/read", [:]).status == .notFound)

            // 8 → 4 crosses the reorder level of 5: one notice; 4 → 3 stays below it: none more.
            #expect(try await g.invoice("sales", "Pune Retail", "2026-11-01", [L("Paracetamol", "4", "30.00")]).status == .created)
            #expect(try await g.invoice("sales", "Pune Retail", "2026-11-02", [L("Paracetamol", "1", "30.00")]).status == .created)
            list = try await notices("?unread=true")
            #expect(list.map { $0["kind"]?.stringValue ?? "" } == ["low-stock"], "\(list)")
            let reorder = try await g.f.get("reports/reorder").json["rows"]?.arrayValue ?? []
            #expect(reorder.count == 1 && reorder[0]["quantity"]?.stringValue == "3" && reorder[0]["suggestedOrder"]?.stringValue == "20")
            let batches = try await g.f.get("reports/batches").json["rows"]?.arrayValue ?? []
            #expect(batches.first?["batch"]?.stringValue == "P1" && batches.first?["status"]?.stringValue == "expiring")
            #expect(try await g.f.get("reports/batches?expiringWithinDays=5").json["rows"]?[0]?["status"]?.stringValue == "ok")
            #expect(try await g.f.get("reports/batches?expiringWithinDays=soon").errorFields == ["expiringWithinDays"])
            #expect(try await g.f.get("reports/stock-summary?by=shelf").errorFields == ["by"])
            #expect(try await g.f.get("reports/stock-ledger?item=Nothing").errorFields == ["item"])
        }
    }

    @Test func stock_and_notification_pages() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            _ = try await g.f.post("items", ["name": "Vitamin C", "hsn": "300450", "unit": "BOX", "gstRate": "12", "batchWise": true, "trackExpiry": true,
                                             "openingStock": [["batch": "V1", "quantity": "3", "rate": "40.00", "expiryDate": .string(Format.today().adding(days: 3).description)]]])
            let browser = try await WebTestSession.start(for: g.f.owner.userID, on: app)
            let base = "/app/c/\(g.f.company.lowercased())"
            let summary = try await browser.send(.GET, base + "/stock")
            #expect(summary.status == .ok)
            #expect(summary.text.contains("USB Keyboard") && summary.text.contains("3,00,000.00"), "\(summary.text.prefix(300))")
            #expect(try await browser.send(.GET, base + "/stock?by=godown").text.contains("Main Location"))
            #expect(try await browser.send(.GET, base + "/stock?by=shelf").status == .unprocessableEntity)
            let ledger = try await browser.send(.GET, base + "/stock/ledger?item=USB%20Keyboard&from=2026-04-01&to=2026-04-30")
            #expect(ledger.status == .ok && ledger.text.contains("opening"), "\(ledger.status)")
            let page = try await browser.send(.GET, base + "/notifications")
            #expect(page.text.contains("Vitamin C, batch V1 expires on"))
            #expect(page.text.contains(#"aria-label="Notifications""#))
            let id = try await g.f.get("notifications").json["items"]?[0]?["id"]?.stringValue ?? ""
            #expect(try await browser.send(.POST, base + "/notifications/\(id)/read", form: [:]).status == .seeOther)
            #expect(try await g.f.get("notifications?unread=true").json["items"]?.arrayValue.isEmpty == true)

            let batches = try await browser.send(.GET, base + "/stock/batches")
            #expect(batches.text.contains("Vitamin C") && batches.text.contains("expiring"))
            #expect(try await browser.send(.GET, base + "/stock/reorder").text.contains("Nothing is at its reorder level."))
            #expect(try await browser.send(.GET, base + "/stock/ageing").text.contains("USB Keyboard"))
            #expect(try await browser.send(.POST, base + "/stock/godowns", form: ["name": "Back Room"]).status == .seeOther)
            let dup = try await browser.send(.POST, base + "/stock/godowns", form: ["name": "back room"])
            #expect(dup.status == .unprocessableEntity && dup.text.contains("already exists"))
            #expect(try await browser.send(.GET, base + "/stock/godowns").text.contains("Back Room"))

            // A transfer from the journal form; a line with an unknown godown comes back with the error beside it.
            #expect(try await browser.send(.GET, base + "/stock/journals/new").status == .ok)
            let bad = try await browser.send(.POST, base + "/stock/journals/new", form: ["kind": "transfer", "date": "2026-08-01", "item2": "USB Keyboard",
                                                                                       "quantity2": "5", "fromGodown2": "Main Location", "toGodown2": "Attic"])
            #expect(bad.status == .unprocessableEntity && bad.text.contains(#"id="f-toGodown2-error""#), "\(bad.status)")
            let moved = try await browser.send(.POST, base + "/stock/journals/new", form: ["kind": "transfer", "date": "2026-08-01", "item2": "USB Keyboard",
                                                                                         "quantity2": "5", "fromGodown2": "Main Location", "toGodown2": "Back Room"])
            #expect(moved.status == .seeOther)
            #expect(try await self.summary(g, "2026-08-01", by: "godown")["USB Keyboard @ Back Room"]?.0 == "5")

            // An order from the orders page shows up as outstanding; a line error comes back beside its field.
            #expect(try await browser.send(.GET, base + "/stock/orders").text.contains("No order is waiting for goods."))
            let badOrder = try await browser.send(.POST, base + "/stock/orders", form: ["kind": "sales-order", "date": "2026-08-02", "party": "Pune Retail",
                                                                                      "item1": "USB Keyboard", "quantity1": "-3", "rate1": "900.00"])
            #expect(badOrder.status == .unprocessableEntity && badOrder.text.contains(#"id="f-quantity1-error""#))
            #expect(try await browser.send(.POST, base + "/stock/orders", form: ["kind": "sales-order", "date": "2026-08-02", "party": "Pune Retail",
                                                                               "item1": "USB Keyboard", "quantity1": "3", "rate1": "900.00"]).status == .seeOther)
            #expect(try await browser.send(.GET, base + "/stock/orders").text.contains("order-outstanding"))
        }
    }

    @Test func a_company_that_allows_negative_stock_can_sell_beyond_it() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            #expect(try await g.invoice("sales", "Pune Retail", "2026-08-01", [L("USB Keyboard", "1001", "500.00")]).errorFields == ["lines[0].quantity"])
            let patch = try await g.f.client.send(.PATCH, "/api/v1/companies/\(g.f.company)", token: g.f.owner.accessToken, json: ["allowNegativeStock": true])
            #expect(patch.json["allowNegativeStock"]?.boolValue == true, "\(patch.text)")
            let sale = try await g.invoice("sales", "Pune Retail", "2026-08-01", [L("USB Keyboard", "1001", "500.00")])
            #expect(sale.status == .created, "\(sale.text)")
            // The unit issued without stock is costed at the last known rate (₹300), so nothing is worth anything.
            #expect(try await summary(g, "2026-08-01")["USB Keyboard"]! == ("-1", "-300.00"))
        }
    }

    @Test func stock_groups_nest_and_sum_their_items() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            #expect(try await g.f.post("stock-groups", ["name": "Goods"]).status == .created)
            #expect(try await g.f.post("stock-groups", ["name": "Electronics", "parent": "Goods"]).json["parent"]?.stringValue == "Goods")
            #expect(try await g.f.post("stock-groups", ["name": "electronics"]).errorFields == ["name"])
            #expect(try await g.f.post("stock-groups", ["name": "Toys", "parent": "Nowhere"]).errorFields == ["parent"])
            let patch = try await g.f.client.send(.PATCH, "/api/v1/companies/\(g.f.company)/items/USB%20Keyboard", token: g.f.owner.accessToken,
                                                  json: ["stockGroup": "Electronics"])
            #expect(patch.json["stockGroupId"]?.stringValue != nil, "\(patch.text)")
            #expect(try await g.f.client.send(.PATCH, "/api/v1/companies/\(g.f.company)/items/Milk", token: g.f.owner.accessToken,
                                              json: ["stockGroup": "Dairy"]).errorFields == ["stockGroup"])
            let rows = try await g.f.get("reports/stock-summary?by=group&asOf=2026-04-30").json["rows"]?.arrayValue ?? []
            let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0["item"]?.stringValue ?? "", $0) })
            #expect(byName["Electronics"]?["value"]?.stringValue == "300000.00" && byName["Electronics"]?["quantity"]?.stringValue == "1000")
            // Shirts (PCS) and milk (LTR) have no group and different units: a value but no quantity.
            #expect(byName["(no group)"]?["value"]?.stringValue == "70000.00" && byName["(no group)"]?["quantity"]?.stringValue == "")
        }
    }

    @Test func production_from_a_bill_of_materials_and_physical_counts() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            for body: JSONValue in [
                ["name": "Flour", "hsn": "110100", "unit": "KGS", "gstRate": "5", "openingStock": [["quantity": "100", "rate": "40.00"]]],
                ["name": "Sugar", "hsn": "170199", "unit": "KGS", "gstRate": "5", "openingStock": [["quantity": "50", "rate": "45.00"]]],
                ["name": "Cake", "hsn": "190590", "unit": "NOS", "gstRate": "18",
                 "billOfMaterials": [["item": "Flour", "quantity": "0.5"], ["item": "Sugar", "quantity": "0.25"]]],
                ["name": "Bread", "hsn": "190590", "unit": "NOS", "gstRate": "5"],
            ] {
                let r = try await g.f.post("items", body)
                #expect(r.status == .created, "\(r.text)")
            }
            func patch(_ item: String, _ json: JSONValue) async throws -> TestResponse {
                try await g.f.client.send(.PATCH, "/api/v1/companies/\(g.f.company)/items/\(item)", token: g.f.owner.accessToken, json: json)
            }
            let cake = try await g.f.get("items/Cake").json
            #expect(cake["billOfMaterials"]?.arrayValue.map { $0["quantity"]?.stringValue ?? "" } == ["0.5", "0.25"])
            let actions = try await g.f.get("audit-log?entityType=item").json["items"]?.arrayValue.compactMap { $0["action"]?.stringValue } ?? []
            #expect(actions.contains("item.bill-of-materials"))
            // Flour from cakes would make cakes from themselves.
            #expect(try await patch("Flour", ["billOfMaterials": [["item": "Cake", "quantity": "1"]]]).errorFields == ["billOfMaterials[0].item"])
            #expect(try await patch("Cake", ["billOfMaterials": [["item": "Cake", "quantity": "1"]]]).errorFields == ["billOfMaterials[0].item"])

            let made = try await g.f.post("stock-journals", ["date": "2026-05-01", "kind": "production", "lines": [["item": "Cake", "quantity": "10"]]])
            #expect(made.status == .created, "\(made.text)")
            // 5 kg flour at ₹40 and 2.5 kg sugar at ₹45: ₹312.50 for ten cakes.
            #expect(made.json["lines"]?[0]?["item"]?.stringValue == "Cake" && made.json["lines"]?[0]?["value"]?.stringValue == "312.50")
            var s = try await summary(g, "2026-05-01")
            #expect(s["Cake"]! == ("10", "312.50") && s["Flour"]! == ("95", "3800.00") && s["Sugar"]! == ("47.5", "2137.50"))
            #expect(try await g.f.post("stock-journals", ["date": "2026-05-02", "kind": "production", "lines": [["item": "Cake", "quantity": "1000"]]])
                .errorFields.contains("lines[0].quantity"))
            #expect(try await g.f.post("stock-journals", ["date": "2026-05-02", "kind": "production", "lines": [["item": "Bread", "quantity": "1"]]])
                .errorFields == ["lines[0].item"])

            // Counting 93 kg of flour where the books say 95 posts 2 kg out; a count that agrees posts nothing.
            let count = try await g.f.post("physical-stock", ["date": "2026-05-03", "lines": [["item": "Flour", "counted": "93"], ["item": "Sugar", "counted": "47.5"]]])
            #expect(count.status == .created, "\(count.text)")
            #expect(count.json["kind"]?.stringValue == "verification" && count.json["lines"]?.arrayValue.count == 1)
            s = try await summary(g, "2026-05-03")
            #expect(s["Flour"]! == ("93", "3720.00"))
            #expect(try await g.f.post("physical-stock", ["date": "2026-05-03", "lines": [["item": "Flour", "counted": "93"]]]).errorFields == ["lines"])
            #expect(try await g.f.post("physical-stock", ["date": "2026-05-03", "godown": "Moon", "lines": [["item": "Flour", "counted": "1"]]]).errorFields == ["godown"])
            #expect(try await g.f.post("physical-stock", ["date": "2026-05-03", "lines": [["item": "Flour", "counted": "1.0001"]]]).errorFields == ["lines[0].counted"])
            #expect(try await g.f.post("stock-journals", ["date": "2026-05-03", "kind": "verification", "lines": [["item": "Flour", "quantity": "1"]]])
                .errorFields == ["kind"])
        }
    }
}
