import Fluent
import Foundation
import GSTKit
import SQLKit
import StockKit
import Vapor

struct UnitRow: Codable, Sendable {
    var id: UUID
    var company_id: UUID
    var symbol: String
    var name: String?
    var uqc: String
    var base_symbol: String?
    var conversion_milli: Int64?
}

struct UnitRequest: APIRequestBody {
    var symbol: String
    var name: String?
    var uqc: String?
    var base: String?
    var conversion: String?
    static let schema = Schema.object([
        .required("symbol", .string(.init(minLength: 1, maxLength: 20))),
        .optional("name", .text(max: 100)),
        .optional("uqc", .string(.init(minLength: 2, maxLength: 3, description: "GST UQC; defaults to the symbol when it is one"))),
        .optional("base", .string(.init(minLength: 1, maxLength: 20, description: "Compound units: the base unit's symbol (an item's UQC or another unit)"))),
        .optional("conversion", .string(.init(minLength: 1, maxLength: 20, description: "Compound units: how many base units make one"))),
    ])
}

struct UnitDTO: APIResponseBody {
    var id: UUID
    var symbol: String
    var name: String?
    var uqc: String
    var base: String?
    var conversion: String?
    static let schema = Schema.ref("Unit", .object([
        .required("id", .uuid), .required("symbol", .string()), .optional("name", .nullable(.text())), .required("uqc", .string()),
        .optional("base", .nullable(.string())), .optional("conversion", .nullable(.string())),
    ]))
    init(_ r: UnitRow) {
        id = r.id; symbol = r.symbol; name = r.name; uqc = r.uqc; base = r.base_symbol
        conversion = r.conversion_milli.map { Quantity(thousandths: $0).description }
    }
}

/// Units: items are kept in their UQC; a line may use a compound unit whose base is the item's unit, and its
/// quantity is converted for stock. Any other unit is refused, naming both.
enum Units {
    static func all(company: UUID, on db: any Database) async throws -> [UnitRow] {
        try await db.sql().raw("SELECT * FROM units WHERE company_id = \(bind: company) ORDER BY symbol").all(decoding: UnitRow.self)
    }

    /// How many thousandths of the item's unit one `unit` is, following compound units down to it; nil when the
    /// unit does not lead to the item's.
    static func factor(_ unit: String, to itemUnit: String, company: UUID, on db: any Database) async throws -> (factor: Int64, uqc: String)? {
        let symbol = unit.uppercased()
        if symbol == itemUnit.uppercased() { return (1_000, itemUnit) }
        let units = Dictionary(uniqueKeysWithValues: try await all(company: company, on: db).map { ($0.symbol.uppercased(), $0) })
        guard let start = units[symbol] else { return nil }
        var factor: Int64 = 1_000
        var current = start
        for _ in 0..<8 {  // a chain of units is short; a longer one is a mistake
            guard let base = current.base_symbol?.uppercased(), let c = current.conversion_milli else { return nil }
            factor = try StockPosition.share(factor, of: 1_000, taking: c)
            if base == itemUnit.uppercased() { return (factor, start.uqc) }
            guard let next = units[base] else { return nil }
            current = next
        }
        return nil
    }

    /// A line's unit resolved against its item: how many thousandths of the item's unit one of it is, and the UQC the
    /// line is billed in. No unit means the item's own. A unit that does not lead to the item's is an error on
    /// `field.unit` naming both, and nil comes back.
    static func resolve(_ unit: String?, item: ItemRow, field: String, company: UUID, errors: inout [APIError.FieldError],
                        on db: any Database) async throws -> (factor: Int64, uqc: String)? {
        guard let unit else { return (1_000, item.unit) }
        if let found = try await factor(unit, to: item.unit, company: company, on: db) { return found }
        errors.append(.init(field: field + ".unit", message: "'\(unit)' cannot be converted to \(item.unit), the unit '\(item.name)' is kept in"))
        return nil
    }

    /// A quantity given in a line's unit, in the item's own unit (stock moves and orders are kept in it).
    static func inItemUnit(_ quantity: Int64, factor: Int64) throws -> Int64 {
        factor == 1_000 ? quantity : try StockPosition.share(quantity, of: 1_000, taking: factor)
    }

    @Sendable static func list(req: Request) async throws -> Page<UnitDTO> {
        try OffsetPaging(req).page(try await all(company: try req.company.companyID, on: req.db).map(UnitDTO.init))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(UnitRequest.self)
        let (company, actor) = (try req.company.companyID, req.auditActor)
        let dto = try await req.write { db in try await create(body, company: company, actor: actor, on: db) }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    /// Checks and stores a unit (the API and the units page both end here).
    static func create(_ body: UnitRequest, company: UUID, actor: AuditActor, on db: any Database) async throws -> UnitDTO {
        var errors: [APIError.FieldError] = []
        let symbol = body.symbol.trimmingCharacters(in: .whitespaces).uppercased()
        if try await all(company: company, on: db).contains(where: { $0.symbol.uppercased() == symbol }) {
            errors.append(.init(field: "symbol", message: "a unit '\(symbol)' already exists"))
        }
        let uqc = (body.uqc ?? symbol).uppercased()
        if !UQC.isValid(uqc, service: false) { errors.append(.init(field: "uqc", message: "'\(uqc)' is not a GST UQC code (NOS, KGS, BOX, PCS…); give one")) }
        var conversion: Int64?
        if (body.base == nil) != (body.conversion == nil) {
            errors.append(.init(field: body.base == nil ? "base" : "conversion", message: "a compound unit needs both base and conversion"))
        } else if let raw = body.conversion {
            do { conversion = try Quantity(parsing: raw).thousandths } catch { errors.append(.init(field: "conversion", message: "\(error)")) }
            let base = (body.base ?? "").uppercased()
            if base == symbol { errors.append(.init(field: "base", message: "a unit cannot be made of itself")) }
            // The base is an item's unit (a UQC code) or a unit already defined; anything else leads nowhere.
            else if !UQC.isValid(base, service: false), try await !all(company: company, on: db).contains(where: { $0.symbol.uppercased() == base }) {
                errors.append(.init(field: "base", message: "'\(base)' is neither a UQC code nor a unit of this company"))
            }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        let row = UnitRow(id: UUID(), company_id: company, symbol: symbol, name: body.name, uqc: uqc, base_symbol: body.base?.uppercased(),
                          conversion_milli: conversion)
        try await db.sql().insert(into: "units").model(row, nilEncodingStrategy: .asNil).run()
        let dto = UnitDTO(row)
        try await AuditLog.append(AuditEvent(companyID: company, action: "unit.create", entityType: "unit", entityID: row.id.uuidString.lowercased(),
                                             after: try JSONValue(encoding: dto)), by: actor, on: db)
        return dto
    }
}
