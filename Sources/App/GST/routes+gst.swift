import Vapor

/// Items, registrations, invoices and returns, under `/api/v1/companies/{companyID}`.
func registerGSTRoutes(_ company: any RoutesBuilder) {
    do {  // Registrations and items
        company.on(.GET, "gst", "registrations", api: .init(summary: "GST registrations", tag: "GST", access: .company(.mastersView),
                                                            response: Page<RegistrationDTO>.schema(RegistrationDTO.schema)),
                   use: Registrations.list)
        company.on(.POST, "gst", "registrations", api: .init(summary: "Add a GST registration (one per state)", tag: "GST",
                                                             access: .company(.settingsEdit), request: RegistrationRequest.schema,
                                                             response: RegistrationDTO.schema, status: .created),
                   use: Registrations.add)
        company.on(.PATCH, "gst", "registrations", ":gstin", api: .init(summary: "Change a registration's turnover band, LUT, address or ledgers",
                                                                        tag: "GST", access: .company(.settingsEdit), request: RegistrationChange.schema,
                                                                        response: RegistrationDTO.schema),
                   use: Registrations.update)
        company.on(.GET, "items", api: .init(summary: "Items and services", tag: "GST", access: .company(.mastersView),
                                             response: Page<ItemDTO>.schema(ItemDTO.schema)),
                   use: ItemController.list)
        company.on(.POST, "items", api: .init(summary: "Create an item or service", tag: "GST", access: .company(.mastersEdit),
                                              request: ItemRequest.createSchema, response: ItemDTO.schema, status: .created),
                   use: ItemController.create)
        company.on(.GET, "items", ":item", api: .init(summary: "An item, by id or name", tag: "GST", access: .company(.mastersView),
                                                      response: ItemDTO.schema),
                   use: ItemController.show)
        company.on(.PATCH, "items", ":item", api: .init(summary: "Change an item; a new GST rate joins its history from rateFrom", tag: "GST",
                                                        access: .company(.mastersEdit), request: ItemRequest.schema, response: ItemDTO.schema),
                   use: ItemController.update)
    }
    do {  // Invoices
        company.on(.POST, "invoices", api: .init(summary: "Create a sales or purchase invoice, credit or debit note (posts its voucher)", tag: "GST",
                                                 access: .company(.vouchersCreate), request: InvoiceRequest.schema,
                                                 response: InvoiceDTO.schema, status: .created),
                   use: InvoiceController.create)
        company.on(.GET, "invoices", api: .init(summary: "Invoices and notes, newest first", tag: "GST", access: .company(.vouchersView),
                                                response: Page<InvoiceDTO>.schema(InvoiceDTO.schema), query: [
                                                    .init(name: "kind", schema: .oneOf(InvoiceKind.self), description: "Only this kind"),
                                                    .init(name: "from", schema: .date, description: "First date"),
                                                    .init(name: "to", schema: .date, description: "Last date"),
                                                    .init(name: "limit", schema: .integer(minimum: 1, maximum: 500), description: "Page size"),
                                                    .init(name: "cursor", schema: .string(), description: "nextCursor of the previous page"),
                                                ]),
                   use: InvoiceController.list)
        company.on(.GET, "invoices", ":invoiceID", api: .init(summary: "An invoice with its computed lines and totals", tag: "GST",
                                                              access: .company(.vouchersView), response: InvoiceDTO.schema),
                   use: InvoiceController.show)
        company.on(.POST, "invoices", ":invoiceID", "payment-voucher", api: .init(summary: "Pay a reverse-charge supplier with a payment voucher (Rule 52)",
                                                                                  tag: "GST", access: .company(.vouchersCreate),
                                                                                  request: PaymentVoucherRequest.schema, response: VoucherDTO.schema,
                                                                                  status: .created),
                   use: PaymentVouchers.create)
        company.on(.PUT, "invoices", ":invoiceID", "shipping-bill", api: .init(summary: "Record or correct an export invoice's shipping bill (audited)",
                                                                              tag: "GST", access: .company(.vouchersAmend),
                                                                              request: ShippingBillDTO.schema, response: InvoiceDTO.schema),
                   use: ShippingBills.put)
        company.on(.GET, "invoices", ":invoiceID", "einvoice", api: .init(summary: "E-invoice (INV-01 v1.1) JSON, checked against the IRP's rules",
                                                                          tag: "GST", access: .company(.gstExport)),
                   use: EDocuments.einvoice)
        company.on(.GET, "invoices", ":invoiceID", "ewaybill", api: .init(summary: "E-way bill JSON (Part A; transport details optional)", tag: "GST",
                                                                          access: .company(.gstExport), query: [
                                                                              .init(name: "distance", schema: .integer(minimum: 0, maximum: 4_000), description: "Km; 0 lets the portal compute it"),
                                                                              .init(name: "transMode", schema: .integer(minimum: 1, maximum: 5), description: "1 road … 5 in transit"),
                                                                              .init(name: "vehicleNo", schema: .string(), description: "Vehicle number"),
                                                                          ]),
                   use: EDocuments.ewaybill)
    }
    do {  // Returns
        let query: [APIRoute.QueryParameter] = [
            .init(name: "gstin", schema: .string(), description: "Registration (default: the company's only one)"),
            .init(name: "period", schema: .string(), description: "Month as YYYY-MM"),
        ]
        company.on(.GET, "gst", "gstr1", api: .init(summary: "GSTR-1 in the portal's offline-tool JSON (a QRMP registration's quarter)", tag: "GST",
                                                    access: .company(.gstExport), query: query + [
                                                        .init(name: "iff", schema: .string(), description: "QRMP: months already furnished through IFF, e.g. 2026-04,2026-05"),
                                                    ]),
                   use: GSTReturns.gstr1)
        company.on(.GET, "gst", "iff", api: .init(summary: "IFF (QRMP months one and two): B2B invoices and notes in GSTR-1's JSON", tag: "GST",
                                                  access: .company(.gstExport), query: query),
                   use: GSTReturns.iff)
        company.on(.GET, "gst", "gstr1", "validation", api: .init(summary: "Invoices the portal would reject, and why", tag: "GST",
                                                                  access: .company(.gstExport), response: GSTReturns.ValidationDTO.schema,
                                                                  query: query),
                   use: GSTReturns.gstr1Validation)
        company.on(.GET, "gst", "gstr3b", api: .init(summary: "GSTR-3B tables in the GSP API JSON", tag: "GST",
                                                     access: .company(.gstExport), query: query),
                   use: GSTReturns.gstr3b)
        company.on(.GET, "gst", "tie-out", api: .init(summary: "GSTR-1 vs GSTR-3B vs the tax ledgers, per tax head", tag: "GST",
                                                      access: .company(.gstExport), response: GSTReports.TieOutDTO.schema, query: query),
                   use: GSTReports.tieOut)
        company.on(.GET, "gst", "registers", api: .init(summary: "Sales or purchase register for a month", tag: "GST", access: .company(.gstExport),
                                                        response: GSTReports.RegisterDTO.schema,
                                                        query: query + [.init(name: "kind", schema: .string(.init(allowed: ["sales", "purchase"])),
                                                                              description: "sales or purchase")]),
                   use: GSTReports.register)
        company.on(.GET, "gst", "hsn-summary", api: .init(summary: "HSN summary (GSTR-1 Table 12)", tag: "GST", access: .company(.gstExport),
                                                          query: query),
                   use: GSTReports.hsnSummary)
        company.on(.GET, "gst", "gstr3b", "sources", api: .init(summary: "The invoices behind every GSTR-3B figure", tag: "GST",
                                                                access: .company(.gstExport), response: GSTReturns.SourcesDTO.schema, query: query),
                   use: GSTReturns.gstr3bSources)
    }
}
