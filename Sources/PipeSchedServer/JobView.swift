import Foundation
import PipeSchedStore

/// A job as `GET /v1/jobs/{id}` shows it (docs/openapi.yaml, `Job`).
struct JobView: Encodable {
    struct Failure: Encodable {
        var kind: String
        var message: String
    }

    var id: String
    var status: String
    var method: String
    var objective: String
    var timeLimit: Double?
    var progress: Double
    var bestObjective: Double?
    var gap: Double?
    var scheduleId: String?
    var scheduleUrl: String?
    var error: Failure?
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?

    init(_ record: JobRecord) {
        id = record.id
        status = record.status.rawValue
        method = record.method
        objective = record.objective.rawValue
        timeLimit = record.timeLimit
        progress = record.progress
        bestObjective = record.bestObjective
        gap = record.gap
        scheduleId = record.resultID
        scheduleUrl = record.resultID.map { "/v1/schedules/\($0)" }
        error = record.failure.map { Failure(kind: $0.kind, message: $0.message) }
        createdAt = record.createdAt
        startedAt = record.startedAt
        finishedAt = record.finishedAt
    }

    /// Compact JSON with ISO 8601 dates.
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }
}
