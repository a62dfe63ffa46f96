import Vapor

/// Godowns, stock journals and stock reports, under `/api/v1/companies/{companyID}`.
func registerInventoryRoutes(_ company: any RoutesBuilder) {
    for (master, path, what) in [(NestedMaster.godowns, "godowns", "Godowns (every company has Main Location)"),
                                 (NestedMaster.stockGroups, "stock-groups", "Stock groups")] {
        company.on(.GET, .constant(path), api: .init(summary: what, tag: "Inventory", access: .company(.inventoryView),
                                                     response: Page<NestedDTO>.schema(NestedDTO.schema)),
                   use: { req in try await master.list(req: req) })
        company.on(.POST, .constant(path), api: .init(summary: "Create one of the \(what.lowercased()), optionally inside another", tag: "Inventory",
                                                      access: .company(.inventoryEdit), request: NestedRequest.schema, response: NestedDTO.schema,
                                                      status: .created),
                   use: { req in try await master.create(req: req) })
        company.on(.PATCH, .constant(path), ":id", api: .init(summary: "Rename or move one of the \(what.lowercased()): the name and parent it should have",
                                                              tag: "Inventory", access: .company(.inventoryEdit), request: NestedRequest.schema,
                                                              response: NestedDTO.schema),
                   use: { req in try await master.update(req: req) })
    }
    company.on(.GET, "units", api: .init(summary: "Units: simple (a UQC) and compound (a number of a base unit)", tag: "Inventory",
                                         access: .company(.mastersView), response: Page<UnitDTO>.schema(UnitDTO.schema)),
               use: Units.list)
    company.on(.POST, "units", api: .init(summary: "Create a unit", tag: "Inventory", access: .company(.mastersEdit), request: UnitRequest.schema,
                                          response: UnitDTO.schema, status: .created),
               use: Units.create)
    company.on(.POST, "stock-journals", api: .init(summary: "Transfer, consumption or adjustment of stock", tag: "Inventory",
                                                   access: .company(.inventoryEdit), request: StockJournalRequest.schema,
                                                   response: StockJournalDTO.schema, status: .created),
               use: StockJournalController.create)
    company.on(.POST, "physical-stock", api: .init(summary: "Post a physical count: differences from the books become a verification journal",
                                                   tag: "Inventory", access: .company(.inventoryEdit), request: PhysicalStockRequest.schema,
                                                   response: StockJournalDTO.schema, status: .created),
               use: PhysicalStock.create)
    company.on(.GET, "stock-journals", ":journalID", api: .init(summary: "A stock journal with its lines' values", tag: "Inventory",
                                                                access: .company(.inventoryView), response: StockJournalDTO.schema),
               use: StockJournalController.show)
    company.on(.POST, "stock-journals", ":journalID", "cancel", api: .init(summary: "Cancel a stock journal (its movements leave stock)",
                                                                           tag: "Inventory", access: .company(.inventoryEdit),
                                                                           response: StockJournalDTO.schema),
               use: StockJournalController.cancel)
    company.on(.GET, "reports", "stock-summary", api: .init(summary: "Quantity, rate and value per item, stock group, or item and godown", tag: "Inventory",
                                                            access: .company(.inventoryView), response: StockSummaryDTO.schema, query: [
                                                                .init(name: "asOf", schema: .date, description: "End of this day (default today)"),
                                                                .init(name: "by", schema: .string(.init(allowed: ["item", "group", "godown"])), description: "item (default), group or godown"),
                                                            ]),
               use: StockReports.summary)
    company.on(.GET, "reports", "stock-ledger", api: .init(summary: "An item's movements with values and running balance", tag: "Inventory",
                                                           access: .company(.inventoryView), response: StockLedgerDTO.schema, query: [
                                                               .init(name: "item", schema: .string(), description: "Item name or id"),
                                                               .init(name: "from", schema: .date, description: "First day (default: financial year start)"),
                                                               .init(name: "to", schema: .date, description: "Last day (default: today)"),
                                                           ]),
               use: StockReports.ledger)
    company.on(.GET, "reports", "batches", api: .init(summary: "Batch-wise stock with expiry status", tag: "Inventory", access: .company(.inventoryView),
                                                      response: StockReports.BatchesDTO.schema, query: [
                                                          .init(name: "asOf", schema: .date, description: "End of this day (default today)"),
                                                          .init(name: "expiringWithinDays", schema: .integer(minimum: 0, maximum: 3650),
                                                                description: "Window for 'expiring' (default: the company's alert days)"),
                                                      ]),
               use: StockReports.batches)
    company.on(.GET, "reports", "stock-ageing", api: .init(summary: "Stock on hand by the age of the receipts it came from (FIFO)", tag: "Inventory",
                                                           access: .company(.inventoryView), response: StockAgeingDTO.schema, query: [
                                                               .init(name: "asOf", schema: .date, description: "End of this day (default today)"),
                                                           ]),
               use: StockAgeing.report)
    company.on(.GET, "reports", "reorder", api: .init(summary: "Items at or below their reorder level, with a suggested order", tag: "Inventory",
                                                      access: .company(.inventoryView), response: StockReports.ReorderDTO.schema),
               use: StockReports.reorder)
    company.on(.GET, "notifications", api: .init(summary: "The company's notifications, newest first", tag: "Notifications",
                                                 access: .company(.companyView), response: Page<NotificationDTO>.schema(NotificationDTO.schema), query: [
                                                     .init(name: "unread", schema: .boolean, description: "Only unread ones"),
                                                 ]),
               use: NotificationController.list)
    company.on(.POST, "notifications", ":notificationID", "read", api: .init(summary: "Mark a notification read", tag: "Notifications",
                                                                             access: .company(.companyView), response: NotificationDTO.schema),
               use: NotificationController.markRead)
    for kind in TradeKind.allCases {
        let path = PathComponent.constant(kind.path)
        company.on(.POST, path, api: .init(summary: "Create a \(kind.title)", tag: "Orders", access: .company(.vouchersCreate),
                                           request: TradeRequest.schema, response: TradeDTO.schema, status: .created),
                   use: TradeController.create(kind))
        company.on(.GET, path, api: .init(summary: "\(kind.title.capitalized)s, newest first", tag: "Orders", access: .company(.vouchersView),
                                          response: Page<TradeDTO>.schema(TradeDTO.schema)),
                   use: TradeController.list(kind))
        company.on(.GET, path, ":documentID", api: .init(summary: "A \(kind.title) with its lines (orders: what is pending)", tag: "Orders",
                                                         access: .company(.vouchersView), response: TradeDTO.schema),
                   use: TradeController.show(kind))
        company.on(.POST, path, ":documentID", "cancel", api: .init(summary: "Cancel a \(kind.title)", tag: "Orders", access: .company(.vouchersCreate),
                                                                    response: TradeDTO.schema),
                   use: TradeController.cancel(kind))
    }
    company.on(.POST, "job-work", "challans", api: .init(summary: "Send goods to a job worker, or receive them back (no stock moves)", tag: "Inventory",
                                                         access: .company(.vouchersCreate), request: JobWorkRequest.schema,
                                                         response: JobWorkDTO.schema, status: .created),
               use: JobWorkController.create)
    company.on(.GET, "job-work", "challans", api: .init(summary: "Job work challans, newest first", tag: "Inventory", access: .company(.vouchersView),
                                                        response: Page<JobWorkDTO>.schema(JobWorkDTO.schema)),
               use: JobWorkController.list)
    company.on(.GET, "job-work", "challans", ":challanID", api: .init(summary: "A job work challan", tag: "Inventory",
                                                                     access: .company(.vouchersView), response: JobWorkDTO.schema),
               use: JobWorkController.show)
    company.on(.POST, "job-work", "challans", ":challanID", "cancel", api: .init(summary: "Cancel a job work challan", tag: "Inventory",
                                                                                 access: .company(.vouchersCreate), response: JobWorkDTO.schema),
               use: JobWorkController.cancel)
    company.on(.GET, "job-work", "challans", ":challanID", "ewaybill", api: .init(summary: "E-way bill JSON for a job work challan (CHL, sub-type 4 or 6)",
                                                                                  tag: "Inventory", access: .company(.gstExport), query: [
                                                                                      .init(name: "voluntary", schema: .boolean, description: "Make one below the threshold"),
                                                                                  ]),
               use: JobWorkController.ewaybill)
    company.on(.GET, "reports", "order-outstanding", api: .init(summary: "Order lines still to deliver or receive", tag: "Orders",
                                                                access: .company(.vouchersView), response: TradeController.OutstandingDTO.schema, query: [
                                                                    .init(name: "kind", schema: .string(.init(allowed: ["sales", "purchase"])), description: "sales (default) or purchase"),
                                                                ]),
               use: TradeController.outstanding)
}
