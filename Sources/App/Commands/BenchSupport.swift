import AsyncHTTPClient
import Foundation
import NIOCore
import Vapor

/// What the benchmarks share: timing arithmetic and the "16 clients POST one after another" load.
enum BenchSupport {
    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    static func percentile(_ xs: [Double], _ p: Double) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? 0 : s[min(s.count - 1, Int(Double(s.count) * p))]
    }

    static func fmt(_ v: Double) -> String { String(format: "%.2f", v) }

    /// The process's peak resident set so far (Linux `VmHWM`), in MiB; 0 where /proc is not there.
    static func peakRSSMiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }

    /// Starts the app's server on a free port, sends each worker's bodies one after another (all workers at once)
    /// as JSON POSTs to `path`, and returns every latency in milliseconds. Any answer but 201 stops the run.
    static func concurrentPosts(app: Application, path: String, userID: UUID, workers: [[Data]]) async throws -> [Double] {
        try await concurrentPosts(app: app, path: path, userID: userID, rounds: [workers])[0]
    }

    /// Several rounds, one after another on the same server, each with its own latencies.
    static func concurrentPosts(app: Application, path: String, userID: UUID, rounds: [[[Data]]]) async throws -> [[Double]] {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = app.http.server.shared.localAddress?.port ?? 0
        let token = try await app.tokens.accessToken(for: userID, session: .init(family: UUID(), version: AuthController.sessionVersion(of: userID, on: app.db)))
        let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: .init(connectionPool: .init(idleTimeout: .seconds(30),
                                                                           concurrentHTTP1ConnectionsPerHostSoftLimit: rounds.map(\.count).max() ?? 1)))
        do {
            var latencies: [[Double]] = []
            for workers in rounds { latencies.append(try await withThrowingTaskGroup(of: [Double].self) { group in
                for bodies in workers {
                    group.addTask {
                        var out: [Double] = []
                        for body in bodies {
                            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                            request.method = .POST
                            request.headers.add(name: "Authorization", value: "Bearer \(token)")
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.body = .bytes(ByteBuffer(data: body))
                            let t0 = ContinuousClock.now
                            let response = try await client.execute(request, timeout: .seconds(60))
                            _ = try await response.body.collect(upTo: 1 << 22)
                            guard response.status == .created else { throw StartupError(setting: "bench", problem: "POST \(path) answered \(response.status)") }
                            out.append(seconds(ContinuousClock.now - t0) * 1000)
                        }
                        return out
                    }
                }
                var all: [Double] = []
                for try await part in group { all += part }
                return all
            }) }
            try await client.shutdown()
            await app.server.shutdown()
            return latencies
        } catch {
            try? await client.shutdown()
            await app.server.shutdown()
            throw error
        }
    }
}

/// The figures a benchmark run measured, each beside the target issue #18 set for it, so `bench all` can print one
/// table of what is met and what is missed. Suites add to it as they go; it asserts nothing.
final class BenchFigures: @unchecked Sendable {
    enum Goal: Sendable {
        case atLeast(Double)
        case atMost(Double)

        func met(by value: Double) -> Bool {
            switch self {
            case .atLeast(let target): value >= target
            case .atMost(let target): value <= target
            }
        }

        var text: String {
            switch self {
            case .atLeast(let target): "≥ \(BenchFigures.number(target))"
            case .atMost(let target): "≤ \(BenchFigures.number(target))"
            }
        }
    }

    struct Figure: Sendable {
        var name: String
        var value: Double
        var unit: String
        var goal: Goal?
    }

    private let lock = NSLock()
    private var figures: [Figure] = []

    func record(_ name: String, _ value: Double, _ unit: String, goal: Goal? = nil) {
        lock.withLock { figures.append(Figure(name: name, value: value, unit: unit, goal: goal)) }
    }

    var all: [Figure] { lock.withLock { figures } }

    /// `figure | value | target | met?`, one line per figure.
    func table() -> String {
        (["figure | value | target | result"] + all.map { f in
            "\(f.name) | \(Self.number(f.value)) \(f.unit) | \(f.goal.map { "\($0.text) \(f.unit)" } ?? "—") | "
                + (f.goal.map { $0.met(by: f.value) ? "met" : "missed" } ?? "—")
        }).joined(separator: "\n")
    }

    static func number(_ v: Double) -> String {
        v >= 100 ? String(Int(v.rounded())) : String(format: "%.2f", v)
    }
}
