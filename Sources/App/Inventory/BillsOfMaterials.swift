import Fluent
import Foundation
import GSTKit
import SQLKit
import Vapor

struct BOMLineRow: Codable, Sendable {
    var company_id: UUID
    var item_id: UUID
    var line_no: Int
    var component_id: UUID
    var quantity_milli: Int64
}

/// Bills of materials: the components (and quantities) one unit of an item is made from. A bill that would make
/// an item, through any chain of components, from itself is refused.
enum BillsOfMaterials {
    struct Line: Codable, Sendable {
        var item: String
        var quantity: String
    }

    static func lines(of item: UUID, on db: any Database) async throws -> [BOMLineRow] {
        try await db.sql().raw("SELECT * FROM bom_lines WHERE item_id = \(bind: item) ORDER BY line_no").all(decoding: BOMLineRow.self)
    }

    /// Checks a new bill for `item` and returns its rows; errors name `billOfMaterials[i]`'s fields.
    static func check(_ input: [Line], item: ItemRow, on db: any Database) async throws -> [BOMLineRow] {
        var errors: [APIError.FieldError] = []
        let components = try await Items.findMany(input.map(\.item), company: item.company_id, on: db)
        var rows: [BOMLineRow] = []
        for (i, line) in input.enumerated() {
            let f = "billOfMaterials[\(i)]"
            guard let component = components[line.item], component.kind == "goods" else {
                errors.append(.init(field: f + ".item", message: "no goods item '\(line.item)' in this company")); continue
            }
            var quantity: Int64 = 0
            do { quantity = try Quantity(parsing: line.quantity).thousandths } catch { errors.append(.init(field: f + ".quantity", message: error.description)) }
            if component.id == item.id {
                errors.append(.init(field: f + ".item", message: "'\(item.name)' cannot be made from itself")); continue
            }
            if try await reaches(from: component.id, to: item.id, on: db) {
                errors.append(.init(field: f + ".item", message: "'\(component.name)' is itself made (through its components) from '\(item.name)': a cycle"))
                continue
            }
            rows.append(BOMLineRow(company_id: item.company_id, item_id: item.id, line_no: i, component_id: component.id, quantity_milli: quantity))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return rows
    }

    /// Whether `start`'s bill, followed through its components' bills, reaches `target`.
    static func reaches(from start: UUID, to target: UUID, on db: any Database) async throws -> Bool {
        var seen: Set<UUID> = [start]
        var queue = [start]
        while let id = queue.popLast() {
            for line in try await lines(of: id, on: db) {
                if line.component_id == target { return true }
                if seen.insert(line.component_id).inserted { queue.append(line.component_id) }
            }
        }
        return false
    }

    /// Replaces the item's bill, audited with the lines before and after.
    static func save(_ rows: [BOMLineRow], item: ItemRow, actor: AuditActor, on db: any Database) async throws {
        let before = try await lines(of: item.id, on: db)
        try await db.sql().delete(from: "bom_lines").where("item_id", .equal, item.id).run()
        try await VoucherPosting.insert(rows, into: "bom_lines", on: db.sql())
        func json(_ rows: [BOMLineRow]) throws -> JSONValue {
            try JSONValue(encoding: rows.map { ["componentId": $0.component_id.uuidString.lowercased(), "quantity": Quantity(thousandths: $0.quantity_milli).description] })
        }
        try await AuditLog.append(AuditEvent(companyID: item.company_id, action: "item.bill-of-materials", entityType: "item",
                                             entityID: item.id.uuidString.lowercased(), before: try json(before), after: try json(rows)), by: actor, on: db)
    }
}
