import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Vapor

/// The one way a request leaves the server. The URL's host is resolved here, every address it resolves to is checked
/// against the policy, and the connection is pinned to the checked address (so a second lookup cannot answer
/// differently: no DNS rebinding). Redirects are never followed: a redirect is an answer like any other.
struct OutboundClient: Sendable {
    var policy: OutboundPolicy
    var eventLoopGroup: any EventLoopGroup
    var connectTimeout: TimeAmount = .seconds(5)

    /// What went wrong, in words that are safe to show a user: which address was refused and why, or that it could not
    /// be reached. What answered (or what else listens there) is logged, never shown.
    enum Failure: Error, CustomStringConvertible {
        case refused(OutboundPolicy.Refusal)
        case badURL(String)
        case unresolvable(host: String)
        case unreachable(host: String)

        var description: String {
            switch self {
            case let .refused(r): "\(r)"
            case let .badURL(u): "'\(u)' is not an http(s) URL with a host"
            case let .unresolvable(host): "the name \(host) could not be resolved"
            case let .unreachable(host): "\(host) did not accept a connection"
            }
        }
    }

    /// Sends `request` and hands the response to `body` while the connection is open (a streamed body is read there).
    func execute<T: Sendable>(_ request: HTTPClientRequest, timeout: TimeAmount, logger: Logger? = nil,
                              _ body: (HTTPClientResponse) async throws -> T) async throws -> T {
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let rawHost = url.host, !rawHost.isEmpty
        else { throw Failure.badURL(request.url) }
        let host = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let addresses = OutboundPolicy.classify(host) != nil ? [host] : try await Self.resolve(host, port: port)
        guard let first = addresses.first else { throw Failure.unresolvable(host: host) }
        do { for address in addresses { try policy.check(host: host, port: port, address: address) } }
        catch { throw Failure.refused(error) }

        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: connectTimeout, read: timeout))
        if first != host { configuration.dnsOverride = [host: first] }
        let client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
        do {
            let response: HTTPClientResponse
            do { response = try await client.execute(request, timeout: timeout) } catch {
                logger?.warning("outbound request to \(host):\(port) (\(first)) failed: \(error)")
                throw Failure.unreachable(host: host)
            }
            let result = try await body(response)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Every address `host` resolves to, numerically, from the system resolver (on NIO's blocking-work pool).
    static func resolve(_ host: String, port: Int) async throws -> [String] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &list) == 0, let head = list else { throw Failure.unresolvable(host: host) }
            defer { freeaddrinfo(head) }
            var out: [String] = []
            var node: UnsafeMutablePointer<addrinfo>? = head
            while let n = node {
                var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                if let sa = n.pointee.ai_addr,
                   getnameinfo(sa, n.pointee.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0 {
                    let s = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    if !out.contains(s) { out.append(s) }
                }
                node = n.pointee.ai_next
            }
            return out
        }
    }
}

extension Application {
    /// The outbound client for this server's policy (`FINSYNC_OUTBOUND_ALLOW_PRIVATE`, `FINSYNC_OUTBOUND_ALLOW`).
    var outbound: OutboundClient { OutboundClient(policy: config.outbound, eventLoopGroup: eventLoopGroup) }
}
