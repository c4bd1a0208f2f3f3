import Foundation

/// Request bodies for the server tests.
enum Fixtures {
    /// A one-stage-per-device problem with split backward passes, as a JSON object.
    static func problem(devices: Int = 4, microbatches: Int = 8, name: String = "http-test") -> [String: Any] {
        let stage: [String: Any] = [
            "forward": 1.0, "backwardInput": 1.0, "backwardWeight": 1.0,
            "memory": ["forward": 2.0, "backwardInput": -1.0, "backwardWeight": -1.0],
        ]
        return ["name": name, "devices": devices, "microbatches": microbatches, "stages": Array(repeating: stage, count: devices)]
    }

    static func solve(method: String, problem: [String: Any] = problem(), extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = ["problem": problem, "method": method]
        for (key, value) in extra { body[key] = value }
        return body
    }
}
