import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One message, ready to hand over.
struct MailMessage: Sendable, Equatable {
    var to: String
    var subject: String
    var body: String
}

/// A minimal SMTP submission client (RFC 5321): EHLO, optional AUTH PLAIN over TLS, one MAIL/RCPT/DATA, QUIT.
/// That is all an outbox needs; a relay (the operator's mail server or provider) does the rest.
enum SMTPClient {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func send(_ message: MailMessage, via settings: SMTPSettings, group: any EventLoopGroup) async throws {
        guard MailAddress.isPlausible(message.to) else { throw Failure(description: "recipient '\(message.to)' is not an email address") }
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if settings.implicitTLS {
                        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: settings.host))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await withDeadline(.seconds(60), timedOut: { Failure(description: "the SMTP server did not finish within 60 seconds") }) {
            try await channel.executeThenClose { inbound, outbound in
                var replies = ReplyReader(iterator: inbound.makeAsyncIterator())
                func say(_ line: String, expect codes: Set<Int>) async throws {
                    try await outbound.write(ByteBuffer(string: line + "\r\n"))
                    try await replies.expect(codes, after: line.hasPrefix("AUTH") ? "AUTH" : line)
                }
                try await replies.expect([220], after: "connecting")
                try await say("EHLO finsync", expect: [250])
                if let user = settings.username {
                    let credentials = Data("\u{0}\(user)\u{0}\(settings.password ?? "")".utf8).base64EncodedString()
                    try await say("AUTH PLAIN \(credentials)", expect: [235])
                }
                try await say("MAIL FROM:<\(settings.from)>", expect: [250])
                try await say("RCPT TO:<\(message.to)>", expect: [250, 251])
                try await say("DATA", expect: [354])
                try await outbound.write(ByteBuffer(string: render(message, from: settings.from)))
                try await replies.expect([250], after: "the message")
                try await outbound.write(ByteBuffer(string: "QUIT\r\n"))
            }
        }
    }

    /// Headers and body, lines ending CRLF, lines starting with "." doubled (RFC 5321 §4.5.2), ending with ".".
    static func render(_ message: MailMessage, from: String, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let domain = from.split(separator: "@").last.map(String.init) ?? "finsync.invalid"
        let headers = [
            "From: FinSync360 <\(from)>",
            "To: <\(message.to)>",
            "Subject: \(encodedHeader(message.subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(UUID().uuidString.lowercased())@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ]
        let body = message.body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
        return (headers + [""] + body).joined(separator: "\r\n") + "\r\n.\r\n"
    }

    /// Non-ASCII subjects as an RFC 2047 encoded word; line breaks never reach a header.
    static func encodedHeader(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if flat.allSatisfy({ $0.isASCII }) { return flat }
        return "=?UTF-8?B?\(Data(flat.utf8).base64EncodedString())?="
    }

    /// Reads multi-line replies ("250-…" continued, "250 …" last) off the byte stream.
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending = ""

        mutating func expect(_ codes: Set<Int>, after step: String) async throws {
            let (code, text) = try await next()
            guard codes.contains(code) else {
                throw Failure(description: "the SMTP server answered \(code) \(text) to \(step)")
            }
        }

        mutating func next() async throws -> (Int, String) {
            while true {
                while let range = pending.range(of: "\r\n") {
                    let line = String(pending[..<range.lowerBound])
                    pending.removeSubrange(..<range.upperBound)
                    let chars = Array(line)
                    guard chars.count >= 3, let code = Int(String(chars[0..<3])) else {
                        throw Failure(description: "the SMTP server sent '\(line.prefix(80))', not a reply")
                    }
                    if chars.count == 3 || chars[3] == " " { return (code, String(line.dropFirst(4))) }
                }
                guard var chunk = try await iterator.next() else {
                    throw Failure(description: "the SMTP server closed the connection")
                }
                pending += chunk.readString(length: chunk.readableBytes) ?? ""
                if pending.count > 64 * 1024 { throw Failure(description: "the SMTP server's reply is too long") }
            }
        }
    }
}
