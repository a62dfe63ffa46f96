import Fluent
import Foundation
import SQLKit
import GSTKit
import Ledger
import Vapor

extension InvoicePosting {
    /// Where a sale's goods go and come from: ship-to and dispatch-from addresses (sales only) and, for exports, the
    /// shipping bill. Problems are added to `errors` by field; the shipping bill comes back when it is valid.
    static func deliveryDetails(_ body: InvoiceRequest, outward: Bool, supplyType: SupplyType, date: CalendarDate,
                                errors: inout [APIError.FieldError]) -> GSTDocument.ShippingBill? {
        if let shipTo = body.shipTo {
            if !(outward && body.kind == .sales) { errors.append(.init(field: "shipTo", message: "only a sale ships goods to a ship-to address")) }
            errors += shipTo.problems(field: "shipTo")
        }
        if let dispatch = body.dispatchFrom {
            if !(outward && body.kind == .sales) {
                errors.append(.init(field: "dispatchFrom", message: "only a sale names a dispatch-from address (a purchase's goods leave from the supplier)"))
            }
            errors += dispatch.problems(field: "dispatchFrom")
        }
        guard let bill = body.shippingBill else { return nil }
        if !(outward && body.kind == .sales && supplyType.isExport) {
            errors.append(.init(field: "shippingBill", message: "only an export invoice has a shipping bill"))
        }
        return bill.checked(invoiceDate: date, within: "shippingBill", errors: &errors)
    }
}

extension InvoicePosting {
    /// A sale through an e-commerce operator: the operator must hold a TCS registration; s.9(5) covers notified
    /// services only, where the operator pays the tax, so it cannot meet reverse charge or a zero-rated supply. A note
    /// follows its original.
    static func ecommerceDetails(_ body: InvoiceRequest, original: InvoiceRow?, outward: Bool, supplyType: SupplyType, reverseCharge: Bool,
                                 allServices: Bool, errors: inout [APIError.FieldError]) -> ECommerce? {
        if let o = original {
            if body.ecommerceOperator != nil && body.ecommerceOperator != o.ecommerce_gstin {
                errors.append(.init(field: "ecommerceOperator", message: "a note follows its original invoice's e-commerce operator; leave it out"))
            }
            if body.ecommerceSection != nil && body.ecommerceSection?.rawValue != o.ecommerce_section {
                errors.append(.init(field: "ecommerceSection", message: "a note follows its original invoice's section; leave it out"))
            }
            return o.ecommerce_gstin.flatMap { g in o.ecommerce_section.flatMap(ECommerceSection.init(rawValue:)).map { ECommerce(operatorGSTIN: g, section: $0) } }
        }
        guard let raw = body.ecommerceOperator else {
            if body.ecommerceSection != nil { errors.append(.init(field: "ecommerceSection", message: "needs ecommerceOperator, the operator's GSTIN")) }
            return nil
        }
        guard outward && body.kind == .sales else {
            errors.append(.init(field: "ecommerceOperator", message: "only our sales are made through an e-commerce operator; a purchase through one is a purchase from the seller"))
            return nil
        }
        let gstin: GSTIN
        do { gstin = try GSTIN(raw) } catch {
            errors.append(.init(field: "ecommerceOperator", message: error.description))
            return nil
        }
        guard gstin.kind == .tcs else {
            errors.append(.init(field: "ecommerceOperator", message: "'\(gstin.value)' is not an e-commerce operator's GSTIN: operators hold a TCS registration (C as the 14th character, s.52)"))
            return nil
        }
        let section = body.ecommerceSection ?? .collectsTCS
        if section == .operatorPays {
            if !allServices {
                errors.append(.init(field: "ecommerceSection", message: "s.9(5) covers notified services only (transport of passengers, accommodation, housekeeping, restaurants); goods sold through an operator are under s.52"))
            }
            if reverseCharge { errors.append(.init(field: "reverseCharge", message: "under s.9(5) the operator pays the tax; it cannot also be the recipient's under reverse charge")) }
            if supplyType != .regular { errors.append(.init(field: "ecommerceSection", message: "s.9(5) applies to supplies within India, not \(supplyType.rawValue)")) }
        }
        return ECommerce(operatorGSTIN: gstin.value, section: section)
    }
}

extension ShippingBillDTO {
    /// The shipping bill as GSTR-1 checks it, on or after the invoice date; problems go to `errors` by field, under
    /// `within.` when the bill is part of a larger body.
    func checked(invoiceDate: CalendarDate, within: String? = nil, errors: inout [APIError.FieldError]) -> GSTDocument.ShippingBill? {
        func field(_ name: String) -> String { within.map { $0 + "." + name } ?? name }
        errors += GSTDocument.ShippingBill.problems(number: number, portCode: port).map { .init(field: field($0.field), message: $0.message) }
        guard let when = CalendarDate(date) else {
            errors.append(.init(field: field("date"), message: "must be " + CalendarDate.acceptedDescription))
            return nil
        }
        if when < invoiceDate { errors.append(.init(field: field("date"), message: "is before the invoice date")) }
        return .init(number: number, date: when, portCode: port)
    }
}
