import Fluent
import Foundation
import GSTKit
import Ledger
import NIOConcurrencyHelpers
import SQLKit
import StockKit
import Vapor

struct StockAgeingDTO: APIResponseBody {
    struct Row: Codable, Sendable {
        var item: String
        var itemId: UUID
        var quantity: String
        /// Quantity on hand by the age of the receipts it came from: 0–30, 31–60, 61–90, 91–180 and over 180 days.
        var buckets: [String]
    }
    var asOf: String
    var buckets: [String]
    var rows: [Row]
    static let schema = Schema.object([
        .required("asOf", .date), .required("buckets", .array(.string())),
        .required("rows", .array(.object([
            .required("item", .text()), .required("itemId", .uuid), .required("quantity", .string()), .required("buckets", .array(.string())),
        ]))),
    ])
}

/// Stock ageing: what is on hand, assumed to be the latest receipts (first in, first out), by how long ago they
/// came in.
enum StockAgeing {
    static let limits = [30, 60, 90, 180]
    static let labels = ["0-30", "31-60", "61-90", "91-180", ">180"]

    /// Splits `onHand` over receipts given newest first: each receipt fills the bucket of its age.
    static func buckets(onHand: Int64, receipts: [(date: CalendarDate, quantity: Int64)], asOf: CalendarDate) -> [Int64] {
        var out = [Int64](repeating: 0, count: labels.count)
        var left = onHand
        for r in receipts where left > 0 {
            let take = min(left, r.quantity)
            let age = asOf.dayNumber - r.date.dayNumber
            out[limits.firstIndex { age <= $0 } ?? limits.count] += take
            left -= take
        }
        // Stock with no receipt behind it (opening adjustments, negative history) is counted as oldest.
        out[out.count - 1] += max(left, 0)
        return out
    }

    @Sendable static func report(req: Request) async throws -> StockAgeingDTO {
        let company = try req.company.companyID
        var errors: [APIError.FieldError] = []
        let asOf = StockReports.date(req, "asOf", default: Format.today(), errors: &errors)
        guard errors.isEmpty else { throw APIError.validation(errors) }
        let onHand = try await StockReports.positions(company: company, asOf: asOf, on: req.db).filter { $0.quantity_milli > 0 }
        let receipts = NIOLockedValueBox<[UUID: [(date: CalendarDate, quantity: Int64)]]>([:])
        try await BulkRows.stream("""
            SELECT item_id, date, quantity_milli FROM stock_movements
            WHERE company_id = \(bind: company) AND active = \(bind: true) AND valued = \(bind: true) AND quantity_milli > 0 AND date <= \(bind: asOf.description)
            ORDER BY item_id, date DESC, seq DESC
            """, on: req.db) { row in
            guard let date = CalendarDate(try row.string("date")) else { return }
            let item = try row.uuid("item_id"), q = try row.int("quantity_milli")
            receipts.withLockedValue { $0[item, default: []].append((date, q)) }
        }
        let byItem = receipts.withLockedValue { $0 }
        return StockAgeingDTO(asOf: asOf.description, buckets: labels, rows: onHand.map { p in
            let split = buckets(onHand: p.quantity_milli, receipts: byItem[p.item_id] ?? [], asOf: asOf)
            return .init(item: p.name, itemId: p.item_id, quantity: StockReports.quantityText(p.quantity_milli), buckets: split.map(StockReports.quantityText))
        })
    }
}
