import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Vapor

/// `finsync bench http`: serves a fresh SQLite database on a free loopback port and measures it over real
/// HTTP connections. Prints requests/s and latency percentiles; it asserts nothing.
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "suite", help: "What to measure: all (every suite, then one table of figures against their targets), http (API latency), render (page render time), books (posting and reports), gst (invoices and returns), stock (movements and valuation) or tally (import and export of a generated Tally file)")
        var suite: String

        @Option(name: "requests", help: "Requests per scenario (default 5000).")
        var requests: Int?

        @Option(name: "concurrency", help: "Concurrent connections (default 32).")
        var concurrency: Int?

        @Option(name: "vouchers", help: "books: how many vouchers to generate (default 1,000,000); tally: how many in the generated export (default 100,000).")
        var vouchers: Int?

        @Option(name: "invoices", help: "gst: how many sales invoices to generate (default 100,000).")
        var invoices: Int?

        @Option(name: "items", help: "stock: how many items (default 10,000).")
        var items: Int?

        @Option(name: "movements", help: "stock: how many stock movements (default 1,000,000).")
        var movements: Int?

        @Flag(name: "returns-only", help: "gst: time only the returns, on the invoices an earlier run left in the same data directory.")
        var returnsOnly: Bool

        @Flag(name: "quick", help: "Reduced sizes (books 20,000 vouchers, gst 5,000 invoices, stock 1,000 items and 50,000 movements, tally 5,000 vouchers, http 2,000 requests): 'all --quick' runs every suite in a few minutes.")
        var quick: Bool

        init() {}
    }

    var help: String { "Runs a benchmark and prints its figures (see Benchmarks/RESULTS.md)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let figures = BenchFigures()
        let print: @Sendable (String) -> Void = { line in context.console.print(line) }
        guard signature.suite == "all" else {
            guard Self.suites.contains(signature.suite) else {
                throw StartupError(setting: "bench", problem: "knows the suites 'all', " + Self.suites.map { "'\($0)'" }.joined(separator: ", ") + "; got '\(signature.suite)'")
            }
            print(try await run(signature.suite, signature, quick: signature.quick, figures: figures, app: context.application, print: print))
            Self.printSQLProfile(print)
            return
        }
        // Every suite on one database, in turn; each makes a company of its own, so none disturbs another's figures.
        let started = ContinuousClock.now
        for suite in Self.suites {
            print("== \(suite)")
            print(try await run(suite, signature, quick: signature.quick, figures: figures, app: context.application, print: print))
            Self.printSQLProfile(print)
        }
        figures.record("peak RSS of the whole run", Double(BenchSupport.peakRSSMiB()), "MiB", goal: .atMost(500))
        print("")
        print("FinSync360 benchmarks (\(context.application.config.isPostgres ? "PostgreSQL" : "SQLite")\(signature.quick ? ", quick sizes: targets are for the full sizes" : "")), "
              + "\(BenchSupport.fmt(BenchSupport.seconds(ContinuousClock.now - started))) s")
        print(figures.table())
    }

    /// With `FINSYNC_PROFILE_SQL=1`: the statements that took the suite's SQLite time.
    static func printSQLProfile(_ print: (String) -> Void) {
        guard SQLProfile.enabled else { return }
        print("SQLite time by statement (total, count, each):")
        SQLProfile.take().forEach { print("  " + $0) }
    }

    static let suites = ["http", "render", "books", "gst", "stock", "tally"]

    /// One suite at the size asked for, the quick size with `--quick`, or its full size.
    private func run(_ suite: String, _ s: Signature, quick: Bool, figures: BenchFigures, app: Application,
                     print: @escaping @Sendable (String) -> Void) async throws -> String {
        switch suite {
        case "render":
            return RenderBench(renders: s.requests ?? (quick ? 200 : 1_000)).run()
        case "books":
            return try await BooksBench(app: app, vouchers: s.vouchers ?? (quick ? 20_000 : 1_000_000), figures: figures).run(print: print)
        case "gst":
            return try await GSTBench(app: app, invoices: s.invoices ?? (quick ? 5_000 : 100_000), returnsOnly: s.returnsOnly, figures: figures)
                .run(print: print)
        case "tally":
            return try await TallyBench(app: app, vouchers: s.vouchers ?? (quick ? 5_000 : 100_000), figures: figures).run(print: print)
        case "stock":
            return try await StockBench(app: app, items: s.items ?? (quick ? 1_000 : 10_000), godowns: 50,
                                        movements: s.movements ?? (quick ? 50_000 : 1_000_000), figures: figures).run(print: print)
        default:
            try await DatabaseStartup.migrate(app)
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            guard let port = app.http.server.shared.localAddress?.port else {
                throw StartupError(setting: "bench", problem: "could not find the port the server listens on")
            }
            do {
                let report = try await HTTPBench(
                    base: "http://127.0.0.1:\(port)", requests: s.requests ?? (quick ? 2_000 : 5_000),
                    concurrency: s.concurrency ?? 32, figures: figures
                ).run(print: print)
                await app.server.shutdown()
                return report
            } catch {
                await app.server.shutdown()
                throw error
            }
        }
    }
}

struct HTTPBench: Sendable {
    let base: String
    let requests: Int
    let concurrency: Int
    var figures = BenchFigures()

    struct Scenario: Sendable {
        var name: String
        var method: HTTPMethod
        var path: String
        var body: @Sendable (Int) -> String?
    }

    func run(print: (String) -> Void) async throws -> String {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)))
        do {
            let report = try await run(client, print: print)
            try await client.shutdown()
            return report
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func run(_ client: HTTPClient, print: (String) -> Void) async throws -> String {
        let email = "bench-\(UUID().uuidString.prefix(8))@example.com"
        _ = try await call(client, .POST, "/api/v1/auth/register", token: nil,
                           body: #"{"email":"\#(email)","password":"benchmark password","name":"Bench"}"#)
        let session = try await call(client, .POST, "/api/v1/auth/login", token: nil,
                                     body: #"{"email":"\#(email)","password":"benchmark password"}"#)
        guard let token = session["accessToken"] as? String else { throw StartupError(setting: "bench", problem: "could not register") }
        let company = try await call(client, .POST, "/api/v1/companies", token: token, body: """
            {"name":"Bench Traders","stateCode":"27","financialYearStart":"2026-04-01","booksBeginning":"2026-04-01"}
            """)
        guard let companyID = company["id"] as? String else { throw StartupError(setting: "bench", problem: "could not create a company") }

        let scenarios = [
            Scenario(name: "GET /api/v1/me", method: .GET, path: "/api/v1/me", body: { _ in nil }),
            Scenario(name: "PATCH /api/v1/companies/{id} (audited write)", method: .PATCH, path: "/api/v1/companies/\(companyID)",
                     body: { #"{"name":"Bench Traders \#($0)"}"# }),
        ]
        var lines = ["FinSync360 HTTP benchmark: \(requests) requests per scenario, \(concurrency) concurrent connections, SQLite, loopback",
                     "scenario | req/s | p50 ms | p99 ms | errors"]
        for scenario in scenarios {
            _ = try await measure(client, scenario, token: token, count: min(200, requests))  // warm-up
            let result = try await measure(client, scenario, token: token, count: requests)
            let line = "\(scenario.name) | \(Int(result.rate)) | \(fmt(result.p50)) | \(fmt(result.p99)) | \(result.errors)"
            if scenario.method == .GET {
                figures.record("GET /api/v1/me, \(concurrency) connections", result.rate, "req/s", goal: .atLeast(15_000))
                figures.record("GET /api/v1/me p99", result.p99, "ms", goal: .atMost(5))
            } else {
                figures.record("audited PATCH, \(concurrency) connections", result.rate, "req/s", goal: .atLeast(3_000))
            }
            print(line)
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    struct Result { var rate: Double; var p50: Double; var p99: Double; var errors: Int }

    private func measure(_ client: HTTPClient, _ s: Scenario, token: String, count: Int) async throws -> Result {
        let start = ContinuousClock.now
        let samples = try await withThrowingTaskGroup(of: [(Double, Bool)].self) { group in
            let perWorker = count / concurrency
            for worker in 0..<concurrency {
                group.addTask {
                    var out: [(Double, Bool)] = []
                    for i in 0..<(perWorker + (worker < count % concurrency ? 1 : 0)) {
                        let t0 = ContinuousClock.now
                        var request = HTTPClientRequest(url: base + s.path)
                        request.method = s.method
                        request.headers.add(name: "Authorization", value: "Bearer \(token)")
                        if let body = s.body(worker * 100_000 + i) {
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.body = .bytes(ByteBuffer(string: body))
                        }
                        let response = try await client.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        let elapsed = ContinuousClock.now - t0
                        out.append((Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000,
                                    response.status == .ok))
                    }
                    return out
                }
            }
            var all: [(Double, Bool)] = []
            for try await part in group { all += part }
            return all
        }
        let total = ContinuousClock.now - start
        let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
        let latencies = samples.map(\.0).sorted()
        func pct(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return Result(rate: Double(samples.count) / seconds, p50: pct(0.50), p99: pct(0.99), errors: samples.filter { !$0.1 }.count)
    }

    private func call(_ client: HTTPClient, _ method: HTTPMethod, _ path: String, token: String?, body: String) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (try JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any]) ?? [:]
    }

    private func fmt(_ v: Double) -> String { String(format: "%.2f", v) }
}
