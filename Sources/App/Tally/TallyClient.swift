import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Logging
import TallyXML

/// Talks to Tally's HTTP XML server (reference §1.1): one POST per request, the body in UTF-16LE as Tally prefers,
/// the answer streamed to a temporary file and read through to its end before anyone uses it, so a response cut
/// short is retried, never half applied. Connection failures, timeouts, 5xx answers and unreadable answers are
/// retried with a doubling pause. Requests go through the outbound client, so its address policy holds and no
/// redirect is followed; what the user sees says only that Tally could not be reached, and why in our words.
struct TallyClient: Sendable {
    let url: String
    let client: OutboundClient
    var logger: Logger?
    var timeout: TimeAmount = .seconds(300)
    var attempts = 4
    var firstPause: Duration = .milliseconds(500)
    var maxResponseBytes = 2 << 30
    /// How long a whole sync with this Tally may take (FINSYNC_TALLY_SYNC_TIMEOUT).
    var deadline: Duration = .seconds(120)

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The answer's file (the caller removes it) and what reading it through found.
    func send(_ xml: String) async throws -> (path: String, summary: TallyReadSummary) {
        var pause = firstPause
        var last = "no attempt made"
        for attempt in 1...max(attempts, 1) {
            do { return try await once(xml) } catch let refused as OutboundClient.Failure {
                // A refused address stays refused: trying again would only delay the answer.
                if case .refused = refused { throw Failure(description: "could not reach Tally at \(url): \(refused)") }
                last = "\(refused)"
            } catch let failure as Failure {
                last = failure.description
            } catch {
                logger?.warning("tally sync: reading Tally's answer from \(url) failed: \(error)")
                last = "its answer was not a Tally XML response"
            }
            if attempt < attempts { try await Task.sleep(for: pause); pause *= 2 }
        }
        throw Failure(description: "could not reach Tally at \(url) after \(attempts) attempts: \(last)")
    }

    private func once(_ xml: String) async throws -> (path: String, summary: TallyReadSummary) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/xml;charset=utf-16")
        request.body = .bytes(ByteBuffer(bytes: TallyWriter.utf16LE(xml)))
        return try await client.execute(request, timeout: timeout, logger: logger) { response in try await self.receive(response) }
    }

    private func receive(_ response: HTTPClientResponse) async throws -> (path: String, summary: TallyReadSummary) {
        guard response.status == .ok else {
            logger?.warning("tally sync: \(url) answered HTTP \(response.status.code)")
            throw Failure(description: "it did not answer as Tally's XML server does")
        }
        let path = NSTemporaryDirectory() + "finsync-tally-sync-\(UUID().uuidString).xml"
        FileManager.default.createFile(atPath: path, contents: nil)
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            var total = 0
            for try await chunk in response.body {
                total += chunk.readableBytes
                if total > maxResponseBytes { throw Failure(description: "its answer is larger than \(maxResponseBytes) bytes") }
                try handle.write(contentsOf: Data(buffer: chunk))
            }
            try handle.close()
            let summary = try TallyReader.read(try TallyFile(path: path)) { _ in }
            return (path, summary)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }
}
