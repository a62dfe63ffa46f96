import Foundation
import Synchronization
import NIOSSL
import Vapor

/// HTTPS on a single box: the certificate chain and key from PEM files, served with TLS 1.2 or later and HTTP/2
/// where the client offers it. Every handshake takes the current pair, so `reload()` (on SIGHUP) swaps the
/// certificate for new connections without dropping open ones; a pair that does not load is refused and the old
/// one kept.
final class TLSCertificates: @unchecked Sendable {
    let certificatePath: String
    let keyPath: String
    private let lock = NSLock()
    private var current: ([NIOSSLCertificateSource], NIOSSLPrivateKeySource)

    struct Unusable: Error, CustomStringConvertible { var description: String }

    init(certificate: String, key: String) throws {
        certificatePath = certificate
        keyPath = key
        current = try Self.read(certificate: certificate, key: key)
    }

    private static func read(certificate: String, key: String) throws -> ([NIOSSLCertificateSource], NIOSSLPrivateKeySource) {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificate) } catch {
            throw Unusable(description: "the certificate '\(certificate)' is not a readable PEM file")
        }
        guard !chain.isEmpty else { throw Unusable(description: "the certificate '\(certificate)' holds no certificate") }
        let privateKey: NIOSSLPrivateKey
        do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch {
            throw Unusable(description: "the key '\(key)' is not a readable PEM private key")
        }
        let pair = (chain.map { NIOSSLCertificateSource.certificate($0) }, NIOSSLPrivateKeySource.privateKey(privateKey))
        // Building a context checks that the key belongs to the certificate.
        do { _ = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: pair.0, privateKey: pair.1)) } catch {
            throw Unusable(description: "the key '\(key)' does not belong to the certificate '\(certificate)'")
        }
        return pair
    }

    func reload() throws {
        let pair = try Self.read(certificate: certificatePath, key: keyPath)
        lock.lock(); defer { lock.unlock() }
        current = pair
    }

    private var pair: ([NIOSSLCertificateSource], NIOSSLPrivateKeySource) {
        lock.lock(); defer { lock.unlock() }
        return current
    }

    var configuration: TLSConfiguration {
        let (chain, key) = pair
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key)
        tls.minimumTLSVersion = .tlsv12
        tls.sslContextCallback = { [self] _, promise in
            let (chain, key) = self.pair
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = chain
            override.privateKey = key
            promise.succeed(override)
        }
        return tls
    }

    /// Serves HTTPS on `app` (HTTP/1.1 and HTTP/2) and marks the app as behind TLS (HSTS, Secure cookies).
    func install(on app: Application) {
        app.http.server.configuration.tlsConfiguration = configuration
        app.http.server.configuration.supportVersions = [.one, .two]
        app.config.tls = true
    }

    /// Re-reads the files after each SIGHUP while the returned task runs. The signal handler only counts (all a
    /// handler may safely do); a task looks at the count twice a second. A dispatch signal source was tried first and
    /// missed signals on Linux, where it depends on every thread blocking the signal.
    func reloadOnHangup(logger: Logger) -> Task<Void, Never> {
        // Counted before the handler goes in, so a signal arriving before the task first runs is not taken as the start.
        let before = hangupCount.load(ordering: .relaxed)
        signal(SIGHUP) { _ in hangupCount.add(1, ordering: .relaxed) }
        return Task { [self] in
            var seen = before
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                let now = hangupCount.load(ordering: .relaxed)
                guard now != seen else { continue }
                seen = now
                do {
                    try self.reload()
                    logger.notice("TLS certificate re-read from \(self.certificatePath)")
                } catch {
                    logger.error("TLS certificate not re-read, the old one stays: \(error)")
                }
            }
        }
    }
}

/// SIGHUPs received by the process, counted by the signal handler.
private let hangupCount = Atomic<Int>(0)
