import Foundation
import Prometheus

/// The server's Prometheus metrics, in a registry of its own (several servers in one process, as in
/// tests, never mix their counts). `GET /metrics` renders it as Prometheus text.
public final class ServerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let storeHits: Counter
    private let storeMisses: Counter
    private let queueDepth: Gauge
    private let runningSolves: Gauge
    private let takeovers: Counter
    private let storeFailures: Counter

    /// Solve-time buckets in seconds, from a family's milliseconds to an ILP's minutes.
    static let solveBuckets: [Double] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300]
    /// Request-time buckets in seconds.
    static let requestBuckets: [Double] = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30]

    static var requests: MetricNameDescriptor { descriptor("http_requests", "total", "HTTP requests by route, method and status.") }
    static var requestSeconds: MetricNameDescriptor { descriptor("http_request_duration", "seconds", "Time to answer a request, by route.") }
    static var solveSeconds: MetricNameDescriptor { descriptor("solve_duration", "seconds", "Solver wall-clock time by method.") }
    static var jobs: MetricNameDescriptor { descriptor("jobs", "total", "Finished jobs by final status.") }

    public init() {
        storeHits = registry.makeCounter(descriptor: Self.descriptor("store_hits", "total", "Solve requests answered from the result store."))
        storeMisses = registry.makeCounter(descriptor: Self.descriptor("store_misses", "total", "Solve requests that had to be solved."))
        queueDepth = registry.makeGauge(descriptor: Self.descriptor("queue", "depth", "Solves waiting for a solver slot."))
        runningSolves = registry.makeGauge(descriptor: Self.descriptor("solves", "running", "Solves running now."))
        takeovers = registry.makeCounter(descriptor: Self.descriptor("jobs_taken_over", "total",
                                                                     "Jobs of dead servers (expired leases) this server took over."))
        storeFailures = registry.makeCounter(descriptor: Self.descriptor("store_unavailable", "total",
                                                                         "Health checks that found the result store unreachable."))
    }

    /// Names the server in its metrics (`pipesched_server_info{owner=..., store=...} 1`), so the
    /// series of several servers behind one load balancer stay apart when scraped together.
    public func identify(owner: String, store: String) {
        registry.makeGauge(descriptor: Self.descriptor("server", "info", "This server's job owner name and store backend."),
                           labels: [("owner", owner), ("store", store)]).set(1.0)
    }

    private static func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "pipesched", metricName: name, unitName: unit, helpText: help)
    }

    /// Counts one answered request.
    func request(route: String, method: String, status: Int, seconds: Double) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))]).increment()
        registry.makeValueHistogram(descriptor: Self.requestSeconds, labels: [("route", route)], buckets: Self.requestBuckets).record(seconds)
    }

    /// Records one solve's wall-clock time.
    func solved(method: String, seconds: Double) {
        registry.makeValueHistogram(descriptor: Self.solveSeconds, labels: [("method", method)], buckets: Self.solveBuckets).record(seconds)
    }

    /// Counts a finished job by final status.
    func jobFinished(status: String) {
        registry.makeCounter(descriptor: Self.jobs, labels: [("status", status)]).increment()
    }

    func storeHit() { storeHits.increment() }
    func jobTakenOver() { takeovers.increment() }
    func storeUnavailable() { storeFailures.increment() }
    func storeMiss() { storeMisses.increment() }

    /// Sets the queue gauges.
    func queue(running: Int, waiting: Int) {
        runningSolves.set(Double(running))
        queueDepth.set(Double(waiting))
    }

    /// The Prometheus text exposition.
    public func render() -> String { registry.emitToString() }
}
