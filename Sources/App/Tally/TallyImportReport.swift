import Foundation
import Vapor

/// What an import did, object by object: every rejection and skip with its reason, counts per kind, and the
/// parity of our trial balance with the figures in the Tally data.
struct TallyImportDTO: APIResponseBody {
    enum Outcome: String, Codable, Sendable { case created, updated, unchanged, rejected, skipped }

    struct Object: Codable, Sendable {
        var kind: String
        var name: String
        var guid: String?
        var outcome: Outcome
        var reason: String?
    }

    struct Counts: Codable, Sendable, Equatable {
        var kind: String
        var created = 0, updated = 0, unchanged = 0, rejected = 0, skipped = 0
        mutating func add(_ o: Outcome) {
            switch o {
            case .created: created += 1
            case .updated: updated += 1
            case .unchanged: unchanged += 1
            case .rejected: rejected += 1
            case .skipped: skipped += 1
            }
        }
        static let schema = Schema.object([.required("kind", .string())] + ["created", "updated", "unchanged", "rejected", "skipped"].map { .required($0, .integer()) })
    }

    struct ParityRow: Codable, Sendable {
        var ledger: String
        var tally: BalanceDTO
        var ours: BalanceDTO
    }

    struct Parity: Codable, Sendable {
        /// Every ledger's balance in the Tally data (openings plus every voucher that counts) against ours.
        var asOf: String
        var ledgersCompared: Int
        var agrees: Bool
        var differences: [ParityRow]
    }

    var id: UUID
    var source: String
    var encoding: String
    var totals: Counts
    /// Per kind of object (`group`, `ledger`, `voucher`, …), in the order they were imported.
    var byKind: [Counts]
    /// Every rejected and skipped object, and the others up to `listLimit`.
    var objects: [Object]
    var objectsListed: Int
    /// Tags no part of the import understood (kept out of our books, counted here).
    var unknownTags: Int
    var controlCharactersDropped: Int
    var parity: Parity?
    /// `running` while it goes, `completed`, or `failed` with `failure` (an error, or the server stopped meanwhile:
    /// what came in before stays, each voucher whole, and importing the file again continues, recognising it by GUID).
    var status: String? = "completed"
    var failure: String?

    static let listLimit = 2_000
    /// Rejected and skipped objects listed with their reasons at most; the rest are counted in the totals.
    static let problemListLimit = 10_000

    static let schema = Schema.ref("TallyImport", .object([
        .required("id", .uuid), .required("source", .text()), .required("encoding", .string()), .required("totals", Counts.schema),
        .required("byKind", .array(Counts.schema)),
        .required("objects", .array(.object([
            .required("kind", .string()), .required("name", .text()), .optional("guid", .nullable(.string())),
            .required("outcome", .string(.init(allowed: ["created", "updated", "unchanged", "rejected", "skipped"]))),
            .optional("reason", .nullable(.text())),
        ]))),
        .required("objectsListed", .integer()), .required("unknownTags", .integer()), .required("controlCharactersDropped", .integer()),
        .optional("status", .nullable(.string(.init(allowed: ["running", "completed", "failed"])))), .optional("failure", .nullable(.text())),
        .optional("parity", .nullable(.object([
            .required("asOf", .date), .required("ledgersCompared", .integer()), .required("agrees", .boolean),
            .required("differences", .array(.object([.required("ledger", .text()), .required("tally", BalanceDTO.schema), .required("ours", BalanceDTO.schema)]))),
        ]))),
    ]))
}
