@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Orders, delivery and receipt notes: pending quantities, and goods moved once whether a note or an invoice
/// carries them.
extension InventoryTests {
    @Test func orders_notes_and_invoices_move_goods_once() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            let order = try await g.f.post("sales-orders", ["date": "2026-07-01", "party": "Pune Retail", "lines": [
                ["item": "USB Keyboard", "quantity": "10", "rate": "1000.00", "dueDate": "2026-07-15"], ["item": "Cotton T-shirt", "quantity": "20", "rate": "250.00"]]])
            #expect(order.status == .created, "\(order.text)")
            let orderID = JSONValue.string(order.json["id"]?.stringValue ?? "")
            var outstanding = try await g.f.get("reports/order-outstanding?kind=sales").json["rows"]?.arrayValue ?? []
            #expect(outstanding.map { $0["pending"]?.stringValue ?? "" } == ["10", "20"])

            let note = try await g.f.post("delivery-notes", ["date": "2026-07-05", "party": "Pune Retail", "order": orderID,
                                                             "lines": [["item": "USB Keyboard", "quantity": "4", "rate": "1000.00"]]])
            #expect(note.status == .created, "\(note.text)")
            #expect(try await summary(g, "2026-07-05")["USB Keyboard"]?.0 == "996")
            outstanding = try await g.f.get("reports/order-outstanding?kind=sales").json["rows"]?.arrayValue ?? []
            #expect(outstanding.map { $0["pending"]?.stringValue ?? "" } == ["6", "20"])

            struct Count: Decodable { var n: Int }
            func movements() async throws -> Int {
                try await app.db.sql().raw("SELECT COUNT(*) AS n FROM stock_movements").first(decoding: Count.self)?.n ?? -1
            }
            let before = try await movements()
            let bad: [(String, JSONValue, String)] = [
                ("delivery-notes", ["date": "2026-07-06", "party": "Pune Retail", "order": orderID, "lines": [["item": "USB Keyboard", "quantity": "7", "rate": "1.00"]]], "lines[0].quantity"),
                ("delivery-notes", ["date": "2026-07-06", "party": "Pune Retail", "order": orderID, "lines": [["item": "Milk", "quantity": "1", "rate": "1.00"]]], "lines[0].quantity"),
                ("delivery-notes", ["date": "2026-07-06", "party": "Sharma Traders", "order": orderID, "lines": [["item": "USB Keyboard", "quantity": "1", "rate": "1.00"]]], "party"),
                ("receipt-notes", ["date": "2026-07-06", "party": "Pune Retail", "order": orderID, "lines": [["item": "USB Keyboard", "quantity": "1", "rate": "1.00"]]], "order"),
                ("sales-orders", ["date": "2026-07-06", "party": "Pune Retail", "lines": [["item": "USB Keyboard", "quantity": "1", "rate": "1.00", "godown": "Main Location"]]], "lines[0].godown"),
                ("delivery-notes", ["date": "2026-07-06", "party": "Pune Retail", "lines": [["item": "USB Keyboard", "quantity": "5000", "rate": "1.00"]]], "lines[0].quantity"),
            ]
            for (path, body, field) in bad {
                let r = try await g.f.post(path, body)
                #expect(r.status == .unprocessableEntity, "\(path) \(field): \(r.text)")
                #expect(r.errorFields.contains(field), "\(path): \(r.text)")
            }
            #expect(try await movements() == before)

            // The invoice bills the note's four keyboards without moving them again.
            let noteID = JSONValue.string(note.json["id"]?.stringValue ?? "")
            let invoice = try await g.invoice("sales", "Pune Retail", "2026-07-10", [L("USB Keyboard", "4", "1000.00")], extra: ["notes": [noteID]])
            #expect(invoice.status == .created, "\(invoice.text)")
            #expect(try await summary(g, "2026-07-10")["USB Keyboard"]?.0 == "996")
            #expect(try await g.f.get("delivery-notes/\(note.json["id"]?.stringValue ?? "")").json["invoiceId"]?.stringValue == invoice.json["id"]?.stringValue)
            let twice = try await g.invoice("sales", "Pune Retail", "2026-07-11", [L("USB Keyboard", "4", "1000.00")], extra: ["notes": [noteID]])
            #expect(twice.errorFields == ["notes[0]"], "\(twice.text)")
            #expect(try await g.f.post("delivery-notes/\(note.json["id"]?.stringValue ?? "")/cancel", [:]).status == .conflict)
            #expect(try await g.f.post("sales-orders/\(order.json["id"]?.stringValue ?? "")/cancel", [:]).status == .conflict)

            // Receipt notes the same way: five in on the note, none again on the purchase invoice, and not twice.
            let receipt = try await g.f.post("receipt-notes", ["date": "2026-07-12", "party": "Gujarat Supplies", "lines": [["item": "USB Keyboard", "quantity": "5", "rate": "400.00"]]])
            #expect(receipt.status == .created, "\(receipt.text)")
            let receiptID = JSONValue.string(receipt.json["id"]?.stringValue ?? "")
            #expect(try await summary(g, "2026-07-12")["USB Keyboard"]?.0 == "1001")
            let bill = try await g.invoice("purchase", "Gujarat Supplies", "2026-07-13", [L("USB Keyboard", "5", "400.00")], extra: ["number": "GS-55", "notes": [receiptID]])
            #expect(bill.status == .created, "\(bill.text)")
            #expect(try await summary(g, "2026-07-13")["USB Keyboard"]?.0 == "1001")
            let again = try await g.invoice("purchase", "Gujarat Supplies", "2026-07-14", [L("USB Keyboard", "5", "400.00")], extra: ["number": "GS-56", "notes": [receiptID]])
            #expect(again.errorFields == ["notes[0]"])
            // Cancelling the invoice frees the note for another invoice.
            _ = try await g.f.post("vouchers/\(bill.json["voucherId"]?.stringValue ?? "")/cancel", [:])
            #expect(try await g.f.get("receipt-notes/\(receipt.json["id"]?.stringValue ?? "")").json["invoiceId"] == nil)
            #expect(try await summary(g, "2026-07-14")["USB Keyboard"]?.0 == "1001")
        }
    }
}

extension InventoryTests {
    @Test func an_invoice_bills_an_order_directly() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            let order = try await g.f.post("sales-orders", ["date": "2026-07-01", "party": "Pune Retail", "lines": [["item": "USB Keyboard", "quantity": "10", "rate": "1000.00"]]])
            let orderID = JSONValue.string(order.json["id"]?.stringValue ?? "")
            func pending() async throws -> [String] {
                try await g.f.get("reports/order-outstanding?kind=sales").json["rows"]?.arrayValue.map { $0["pending"]?.stringValue ?? "" } ?? []
            }
            let invoice = try await g.invoice("sales", "Pune Retail", "2026-07-05", [L("USB Keyboard", "4", "1000.00")], extra: ["order": orderID])
            #expect(invoice.status == .created, "\(invoice.text)")
            #expect(try await pending() == ["6"])
            #expect(try await summary(g, "2026-07-05")["USB Keyboard"]?.0 == "996", "the invoice moved the goods itself")
            // More than the order awaits, another party's order, an order with notes, a purchase order on a sale: refused, nothing written.
            let over = try await g.invoice("sales", "Pune Retail", "2026-07-06", [L("USB Keyboard", "7", "1000.00")], extra: ["order": orderID])
            #expect(over.errorFields == ["lines[0].quantity"] && over.text.contains("awaits only 6"), "\(over.text)")
            #expect(try await g.invoice("sales", "Sharma Traders", "2026-07-06", [L("USB Keyboard", "1", "1000.00")], extra: ["order": orderID]).errorFields == ["order"])
            #expect(try await g.invoice("sales", "Pune Retail", "2026-07-06", [L("USB Keyboard", "1", "1000.00")], extra: ["order": orderID, "notes": ["x"]]).errorFields == ["order"])
            #expect(try await g.invoice("purchase", "Pune Retail", "2026-07-06", [L("USB Keyboard", "1", "1000.00")], extra: ["order": orderID, "number": "P-1"]).errorFields == ["order"])
            #expect(try await pending() == ["6"])
            // The order cannot be cancelled while the invoice bills it; cancelling the invoice's voucher frees the quantity.
            #expect(try await g.f.post("sales-orders/\(order.json["id"]?.stringValue ?? "")/cancel", [:]).status == .conflict)
            let voucher = invoice.json["voucherId"]?.stringValue ?? ""
            #expect(try await g.f.post("vouchers/\(voucher)/cancel", ["reason": "wrong party"]).status == .ok)
            #expect(try await pending() == ["10"])
        }
    }
}
