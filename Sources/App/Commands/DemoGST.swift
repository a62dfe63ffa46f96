import Fluent
import Foundation
import GSTKit
import Ledger

/// The demo company's GST year: its registration with an address, items with HSN codes (one moved from 12% to 5%
/// on 22 September 2025's pattern), customers in and out of state, walk-in sales, purchases with input credit and
/// a few credit notes, all through `InvoicePosting` so the returns page shows real returns.
enum DemoGST {
    static func seed(company: Company, fyStart: CalendarDate, actor: AuditActor, on db: any Database) async throws {
        let companyID = try company.requireID()
        _ = try await Registrations.create(RegistrationRequest(gstin: company.gstin ?? "27AAPFU0939F1ZV", kind: "regular", legalName: company.name,
                                                               address: "14 Laxmi Road", place: "Pune", pincode: "411030"),
                                           company: companyID, actor: actor, on: db)
        let context = CompanyContext(companyID: companyID, userID: actor.userID ?? UUID(), role: .owner)
        for (name, hsn, unit, rate) in [
            ("Basmati Rice 25 kg", "100630", "BAG", "5"), ("Sunflower Oil 15 L", "151211", "CAN", "5"), ("Steel Tumbler", "732393", "NOS", "18"),
            ("Pressure Cooker 5 L", "761510", "NOS", "18"), ("Mixer Grinder", "850940", "NOS", "18"), ("Cotton Towel", "630260", "PCS", "5"),
            ("Fresh Milk", "040110", "LTR", "0"), ("Delivery Charges", "996813", "NA", "18"),
        ] {
            // Goods start the year with stock in the main godown, so the year's sales never run out.
            let body = ItemRequest(name: name, hsn: hsn, unit: unit, gstRate: rate, rateFrom: fyStart.description,
                                   taxability: rate == "0" ? .nilRated : .taxable,
                                   openingStock: unit == "NA" ? nil : [.init(quantity: "5000", rate: "100.00")])
            _ = try await ItemController.insert(body, context: context, actor: actor, on: db)
        }
        let parties: [(String, String, String?, String?, String)] = [
            ("Kaveri Stores, Bengaluru", "Sundry Debtors", "29AABCR1718E1ZL", nil, "Bengaluru"),
            ("Sabarmati Retail, Ahmedabad", "Sundry Debtors", "24AAQCA8719H1ZC", nil, "Ahmedabad"),
            ("Marina Traders, Chennai", "Sundry Debtors", "33AAAAR6720M1ZG", nil, "Chennai"),
            ("Deccan Home Needs, Pune", "Sundry Debtors", "27AAJCS5738D1Z6", nil, "Pune"),
            ("Ravi Patel, Surat", "Sundry Debtors", nil, "24", "Surat"),
            ("Gurgaon Appliances", "Sundry Creditors", "06AAMCS8709B1ZA", nil, "Gurugram"),
            ("Haridwar Steel Works", "Sundry Creditors", "05AAACG2115R1ZN", nil, "Haridwar"),
        ]
        for (name, group, gstin, state, place) in parties {
            let body = LedgerRequest(name: name, group: group, gstin: gstin, registrationType: gstin == nil ? .unregistered : .regular,
                                     stateCode: state ?? gstin.map { String($0.prefix(2)) }, address: "Shop 3, Main Road", place: place,
                                     pincode: ["Bengaluru": "560001", "Ahmedabad": "380001", "Chennai": "600001", "Pune": "411001", "Surat": "395003",
                                               "Gurugram": "122001", "Haridwar": "249401"][place], billWise: true, creditPeriodDays: 30)
            _ = try await ChartController.createLedger(body, company: companyID, actor: actor, on: db)
        }
        let items = ["Basmati Rice 25 kg", "Sunflower Oil 15 L", "Steel Tumbler", "Pressure Cooker 5 L", "Mixer Grinder", "Cotton Towel", "Fresh Milk"]
        var g = DemoBooks.Generator(state: 0x1234_5678_9ABC)
        let today = Format.today()
        var day = fyStart
        var sales: [(String, String)] = []
        var advance: String?
        func line(_ item: String, _ qty: Int, _ price: Int) -> InvoiceRequest.Line {
            .init(item: item, quantity: String(qty), rate: "\(price).00")
        }
        while day < today, day < fyStart.adding(years: 1) {
            defer { day = day.adding(days: 2) }
            let customer = parties[g.next(0...4)].0
            let lines = (0..<g.next(1...3)).map { _ in line(items[g.next(0...(items.count - 1))], g.next(1...20), g.next(50...4_000)) }
            let sale = try await InvoicePosting.post(InvoiceRequest(kind: .sales, party: customer, date: day.description, roundOff: true, lines: lines),
                                                     company: company, actor: actor, on: db)
            sales.append((sale.number, customer))
            // A walk-in cash sale most days, intra-state.
            _ = try await InvoicePosting.post(InvoiceRequest(kind: .sales, party: "Cash", date: day.description, roundOff: true,
                                                             lines: [line(items[g.next(0...(items.count - 1))], g.next(1...5), g.next(50...900))]),
                                              company: company, actor: actor, on: db)
            if g.next(0...5) == 0 {
                let supplier = parties[g.next(5...6)].0
                _ = try await InvoicePosting.post(InvoiceRequest(kind: .purchase, party: supplier, date: day.description, number: "SUP-\(day.dayNumber)",
                                                                 lines: [line(items[g.next(2...4)], g.next(10...40), g.next(200...1_500))]),
                                                  company: company, actor: actor, on: db)
            }
            // Each month Kaveri Stores pays for delivery in advance; the advance is adjusted mid-month (GSTR-1 at/txpd).
            if day.day <= 2 {
                advance = try await InvoicePosting.post(InvoiceRequest(kind: .advanceReceipt, party: "Kaveri Stores, Bengaluru", date: day.description,
                                                                       account: "Cash", lines: [line("Delivery Charges", 1, 2_000)]),
                                                        company: company, actor: actor, on: db).number
            } else if (15...16).contains(day.day), let number = advance {
                _ = try await InvoicePosting.post(InvoiceRequest(kind: .advanceAdjustment, party: "Kaveri Stores, Bengaluru", date: day.description,
                                                                 originalInvoice: number, lines: [line("Delivery Charges", 1, 2_000)]),
                                                  company: company, actor: actor, on: db)
                advance = nil
            }
            if g.next(0...14) == 0, let (number, customer) = sales.last {
                // Goods returned: one unit of the first line.
                let original = try await InvoiceController.load(number, company: companyID, on: db)
                let first = original.lines[0]
                _ = try await InvoicePosting.post(InvoiceRequest(kind: .creditNote, party: customer, date: day.description, originalInvoice: number,
                                                                 lines: [.init(item: first.item, quantity: "1", rate: first.rate)]),
                                                  company: company, actor: actor, on: db)
            }
        }
    }
}
