import Foundation
import GSTKit
import Ledger
import Vapor

enum InvoiceKind: String, Codable, CaseIterable, Sendable {
    case sales, purchase
    case creditNote = "credit-note"
    case debitNote = "debit-note"
    /// Money received before a supply of services (a receipt voucher, Rule 50), and its later adjustment.
    case advanceReceipt = "advance-receipt"
    case advanceAdjustment = "advance-adjustment"
    /// An advance paid back with no supply made: a refund voucher (Rule 51) in its own series.
    case advanceRefund = "advance-refund"

    /// GST documents numbered in a series of their own.
    var reservedSeries: ReservedSeries? {
        switch self {
        case .advanceReceipt: .advanceReceipt
        case .advanceRefund: .refundVoucher
        default: nil
        }
    }
    var voucherType: String { reservedSeries?.name ?? (self == .advanceAdjustment ? "journal" : rawValue) }
    /// Advances received and refunded name the cash or bank account the money moved through.
    var takesAccount: Bool { self == .advanceReceipt || self == .advanceRefund }
    var documentKind: GSTDocument.Kind {
        switch self {
        case .sales, .purchase: .invoice
        case .creditNote: .creditNote
        case .debitNote: .debitNote
        case .advanceReceipt: .advanceReceipt
        case .advanceAdjustment: .advanceAdjustment
        case .advanceRefund: .advanceRefund
        }
    }
    var isAdvance: Bool { documentKind.isAdvance }
    /// Notes name the invoice they adjust; an advance adjustment names the advance.
    var originalKinds: [InvoiceKind] {
        switch self {
        case .creditNote, .debitNote: [.sales, .purchase]
        case .advanceAdjustment, .advanceRefund: [.advanceReceipt]
        default: []
        }
    }
}

struct InvoiceRequest: APIRequestBody, Encodable {
    struct Line: Codable, Sendable {
        var item: String
        var quantity: String
        var rate: String
        var discount: String?
        var description: String?
        // Inventory: where goods come from or go to. Godown defaults to Main Location; a batch-wise item's sale
        // without a batch takes the batches that expire first.
        var godown: String?
        var batch: String?
        var expiryDate: String?
        var manufacturingDate: String?
        /// A unit other than the item's own: a compound unit of it (BOX of 12 NOS); quantity and rate are per this unit.
        var unit: String?
    }

    var kind: InvoiceKind
    var party: String
    var date: String
    var number: String?
    var registration: String?
    var placeOfSupply: String?
    var supplyType: SupplyType?
    var reverseCharge: Bool?
    var originalInvoice: String?
    var roundOff: Bool?
    var narration: String?
    /// Advance receipts: the cash or bank ledger the money came into.
    var account: String?
    /// Sales and purchases: delivery or receipt notes (ids) whose goods this invoice bills; their goods already moved.
    var notes: [String]?
    /// Sales and purchases billing an order directly, without notes: the order's id; the lines count against it.
    var order: String?
    /// Exports: the shipping bill, when known at invoicing.
    var shippingBill: ShippingBillDTO?
    /// Sales whose goods go elsewhere than the buyer's address.
    var shipTo: AddressDTO?
    /// Sales whose goods leave from elsewhere than our registered address.
    var dispatchFrom: AddressDTO?
    /// Sales through an e-commerce operator: its GSTIN (a TCS registration) and who answers for the tax (s.52 by default).
    var ecommerceOperator: String?
    var ecommerceSection: ECommerceSection?
    var lines: [Line]

    static let maxLines = 1_000

    static let schema = Schema.object([
        .required("kind", .oneOf(InvoiceKind.self)),
        .required("party", .string(.init(minLength: 1, maxLength: 200, description: "Party ledger: name or id"))),
        .required("date", .date),
        .optional("number", .string(.init(minLength: 1, maxLength: 16, description: "Purchases: the supplier's invoice number"))),
        .optional("registration", .string(.init(minLength: 15, maxLength: 15, description: "Our GSTIN the invoice is issued under"))),
        .optional("placeOfSupply", .string(.init(minLength: 2, maxLength: 2, description: "State code, 96 for exports"))),
        .optional("supplyType", .oneOf(SupplyType.self)),
        .optional("reverseCharge", .boolean),
        .optional("originalInvoice", .string(.init(minLength: 1, maxLength: 60, description: "For notes: the invoice's id or number"))),
        .optional("roundOff", .boolean),
        .optional("narration", .text(min: 0)),
        .optional("account", .string(.init(minLength: 1, maxLength: 200, description: "Advance receipts: the cash or bank ledger, name or id"))),
        .optional("notes", .array(.string(.init(minLength: 1, maxLength: 60, description: "Delivery or receipt note id")))),
        .optional("order", .string(.init(minLength: 1, maxLength: 60, description: "Sales or purchase order id this invoice bills directly (no notes)"))),
        .optional("shippingBill", ShippingBillDTO.schema),
        .optional("shipTo", AddressDTO.schema),
        .optional("dispatchFrom", AddressDTO.schema),
        .optional("ecommerceOperator", .string(.init(minLength: 15, maxLength: 15, description: "The e-commerce operator's GSTIN (TCS registration)"))),
        .optional("ecommerceSection", .oneOf(ECommerceSection.self)),
        .required("lines", .array(.object([
            .required("item", .string(.init(minLength: 1, maxLength: 200))),
            .required("quantity", .string(.init(minLength: 1, maxLength: 20))),
            .required("rate", .string(.init(minLength: 1, maxLength: 20, description: "Price per unit in rupees"))),
            .optional("discount", .string(.init(minLength: 1, maxLength: 20, description: "Amount in rupees"))),
            .optional("description", .text(max: 300)),
            .optional("godown", .string(.init(minLength: 1, maxLength: 200, description: "Name or id; Main Location when left out"))),
            .optional("batch", .string(.init(minLength: 1, maxLength: 60))),
            .optional("expiryDate", .date),
            .optional("manufacturingDate", .date),
            .optional("unit", .string(.init(minLength: 1, maxLength: 20, description: "Compound unit of the item's unit; quantity and rate in it"))),
        ]))),
    ])
}

struct InvoiceDTO: APIResponseBody {
    struct Line: Codable, Sendable {
        var item: String
        var itemId: UUID
        var description: String
        var hsn: String
        var unit: String
        var quantity: String
        var rate: String
        var discount: String
        var taxable: String
        var treatment: Treatment
        var gstRate: String
        var cessRate: String
        var cgst: String
        var sgst: String
        var utgst: Bool
        var igst: String
        /// Both kinds of cess; `specificCess` is the part charged per unit.
        var cess: String
        var specificCess: String = "0.00"
        var total: String
    }

    struct Totals: Codable, Sendable {
        var taxable: String
        var cgst: String
        var sgst: String
        var igst: String
        var cess: String
        var tax: String
        var roundOff: String
        var total: String
    }

    var id: UUID
    var kind: InvoiceKind
    var number: String
    var date: String
    var voucherId: UUID
    var status: String
    var party: String
    var partyId: UUID
    var partyGstin: String?
    var partyRegistration: Registration
    var registration: String?
    var supplierState: String
    var placeOfSupply: String
    var supplyType: SupplyType
    var reverseCharge: Bool
    var billOfSupply: Bool
    var originalInvoiceId: UUID?
    var lines: [Line]
    var totals: Totals
    var shippingBill: ShippingBillDTO? = nil
    var shipTo: AddressDTO? = nil
    var dispatchFrom: AddressDTO? = nil
    var ecommerceOperator: String? = nil
    var ecommerceSection: ECommerceSection? = nil
    /// Reverse-charge purchases from unregistered suppliers: the self-invoice we issued (s.31(3)(f)).
    var selfInvoiceNumber: String? = nil

    static let schema = Schema.ref("Invoice", .object([
        .required("id", .uuid), .required("kind", .oneOf(InvoiceKind.self)), .required("number", .string()), .required("date", .date),
        .required("voucherId", .uuid), .required("status", .string()), .required("party", .text()), .required("partyId", .uuid),
        .optional("partyGstin", .nullable(.string())), .required("partyRegistration", .oneOf(Registration.self)),
        .optional("registration", .nullable(.string())), .required("supplierState", .string()), .required("placeOfSupply", .string()),
        .required("supplyType", .oneOf(SupplyType.self)), .required("reverseCharge", .boolean), .required("billOfSupply", .boolean),
        .optional("originalInvoiceId", .nullable(.uuid)), .optional("shippingBill", .nullable(ShippingBillDTO.schema)),
        .optional("shipTo", .nullable(AddressDTO.schema)), .optional("dispatchFrom", .nullable(AddressDTO.schema)),
        .optional("ecommerceOperator", .nullable(.string())), .optional("ecommerceSection", .nullable(.oneOf(ECommerceSection.self))),
        .optional("selfInvoiceNumber", .nullable(.string())),
        .required("lines", .array(.object([
            .required("item", .text()), .required("itemId", .uuid), .required("description", .text()), .required("hsn", .string()),
            .required("unit", .string()), .required("quantity", .string()), .required("rate", .string()), .required("discount", .string()),
            .required("taxable", .string()), .required("treatment", .oneOf(Treatment.self)), .required("gstRate", .string()),
            .required("cessRate", .string()), .required("cgst", .string()), .required("sgst", .string()), .required("utgst", .boolean),
            .required("igst", .string()), .required("cess", .string()), .optional("specificCess", .string()), .required("total", .string()),
        ]))),
        .required("totals", .object(["taxable", "cgst", "sgst", "igst", "cess", "tax", "roundOff", "total"].map { .required($0, .string()) })),
    ]))
}

struct InvoiceRow: Codable, BoundRow {
    var id: UUID
    var company_id: UUID
    var registration_id: UUID?
    var kind: String
    var direction: String
    var number: String
    var fy_start: String
    var date: String
    var party_ledger_id: UUID
    var party_registration: String
    var party_gstin: String?
    var supplier_state: String
    var place_of_supply: String
    var supply_type: String
    var reverse_charge: Bool
    var original_invoice_id: UUID?
    var voucher_id: UUID
    var taxable_paise: Int64
    var tax_paise: Int64
    var round_off_paise: Int64
    var total_paise: Int64
    var shipping_bill_number: String? = nil
    var shipping_bill_date: String? = nil
    var shipping_port: String? = nil
    var ship_to: String? = nil
    var dispatch_from: String? = nil
    var ecommerce_gstin: String? = nil
    var ecommerce_section: String? = nil
    /// Our own invoice for a reverse-charge purchase from an unregistered supplier (s.31(3)(f), migration 040).
    var self_invoice_number: String? = nil

    static let columns = ["id", "company_id", "registration_id", "kind", "direction", "number", "fy_start", "date", "party_ledger_id",
                          "party_registration", "party_gstin", "supplier_state", "place_of_supply", "supply_type", "reverse_charge",
                          "original_invoice_id", "voucher_id", "taxable_paise", "tax_paise", "round_off_paise", "total_paise",
                          "shipping_bill_number", "shipping_bill_date", "shipping_port", "ship_to", "dispatch_from", "ecommerce_gstin",
                          "ecommerce_section", "self_invoice_number"]
    var values: [BoundValue] {
        [.uuid(id), .uuid(company_id), .init(registration_id), .text(kind), .text(direction), .text(number), .text(fy_start), .text(date),
         .uuid(party_ledger_id), .text(party_registration), .init(party_gstin), .text(supplier_state), .text(place_of_supply),
         .text(supply_type), .bool(reverse_charge), .init(original_invoice_id), .uuid(voucher_id), .int(taxable_paise), .int(tax_paise),
         .int(round_off_paise), .int(total_paise), .init(shipping_bill_number), .init(shipping_bill_date), .init(shipping_port),
         .init(ship_to), .init(dispatch_from), .init(ecommerce_gstin), .init(ecommerce_section), .init(self_invoice_number)]
    }
}

struct InvoiceLineRow: Codable, BoundRow {
    var id: UUID
    var invoice_id: UUID
    var company_id: UUID
    var line_no: Int
    var item_id: UUID
    var description: String
    var hsn: String
    var uqc: String
    var quantity_milli: Int64
    var price_paise: Int64
    var discount_paise: Int64
    var taxable_paise: Int64
    var treatment: String
    var rate_milli: Int64
    var cess_milli: Int64
    var cgst_paise: Int64
    var sgst_paise: Int64
    var igst_paise: Int64
    var cess_paise: Int64
    var utgst: Bool
    /// Specific cess: the line's amount and the rate per unit it came from (migration 038).
    var cess_non_advol_paise: Int64 = 0
    var cess_per_unit_paise: Int64 = 0
    var godown_id: UUID? = nil
    var batch_id: UUID? = nil

    static let columns = ["id", "invoice_id", "company_id", "line_no", "item_id", "description", "hsn", "uqc", "quantity_milli", "price_paise",
                          "discount_paise", "taxable_paise", "treatment", "rate_milli", "cess_milli", "cgst_paise", "sgst_paise", "igst_paise",
                          "cess_paise", "utgst", "cess_non_advol_paise", "cess_per_unit_paise", "godown_id", "batch_id"]
    var values: [BoundValue] {
        [.uuid(id), .uuid(invoice_id), .uuid(company_id), .int(Int64(line_no)), .uuid(item_id), .text(description), .text(hsn), .text(uqc),
         .int(quantity_milli), .int(price_paise), .int(discount_paise), .int(taxable_paise), .text(treatment), .int(rate_milli), .int(cess_milli),
         .int(cgst_paise), .int(sgst_paise), .int(igst_paise), .int(cess_paise), .bool(utgst), .int(cess_non_advol_paise),
         .int(cess_per_unit_paise), BoundValue(godown_id), BoundValue(batch_id)]
    }

    var tax: LineTax {
        LineTax(treatment: Treatment(rawValue: treatment) ?? .intraState, taxable: taxable_paise, rate: TaxRate(milli: rate_milli),
                cessRate: TaxRate(milli: cess_milli), cgst: cgst_paise, sgst: sgst_paise, igst: igst_paise, cess: cess_paise, cessNonAdvol: cess_non_advol_paise,
                usesUTGST: utgst)
    }
}

/// An export's shipping bill: `{number, date, port}` (port code such as INNSA1).
struct ShippingBillDTO: APIRequestBody, Codable, Sendable, Equatable {
    var number: String
    var date: String
    var port: String

    static let schema = Schema.object([
        .required("number", .string(.init(minLength: 1, maxLength: 20, description: "3 to 7 digits"))),
        .required("date", .date),
        .required("port", .string(.init(minLength: 1, maxLength: 10, description: "6-character port code, e.g. INNSA1"))),
    ])
}

/// An address goods move to or from other than the parties' own: a sale's ship-to (`shipTo`) or dispatch-from
/// (`dispatchFrom`), as `{name, gstin?, address, place, pincode, stateCode}`.
struct AddressDTO: Codable, Sendable, Equatable {
    var name: String
    var gstin: String?
    var address: String
    var place: String
    var pincode: String
    var stateCode: String

    static let schema = Schema.object([
        .required("name", .text(max: 100)), .optional("gstin", .string(.init(minLength: 15, maxLength: 15))),
        .required("address", .text(max: 100)), .required("place", .text(max: 50)),
        .required("pincode", .string(.init(minLength: 6, maxLength: 6, description: "6-digit PIN code"))),
        .required("stateCode", .string(.init(minLength: 2, maxLength: 2))),
    ])

    /// Field errors (under `field.`, e.g. `shipTo.pincode`), or none.
    func problems(field prefix: String) -> [APIError.FieldError] {
        var out: [APIError.FieldError] = []
        for (field, value, range) in [("name", name, 3...100), ("address", address, 3...100), ("place", place, 3...50)]
        where !range.contains(value.trimmingCharacters(in: .whitespaces).count) {
            out.append(.init(field: "\(prefix)." + field, message: "must have \(range.lowerBound) to \(range.upperBound) characters"))
        }
        if !PINCode.isValid(pincode) {
            out.append(.init(field: prefix + ".pincode", message: "must be a 6-digit PIN code"))
        }
        if !StateCode.registrable.contains(stateCode) { out.append(.init(field: prefix + ".stateCode", message: "'\(stateCode)' is not a state code")) }
        if let gstin {
            do {
                let valid = try GSTIN(gstin)
                if valid.stateCode != stateCode { out.append(.init(field: prefix + ".gstin", message: "belongs to state \(valid.stateCode), not \(stateCode)")) }
            } catch { out.append(.init(field: prefix + ".gstin", message: error.description)) }
        }
        return out
    }

    /// The address kept as JSON with an invoice, if any.
    static func stored(_ json: String?) -> AddressDTO? {
        json.flatMap { try? JSONDecoder().decode(AddressDTO.self, from: Data($0.utf8)) }
    }

    /// As kept with an invoice.
    var json: String {
        get throws { String(decoding: try JSONEncoder().encode(self), as: UTF8.self) }
    }

    var party: TradeParty {
        TradeParty(gstin: gstin.flatMap { try? GSTIN($0).value }, legalName: name, address: address, place: place, pincode: pincode,
                   stateCode: stateCode)
    }
}
