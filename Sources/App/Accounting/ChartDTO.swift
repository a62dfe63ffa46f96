import Foundation
import GSTKit
import Ledger
import Vapor

/// `{ "amount": "1000.00", "side": "Dr" }` — how balances travel in the API.
struct BalanceDTO: Codable, Sendable, Equatable {
    var amount: String
    var side: Side

    init(_ b: Balance) {
        amount = b.amount.description
        side = b.side
    }

    static let schema = Schema.ref("Balance", .object([
        .required("amount", .string(.init(minLength: 1, maxLength: 20, description: "Decimal rupees, e.g. \"1180.00\""))),
        .required("side", .string(.init(minLength: 2, maxLength: 2, allowed: ["Dr", "Cr"]))),
    ]))

    /// Parses into a balance, reporting a bad amount against `field`.
    func balance(field: String) throws -> Balance {
        do {
            let money = try Money(parsing: amount)
            guard money.paise >= 0 else { throw APIError.validation(field: field + ".amount", "must not be negative; use the side instead") }
            return Balance(money, side)
        } catch let e as Money.ParseError {
            throw APIError.validation(field: field + ".amount", e.description)
        }
    }
}

struct GroupDTO: APIResponseBody {
    var id: UUID
    var name: String
    var parentId: UUID?
    var path: [String]
    var nature: GroupNature
    var affectsGrossProfit: Bool
    var isPartyGroup: Bool
    var reserved: Bool
    var active: Bool

    init(_ g: GroupRow, all: [UUID: GroupRow]) {
        id = g.id
        name = g.name
        parentId = g.parent_id
        path = Chart.path(of: g.id, in: all)
        nature = g.nature
        affectsGrossProfit = g.affects_gross_profit
        isPartyGroup = g.is_party_group
        reserved = g.reserved
        active = g.active
    }

    static let schema = Schema.ref("Group", .object([
        .required("id", .uuid), .required("name", .text()), .optional("parentId", .nullable(.uuid)),
        .required("path", .array(.string())), .required("nature", .oneOf(GroupNature.self)),
        .required("affectsGrossProfit", .boolean), .required("isPartyGroup", .boolean), .required("reserved", .boolean),
        .required("active", .boolean),
    ]))
}

struct CreateGroupRequest: APIRequestBody {
    var name: String
    var parent: String?
    var nature: GroupNature?
    var affectsGrossProfit: Bool?

    static let schema = Schema.object([
        .required("name", .text(max: 200)),
        .optional("parent", .string(.init(minLength: 1, maxLength: 200, description: "Parent group: name or id"))),
        .optional("nature", .oneOf(GroupNature.self)),
        .optional("affectsGrossProfit", .boolean),
    ])
}

struct UpdateGroupRequest: APIRequestBody {
    var name: String?
    var parent: String?
    var active: Bool?

    static let schema = Schema.object([
        .optional("name", .text(max: 200)), .optional("parent", .string(.init(minLength: 1, maxLength: 200))),
        .optional("active", .boolean),
    ])
}

enum RegistrationType: String, Codable, CaseIterable, Sendable {
    case regular, composition, unregistered, consumer, sez, overseas, uin
}

struct LedgerDTO: APIResponseBody {
    var id: UUID
    var name: String
    var groupId: UUID
    var group: String
    var groupPath: [String]
    var openingBalance: BalanceDTO
    var gstin: String?
    var registrationType: String?
    var stateCode: String?
    var address: String?
    var place: String?
    var pincode: String?
    var contact: String?
    var billWise: Bool
    var creditPeriodDays: Int?
    var creditLimit: String?
    var reserved: Bool
    var active: Bool
    var restricted: Bool

    init(_ l: LedgerRow, groups: [UUID: GroupRow]) {
        id = l.id
        name = l.name
        groupId = l.group_id
        group = groups[l.group_id]?.name ?? ""
        groupPath = Chart.path(of: l.group_id, in: groups)
        openingBalance = BalanceDTO(Balance(signed: l.opening_paise))
        gstin = l.gstin
        registrationType = l.registration_type
        stateCode = l.state_code
        address = l.address
        place = l.place
        pincode = l.pincode
        contact = l.contact
        billWise = l.bill_wise
        creditPeriodDays = l.credit_period_days
        creditLimit = l.credit_limit_paise.map { Money(paise: $0).description }
        reserved = l.reserved
        active = l.active
        restricted = l.restricted
    }

    static let schema = Schema.ref("Ledger", .object([
        .required("id", .uuid), .required("name", .text()), .required("groupId", .uuid), .required("group", .text()),
        .required("groupPath", .array(.string())), .required("openingBalance", BalanceDTO.schema),
        .optional("gstin", .nullable(.string())), .optional("registrationType", .nullable(.oneOf(RegistrationType.self))),
        .optional("stateCode", .nullable(.string())), .optional("address", .nullable(.text())),
        .optional("place", .nullable(.text())), .optional("pincode", .nullable(.string())),
        .optional("contact", .nullable(.text())), .required("billWise", .boolean),
        .optional("creditPeriodDays", .nullable(.integer())), .optional("creditLimit", .nullable(.string())),
        .required("reserved", .boolean), .required("active", .boolean),
        .required("restricted", .boolean),
    ]))
}

/// Create and change share one shape: on create `name` and `group` are required (checked by the controller).
struct LedgerRequest: APIRequestBody {
    var name: String?
    var group: String?
    var openingBalance: BalanceDTO?
    var gstin: String?
    var registrationType: RegistrationType?
    var stateCode: String?
    var address: String?
    var place: String?
    var pincode: String?
    var contact: String?
    var billWise: Bool?
    var creditPeriodDays: Int?
    var creditLimit: String?
    var active: Bool?
    var restricted: Bool?
    /// Bill-wise ledgers, on create: the bills already open at books-beginning; they add up to the opening balance.
    var openingBills: [OpeningBillInput]?

    struct OpeningBillInput: Codable, Sendable {
        var reference: String
        var date: String
        var dueDate: String?
        var amount: String
        var side: Side
    }

    static let schema = Schema.object([
        .optional("name", .text(max: 200)),
        .optional("group", .string(.init(minLength: 1, maxLength: 200, description: "Group: name or id"))),
        .optional("openingBalance", BalanceDTO.schema),
        .optional("gstin", .string(.init(minLength: 1, maxLength: 20))),
        .optional("registrationType", .oneOf(RegistrationType.self)),
        .optional("stateCode", .string(.init(minLength: 2, maxLength: 2))),
        .optional("address", .text()), .optional("place", .text(max: 50)),
        .optional("pincode", .string(.init(minLength: 6, maxLength: 6, description: "6-digit PIN code"))),
        .optional("contact", .text(max: 1_000)),
        .optional("billWise", .boolean),
        .optional("creditPeriodDays", .integer(minimum: 0, maximum: 3_650)),
        .optional("creditLimit", .string(.init(minLength: 1, maxLength: 20))),
        .optional("active", .boolean),
        .optional("restricted", .boolean),
        .optional("openingBills", .array(.object([
            .required("reference", .string(.init(minLength: 1, maxLength: 100))), .required("date", .date), .optional("dueDate", .date),
            .required("amount", .string(.init(minLength: 1, maxLength: 20))),
            .required("side", .string(.init(minLength: 2, maxLength: 2, allowed: ["Dr", "Cr"]))),
        ]))),
    ])

    static let createSchema: Schema = {
        guard case .object(var properties) = schema else { return schema }
        for i in properties.indices where ["name", "group"].contains(properties[i].name) { properties[i].required = true }
        return .object(properties)
    }()
}
