@testable import App
import Foundation
import Ledger
import SQLKit
import Testing
import Vapor

/// Edge values into every money, quantity, rate and date field of every write route, and into every date query
/// parameter, taken from the same route declarations `/openapi.json` is generated from. A trap would end this test
/// process, so finishing is itself the "server still alive" check; every answer must be a 4xx (or, for values
/// that happen to be valid, a success), never a 5xx.
@Suite struct EdgeValueTests {
    /// Field names that carry an amount, a quantity or a rate as a decimal string.
    static let figureFields: Set<String> = [
        "debit", "credit", "amount", "rate", "quantity", "discount", "gstRate", "cessRate", "reorderLevel",
        "minimumOrderQuantity", "creditLimit", "counted", "conversion",
    ]
    /// Values no figure field may accept.
    static let badFigures = ["99999999999999999999", "9223372036854775807", "-9223372036854775808", "123456789012345678",
                             "10000000000000.01", "1e309", "", " 1", "1.234.5", "-0.001"]
    /// Values a figure field may accept or refuse, but must not fail on.
    static let oddFigures = ["-1", "0", "10000000000000", "0.01", "999999999999.999"]
    static let badDates = ["0001-01-01", "9999-12-31", "2025-02-30", "2026-02-29", "1899-12-31", "2200-01-01", "", "20250401", "2026-13-01"]
    static let oddDates = ["1900-01-01", "2199-12-31"]
    static let badIntegers: [JSONValue] = [.int(.max), .int(.min), .int(-1), .string("12")]

    @Test func every_figure_and_date_field_of_every_write_route_answers_4xx_to_edge_values() async throws {
        try await withApp { app in
            let world = try await EdgeWorld.make(app)
            var sent = 0
            for route in app.routes.all {
                guard let api = route.api, !api.page, [.POST, .PATCH, .PUT].contains(route.method), let schema = api.request else { continue }
                let path = world.path(route)
                let base = world.seeds["\(route.method) \(world.suffix(route))"] ?? Sample.value(schema)
                for field in Sample.leaves(base) {
                    let name = field.last.flatMap { if case .key(let k) = $0 { k } else { nil } } ?? ""
                    let cases: [(JSONValue, Bool)]
                    if Self.figureFields.contains(name) {
                        cases = Self.badFigures.map { (.string($0), true) } + Self.oddFigures.map { (.string($0), false) }
                    } else if Sample.isDateField(name) {
                        cases = Self.badDates.map { (.string($0), true) } + Self.oddDates.map { (.string($0), false) }
                    } else if case .int = Sample.get(base, field) {
                        cases = Self.badIntegers.map { ($0, false) }
                    } else { continue }
                    for (value, mustRefuse) in cases {
                        let body = Sample.set(base, field, value)
                        let r = try await world.client.send(route.method, path, token: world.owner.accessToken, json: body)
                        sent += 1
                        #expect(r.status.code < 500, "\(route.method) \(path) \(Sample.describe(field)) = \(value.canonical) answered \(r.status.code): \(r.text.prefix(300))")
                        if mustRefuse {
                            #expect((400..<500).contains(r.status.code),
                                    "\(route.method) \(path) \(Sample.describe(field)) = \(value.canonical) was accepted (\(r.status.code))")
                        }
                    }
                }
            }
            #expect(sent > 1_000, "only \(sent) edge requests were sent")
            // Still serving, and nothing half-written: the books invariant runs after the test as always.
            #expect(try await world.client.send(.GET, "/health").status == .ok)
        }
    }

    @Test func every_date_query_parameter_answers_4xx_to_edge_dates_and_serves_the_ends_of_the_range() async throws {
        try await withApp { app in
            let world = try await EdgeWorld.make(app)
            var checked = 0
            for route in app.routes.all where route.method == .GET {
                guard let api = route.api, !api.page else { continue }
                for parameter in api.query where Sample.isDate(parameter.schema) {
                    for value in Self.badDates + Self.oddDates {
                        let query = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-"])) ?? value
                        // Other parameters a report needs (which ledger, which item) get real values.
                        let others = api.query.filter { $0.name != parameter.name }.compactMap { p in world.ids[p.name].map { "&\(p.name)=\($0)" } }
                        let path = world.path(route) + "?\(parameter.name)=\(query)" + others.joined()
                        let r = try await world.client.send(.GET, path, token: world.owner.accessToken)
                        checked += 1
                        #expect(r.status.code < 500, "GET \(path) answered \(r.status.code): \(r.text.prefix(300))")
                        if Self.badDates.contains(value) {
                            #expect(r.status == .unprocessableEntity, "GET \(path) answered \(r.status.code)")
                            #expect(r.errorFields.contains(parameter.name), "GET \(path) did not name \(parameter.name): \(r.text.prefix(200))")
                        }
                    }
                }
            }
            #expect(checked >= 100, "only \(checked) date parameters were tried")
        }
    }

    @Test func totals_that_overflow_are_refused_by_field_and_write_nothing() async throws {
        try await withApp { app in
            let world = try await EdgeWorld.make(app)
            let g = world.gst
            func count(_ table: String) async throws -> Int64 {
                struct N: Decodable { var n: Int64 }
                return try await app.db.sql().raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(decoding: N.self)?.n ?? -1
            }
            let before = try await (count("vouchers"), count("voucher_entries"), count("stock_movements"))
            let max = Money.limit.description
            // Every line passes alone; ten debits at the limit do not add up within it.
            let lines = Array(repeating: BooksFixture.entry("Rent", dr: max), count: 10) + Array(repeating: BooksFixture.entry("Sharma Traders", cr: max), count: 10)
            let journal = try await g.f.voucher("journal", "2026-05-01", lines)
            #expect(journal.status == .unprocessableEntity)
            #expect(journal.errorFields == ["entries"], "\(journal.text)")
            // Quantity × rate past the limit on an invoice line, a stock journal and opening stock.
            let sale = try await g.invoice("sales", "Pune Retail", "2026-05-01", [GSTFixture.line("USB Keyboard", "999999999999", "10000000000000")])
            #expect(sale.status == .unprocessableEntity)
            #expect(sale.errorFields == ["lines[0].quantity"], "\(sale.text)")
            let two = try await g.invoice("sales", "Pune Retail", "2026-05-01", Array(repeating: GSTFixture.line("Road Freight", "1", "9000000000000"), count: 2))
            #expect(two.status == .unprocessableEntity)
            #expect(two.errorFields == ["lines"], "\(two.text)")
            let journalIn = try await g.f.post("stock-journals", ["kind": "adjustment", "date": "2026-05-01",
                                                                   "lines": [["item": "USB Keyboard", "quantity": "999999999999", "toGodown": "Main Location", "rate": "10000000000000"]]])
            #expect(journalIn.status == .unprocessableEntity, "\(journalIn.text)")
            let item = try await g.f.post("items", ["name": "Huge", "hsn": "847160", "unit": "NOS", "gstRate": "18",
                                                    "openingStock": [["quantity": "999999999999", "rate": "10000000000000"]]])
            #expect(item.status == .unprocessableEntity, "\(item.text)")
            // Ten thousand bill allocations, each within the limit, on one bill-wise line: their sum is past Int64 itself.
            let bills: [JSONValue] = (0..<10_000).map { i in ["type": "new", "reference": .string("R\(i)"), "amount": .string(max)] }
            let many = try await g.f.voucher("receipt", "2026-05-01", [
                BooksFixture.entry("HDFC Bank", dr: max),
                .object(["ledger": "Sharma Traders", "credit": .string(max), "bills": .array(bills)]),
            ])
            #expect(many.status == .unprocessableEntity, "\(many.status)")
            #expect(many.errorFields.contains("entries[1].bills"), "\(many.errorFields)")
            let after = try await (count("vouchers"), count("voucher_entries"), count("stock_movements"))
            #expect(before == after, "a refused request wrote rows")
        }
    }
}

/// A company with books, GST parties, items and stock, so edge values reach the arithmetic behind the checks.
struct EdgeWorld {
    let gst: GSTFixture
    var client: TestClient { gst.f.client }
    var owner: TestClient.Session { gst.f.owner }
    let ids: [String: String]
    let seeds: [String: JSONValue]

    static func make(_ app: Application) async throws -> EdgeWorld {
        let g = try await GSTFixture.make(app)
        let f = g.f
        let sale = try await g.invoice("sales", "Pune Retail", "2026-05-02", [GSTFixture.line("USB Keyboard", "2", "500")])
        #expect(sale.status == .created, "\(sale.text)")
        let voucher = try await f.voucher("payment", "2026-05-03", [BooksFixture.entry("Rent", dr: "100"), BooksFixture.entry("HDFC Bank", cr: "100")])
        #expect(voucher.status == .created, "\(voucher.text)")
        let ledgers = try await f.get("ledgers?limit=500").json["items"]?.arrayValue ?? []
        let items = try await f.get("items").json["items"]?.arrayValue ?? []
        var ids = ["companyID": f.company, "userID": f.owner.userID, "gstin": "27AAPFU0939F1ZV"]
        ids["ledger"] = ledgers.first { $0["name"]?.stringValue == "Sharma Traders" }?["id"]?.stringValue
        ids["item"] = items.first?["id"]?.stringValue
        ids["invoiceID"] = sale.json["id"]?.stringValue
        ids["voucherID"] = voucher.json["id"]?.stringValue
        ids["group"] = "Sundry Debtors"
        let line: JSONValue = ["item": "USB Keyboard", "quantity": "1", "rate": "100", "discount": "1", "godown": "Main Location",
                               "expiryDate": "2027-01-01", "manufacturingDate": "2026-01-01", "dueDate": "2026-06-01"]
        let seeds: [String: JSONValue] = [
            "POST vouchers": ["type": "journal", "date": "2026-05-04", "narration": "edge",
                              "entries": [["ledger": "Rent", "debit": "10"], ["ledger": "Sharma Traders", "credit": "10",
                                                                                "bills": [["type": "new", "reference": "E-1", "amount": "10", "dueDate": "2026-06-01"]]]]],
            "POST invoices": ["kind": "sales", "party": "Pune Retail", "date": "2026-05-04", "lines": [line]],
            "POST invoices/preview": ["kind": "sales", "party": "Pune Retail", "date": "2026-05-04", "lines": [line]],
            "POST items": ["name": "Edge Item", "hsn": "847160", "unit": "NOS", "gstRate": "18", "cessRate": "0", "reorderLevel": "5",
                           "minimumOrderQuantity": "10", "openingStock": [["quantity": "10", "rate": "100", "godown": "Main Location"]]],
            "POST ledgers": ["name": "Edge Party", "group": "Sundry Debtors", "creditLimit": "1000", "creditPeriodDays": .int(30),
                             "openingBalance": ["amount": "10", "side": "Dr"]],
            "POST stock-journals": ["kind": "adjustment", "date": "2026-05-04",
                                    "lines": [["item": "USB Keyboard", "quantity": "1", "toGodown": "Main Location", "rate": "100"]]],
            "POST orders": ["kind": "sales-order", "party": "Pune Retail", "date": "2026-05-04",
                            "lines": [["item": "USB Keyboard", "quantity": "1", "rate": "100", "dueDate": "2026-06-01"]]],
            "POST physical-stock": ["date": "2026-05-04", "lines": [["item": "USB Keyboard", "counted": "997", "godown": "Main Location"]]],
            "POST period-locks": ["lockedThrough": "2026-04-01"],
        ]
        return EdgeWorld(gst: g, ids: ids, seeds: seeds)
    }

    /// The route's path after `/companies/{companyID}/`, with its parameters left as names (`vouchers/:voucherID`).
    func suffix(_ route: Route) -> String {
        let parts = route.path.map { c -> String in if case .parameter(let n) = c { ":" + n } else { c.description } }
        guard let i = parts.firstIndex(of: ":companyID") else { return parts.joined(separator: "/") }
        return parts[(i + 1)...].joined(separator: "/")
    }

    /// A concrete path: real ids where this world has one of that kind, a fresh UUID where not.
    func path(_ route: Route) -> String {
        "/" + route.path.map { c -> String in
            if case .parameter(let name) = c { return ids[name] ?? UUID().uuidString }
            return c.description
        }.joined(separator: "/")
    }
}

/// Sample bodies from a route's schema and the paths to their leaves.
enum Sample {
    enum Step { case key(String), index(Int) }

    static func isDate(_ schema: Schema) -> Bool {
        switch schema {
        case .string(let rule): rule.format == "date"
        case .nullable(let inner), .ref(_, let inner): isDate(inner)
        default: false
        }
    }

    static func isDateField(_ name: String) -> Bool {
        ["date", "from", "to", "asOf", "lockedThrough", "rateFrom", "financialYearStart", "booksBeginning"].contains(name) || name.hasSuffix("Date")
    }

    /// Every property, optional ones too, so every field gets its edge values.
    static func value(_ schema: Schema) -> JSONValue {
        switch schema {
        case .ref(_, let inner), .nullable(let inner): return value(inner)
        case .string(let rule):
            if let allowed = rule.allowed, let first = allowed.first { return .string(first) }
            switch rule.format {
            case "date": return "2026-05-05"
            case "uuid": return .string(UUID().uuidString)
            case "email": return "edge@example.com"
            default: return .string(String(repeating: "x", count: max(rule.minLength, 1)))
            }
        case .integer(let minimum, _): return .int(minimum ?? 1)
        case .boolean: return .bool(false)
        case .any: return .null
        case .array(let element): return .array([value(element)])
        case .object(let properties):
            return .object(Dictionary(uniqueKeysWithValues: properties.map { ($0.name, value($0.schema)) }))
        }
    }

    static func leaves(_ value: JSONValue, at path: [Step] = []) -> [[Step]] {
        switch value {
        case .object(let o): o.keys.sorted().flatMap { leaves(o[$0] ?? .null, at: path + [.key($0)]) }
        case .array(let a): a.indices.flatMap { leaves(a[$0], at: path + [.index($0)]) }
        default: [path]
        }
    }

    static func get(_ value: JSONValue, _ path: [Step]) -> JSONValue? {
        guard let step = path.first else { return value }
        switch (step, value) {
        case (.key(let k), .object(let o)): return o[k].flatMap { get($0, Array(path.dropFirst())) }
        case (.index(let i), .array(let a)) where a.indices.contains(i): return get(a[i], Array(path.dropFirst()))
        default: return nil
        }
    }

    static func set(_ value: JSONValue, _ path: [Step], _ new: JSONValue) -> JSONValue {
        guard let step = path.first else { return new }
        switch (step, value) {
        case (.key(let k), .object(var o)):
            o[k] = set(o[k] ?? .null, Array(path.dropFirst()), new)
            return .object(o)
        case (.index(let i), .array(var a)) where a.indices.contains(i):
            a[i] = set(a[i], Array(path.dropFirst()), new)
            return .array(a)
        default: return value
        }
    }

    static func describe(_ path: [Step]) -> String {
        path.map { if case .key(let k) = $0 { "." + k } else if case .index(let i) = $0 { "[\(i)]" } else { "" } }.joined()
    }
}

/// Report sums over stored rows: thousands of bills at the money limit add up past `Int64`; the report refuses that
/// instead of trapping (the rows can be made through the API: a bulk post of 10,000 vouchers at the limit).
@Suite struct ReportOverflowTests {
    @Test func outstanding_past_int64_is_refused_not_trapped() throws {
        let party = UUID()
        let ledger = LedgerRow(id: party, company_id: UUID(), name: "Big", group_id: UUID(), opening_paise: 0, bill_wise: true, reserved: false, active: true)
        let rows = (0..<10).map { i in
            Outstanding.Row(ledger_id: party, bill_id: UUID(), reference: "B\(i)", date: "2026-05-01", due_date: "2026-05-31", pending: Int64.max / 4)
        }
        let asOf = try #require(CalendarDate("2026-06-30"))
        #expect(throws: AmountOverflow.self) {
            try Outstanding.summarise(rows, parties: [party: ledger], receivable: true, asOf: asOf)
        }
        let within = try Outstanding.summarise(Array(rows.prefix(2)), parties: [party: ledger], receivable: true, asOf: asOf)
        #expect(within.parties.count == 1)
        let payable = [Outstanding.Row(ledger_id: party, bill_id: nil, reference: nil, date: nil, due_date: nil, pending: Int64.min)]
        #expect(throws: AmountOverflow.self) { try Outstanding.summarise(payable, parties: [party: ledger], receivable: false, asOf: asOf) }
    }
}
