@testable import App
import AsyncHTTPClient
import Foundation
import NIOSSL
import Testing
import Vapor

/// HTTPS on a single box, with a self-signed certificate made here by openssl.
@Suite struct TLSTests {
    /// Runs a shell line and returns its standard output (polling, not waitUntilExit: see SMTPCatcher.stop).
    private func shell(_ line: String) async throws -> String {
        String(decoding: try await ChildProcess.run("/bin/sh", ["-c", line]).standardOutput, as: UTF8.self)
    }

    private func certificate(_ name: String, in dir: String) async throws -> (String, String) {
        let cert = "\(dir)/\(name).crt", key = "\(dir)/\(name).key"
        _ = try await shell("openssl req -x509 -newkey rsa:2048 -nodes -keyout \(key) -out \(cert) -days 1 -subj /CN=\(name)")
        #expect(FileManager.default.fileExists(atPath: cert), "openssl made no certificate")
        return (cert, key)
    }

    private func servedSubject(port: Int) async throws -> String {
        try await shell("openssl s_client -connect 127.0.0.1:\(port) -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -subject")
    }

    @Test func https_answers_over_http2_with_hsts_and_sighup_swaps_the_certificate() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finsync-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (cert, key) = try await certificate("first.test", in: dir)
        try await withApp { app in
            let certificates = try TLSCertificates(certificate: cert, key: key)
            certificates.install(on: app)
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            let client = HTTPClient(eventLoopGroupProvider: .shared(TestLoops.group), configuration: .init(tlsConfiguration: tls))
            do {
                let response = try await client.execute(HTTPClientRequest(url: "https://127.0.0.1:\(port)/health"), timeout: .seconds(10))
                #expect(response.status == .ok)
                #expect(response.version == .http2)
                #expect(response.headers.first(name: "Strict-Transport-Security")?.contains("max-age=") == true)
                #expect(try await servedSubject(port: port).contains("first.test"))

                // A broken pair is refused and the served one stays.
                try "not a certificate".write(toFile: cert, atomically: true, encoding: .utf8)
                #expect(throws: TLSCertificates.Unusable.self) { try certificates.reload() }
                #expect(try await servedSubject(port: port).contains("first.test"))

                // A new pair in the same files is served to new connections after the reload.
                let (newCert, newKey) = try await certificate("second.test", in: dir)
                try FileManager.default.removeItem(atPath: cert)
                try FileManager.default.removeItem(atPath: key)
                try FileManager.default.copyItem(atPath: newCert, toPath: cert)
                try FileManager.default.copyItem(atPath: newKey, toPath: key)
                let hangup = certificates.reloadOnHangup(logger: app.logger)
                defer { hangup.cancel() }
                kill(getpid(), SIGHUP)
                var served = ""
                for _ in 0..<40 {
                    served = try await servedSubject(port: port)
                    if served.contains("second.test") { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(served.contains("second.test"), "SIGHUP did not swap the certificate: \(served)")
                let again = try await client.execute(HTTPClientRequest(url: "https://127.0.0.1:\(port)/health"), timeout: .seconds(10))
                #expect(again.status == .ok)
            } catch {
                try? await client.shutdown()
                await app.server.shutdown()
                throw error
            }
            try await client.shutdown()
            await app.server.shutdown()
        }
    }

    @Test func a_key_that_does_not_belong_to_the_certificate_is_refused() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finsync-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (certA, _) = try await certificate("a.test", in: dir)
        let (_, keyB) = try await certificate("b.test", in: dir)
        #expect(throws: TLSCertificates.Unusable.self) { try TLSCertificates(certificate: certA, key: keyB) }
        #expect(throws: TLSCertificates.Unusable.self) { try TLSCertificates(certificate: "\(dir)/missing.crt", key: keyB) }
    }

    @Test func the_plain_port_only_redirects_to_the_same_path_over_https() async throws {
        let channel = try await HTTPSRedirect.start(host: "127.0.0.1", port: 0, httpsPort: 8443, on: TestLoops.group)
        let port = try #require(channel.localAddress?.port)
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .shared(TestLoops.group), configuration: configuration)
        do {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/app/companies?x=1")
            request.headers.replaceOrAdd(name: "Host", value: "books.example.in:80")
            let response = try await client.execute(request, timeout: .seconds(10))
            #expect(response.status == .permanentRedirect)
            #expect(response.headers.first(name: "Location") == "https://books.example.in:8443/app/companies?x=1")
            // A Host header that is not a host name cannot steer the redirect.
            var forged = HTTPClientRequest(url: "http://127.0.0.1:\(port)/signin")
            forged.headers.replaceOrAdd(name: "Host", value: "evil.example/@x")
            let answer = try await client.execute(forged, timeout: .seconds(10))
            #expect(answer.headers.first(name: "Location") == "https://127.0.0.1:8443/signin")
        } catch {
            try? await client.shutdown()
            try? await channel.close()
            throw error
        }
        try await client.shutdown()
        try await channel.close()
        #expect(HTTPSRedirect.location(host: "[::1]:80", uri: "//evil.example/", httpsPort: 443, fallbackHost: "x") == "https://[::1]/")
    }
}
