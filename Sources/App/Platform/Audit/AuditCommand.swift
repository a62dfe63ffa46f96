import Fluent
import SQLKit
import Vapor

/// `finsync audit anchor` signs every chain's head now; `finsync audit verify` checks chains against their anchors
/// and hashes (`--platform` for the sign-in chain, `--company ID` for one company, neither for all; `--full` walks
/// every entry, not only those since the last checkpoint).
struct AuditCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "anchor or verify")
        var action: String

        @Flag(name: "platform", help: "Verify the platform (sign-in) chain.")
        var platform: Bool

        @Option(name: "company", help: "Verify this company's chain (id).")
        var company: String?

        @Flag(name: "full", help: "Walk every entry rather than those since the last checkpoint.")
        var full: Bool

        init() {}
    }

    var help: String { "Signs audit chain heads (anchor) or verifies the chains against them (verify)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await DatabaseStartup.migrate(app)
        switch signature.action {
        case "anchor":
            let anchors = try await app.auditAnchors.anchor(on: app.db)
            for a in anchors { context.console.print("anchored \(a.chain) at entry \(a.seq) (\(a.hash.prefix(16))…)") }
            context.console.print("\(anchors.count) chain(s) anchored in \(app.auditAnchors.path)")
        case "verify":
            var chains: [String]
            if signature.platform { chains = [AuditLog.platformChain] }
            else if let raw = signature.company {
                guard let id = UUID(uuidString: raw) else { throw StartupError(setting: "--company", problem: "'\(raw)' is not a company id") }
                chains = [AuditLog.chainKey(for: id)]
            } else {
                struct Chain: Decodable { var chain_key: String }
                chains = try await app.db.sql().raw("SELECT DISTINCT chain_key FROM audit_entries ORDER BY chain_key").all(decoding: Chain.self).map(\.chain_key)
            }
            var broken = 0
            for chain in chains {
                let result = signature.full
                    ? try await AuditLog.verify(chain: chain, anchors: app.auditAnchors, on: app.db)
                    : try await AuditLog.verifySinceCheckpoint(chain: chain, store: app.store, anchors: app.auditAnchors, on: app.db)
                switch result {
                case .ok(let n): context.console.print("\(chain): ok (\(n) entries checked)")
                case .broken(_, let reason): broken += 1; context.console.print("\(chain): BROKEN: \(reason)")
                }
            }
            if broken > 0 { throw StartupError(setting: "audit verify", problem: "\(broken) chain(s) do not verify") }
        default:
            throw StartupError(setting: "audit", problem: "'\(signature.action)' is not an action; use anchor or verify")
        }
    }
}
