import Fluent
import Foundation
import GSTKit
import Ledger
import Vapor

struct PhysicalStockRequest: APIRequestBody {
    struct Line: Codable, Sendable {
        var item: String
        var batch: String?
        /// Where this line was counted, when not the count's godown.
        var godown: String?
        /// What was counted, up to three decimals; zero is a count too.
        var counted: String
    }
    var date: String
    var godown: String?
    var narration: String?
    var lines: [Line]

    static let schema = Schema.object([
        .required("date", .date),
        .optional("godown", .string(.init(minLength: 1, maxLength: 200, description: "Name or id; Main Location when left out"))),
        .optional("narration", .text(min: 0)),
        .required("lines", .array(.object([
            .required("item", .string(.init(minLength: 1, maxLength: 200))),
            .optional("batch", .string(.init(minLength: 1, maxLength: 60))),
            .optional("godown", .string(.init(minLength: 1, maxLength: 200, description: "Name or id, when this line was counted elsewhere than the count's godown"))),
            .required("counted", .string(.init(minLength: 1, maxLength: 20))),
        ]))),
    ])
}

/// A physical count: for each item (and batch) counted in a godown, the difference from the books on that day is
/// posted as a `verification` journal — found stock in at the item's rate, missing stock out at its cost.
enum PhysicalStock {
    static func post(_ body: PhysicalStockRequest, company: Company, actor: AuditActor, on db: any Database) async throws -> StockJournalDTO {
        let companyID = try company.requireID()
        guard let date = CalendarDate(body.date) else { throw APIError.validation(field: "date", "must be " + CalendarDate.acceptedDescription) }
        guard (1...5_000).contains(body.lines.count) else { throw APIError.validation(field: "lines", "give 1 to 5,000 lines, got \(body.lines.count)") }
        var errors: [APIError.FieldError] = []
        let godownName = body.godown ?? Godowns.main
        guard let godown = try await Godowns.find(godownName, company: companyID, on: db) else {
            throw APIError.validation(field: "godown", "no godown '\(godownName)' in this company")
        }
        let items = try await Items.findMany(body.lines.map(\.item), company: companyID, on: db)
        var moves: [Stock.Movement] = []
        for (i, line) in body.lines.enumerated() {
            let f = "lines[\(i)]"
            guard let item = items[line.item], item.kind == "goods" else { errors.append(.init(field: f + ".item", message: "no goods item '\(line.item)' in this company")); continue }
            var godown = godown
            if let name = line.godown {
                guard let found = try await Godowns.find(name, company: companyID, on: db) else {
                    errors.append(.init(field: f + ".godown", message: "no godown '\(name)' in this company")); continue
                }
                godown = found
            }
            var counted: Int64 = 0
            if line.counted != "0" {
                do { counted = try Quantity(parsing: line.counted).thousandths } catch { errors.append(.init(field: f + ".counted", message: error.description)); continue }
            }
            var batch: BatchRow?
            if item.batch_wise {
                guard let name = line.batch else { errors.append(.init(field: f + ".batch", message: "'\(item.name)' is kept in batches: count each batch")); continue }
                batch = try await Batches.find(item: item.id, name: name, on: db)
                if batch == nil { errors.append(.init(field: f + ".batch", message: "'\(item.name)' has no batch '\(name)'")); continue }
            } else if line.batch != nil {
                errors.append(.init(field: f + ".batch", message: "'\(item.name)' is not kept in batches")); continue
            }
            let books = try await Stock.available(item: item.id, godown: godown.id, batch: batch?.id, on: date, db: db)
            let difference = counted - books
            guard difference != 0 else { continue }
            let value = difference > 0 ? try Quantity(thousandths: difference).times(try await Stock.position(item, asOf: date, on: db).rate) : 0
            moves.append(.init(item: item, godown: godown, batch: batch, date: date, quantity: difference, value: value, lineNo: i, field: f))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        guard !moves.isEmpty else { throw APIError.validation(field: "lines", "every count agrees with the books on \(date); nothing to post") }
        return try await StockJournals.save(id: UUID(), kind: .verification, date: date, narration: body.narration ?? "Physical stock verification",
                                            moves: moves, company: company, actor: actor, on: db)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(PhysicalStockRequest.self)
        let (context, actor) = (try req.company, req.auditActor)
        try context.require(.physicalStock)
        let dto = try await req.write { db in try await post(body, company: try await CompanyController.find(context, on: db), actor: actor, on: db) }
        return try await dto.encodeResponse(status: .created, for: req)
    }
}
