import Foundation
import Ledger
import Vapor

struct VoucherRequest: APIRequestBody {
    struct Entry: Codable, Sendable {
        var ledger: String?
        var ledgerId: String?
        var debit: String?
        var credit: String?
        var bills: [BillInput]?
    }

    var type: String
    var date: String
    var number: String?
    var narration: String?
    var reference: String?
    /// Recorded but kept off the books until regularised (`POST …/vouchers/{id}/regularise`), as in Tally.
    var optional: Bool?
    /// A cheque or commitment dated ahead: the date must be after today; the books show it from that date on.
    var postDated: Bool?
    var entries: [Entry]

    static let entrySchema = Schema.ref("VoucherEntryInput", .object([
        .optional("ledger", .string(.init(minLength: 1, maxLength: 200, description: "Ledger name"))),
        .optional("ledgerId", .uuid),
        .optional("debit", .string(.init(minLength: 1, maxLength: 20, description: "Decimal rupees"))),
        .optional("credit", .string(.init(minLength: 1, maxLength: 20, description: "Decimal rupees"))),
        .optional("bills", .array(BillInput.schema)),
    ]))

    static let schema = Schema.object([
        .required("type", .string(.init(minLength: 1, maxLength: 200, description: "sales, purchase, receipt, payment, journal, contra, credit-note, debit-note, or a user-defined type's name"))),
        .required("date", .date),
        .optional("number", .string(.init(minLength: 1, maxLength: 60))),
        .optional("narration", .text(min: 0)),
        .optional("reference", .text(min: 0, max: 200)),
        .optional("optional", .boolean),
        .optional("postDated", .boolean),
        .required("entries", .array(entrySchema)),
    ])
}

struct VoucherDTO: APIResponseBody {
    struct Entry: Codable, Sendable {
        var ledgerId: UUID
        var ledger: String
        var debit: String?
        var credit: String?
        var bills: [BillInput]?
    }

    var id: UUID
    var type: String
    var kind: VoucherKind
    var number: String
    var date: String
    var narration: String?
    var reference: String?
    /// `active`, `optional` (no effect until regularised) or `cancelled`.
    var status: String
    var postDated: Bool
    var total: String
    var entries: [Entry]

    static let schema = Schema.ref("Voucher", .object([
        .required("id", .uuid), .required("type", .string()), .required("kind", .oneOf(VoucherKind.self)),
        .required("number", .string()), .required("date", .date), .optional("narration", .nullable(.text())),
        .optional("reference", .nullable(.text())), .required("status", .string(.init(allowed: ["active", "optional", "cancelled"]))),
        .required("postDated", .boolean), .required("total", .string()),
        .required("entries", .array(.object([
            .required("ledgerId", .uuid), .required("ledger", .text()), .optional("debit", .string()), .optional("credit", .string()),
            .optional("bills", .array(BillInput.schema)),
        ]))),
    ]))
}

struct VoucherRow: Codable, BoundRow {
    var id: UUID
    var company_id: UUID
    var voucher_type_id: UUID
    var kind: VoucherKind
    var number: String
    var date: String
    var fy_start: String
    var narration: String?
    var reference: String?
    var status: String
    var total_paise: Int64
    var created_by: UUID?
    var post_dated: Bool
    /// The hash of the audit entry that last wrote this voucher (`verify-books --deep` compares the two).
    var audit_hash: String? = nil

    static let columns = ["id", "company_id", "voucher_type_id", "kind", "number", "date", "fy_start", "narration", "reference", "status",
                          "total_paise", "created_by", "post_dated", "audit_hash"]
    var values: [BoundValue] {
        [.uuid(id), .uuid(company_id), .uuid(voucher_type_id), .text(kind.rawValue), .text(number), .text(date), .text(fy_start),
         BoundValue(narration), BoundValue(reference), .text(status), .int(total_paise), BoundValue(created_by), .bool(post_dated),
         BoundValue(audit_hash)]
    }
}

struct PeriodLockRequest: APIRequestBody {
    var lockedThrough: String
    var reason: String

    static let schema = Schema.object([.required("lockedThrough", .date), .required("reason", .text(max: 1_000))])
}

struct PeriodLockDTO: APIResponseBody {
    var id: UUID
    var lockedThrough: String
    var reason: String
    var active: Bool

    static let schema = Schema.ref("PeriodLock", .object([
        .required("id", .uuid), .required("lockedThrough", .date), .required("reason", .text()), .required("active", .boolean),
    ]))
}

struct VoucherBatchRequest: APIRequestBody {
    var vouchers: [VoucherRequest]

    static let maxVouchers = 1_000
    static let schema = Schema.object([.required("vouchers", .array(.ref("VoucherInput", VoucherRequest.schema)))])
}

struct VoucherBatchResponse: APIResponseBody {
    var items: [VoucherDTO]
    static let schema = Schema.object([.required("items", .array(VoucherDTO.schema))])
}
