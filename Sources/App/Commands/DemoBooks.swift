import Fluent
import Foundation
import Ledger

/// A year of believable books for the demo company, posted through the same `VoucherPosting` as everything else:
/// customers and suppliers, a bank and cash, rent and salaries, sales and purchases settled bill-wise, and some
/// bills left overdue. Deterministic, so the demo looks the same every time.
enum DemoBooks {
    struct Generator {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func next(_ range: ClosedRange<Int>) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return range.lowerBound + Int((state >> 33) % UInt64(range.count))
        }
    }

    static let towns = ["Pune", "Nashik", "Nagpur", "Thane", "Kolhapur", "Solapur", "Aurangabad", "Satara"]
    static let trades = ["Traders", "Stores", "Enterprises", "Agencies", "Distributors", "Mart", "& Sons", "Suppliers"]
    static let names = ["Sharma", "Patil", "Deshmukh", "Kulkarni", "Joshi", "Shah", "Mehta", "Gupta", "Iyer", "Khan", "Rao", "Jain"]

    static func seed(company: UUID, fyStart: CalendarDate, customers: Int = 150, suppliers: Int = 60, actor: AuditActor,
                     on db: any Database) async throws
    {
        var g = Generator()
        func ledger(_ name: String, _ group: String, billWise: Bool = false, credit: Int? = nil, opening: Int64 = 0) async throws {
            let id = UUID()
            let groupID = try await Chart.group(group, company: company, on: db)!.id
            let row = LedgerRow(id: id, company_id: company, name: name, group_id: groupID, opening_paise: opening, state_code: "27",
                                credit_period_days: credit, bill_wise: billWise, reserved: false, active: true)
            try await Chart.claimName(name, kind: "ledger", entity: id, company: company, field: "name", on: db)
            try await db.sql().insert(into: "ledgers").model(row).run()
        }
        try await ledger("HDFC Bank Current A/c", "Bank Accounts", opening: 25_00_000_00)
        try await ledger("Owner's Capital", "Capital Account", opening: -25_50_000_00)
        try await ledger("Sales - Local", "Sales Accounts")
        try await ledger("Purchases - Local", "Purchase Accounts")
        for expense in ["Shop Rent", "Salaries", "Electricity", "Freight Inward"] { try await ledger(expense, "Indirect Expenses") }
        try await db.sql().raw("UPDATE ledgers SET opening_paise = \(bind: Int64(50_000_00)) WHERE company_id = \(bind: company) AND name = 'Cash'").run()

        var customerNames: [String] = []
        var supplierNames: [String] = []
        for i in 0..<(customers + suppliers) {
            let name = "\(names[i % names.count]) \(trades[(i / names.count) % trades.count]), \(towns[i % towns.count]) \(i + 1)"
            if i < customers {
                customerNames.append(name)
                try await ledger(name, "Sundry Debtors", billWise: true, credit: [15, 30, 45][i % 3])
            } else {
                supplierNames.append(name)
                try await ledger(name, "Sundry Creditors", billWise: true, credit: 30)
            }
        }

        func entry(_ ledger: String, debit: Int64? = nil, credit: Int64? = nil, bills: [BillInput]? = nil) -> VoucherRequest.Entry {
            .init(ledger: ledger, debit: debit.map { Money(paise: $0).description }, credit: credit.map { Money(paise: $0).description }, bills: bills)
        }
        var requests: [VoucherRequest] = []
        func post(_ type: String, _ date: CalendarDate, _ entries: [VoucherRequest.Entry], narration: String) async throws {
            requests.append(VoucherRequest(type: type, date: date.description, number: nil, narration: narration, reference: nil, entries: entries))
        }
        let today = Format.today()
        var open: [(party: String, reference: String, amount: Int64, date: CalendarDate, payAfter: Int)] = []
        var day = fyStart
        var invoice = 0, purchase = 0
        var payable: [(party: String, reference: String, amount: Int64, date: CalendarDate)] = []
        while day <= today, day < fyStart.adding(years: 1) {
            if day.day == 1 {
                try await post("payment", day, [entry("Shop Rent", debit: 45_000_00), entry("HDFC Bank Current A/c", credit: 45_000_00)], narration: "Rent for the month")
                try await post("payment", day, [entry("Salaries", debit: 1_20_000_00), entry("HDFC Bank Current A/c", credit: 1_20_000_00)], narration: "Salaries")
            }
            for _ in 0..<g.next(1...4) {
                invoice += 1
                let party = customerNames[g.next(0...(customerNames.count - 1))]
                let amount = Int64(g.next(20...900)) * 100_00 + Int64(g.next(0...99))
                let reference = "S-\(invoice)"
                try await post("sales", day, [entry(party, debit: amount, bills: [BillInput(type: .new, reference: reference, amount: Money(paise: amount).description)]),
                                              entry("Sales - Local", credit: amount)], narration: "Goods sold")
                // About one bill in eight is never paid in the demo year and ends up overdue.
                open.append((party, reference, amount, day, g.next(0...7) == 0 ? Int.max : g.next(10...60)))
            }
            if g.next(0...2) == 0 {
                purchase += 1
                let party = supplierNames[g.next(0...(supplierNames.count - 1))]
                let amount = Int64(g.next(50...1_500)) * 100_00
                try await post("purchase", day, [entry("Purchases - Local", debit: amount),
                                                 entry(party, credit: amount, bills: [BillInput(type: .new, reference: "P-\(purchase)", amount: Money(paise: amount).description)])],
                               narration: "Goods bought")
                payable.append((party, "P-\(purchase)", amount, day))
            }
            // Suppliers are paid about 40 days after their bill.
            while let first = payable.first, day - first.date >= 40 {
                try await post("payment", day, [entry(first.party, debit: first.amount, bills: [BillInput(type: .against, reference: first.reference, amount: Money(paise: first.amount).description)]),
                                                entry("HDFC Bank Current A/c", credit: first.amount)], narration: "Paid supplier")
                payable.removeFirst()
            }
            // Customers pay 10 to 60 days after the bill.
            var settled: [Int] = []
            for (i, bill) in open.enumerated() where day - bill.date > bill.payAfter {
                try await post("receipt", day, [entry("HDFC Bank Current A/c", debit: bill.amount),
                                                entry(bill.party, credit: bill.amount, bills: [BillInput(type: .against, reference: bill.reference, amount: Money(paise: bill.amount).description)])],
                               narration: "Payment received")
                settled.append(i)
                if settled.count >= 4 { break }
            }
            for i in settled.reversed() { open.remove(at: i) }
            day = day.nextDay
        }
        // One bulk post: the same checks as any voucher, a few statements per thousand.
        _ = try await VoucherPosting.postMany(requests, company: company, actor: actor, on: db)
    }
}
