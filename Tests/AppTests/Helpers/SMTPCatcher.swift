@testable import App
import Foundation
import Testing

/// A real SMTP server on loopback (aiosmtpd from PyPI, which scripts/test installs) that stores every message it
/// receives in a Maildir, so tests can read what the outbox sent and follow its links.
final class SMTPCatcher: @unchecked Sendable {
    let port: Int
    let directory: URL
    private let arguments: [String]
    private var pid: pid_t?

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("finsync-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try FreePort.find()
        arguments = ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox",
                     directory.appendingPathComponent("maildir").path]
    }

    var settings: SMTPSettings {
        get throws { try SMTPSettings(url: "smtp://127.0.0.1:\(port)", from: "books@finsync.test") }
    }

    func start() async throws {
        pid = try ChildProcess.start("python3", arguments)
        for _ in 0..<100 {
            if FreePort.accepts(port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        Issue.record("aiosmtpd did not start on port \(port): install it with `python3 -m pip install aiosmtpd` (scripts/test does)")
        throw CancellationError()
    }

    func stop() {
        if let pid { ChildProcess.stop(pid) }
        pid = nil
        try? FileManager.default.removeItem(at: directory)
    }

    struct Message {
        var to: String
        var subject: String
        var body: String

        /// The first link in the body that starts with `prefix`.
        func link(_ prefix: String) -> String? {
            body.split(whereSeparator: { $0.isWhitespace }).map(String.init).first { $0.hasPrefix(prefix) }
        }
    }

    /// Every message received so far, oldest first.
    func messages() -> [Message] {
        let new = directory.appendingPathComponent("maildir/new")
        let files = ((try? FileManager.default.contentsOfDirectory(at: new, includingPropertiesForKeys: [.contentModificationDateKey])) ?? [])
            .sorted { ($0.lastPathComponent) < ($1.lastPathComponent) }
        return files.compactMap { file in
            guard let raw = try? String(contentsOf: file, encoding: .utf8) else { return nil }
            let text = raw.replacingOccurrences(of: "\r\n", with: "\n")
            guard let split = text.range(of: "\n\n") else { return nil }
            let headers = text[..<split.lowerBound].split(separator: "\n")
            func header(_ name: String) -> String {
                headers.first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                    .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) } ?? ""
            }
            return Message(to: header("To").trimmingCharacters(in: CharacterSet(charactersIn: "<>")), subject: header("Subject"),
                           body: String(text[split.upperBound...]))
        }
    }

    func messages(to address: String) -> [Message] { messages().filter { $0.to == address } }
}

/// Loopback ports for helpers that are separate processes.
enum FreePort {
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CancellationError() }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
