import Fluent
import Foundation
import GSTKit
import Ledger
import StockKit
import Vapor

/// What an invoice's goods lines do to stock. Sales issue, purchases receive at their taxable value, a credit
/// note on a sale takes goods back at the item's rate that day, and a note on a purchase sends goods back to the
/// supplier. A debit note on a sale (a price difference) and services move nothing.
enum InvoiceStock {
    static func direction(_ kind: InvoiceKind, outward: Bool) -> Int64 {
        switch (kind, outward) {
        case (.sales, _): -1
        case (.purchase, _): 1
        case (.creditNote, true): 1
        case (.creditNote, false), (.debitNote, false): -1
        default: 0
        }
    }

    /// The movements of the invoice's lines; sets each line's godown and batch. Every problem is a field error.
    static func moves(for c: inout InvoicePosting.Computed, body: InvoiceRequest, company: Company, on db: any Database) async throws -> [Stock.Movement] {
        let sign = direction(body.kind, outward: c.invoice.direction == "outward")
        let companyID = try company.requireID()
        guard let date = CalendarDate(c.invoice.date) else { return [] }
        var errors: [APIError.FieldError] = []
        var moves: [Stock.Movement] = []
        for (i, input) in body.lines.enumerated() {
            let f = "lines[\(i)]"
            guard i < c.lines.count, let item = c.items[c.lines[i].item_id] else { continue }
            guard sign != 0, item.kind == "goods" else {
                if input.godown != nil || input.batch != nil {
                    errors.append(.init(field: f + (input.godown != nil ? ".godown" : ".batch"), message: sign == 0 ? "a \(body.kind.rawValue) of this kind moves no stock" : "'\(item.name)' is a service: it is not kept in stock"))
                }
                continue
            }
            let godownName = input.godown ?? Godowns.main
            guard let godown = try await Godowns.find(godownName, company: companyID, on: db) else {
                errors.append(.init(field: f + ".godown", message: "no godown '\(godownName)' in this company")); continue
            }
            c.lines[i].godown_id = godown.id
            let quantity = c.lines[i].quantity_milli
            if sign > 0 {
                let batch = try await ItemStock.receiptBatch(item: item, name: input.batch, expiry: input.expiryDate, manufactured: input.manufacturingDate,
                                                             field: f, errors: &errors, on: db)
                c.lines[i].batch_id = batch?.id
                // Returns come back at the item's rate that day; purchases at what they cost.
                let value = body.kind == .purchase ? c.lines[i].taxable_paise
                    : Quantity(thousandths: quantity).times(try await Stock.position(item, asOf: date, on: db).rate)
                moves.append(Stock.Movement(item: item, godown: godown, batch: batch, date: date, quantity: quantity, value: value, lineNo: i, field: f))
                continue
            }
            guard item.batch_wise else {
                if input.batch != nil { errors.append(.init(field: f + ".batch", message: "'\(item.name)' is not kept in batches")) }
                moves.append(Stock.Movement(item: item, godown: godown, batch: nil, date: date, quantity: -quantity, lineNo: i, field: f))
                continue
            }
            if let name = input.batch {
                guard let batch = try await Batches.find(item: item.id, name: name, on: db) else {
                    errors.append(.init(field: f + ".batch", message: "'\(item.name)' has no batch '\(name)'")); continue
                }
                if let expiry = batch.expiry, expiry < date {
                    errors.append(.init(field: f + ".batch", message: "batch \(name) of '\(item.name)' expired on \(expiry)")); continue
                }
                c.lines[i].batch_id = batch.id
                moves.append(Stock.Movement(item: item, godown: godown, batch: batch, date: date, quantity: -quantity, lineNo: i, field: f))
            } else if let picked = try await Batches.proposeFEFO(item: item, godown: godown.id, quantity: quantity, on: date, db: db) {
                c.lines[i].batch_id = picked.count == 1 ? picked[0].0.id : nil
                for (batch, q) in picked {
                    moves.append(Stock.Movement(item: item, godown: godown, batch: batch, date: date, quantity: -q, lineNo: i, field: f))
                }
            } else if !company.allowNegativeStock {
                errors.append(.init(field: f + ".quantity", message: "the unexpired batches of '\(item.name)' in \(godown.name) hold less than \(Quantity(thousandths: quantity)) on \(date)"))
            } else {
                errors.append(.init(field: f + ".batch", message: "name the batch to issue '\(item.name)' beyond its stock"))
            }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return moves
    }
}
