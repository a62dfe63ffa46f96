import Foundation
import GSTKit
import Ledger
import Vapor

struct CreateCompanyRequest: APIRequestBody {
    var name: String
    var gstin: String?
    var stateCode: String
    var financialYearStart: String
    var booksBeginning: String
    var currency: String?

    static let schema = Schema.object([
        .required("name", .text()),
        .optional("gstin", .nullable(.string(.init(minLength: 1, maxLength: 20, description: "15-character GSTIN")))),
        .required("stateCode", .string(.init(minLength: 2, maxLength: 2, description: "Two-digit GST state code"))),
        .required("financialYearStart", .date),
        .required("booksBeginning", .date),
        .optional("currency", .string(.init(minLength: 3, maxLength: 3, allowed: ["INR"]))),
    ])
}

struct UpdateCompanyRequest: APIRequestBody {
    var name: String?
    /// Absent leaves the GSTIN alone; `null` clears it.
    var gstin: String??
    var stateCode: String?
    var financialYearStart: String?
    var booksBeginning: String?
    var allowNegativeStock: Bool?
    var expiredBatchIssues: String?

    static let schema = Schema.object([
        .optional("name", .text()),
        .optional("allowNegativeStock", .boolean),
        .optional("expiredBatchIssues", .string(.init(allowed: ["refuse", "warn"]))),
        .optional("gstin", .nullable(.string(.init(minLength: 1, maxLength: 20)))),
        .optional("stateCode", .string(.init(minLength: 2, maxLength: 2))),
        .optional("financialYearStart", .date),
        .optional("booksBeginning", .date),
    ])

    enum CodingKeys: String, CodingKey { case name, gstin, stateCode, financialYearStart, booksBeginning, allowNegativeStock, expiredBatchIssues }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        gstin = c.contains(.gstin) ? .some(try c.decodeNil(forKey: .gstin) ? nil : try c.decode(String.self, forKey: .gstin)) : .none
        stateCode = try c.decodeIfPresent(String.self, forKey: .stateCode)
        financialYearStart = try c.decodeIfPresent(String.self, forKey: .financialYearStart)
        booksBeginning = try c.decodeIfPresent(String.self, forKey: .booksBeginning)
        allowNegativeStock = try c.decodeIfPresent(Bool.self, forKey: .allowNegativeStock)
        expiredBatchIssues = try c.decodeIfPresent(String.self, forKey: .expiredBatchIssues)
    }
}

struct CompanyDTO: APIResponseBody {
    var id: UUID
    var name: String
    var gstin: String?
    var stateCode: String
    var stateName: String
    var financialYearStart: String
    var booksBeginning: String
    var currency: String
    var allowNegativeStock: Bool
    var expiredBatchIssues: String

    init(_ c: Company) throws {
        id = try c.requireID()
        name = c.name
        gstin = c.gstin
        stateCode = c.stateCode
        stateName = StateCode(c.stateCode)?.name ?? c.stateCode
        financialYearStart = c.financialYearStart
        booksBeginning = c.booksBeginning
        currency = c.currency
        allowNegativeStock = c.allowNegativeStock
        expiredBatchIssues = c.expiredBatchIssues
    }

    // Written out so that a missing GSTIN is sent as `null`, not left out.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(gstin, forKey: .gstin)
        try c.encode(stateCode, forKey: .stateCode)
        try c.encode(stateName, forKey: .stateName)
        try c.encode(financialYearStart, forKey: .financialYearStart)
        try c.encode(booksBeginning, forKey: .booksBeginning)
        try c.encode(currency, forKey: .currency)
        try c.encode(allowNegativeStock, forKey: .allowNegativeStock)
        try c.encode(expiredBatchIssues, forKey: .expiredBatchIssues)
    }

    static let schema = Schema.ref("Company", .object([
        .required("id", .uuid), .required("name", .text()), .required("gstin", .nullable(.string())),
        .required("stateCode", .string()), .required("stateName", .string()), .required("financialYearStart", .date),
        .required("booksBeginning", .date), .required("currency", .string()), .required("allowNegativeStock", .boolean),
        .required("expiredBatchIssues", .string(.init(allowed: ["refuse", "warn"]))),
    ]))
}

struct Page<Item: Content & Sendable>: Content, Sendable {
    var items: [Item]
    var nextCursor: String?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(nextCursor, forKey: .nextCursor)  // `null` on the last page, as ARCHITECTURE.md §5 specifies
    }

    static func schema(_ item: Schema) -> Schema {
        .object([.required("items", .array(item)), .required("nextCursor", .nullable(.string()))])
    }
}

/// The rules a company's settings must satisfy, checked on create and on every change, all at once.
enum CompanyRules {
    struct Settings {
        var gstin: String?
        var stateCode: String
        var financialYearStart: String
        var booksBeginning: String
    }

    /// Returns the normalised GSTIN (uppercased) or throws 422 listing every broken rule.
    static func validate(_ s: Settings) throws -> String? {
        var errors: [APIError.FieldError] = []
        let state = StateCode(s.stateCode)
        if state == nil || !StateCode.registrable.contains(s.stateCode) {
            errors.append(.init(field: "stateCode", message: "'\(s.stateCode)' is not a GST state code (01–38, 97)"))
        }
        var gstin: String?
        if let raw = s.gstin {
            do {
                let parsed = try GSTIN(raw)
                gstin = parsed.value
                if state != nil, parsed.stateCode != s.stateCode {
                    errors.append(.init(field: "gstin", message: "belongs to state \(parsed.stateCode) but stateCode is \(s.stateCode)"))
                }
            } catch {
                errors.append(.init(field: "gstin", message: error.description))
            }
        }
        let fyStart = CalendarDate(s.financialYearStart)
        let books = CalendarDate(s.booksBeginning)
        if let fyStart, fyStart.day != 1 {
            errors.append(.init(field: "financialYearStart", message: "must be the first day of a month (usually 1 April)"))
        }
        if let fyStart, let books, books < fyStart || books >= fyStart.adding(years: 1) {
            errors.append(.init(field: "booksBeginning", message: "must fall within the financial year that starts on \(fyStart)"))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return gstin
    }
}

extension JSONValue {
    /// A snapshot of an API value for the audit trail.
    init(encoding value: some Encodable) throws { self = try JSONValueEncoder.encode(value) }
}
