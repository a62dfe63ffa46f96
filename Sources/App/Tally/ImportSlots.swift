import Foundation

/// Imports hold their size in time too: one Tally import at a time per company (a second one is 409 naming the
/// import that is running) and at most `perServer` at once in this process, whatever their source (upload, web
/// form, sync, command). One per server process: `Store.imports`.
actor ImportSlots {
    /// Each import streams its file and posts in chunks on one core; two at once keep a 2-core server answering.
    static let perServer = 2

    private var running: [UUID: UUID] = [:]  // company → import

    func acquire(_ id: UUID, company: UUID) throws {
        if let other = running[company] {
            throw APIError(status: .conflict, code: "import_running",
                           message: "A Tally import (\(other.uuidString.lowercased())) is already running for this company; wait for it to finish.",
                           fields: [.init(field: "file", message: "import \(other.uuidString.lowercased()) is still running")])
        }
        guard running.count < Self.perServer else {
            var e = APIError(status: .serviceUnavailable, code: "busy",
                             message: "This server is already running \(Self.perServer) Tally imports; try again when one has finished.")
            e.headers.replaceOrAdd(name: .retryAfter, value: "30")
            throw e
        }
        running[company] = id
    }

    func release(_ id: UUID, company: UUID) {
        if running[company] == id { running[company] = nil }
    }

    func current(company: UUID) -> UUID? { running[company] }
}
