import Fluent
import Foundation
import GSTKit
import Ledger
import StockKit
import Vapor

/// The inventory side of items: batch and expiry switches, valuation method, reorder level and minimum order
/// quantity, and opening stock per godown and batch at books-beginning.
enum ItemStock {
    static func apply(_ body: ItemRequest, to row: inout ItemRow, errors: inout [APIError.FieldError]) {
        if let v = body.batchWise { row.batch_wise = v }
        if let v = body.trackExpiry { row.track_expiry = v }
        if row.track_expiry && !row.batch_wise { errors.append(.init(field: "trackExpiry", message: "expiry is kept per batch: set batchWise too")) }
        if let v = body.valuationMethod { row.valuation_method = v.rawValue }
        if (body.batchWise == true || body.openingStock?.isEmpty == false) && row.kind == "service" {
            errors.append(.init(field: body.batchWise == true ? "batchWise" : "openingStock", message: "services are not kept in stock"))
        }
        for (field, raw) in [("reorderLevel", body.reorderLevel), ("minimumOrderQuantity", body.minimumOrderQuantity)] {
            guard let raw else { continue }
            do {
                let q = try Quantity(parsing: raw).thousandths
                if field == "reorderLevel" { row.reorder_level_milli = q } else { row.minimum_order_milli = q }
            } catch { errors.append(.init(field: field, message: error.description)) }
        }
    }

    /// Opening stock is received on books-beginning, one movement per godown and batch, at the given cost.
    static func recordOpening(_ lines: [ItemRequest.OpeningStock], item: ItemRow, company: Company, on db: any Database) async throws {
        guard !lines.isEmpty else { return }
        let companyID = try company.requireID()
        guard let beginning = CalendarDate(company.booksBeginning) else { return }
        var errors: [APIError.FieldError] = []
        var moves: [Stock.Movement] = []
        for (i, line) in lines.enumerated() {
            let f = "openingStock[\(i)]"
            let godownName = line.godown ?? Godowns.main
            guard let godown = try await Godowns.find(godownName, company: companyID, on: db) else {
                errors.append(.init(field: f + ".godown", message: "no godown '\(godownName)' in this company")); continue
            }
            var quantity: Int64 = 0, rate: Int64 = 0
            do { quantity = try Quantity(parsing: line.quantity).thousandths } catch { errors.append(.init(field: f + ".quantity", message: error.description)) }
            do {
                rate = try Money(parsing: line.rate).paise
                if rate < 0 { errors.append(.init(field: f + ".rate", message: "must not be negative")) }
            } catch { errors.append(.init(field: f + ".rate", message: error.description)) }
            let batch = try await receiptBatch(item: item, name: line.batch, expiry: line.expiryDate, manufactured: line.manufacturingDate,
                                               field: f, errors: &errors, on: db)
            moves.append(Stock.Movement(item: item, godown: godown, batch: batch, date: beginning, quantity: quantity,
                                        value: try Quantity(thousandths: quantity).times(rate), lineNo: i, field: f))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        try await Stock.record(moves, sourceKind: "opening", sourceID: item.id, company: company, on: db)
    }

    /// The batch a receipt goes into: required for batch-wise items (created on its first receipt, with its dates),
    /// refused for others. Errors are added under `field`.
    static func receiptBatch(item: ItemRow, name: String?, expiry: String?, manufactured: String?, field: String, lookups: StockLookups? = nil,
                             errors: inout [APIError.FieldError], on db: any Database) async throws -> BatchRow? {
        guard item.batch_wise else {
            if name != nil { errors.append(.init(field: field + ".batch", message: "'\(item.name)' is not kept in batches")) }
            return nil
        }
        guard let name = name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            errors.append(.init(field: field + ".batch", message: "'\(item.name)' is kept in batches: name the batch")); return nil
        }
        let expires = expiry.flatMap(CalendarDate.init), made = manufactured.flatMap(CalendarDate.init)
        if expiry != nil, expires == nil { errors.append(.init(field: field + ".expiryDate", message: "must be " + CalendarDate.acceptedDescription)) }
        if manufactured != nil, made == nil { errors.append(.init(field: field + ".manufacturingDate", message: "must be " + CalendarDate.acceptedDescription)) }
        if let existing = try await StockLookups.batch(item: item.id, name: name, in: lookups, on: db) {
            if let expires, existing.expiry != expires {
                errors.append(.init(field: field + ".expiryDate", message: "batch \(name) expires on \(existing.expires_on ?? "no date"), not \(expires)"))
            }
            return existing
        }
        if item.track_expiry && expires == nil {
            errors.append(.init(field: field + ".expiryDate", message: "'\(item.name)' tracks expiry: give the batch's expiry date")); return nil
        }
        if let made, let expires, made > expires { errors.append(.init(field: field + ".expiryDate", message: "is before the manufacturing date \(made)")) }
        guard errors.isEmpty else { return nil }
        let created = try await Batches.create(item: item, name: name, manufactured: made, expires: expires, on: db)
        lookups?.remember(created)
        return created
    }
}
