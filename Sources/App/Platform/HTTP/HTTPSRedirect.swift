import NIOCore
import NIOHTTP1
import NIOPosix
import Vapor

/// The optional plain-HTTP port of an HTTPS box: every request is answered with a permanent redirect to the same path
/// over HTTPS and nothing else is served, so a typed `http://` address still lands on TLS (and HSTS takes over).
enum HTTPSRedirect {
    /// Where `target` is sent: the request's host (its port dropped) on the HTTPS port, the path and query unchanged.
    /// A missing or malformed Host falls back to `fallbackHost`, so the header cannot point the redirect elsewhere
    /// than a host name.
    static func location(host: String?, uri: String, httpsPort: Int, fallbackHost: String) -> String {
        var name = fallbackHost
        if let host, let parsed = hostName(host) { name = parsed }
        let port = httpsPort == 443 ? "" : ":\(httpsPort)"
        let path = uri.hasPrefix("/") && !uri.hasPrefix("//") ? uri : "/"
        return "https://\(name)\(port)\(path)"
    }

    /// The name part of a Host header when it is a plain DNS name, IPv4 address or bracketed IPv6 address.
    static func hostName(_ header: String) -> String? {
        var text = Substring(header)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let inner = text[text.index(after: text.startIndex)..<close]
            guard !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
            return "[\(inner)]"
        }
        if let colon = text.lastIndex(of: ":") { text = text[..<colon] }
        guard !text.isEmpty, text.count <= 253,
              text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
        else { return nil }
        return String(text)
    }

    /// Listens on `host:port` until the returned channel is closed.
    static func start(host: String, port: Int, httpsPort: Int, on group: any EventLoopGroup) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(httpsPort: httpsPort, fallbackHost: host))
                }
            }
            .bind(host: host, port: port).get()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let httpsPort: Int
        let fallbackHost: String

        init(httpsPort: Int, fallbackHost: String) {
            self.httpsPort = httpsPort
            self.fallbackHost = fallbackHost == "0.0.0.0" || fallbackHost == "::" ? "localhost" : fallbackHost
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .head(let head) = unwrapInboundIn(data) else { return }
            let target = HTTPSRedirect.location(host: head.headers.first(name: "Host"), uri: head.uri, httpsPort: httpsPort,
                                                fallbackHost: fallbackHost)
            var headers = HTTPHeaders()
            headers.add(name: "Location", value: target)
            headers.add(name: "Content-Length", value: "0")
            headers.add(name: "Connection", value: "close")
            context.write(wrapOutboundOut(.head(.init(version: head.version, status: .permanentRedirect, headers: headers))),
                          promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
        }
    }
}
