import Fluent
import Foundation
import GSTKit
import Ledger
import StockKit
import Vapor

/// Production from a bill of materials: the components leave `fromGodown` (batch-wise ones first-expiry-first),
/// and the product enters `toGodown` valued at what the components cost at their rates that day.
enum Production {
    static func moves(item: ItemRow, quantity: Int64, line: StockJournalRequest.Line, from: GodownRow, to: GodownRow, date: CalendarDate,
                      lineNo: Int, field f: String, errors: inout [APIError.FieldError], on db: any Database) async throws -> [Stock.Movement] {
        let bom = try await BillsOfMaterials.lines(of: item.id, on: db)
        guard !bom.isEmpty else {
            errors.append(.init(field: f + ".item", message: "'\(item.name)' has no bill of materials to produce it from")); return []
        }
        let components = try await db.sql().select().column("*").from("items").where("id", .in, bom.map(\.component_id)).all(decoding: ItemRow.self)
        var moves: [Stock.Movement] = []
        var cost: Int64 = 0
        for b in bom {
            guard let component = components.first(where: { $0.id == b.component_id }) else { continue }
            // Per unit × units made, to the thousandth (half up).
            let needed = try Checked.multiplyDivide(b.quantity_milli, quantity, by: 1000)
            guard needed > 0 else { continue }
            cost = try Checked.add(cost, Quantity(thousandths: needed).times(try await Stock.position(component, asOf: date, on: db).rate))
            if component.batch_wise {
                guard let picked = try await Batches.proposeFEFO(item: component, godown: from.id, quantity: needed, on: date, db: db) else {
                    errors.append(.init(field: f + ".quantity", message: "the unexpired batches of '\(component.name)' in \(from.name) hold less than the \(Quantity(thousandths: needed)) needed"))
                    continue
                }
                for (batch, q) in picked {
                    moves.append(.init(item: component, godown: from, batch: batch, date: date, quantity: -q, lineNo: lineNo, field: f))
                }
            } else {
                moves.append(.init(item: component, godown: from, batch: nil, date: date, quantity: -needed, lineNo: lineNo, field: f))
            }
        }
        let batch = try await ItemStock.receiptBatch(item: item, name: line.batch, expiry: line.expiryDate, manufactured: date.description, field: f,
                                                     errors: &errors, on: db)
        moves.append(.init(item: item, godown: to, batch: batch, date: date, quantity: quantity, value: cost, lineNo: lineNo, field: f))
        return moves
    }
}
