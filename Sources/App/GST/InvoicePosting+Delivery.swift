import Foundation
import GSTKit
import Ledger

extension InvoicePosting {
    /// Where a sale's goods go: a ship-to address (sales only) and, for exports, the shipping bill. Problems are added to
    /// `errors` by field; the shipping bill comes back when it is valid.
    static func deliveryDetails(_ body: InvoiceRequest, outward: Bool, supplyType: SupplyType, date: CalendarDate,
                                errors: inout [APIError.FieldError]) -> GSTDocument.ShippingBill? {
        if let shipTo = body.shipTo {
            if !(outward && body.kind == .sales) { errors.append(.init(field: "shipTo", message: "only a sale ships goods to a ship-to address")) }
            errors += shipTo.problems()
        }
        guard let bill = body.shippingBill else { return nil }
        if !(outward && body.kind == .sales && supplyType.isExport) {
            errors.append(.init(field: "shippingBill", message: "only an export invoice has a shipping bill"))
        }
        errors += GSTDocument.ShippingBill.problems(number: bill.number, portCode: bill.port)
            .map { .init(field: "shippingBill." + $0.field, message: $0.message) }
        guard let when = CalendarDate(bill.date) else {
            errors.append(.init(field: "shippingBill.date", message: "must be " + CalendarDate.acceptedDescription))
            return nil
        }
        if when < date { errors.append(.init(field: "shippingBill.date", message: "is before the invoice date")) }
        return .init(number: bill.number, date: when, portCode: bill.port)
    }
}
