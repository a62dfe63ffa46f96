import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

/// Which way a job-work challan moves goods.
enum JobWorkDirection: String, Codable, CaseIterable, Sendable {
    /// Inputs or capital goods sent to the job worker on our delivery challan (Rule 55).
    case sent
    /// Goods received back from the job worker, on the job worker's challan.
    case returned

    /// Sending is entered like a delivery note, receiving like a receipt note.
    var voucherClass: VoucherClass { self == .sent ? .deliveryNote : .receiptNote }
}

struct JobWorkRequest: APIRequestBody {
    struct Line: Codable, Sendable {
        var item: String
        var quantity: String
        /// Value per unit in rupees, for the challan and the e-way bill.
        var rate: String
    }
    var direction: JobWorkDirection
    var party: String
    var date: String
    /// Goods returned: the job worker's challan number. Ours are numbered automatically.
    var number: String?
    var registration: String?
    var narration: String?
    var lines: [Line]

    static let maxLines = 250

    static let schema = Schema.object([
        .required("direction", .oneOf(JobWorkDirection.self)),
        .required("party", .string(.init(minLength: 1, maxLength: 200, description: "The job worker's ledger: name or id"))),
        .required("date", .date),
        .optional("number", .string(.init(minLength: 1, maxLength: 16, description: "Returned goods: the job worker's challan number"))),
        .optional("registration", .string(.init(minLength: 15, maxLength: 15, description: "Our GSTIN the goods move under"))),
        .optional("narration", .text(min: 0)),
        .required("lines", .array(.object([
            .required("item", .string(.init(minLength: 1, maxLength: 200))),
            .required("quantity", .string(.init(minLength: 1, maxLength: 20))),
            .required("rate", .string(.init(minLength: 1, maxLength: 20, description: "Value per unit in rupees"))),
        ]))),
    ])
}

struct JobWorkDTO: APIResponseBody {
    struct Line: Codable, Sendable {
        var item: String, itemId: UUID, hsn: String, unit: String, quantity: String, rate: String, value: String
    }
    var id: UUID
    var direction: JobWorkDirection
    var number: String
    var date: String
    var party: String
    var partyId: UUID
    var status: String
    var value: String
    var lines: [Line]

    static let schema = Schema.ref("JobWorkChallan", .object([
        .required("id", .uuid), .required("direction", .oneOf(JobWorkDirection.self)), .required("number", .string()), .required("date", .date),
        .required("party", .text()), .required("partyId", .uuid), .required("status", .string()), .required("value", .string()),
        .required("lines", .array(.object(["item", "hsn", "unit", "quantity", "rate", "value"].map { .required($0, .string()) }
            + [.required("itemId", .uuid)]))),
    ]))
}

/// Job work (CGST Act s.143): the goods stay ours while the job worker has them, so a challan moves no stock and posts
/// no voucher; it travels on an e-way bill (sub-type 4 out, 6 back, document CHL) and our challans count in GSTR-1
/// Table 13 as nature 9. What comes back can never exceed what was sent, item by item.
enum JobWork {
    struct Row: Codable, Sendable {
        var id: UUID, company_id: UUID, registration_id: UUID?, direction: String, number: String, fy_start: String, date: String
        var party_ledger_id: UUID, narration: String?, active: Bool, created_by: UUID?
    }
    struct LineRow: Codable, Sendable {
        var id: UUID, challan_id: UUID, company_id: UUID, line_no: Int, item_id: UUID, quantity_milli: Int64, rate_paise: Int64, value_paise: Int64
    }

    /// A challan with its lines, items and party name: what the DTO, the e-way bill and cancellation read.
    struct Contents: Sendable {
        var row: Row
        var lines: [LineRow]
        var items: [String: ItemRow]
        var party: String

        var direction: JobWorkDirection { JobWorkDirection(rawValue: row.direction) ?? .sent }
        var value: Int64 { lines.reduce(0) { $0 + $1.value_paise } }
    }

    /// Each item's quantity over the lines (an item may stand on several lines).
    static func quantities(_ lines: [LineRow]) -> [UUID: Int64] {
        // At most 250 lines of at most 10¹⁵ thousandths each: the sums fit.
        lines.reduce(into: [:]) { $0[$1.item_id, default: 0] += $1.quantity_milli }
    }

    static func post(_ body: JobWorkRequest, company: Company, actor: AuditActor, on db: any Database) async throws -> JobWorkDTO {
        let companyID = try company.requireID()
        guard let date = CalendarDate(body.date) else { throw APIError.validation(field: "date", "must be " + CalendarDate.acceptedDescription) }
        guard (1...JobWorkRequest.maxLines).contains(body.lines.count) else {
            throw APIError.validation(field: "lines", "give 1 to \(JobWorkRequest.maxLines) lines (an e-way bill's limit), got \(body.lines.count)")
        }
        guard let party = try await Chart.ledger(body.party, company: companyID, on: db) else {
            throw APIError.validation(field: "party", "no ledger '\(body.party)' in this company")
        }
        let registration = try await Registrations.resolve(body.registration, company: company, actor: actor, on: db)
        var errors: [APIError.FieldError] = []
        switch (body.direction, body.number?.trimmingCharacters(in: .whitespaces)) {
        case (.sent, .some): errors.append(.init(field: "number", message: "our challans are numbered automatically; leave number out"))
        case (.returned, .none), (.returned, .some("")): errors.append(.init(field: "number", message: "is required: the job worker's challan number"))
        default: break
        }
        let items = try await Items.findMany(body.lines.map(\.item), company: companyID, on: db)
        let id = UUID()
        var lines: [LineRow] = []
        for (i, line) in body.lines.enumerated() {
            let f = "lines[\(i)]"
            guard let item = items[line.item], item.active, item.kind == "goods" else {
                errors.append(.init(field: f + ".item", message: "no active goods item '\(line.item)' in this company")); continue
            }
            var quantity = Quantity(thousandths: 0), rate: Int64 = 0
            do { quantity = try Quantity(parsing: line.quantity) } catch { errors.append(.init(field: f + ".quantity", message: error.description)); continue }
            do { rate = try Money(parsing: line.rate).paise } catch { errors.append(.init(field: f + ".rate", message: error.description)); continue }
            guard rate >= 0 else { errors.append(.init(field: f + ".rate", message: "must not be negative")); continue }
            guard let value = try? quantity.times(rate) else {
                errors.append(.init(field: f + ".quantity", message: "× rate is more than the limit of \(Money.limitText) for a line")); continue
            }
            lines.append(LineRow(id: UUID(), challan_id: id, company_id: companyID, line_no: i, item_id: item.id,
                                 quantity_milli: quantity.thousandths, rate_paise: rate, value_paise: value))
        }
        if (try? Checked.sum(lines.map(\.value_paise))).map({ $0 > Money.limit.paise }) ?? true {
            errors.append(.init(field: "lines", message: "the challan's value is more than the limit of \(Money.limitText)"))
        }
        if body.direction == .returned {
            let held = try await withJobWorker(party.id, company: companyID, on: db)
            var wanted = quantities(lines)
            for line in lines where (wanted[line.item_id] ?? 0) > (held[line.item_id] ?? 0) {
                let name = items.values.first { $0.id == line.item_id }?.name ?? ""
                errors.append(.init(field: "lines[\(line.line_no)].quantity", message:
                    "\(party.name) holds only \(Quantity(thousandths: held[line.item_id] ?? 0)) of '\(name)' sent for job work"))
                wanted[line.item_id] = 0
            }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        try await PeriodLocks.check(date: date, company: companyID, on: db)
        let fyStart = date.financialYearStart(month: CalendarDate(company.financialYearStart)?.month ?? 4)
        let number = body.direction == .sent
            ? try await ReservedSeries.jobWorkChallan.next(fyStart: fyStart, company: companyID, actor: actor, on: db)
            : body.number?.trimmingCharacters(in: .whitespaces) ?? ""
        try await db.sql().insert(into: "job_work_challans").model(Row(
            id: id, company_id: companyID, registration_id: registration?.id, direction: body.direction.rawValue, number: number,
            fy_start: fyStart.description, date: date.description, party_ledger_id: party.id, narration: body.narration, active: true,
            created_by: actor.userID), nilEncodingStrategy: .asNil).run()
        try await VoucherPosting.insert(lines, into: "job_work_challan_lines", on: db.sql())
        let dto = try await load(id, company: companyID, on: db)
        try await AuditLog.append(AuditEvent(companyID: companyID, action: "job_work.\(body.direction.rawValue)", entityType: "job_work_challan",
                                             entityID: id.uuidString.lowercased(), after: try JSONValue(encoding: dto)), by: actor, on: db)
        return dto
    }

    /// What a job worker holds of each item: sent less returned, on active challans.
    static func withJobWorker(_ party: UUID, company: UUID, on db: any Database) async throws -> [UUID: Int64] {
        struct Sum: Decodable { var item_id: UUID; var direction: String; var q: Int64 }
        let rows = try await db.sql().raw("""
            SELECT l.item_id, c.direction, CAST(SUM(l.quantity_milli) AS BIGINT) AS q FROM job_work_challan_lines l
            JOIN job_work_challans c ON c.id = l.challan_id
            WHERE c.company_id = \(bind: company) AND c.party_ledger_id = \(bind: party) AND c.active = \(bind: true)
            GROUP BY l.item_id, c.direction
            """).all(decoding: Sum.self)
        var out: [UUID: Int64] = [:]
        for r in rows { out[r.item_id, default: 0] += r.direction == JobWorkDirection.sent.rawValue ? r.q : -r.q }
        return out
    }

    static func find(_ reference: String, company: UUID, on db: any Database) async throws -> Row? {
        guard let id = UUID(uuidString: reference) else { return nil }
        return try await db.sql().raw("SELECT * FROM job_work_challans WHERE company_id = \(bind: company) AND id = \(bind: id)").first(decoding: Row.self)
    }

    static func contents(_ id: UUID, company: UUID, on db: any Database) async throws -> Contents {
        guard let row = try await find(id.uuidString, company: company, on: db) else { throw APIError.notFound("Job work challan") }
        let lines = try await db.sql().select().column("*").from("job_work_challan_lines").where("challan_id", .equal, id).orderBy("line_no")
            .all(decoding: LineRow.self)
        let items = try await Items.findMany(lines.map { $0.item_id.uuidString }, company: company, on: db)
        let party = try await Chart.ledger(row.party_ledger_id.uuidString, company: company, on: db)?.name ?? ""
        return Contents(row: row, lines: lines, items: items, party: party)
    }

    static func load(_ id: UUID, company: UUID, on db: any Database) async throws -> JobWorkDTO {
        dto(try await contents(id, company: company, on: db))
    }

    static func dto(_ c: Contents) -> JobWorkDTO {
        func m(_ p: Int64) -> String { Money(paise: p).description }
        let lines = c.lines.map { l in
            let item = c.items[l.item_id.uuidString]
            return JobWorkDTO.Line(item: item?.name ?? "", itemId: l.item_id, hsn: item?.hsn ?? "", unit: item?.unit ?? "",
                                   quantity: Quantity(thousandths: l.quantity_milli).description, rate: m(l.rate_paise), value: m(l.value_paise))
        }
        return JobWorkDTO(id: c.row.id, direction: c.direction, number: c.row.number, date: c.row.date, party: c.party,
                          partyId: c.row.party_ledger_id, status: c.row.active ? "active" : "cancelled", value: m(c.value), lines: lines)
    }

    /// Our challans dated in a period, as Table 13 counts them (nature 9).
    static func issued(company: UUID, registration: UUID, from: CalendarDate, to: CalendarDate, on db: any Database) async throws -> [GSTR1.IssuedDocument] {
        try await db.sql().raw("""
            SELECT * FROM job_work_challans WHERE company_id = \(bind: company) AND registration_id = \(bind: registration)
            AND direction = \(bind: JobWorkDirection.sent.rawValue) AND date >= \(bind: from.description) AND date <= \(bind: to.description)
            """).all(decoding: Row.self).compactMap { r in
            CalendarDate(r.date).map { GSTR1.IssuedDocument(nature: 9, series: "job-work|" + r.fy_start, number: r.number, date: $0, cancelled: !r.active) }
        }
    }

    /// The challan as a document the e-way bill builder reads: goods at their value, no tax (nothing is supplied).
    static func document(_ c: Contents, ourState: String, partyState: String) -> GSTDocument {
        let sent = c.direction == .sent
        let lines = c.lines.map { l in
            let item = c.items[l.item_id.uuidString]
            return GSTDocument.Line(hsn: item?.hsn ?? "", description: item?.name ?? "", uqc: item?.unit ?? "",
                                    quantity: Quantity(thousandths: l.quantity_milli),
                                    tax: LineTax(treatment: ourState == partyState ? .intraState : .interState, taxable: l.value_paise,
                                                 rate: .zero, cessRate: .zero),
                                    unitPrice: l.rate_paise)
        }
        return GSTDocument(id: c.row.id.uuidString.lowercased(), direction: sent ? .outward : .inward, series: "job-work", number: c.row.number,
                           date: CalendarDate(c.row.date) ?? .earliest, partyName: c.party, partyGSTIN: nil, partyRegistration: .regular,
                           supplierState: sent ? ourState : partyState, placeOfSupply: sent ? partyState : ourState, value: c.value, lines: lines)
    }
}
