import Foundation
import Ledger
import NIOCore
import TallyXML
import Vapor

/// A stand-in for Tally's HTTP XML server on a loopback port. It reads the real request envelopes (UTF-16 or
/// UTF-8) and answers in Tally's shapes — collection exports, native master exports, import RESPONSE counters
/// with LINEERRORs — always in UTF-16LE with a BOM and `&#4;` before reserved values. It can be slow, refuse a
/// number of requests (503) or cut every answer short. Its data is the synthetic company of our golden file.
final class FakeTally: @unchecked Sendable {
    private let lock = NSLock()
    private var app: Application?
    private(set) var url = ""
    private(set) var port = 0
    /// What FINSYNC_OUTBOUND_ALLOW must name for the server to reach this fake.
    var allowEntry: String { "127.0.0.1:\(port)" }
    let company: String
    private(set) var masters: [TallyNode] = []
    private(set) var vouchers: [String: TallyVoucher] = [:]
    private(set) var masterAlterID: Int64 = 100
    private(set) var voucherAlterID: Int64 = 10
    private(set) var requests: [String] = []
    var failNext = 0
    var truncateAll = false
    var delay: Duration = .zero
    var refusedLedger: String?
    /// Answer every request with a redirect here instead (a Tally never redirects; a trap might).
    var redirect: String?
    /// A master of this name is refused with a LINEERROR.
    var refusedMaster: String?

    init(company: String, export: String) throws {
        self.company = company
        let (nodes, _) = try TallyReader.objects(export)
        for node in nodes {
            if node.name == "VOUCHER" {
                var v = try TallyVoucher(node: node)
                voucherAlterID += 1
                v.alterID = voucherAlterID
                vouchers[v.guid ?? UUID().uuidString] = v
            } else {
                masters.append(node)
            }
        }
    }

    func start() async throws {
        let app = try await Application.makeForTesting()
        app.logger.logLevel = .critical
        app.on(.POST, body: .collect(maxSize: "64mb")) { [unowned self] req async throws -> Response in
            try await self.answer(req)
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        port = app.http.server.shared.localAddress?.port ?? 0
        url = "http://127.0.0.1:\(port)"
        self.app = app
    }

    /// Stops the server; a second call does nothing.
    func stop() async throws {
        guard let app = lock.withLock({ () -> Application? in defer { self.app = nil }; return self.app }) else { return }
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    func with<T>(_ body: (FakeTally) -> T) -> T { lock.withLock { body(self) } }

    /// Tally's side of an edit: the voucher changes and gets the next AlterID.
    func alter(_ guid: String, updated: String? = nil, _ change: (inout TallyVoucher) -> Void) {
        lock.withLock {
            guard var v = vouchers[guid] else { return }
            change(&v)
            voucherAlterID += 1
            v.alterID = voucherAlterID
            if let updated { v.extras.removeAll { $0.name == "UPDATEDDATETIME" }; v.extras.append(.leaf("UPDATEDDATETIME", updated)) }
            vouchers[guid] = v
        }
    }

    func delete(_ guid: String) { lock.withLock { vouchers[guid] = nil; voucherAlterID += 1 } }

    private func answer(_ req: Request) async throws -> Response {
        if delay > .zero { try await Task.sleep(for: delay) }
        if let redirect = with({ $0.redirect }) {
            lock.withLock { requests.append("redirected") }
            return Response(status: .found, headers: ["Location": redirect])
        }
        let bytes = Array(req.body.data.map { Data(buffer: $0) } ?? Data())
        var objects: [TallyNode] = []
        let summary = try TallyReader.read(TallyBytes(bytes)) { objects.append($0) }
        let parsed = TallyRequests.parse(summary)
        let text: String? = lock.withLock {
            requests.append(parsed.request == "Export" ? parsed.id : "Import \(parsed.report ?? "")")
            if failNext > 0 { failNext -= 1; return nil }
            return respond(parsed, objects: objects)
        }
        guard let text else { return Response(status: .serviceUnavailable) }
        var out = TallyWriter.utf16LE(text)
        if truncateAll { out = Array(out.prefix(out.count / 2)) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/xml; charset=utf-16")
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: out)))
    }

    /// Called with the lock held.
    private func respond(_ r: TallyRequests.Parsed, objects: [TallyNode]) -> String {
        func inRange(_ v: TallyVoucher) -> Bool { (r.from.map { v.date.date >= $0 } ?? true) && (r.to.map { v.date.date <= $0 } ?? true) }
        switch (r.request, r.id) {
        case ("Export", "FinSyncCompany"):
            let info = TallyCompanyInfo(name: company, booksFrom: CalendarDate("2025-04-01"), lastVoucherDate: CalendarDate("2025-05-31"),
                                        masterAlterID: masterAlterID, voucherAlterID: voucherAlterID)
            return TallyWriter.collectionResponse([info.node])
        case ("Export", "List of Accounts"):
            return TallyWriter.envelope(.allMasters, company: company, objects: masters)
        case ("Export", "FinSyncVouchers"):
            let after = r.afterAlterID ?? 0
            return TallyWriter.collectionResponse(vouchers.values.filter { inRange($0) && ($0.alterID ?? 0) > after }.sorted { $0.date.date < $1.date.date }.map(\.node))
        case ("Export", "FinSyncGuids"):
            return TallyWriter.collectionResponse(vouchers.values.filter(inRange).map { v in
                TallyNode("VOUCHER", children: [.leaf("GUID", v.guid ?? ""), .leaf("ALTERID", " \(v.alterID ?? 0)")])
            })
        default:
            return importing(objects.filter { $0.name != "REMOTECMPINFO.LIST" })
        }
    }

    private func importing(_ objects: [TallyNode]) -> String {
        var created = 0, altered = 0
        var errors: [String] = []
        let known = Set(masters.filter { $0.name == "LEDGER" }.compactMap { $0.attribute("NAME") }.map { $0.lowercased() })
        for node in objects {
            if node.name != "VOUCHER" {
                if let refused = refusedMaster, node.attribute("NAME") == refused {
                    errors.append("\(node.name.capitalized) '\(refused)' could not be saved!")
                    continue
                }
                masters.removeAll { $0.name == node.name && $0.attribute("NAME") == node.attribute("NAME") }
                masters.append(node)
                masterAlterID += 1
                created += 1
                continue
            }
            guard var v = try? TallyVoucher(node: node) else { errors.append("Voucher is not valid!"); continue }
            if let bad = v.postings.first(where: { $0.ledger == refusedLedger || !known.contains($0.ledger.lowercased()) }) {
                errors.append("Ledger '\(bad.ledger)' does not exist!")
                continue
            }
            let guid = v.remoteID ?? UUID().uuidString
            voucherAlterID += 1
            v.guid = guid
            v.alterID = voucherAlterID
            if vouchers[guid] == nil { created += 1 } else { altered += 1 }
            vouchers[guid] = v
        }
        // A LINEERROR comes with every counter at zero (reference §3.3).
        if !errors.isEmpty { return "<RESPONSE>" + errors.map { "<LINEERROR>\(TallyWriter.escape($0))</LINEERROR>" }.joined() + "<CREATED>0</CREATED><ALTERED>0</ALTERED><ERRORS>0</ERRORS></RESPONSE>" }
        return "<RESPONSE><CREATED>\(created)</CREATED><ALTERED>\(altered)</ALTERED><DELETED>0</DELETED><LASTVCHID>0</LASTVCHID><LASTMID>0</LASTMID><COMBINED>0</COMBINED><IGNORED>0</IGNORED><ERRORS>0</ERRORS><CANCELLED>0</CANCELLED><EXCEPTIONS>0</EXCEPTIONS></RESPONSE>"
    }
}
