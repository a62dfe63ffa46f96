import Foundation
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Child processes (pg_dump and pg_restore for backups; the tools tests drive) started with `posix_spawnp`.
///
/// Foundation's `Process.run()` on Linux lists `/proc/self/fd` copying whole `dirent` records, and can read past
/// the end of glibc's buffer and crash the process — the whole server, for every company — more often the more
/// files are open (swift-corelibs-foundation PR 5472, not yet in the toolchain we build with). Our SQLite
/// connections keep several files open each, so we spawn directly.
enum ChildProcess {
    struct Output: Sendable {
        var status: Int32
        var standardOutput: Data
        var standardError: Data

        var errorText: String { String(decoding: standardError, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `program` (a path, or a name looked up on PATH) to completion and returns its exit status and output.
    static func run(_ program: String, _ arguments: [String]) async throws -> Output {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finsync-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path, err = dir.appendingPathComponent("err").path
        let pid = try spawn(program, arguments, standardOutput: out, standardError: err)
        let status = try await NIOThreadPool.singleton.runIfActive { wait(for: pid) }
        return Output(status: status, standardOutput: FileManager.default.contents(atPath: out) ?? Data(),
                      standardError: FileManager.default.contents(atPath: err) ?? Data())
    }

    /// Starts `program` with its output discarded, for something that runs until `stop(_:)` (a test's server).
    static func start(_ program: String, _ arguments: [String]) throws -> pid_t {
        try spawn(program, arguments, standardOutput: "/dev/null", standardError: "/dev/null")
    }

    /// Asks the process to end, gives it a second, then kills it; reaps it either way.
    static func stop(_ pid: pid_t) {
        kill(pid, SIGTERM)
        for _ in 0..<50 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        _ = wait(for: pid)
    }

    private static func spawn(_ program: String, _ arguments: [String], standardOutput: String, standardError: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Database files and sockets are opened close-on-exec (SQLite, NIO), so the child gets only these three.
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var pid = pid_t()
        let rc = posix_spawnp(&pid, program, &actions, nil, argv, environ)
        guard rc == 0 else { throw Failure(description: "\(program) could not be started: \(String(cString: strerror(rc)))") }
        return pid
    }

    /// The exit status (128 + the signal for a process a signal ended), waiting for it to end.
    private static func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
