import Fluent
import Foundation
import GSTKit
import Ledger

/// The demo company's inventory: a second godown, batch-wise ghee with expiry dates (one batch close to expiry,
/// so the bell has something to say), a reorder level, a transfer between godowns, a production run from a
/// bill of materials, regular ghee sales that take the batch expiring first, and a physical count.
enum DemoStock {
    static func seed(company: Company, fyStart: CalendarDate, actor: AuditActor, on db: any Database) async throws {
        let companyID = try company.requireID()
        let context = CompanyContext(companyID: companyID, userID: actor.userID ?? UUID(), role: .owner)
        let today = Format.today()
        _ = try await NestedMaster.godowns.create(NestedRequest(name: "Pune Warehouse", parent: nil), company: companyID, actor: actor, on: db)
        _ = try await NestedMaster.stockGroups.create(NestedRequest(name: "Dairy", parent: nil), company: companyID, actor: actor, on: db)
        _ = try await ItemController.insert(ItemRequest(
            name: "Ghee 1 L", hsn: "040590", unit: "LTR", gstRate: "12", rateFrom: fyStart.description, batchWise: true, trackExpiry: true,
            valuationMethod: .fifo, reorderLevel: "20", minimumOrderQuantity: "50", stockGroup: "Dairy",
            openingStock: [.init(godown: Godowns.main, batch: "G-101", quantity: "120", rate: "450.00", expiryDate: fyStart.adding(days: 400).description),
                           .init(godown: "Pune Warehouse", batch: "G-102", quantity: "60", rate: "470.00", expiryDate: today.adding(days: 20).description)]),
            context: context, actor: actor, on: db)
        _ = try await ItemController.insert(ItemRequest(
            name: "Gift Hamper", hsn: "630790", unit: "NOS", gstRate: "12", rateFrom: fyStart.description,
            billOfMaterials: [.init(item: "Ghee 1 L", quantity: "1"), .init(item: "Cotton Towel", quantity: "2"), .init(item: "Steel Tumbler", quantity: "2")]),
            context: context, actor: actor, on: db)
        let transferDay = min(fyStart.adding(days: 30), today)
        _ = try await StockJournals.post(StockJournalRequest(date: transferDay.description, kind: .transfer, narration: "Stock for the shop", lines: [
            .init(item: "Ghee 1 L", quantity: "20", batch: "G-102", fromGodown: "Pune Warehouse", toGodown: Godowns.main),
        ]), company: company, actor: actor, on: db)
        _ = try await StockJournals.post(StockJournalRequest(date: transferDay.description, kind: .production, narration: "Diwali hampers", lines: [
            .init(item: "Gift Hamper", quantity: "10"),
        ]), company: company, actor: actor, on: db)
        var day = fyStart.adding(days: 5)
        while day < today {
            defer { day = day.adding(days: 10) }
            _ = try await InvoicePosting.post(InvoiceRequest(kind: .sales, party: "Cash", date: day.description, roundOff: true,
                                                             lines: [.init(item: "Ghee 1 L", quantity: "3", rate: "560.00")]),
                                              company: company, actor: actor, on: db)
        }
        // A count in the warehouse finds two litres fewer than the books.
        let left = try await Stock.available(item: try await Items.find("Ghee 1 L", company: companyID, on: db)!.id,
                                             godown: try await Godowns.find("Pune Warehouse", company: companyID, on: db)!.id,
                                             batch: try await Batches.find(item: try await Items.find("Ghee 1 L", company: companyID, on: db)!.id, name: "G-102", on: db)?.id,
                                             on: today, db: db)
        if left >= 2_000 {
            _ = try await PhysicalStock.post(PhysicalStockRequest(date: today.description, godown: "Pune Warehouse", narration: nil, lines: [
                .init(item: "Ghee 1 L", batch: "G-102", counted: Quantity(thousandths: left - 2_000).description),
            ]), company: company, actor: actor, on: db)
        }
    }
}
