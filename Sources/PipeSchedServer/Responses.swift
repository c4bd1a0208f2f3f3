import Foundation
import Hummingbird
import PipeSchedStore

/// Building responses: JSON bodies, and the solve answer assembled from stored bytes without
/// decoding the schedule again.
enum Responses {
    static func json(_ data: Data, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        bytes(data, contentType: "application/json", status: status, headers: headers)
    }

    static func bytes(_ data: Data, contentType: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func encoded(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return json(try encoder.encode(value), status: status)
    }

    /// `{"id": ..., "cached": ..., "url": ..., "schedule": {...}}` around the stored document.
    static func solved(_ stored: StoredResult, cached: Bool) -> Response {
        let head = #"{"cached":\#(cached),"id":"\#(stored.id)","url":"/v1/schedules/\#(stored.id)","schedule":"#
        let document = stored.document ?? Data("null".utf8)
        var buffer = ByteBufferAllocator().buffer(capacity: head.utf8.count + document.count + 1)
        buffer.writeString(head)
        buffer.writeBytes(document)
        buffer.writeInteger(UInt8(ascii: "}"))
        return Response(status: .ok, headers: [.contentType: "application/json", .location: "/v1/schedules/\(stored.id)"],
                        body: .init(byteBuffer: buffer))
    }

    /// A job: `202` with `Location` while it runs, `200` once finished.
    static func job(_ record: JobRecord) throws -> Response {
        let status: HTTPResponse.Status = record.status.isFinished ? .ok : .accepted
        return json(try JobView(record).json(), status: status, headers: [.location: "/v1/jobs/\(record.id)"])
    }
}
