import Fluent
import Foundation

final class Company: Model, @unchecked Sendable {
    static let schema = "companies"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @OptionalField(key: "gstin") var gstin: String?
    @Field(key: "state_code") var stateCode: String
    /// Calendar dates are kept as `YYYY-MM-DD` text: they have no time zone and compare correctly as strings.
    @Field(key: "financial_year_start") var financialYearStart: String
    @Field(key: "books_beginning") var booksBeginning: String
    @Field(key: "currency") var currency: String
    /// Inventory: issue more than is in stock (off by default, as in Tally's "allow negative stock" = No).
    @Field(key: "allow_negative_stock") var allowNegativeStock: Bool
    /// Batches expiring within this many days raise a notification.
    @Field(key: "expiry_alert_days") var expiryAlertDays: Int
    /// `refuse` (default) or `warn`: an issue naming an expired batch goes through with a notification.
    @Field(key: "expired_batch_issues") var expiredBatchIssues: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, name: String, gstin: String?, stateCode: String, financialYearStart: String,
         booksBeginning: String)
    {
        self.id = id
        self.name = name
        self.gstin = gstin
        self.stateCode = stateCode
        self.financialYearStart = financialYearStart
        self.booksBeginning = booksBeginning
        self.currency = "INR"
        self.allowNegativeStock = false
        self.expiryAlertDays = 30
        self.expiredBatchIssues = "refuse"
    }
}

final class Membership: Model, @unchecked Sendable {
    static let schema = "memberships"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "role") var role: Role
    /// Removing a member deactivates the row: the audit trail keeps pointing at something that exists.
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(companyID: UUID, userID: UUID, role: Role) {
        self.companyID = companyID
        self.userID = userID
        self.role = role
        self.active = true
    }
}
