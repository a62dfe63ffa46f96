import Prometheus
import Vapor

/// Request count and latency by route template (never the raw path, which would explode label cardinality).
struct MetricsMiddleware: AsyncMiddleware {
    let registry: PrometheusCollectorRegistry

    static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5),
    ]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        let elapsed = ContinuousClock.now - start
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let labels = [("method", request.method.rawValue), ("route", route), ("status", String(response.status.code))]
        registry.makeCounter(
            descriptor: .init(metricName: "finsync_http_requests", unitName: "total", helpText: "HTTP requests"),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(
                metricName: "finsync_http_request_duration", unitName: "seconds", helpText: "HTTP request latency"),
            labels: labels, buckets: Self.buckets
        ).record(elapsed)
        return response
    }
}
