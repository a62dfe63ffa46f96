import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// A chain's head (sequence and hash) signed with a key kept outside the database. Anchors are appended to a file
/// beside the database and to each backup's manifest, so someone who can rewrite the database (cut the chain's
/// tail, truncate the table, recompute every hash) still cannot make it agree with an anchor.
struct AuditAnchor: Codable, Equatable, Sendable {
    var chain: String
    var seq: Int64
    var hash: String
    var at: Date
    /// Ed25519 over `message`, base64.
    var signature: String

    var message: Data { Self.message(chain: chain, seq: seq, hash: hash, at: at) }

    init(chain: String, seq: Int64, hash: String, at: Date, signature: String) {
        (self.chain, self.seq, self.hash, self.at, self.signature) = (chain, seq, hash, at, signature)
    }

    // `at` is written as milliseconds since 1970 whatever the encoder's date strategy: the signature covers exactly that.
    enum CodingKeys: String, CodingKey { case chain, seq, hash, at, signature }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        chain = try c.decode(String.self, forKey: .chain)
        seq = try c.decode(Int64.self, forKey: .seq)
        hash = try c.decode(String.self, forKey: .hash)
        at = Date(timeIntervalSince1970: Double(try c.decode(Int64.self, forKey: .at)) / 1000)
        signature = try c.decode(String.self, forKey: .signature)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(chain, forKey: .chain)
        try c.encode(seq, forKey: .seq)
        try c.encode(hash, forKey: .hash)
        try c.encode(Int64((at.timeIntervalSince1970 * 1000).rounded()), forKey: .at)
        try c.encode(signature, forKey: .signature)
    }

    static func message(chain: String, seq: Int64, hash: String, at: Date) -> Data {
        Data("finsync-audit-anchor\n\(chain)\n\(seq)\n\(hash)\n\(Int64((at.timeIntervalSince1970 * 1000).rounded()))".utf8)
    }
}

/// The signing key and the anchors file of this installation.
struct AuditAnchors: Sendable {
    let key: Curve25519.Signing.PrivateKey
    let path: String

    static let fileName = "audit-anchors.jsonl"

    /// `FINSYNC_AUDIT_KEY` (a base64 Ed25519 private key of 32 bytes), or one generated once into the data directory
    /// with mode 0600.
    static func load(config: AppConfig) throws(StartupError) -> AuditAnchors {
        let path = (config.dataDirectory as NSString).appendingPathComponent(fileName)
        if let raw = config.auditKey {
            guard let bytes = Data(base64Encoded: raw), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else {
                throw StartupError(setting: "FINSYNC_AUDIT_KEY", problem: "must be a base64 Ed25519 private key of 32 bytes (generate one with: head -c32 /dev/urandom | base64)")
            }
            return AuditAnchors(key: key, path: path)
        }
        let keyPath = (config.dataDirectory as NSString).appendingPathComponent("audit-key")
        if let stored = FileManager.default.contents(atPath: keyPath), let bytes = Data(base64Encoded: String(decoding: stored, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
           let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) {
            return AuditAnchors(key: key, path: path)
        }
        let key = Curve25519.Signing.PrivateKey()
        try? FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: keyPath, contents: Data(key.rawRepresentation.base64EncodedString().utf8), attributes: [.posixPermissions: 0o600])
        else { throw StartupError(setting: "FINSYNC_DATA_DIR", problem: "'\(config.dataDirectory)' is not writable (could not create audit-key)") }
        return AuditAnchors(key: key, path: path)
    }

    func sign(_ head: Backup.ChainHead, at when: Date = Date()) throws -> AuditAnchor {
        // Whole milliseconds, as the anchor is written, so a read-back anchor signs the same message.
        let at = Date(timeIntervalSince1970: (when.timeIntervalSince1970 * 1000).rounded() / 1000)
        let message = AuditAnchor.message(chain: head.chain, seq: head.seq, hash: head.hash, at: at)
        return AuditAnchor(chain: head.chain, seq: head.seq, hash: head.hash, at: at, signature: try key.signature(for: message).base64EncodedString())
    }

    func isGenuine(_ anchor: AuditAnchor) -> Bool {
        guard let signature = Data(base64Encoded: anchor.signature) else { return false }
        return key.publicKey.isValidSignature(signature, for: anchor.message)
    }

    /// Signs every chain's head now and appends the anchors to the file (one JSON object per line).
    @discardableResult
    func anchor(on db: any Database, at: Date = Date()) async throws -> [AuditAnchor] {
        let anchors = try await Backup.heads(on: db.sql()).map { try sign($0, at: at) }
        try append(anchors)
        return anchors
    }

    func append(_ anchors: [AuditAnchor]) throws {
        guard !anchors.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var text = ""
        for a in anchors { text += String(decoding: try encoder.encode(a), as: UTF8.self) + "\n" }
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
    }

    /// The latest anchor of `chain` in the file (lines that are not anchors are passed by; one with a forged signature
    /// is found, and refused, by the verification).
    func latest(chain: String) -> AuditAnchor? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let decoder = JSONDecoder()
        var found: AuditAnchor?
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let a = try? decoder.decode(AuditAnchor.self, from: Data(line)) else { continue }
            if a.chain == chain, a.seq >= (found?.seq ?? 0) { found = a }
        }
        return found
    }
}

extension Application {
    private struct AnchorsKey: StorageKey { typealias Value = AuditAnchors }

    var auditAnchors: AuditAnchors {
        get { required(AnchorsKey.self) }
        set { storage[AnchorsKey.self] = newValue }
    }
}

/// Signs the heads once a day while `finsync serve` runs (and once at start).
enum AuditAnchorScheduler {
    static func loop(_ app: Application) async {
        while !Task.isCancelled {
            do { try await app.auditAnchors.anchor(on: app.db) } catch { app.logger.error("audit anchoring failed: \(String(describing: error))") }
            try? await Task.sleep(for: .seconds(86_400))
        }
    }
}
