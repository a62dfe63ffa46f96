import Vapor

/// Gives every request an id (the client's `X-Request-ID` when it is sane) that appears on each log line,
/// in the response header and in audit entries, so one request can be followed end to end.
struct RequestIDMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let id = Self.acceptable(request.headers.first(name: "X-Request-ID")) ?? UUID().uuidString.lowercased()
        request.storage[RequestIDKey.self] = id
        request.logger[metadataKey: "request-id"] = .string(id)
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Request-ID", value: id)
        // One access line per request, carrying the request id like every other line logged for it.
        if request.logger.logLevel <= .info {
            let elapsed = (ContinuousClock.now - start).components
            let ms = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
            request.logger.info("\(request.method.rawValue) \(request.url.path) \(response.status.code) \(ms)ms")
        }
        return response
    }

    /// Client ids are echoed into logs and headers, so only short, plain tokens are taken over.
    static func acceptable(_ raw: String?) -> String? {
        guard let raw, (1...128).contains(raw.count),
            raw.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.:".unicodeScalars.contains($0)) })
        else { return nil }
        return raw
    }
}

private struct RequestIDKey: StorageKey { typealias Value = String }

extension Request {
    var requestID: String { storage[RequestIDKey.self] ?? "-" }

    /// The peer address; behind a proxy the operator sets `FINSYNC_TRUST_PROXY=1`, and the client is the rightmost
    /// address of `X-Forwarded-For` (or `Forwarded`) plus the peer that is not one of `FINSYNC_TRUSTED_PROXIES`:
    /// everything left of it was written by the client and may be forged.
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        guard application.config.trustProxy else { return peer }
        let forwarded = headers[.xForwardedFor].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        let hops = forwarded.isEmpty ? headers.forwarded.compactMap(\.for) : forwarded
        return ClientAddress.resolve(hops: hops, peer: peer, trusted: application.config.trustedProxies)
    }
}
