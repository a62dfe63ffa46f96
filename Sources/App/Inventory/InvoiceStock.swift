import Fluent
import Foundation
import GSTKit
import Ledger
import StockKit
import Vapor

/// What an invoice's goods lines do to stock. Sales issue, purchases receive at their taxable value, a credit
/// note on a sale takes goods back at the item's rate that day, and a note on a purchase sends goods back to the
/// supplier. A debit note on a sale (a price difference) and services move nothing. Goods already moved by the
/// delivery or receipt notes the invoice takes over are not moved again.
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
    /// `covered` is how much of each item the invoice's notes already moved.
    static func moves(for c: inout InvoicePosting.Computed, body: InvoiceRequest, covered: [UUID: Int64], company: Company,
                      on db: any Database) async throws -> [Stock.Movement] {
        let sign = direction(body.kind, outward: c.invoice.direction == "outward")
        guard let date = CalendarDate(c.invoice.date) else { return [] }
        var errors: [APIError.FieldError] = []
        var moves: [Stock.Movement] = []
        var covered = covered
        for (i, input) in body.lines.enumerated() {
            let f = "lines[\(i)]"
            guard i < c.lines.count, let item = c.items[c.lines[i].item_id] else { continue }
            guard sign != 0, item.kind == "goods" else {
                if input.godown != nil || input.batch != nil {
                    errors.append(.init(field: f + (input.godown != nil ? ".godown" : ".batch"), message: sign == 0 ? "a \(body.kind.rawValue) of this kind moves no stock" : "'\(item.name)' is a service: it is not kept in stock"))
                }
                continue
            }
            // In the item's own unit when the line was billed in a compound one.
            let inItemUnit = try Units.inItemUnit(c.lines[i].quantity_milli, factor: c.unitFactors[i] ?? 1_000)
            let fromNotes = min(covered[item.id, default: 0], inItemUnit)
            covered[item.id, default: 0] -= fromNotes
            let quantity = inItemUnit - fromNotes
            guard quantity > 0 else { continue }
            let value = sign < 0 ? 0 : body.kind == .purchase ? try StockPosition.share(c.lines[i].taxable_paise, of: inItemUnit, taking: quantity)
                : try Quantity(thousandths: quantity).times(try await Stock.position(item, asOf: date, on: db).rate)
            let line = try await StockLines.movements(item: item, sign: sign, quantity: quantity, value: value, godown: input.godown, batch: input.batch,
                                                      expiry: input.expiryDate, manufactured: input.manufacturingDate, date: date, lineNo: i, field: f,
                                                      company: company, errors: &errors, on: db)
            c.lines[i].godown_id = line.godown
            c.lines[i].batch_id = line.batch
            moves += line.moves
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return moves
    }
}

/// One document line's movements, shared by invoices and delivery/receipt notes: the godown (Main Location by
/// default), and the batch — named and created on receipt, named or proposed first-expiry-first on issue.
enum StockLines {
    struct Result { var moves: [Stock.Movement] = []; var godown: UUID?; var batch: UUID? }

    static func movements(item: ItemRow, sign: Int64, quantity: Int64, value: Int64, godown godownRef: String?, batch batchRef: String?,
                          expiry: String?, manufactured: String?, date: CalendarDate, lineNo i: Int, field f: String, company: Company,
                          lookups: StockLookups? = nil, errors: inout [APIError.FieldError], on db: any Database) async throws -> Result {
        let godownName = godownRef ?? Godowns.main
        guard let godown = try await StockLookups.godown(godownName, company: try company.requireID(), in: lookups, on: db) else {
            errors.append(.init(field: f + ".godown", message: "no godown '\(godownName)' in this company")); return Result()
        }
        var result = Result(godown: godown.id)
        if sign > 0 {
            let batch = try await ItemStock.receiptBatch(item: item, name: batchRef, expiry: expiry, manufactured: manufactured, field: f, lookups: lookups,
                                                         errors: &errors, on: db)
            result.batch = batch?.id
            result.moves = [Stock.Movement(item: item, godown: godown, batch: batch, date: date, quantity: quantity, value: value, lineNo: i, field: f)]
            return result
        }
        guard item.batch_wise else {
            if batchRef != nil { errors.append(.init(field: f + ".batch", message: "'\(item.name)' is not kept in batches")) }
            result.moves = [Stock.Movement(item: item, godown: godown, batch: nil, date: date, quantity: -quantity, lineNo: i, field: f)]
            return result
        }
        if let name = batchRef {
            guard let batch = try await StockLookups.batch(item: item.id, name: name, in: lookups, on: db) else {
                errors.append(.init(field: f + ".batch", message: "'\(item.name)' has no batch '\(name)'")); return result
            }
            if let expiry = batch.expiry, expiry < date {
                guard company.expiredBatchIssues == "warn" else {
                    errors.append(.init(field: f + ".batch", message: "batch \(name) of '\(item.name)' expired on \(expiry)")); return result
                }
                // The company lets it through; the notice says so, once for each issue.
                try await Notifications.raise(company: item.company_id, kind: "expired-batch-issue", key: "expired-batch-issue:\(UUID().uuidString.lowercased())",
                                              title: "\(Quantity(thousandths: quantity)) of '\(item.name)' issued from batch \(name), expired on \(expiry)",
                                              body: "Issued on \(date) from \(godown.name).", link: "reports/batches", on: db)
            }
            result.batch = batch.id
            result.moves = [Stock.Movement(item: item, godown: godown, batch: batch, date: date, quantity: -quantity, lineNo: i, field: f)]
        } else if let picked = try await Batches.proposeFEFO(item: item, godown: godown.id, quantity: quantity, on: date, db: db) {
            result.batch = picked.count == 1 ? picked[0].0.id : nil
            result.moves = picked.map { Stock.Movement(item: item, godown: godown, batch: $0.0, date: date, quantity: -$0.1, lineNo: i, field: f) }
        } else if !company.allowNegativeStock {
            errors.append(.init(field: f + ".quantity", message: "the unexpired batches of '\(item.name)' in \(godown.name) hold less than \(Quantity(thousandths: quantity)) on \(date)"))
        } else {
            errors.append(.init(field: f + ".batch", message: "name the batch to issue '\(item.name)' beyond its stock"))
        }
        return result
    }
}

/// Godowns, batches and items already looked up in one transaction: a chunk of imported vouchers names the same
/// few again and again. It holds only rows read or created inside that transaction and is dropped with it.
final class StockLookups: @unchecked Sendable {
    private var godowns: [String: GodownRow] = [:]
    private var batches: [String: BatchRow] = [:]
    private var items: [String: ItemRow] = [:]

    static func godown(_ name: String, company: UUID, in cache: StockLookups?, on db: any Database) async throws -> GodownRow? {
        if let hit = cache?.godowns[Chart.nameKey(name)] { return hit }
        let row = try await Godowns.find(name, company: company, on: db)
        if let row { cache?.godowns[Chart.nameKey(name)] = row }
        return row
    }

    static func batch(item: UUID, name: String, in cache: StockLookups?, on db: any Database) async throws -> BatchRow? {
        if let hit = cache?.batches["\(item)|\(name)"] { return hit }
        let row = try await Batches.find(item: item, name: name, on: db)
        if let row { cache?.remember(row) }
        return row
    }

    func remember(_ batch: BatchRow) { batches["\(batch.item_id)|\(batch.name)"] = batch }

    /// Reads every item a batch names in one query.
    func preloadItems(_ names: [String], company: UUID, on db: any Database) async throws {
        let missing = Array(Set(names).filter { items[Chart.nameKey($0)] == nil })
        guard !missing.isEmpty else { return }
        for (name, row) in try await Items.findMany(missing, company: company, on: db) { items[Chart.nameKey(name)] = row }
    }

    static func item(_ name: String, company: UUID, in cache: StockLookups?, on db: any Database) async throws -> ItemRow? {
        if let hit = cache?.items[Chart.nameKey(name)] { return hit }
        let row = try await Items.find(name, company: company, on: db)
        if let row { cache?.items[Chart.nameKey(name)] = row }
        return row
    }
}
