import Foundation
import PipeSched

/// Zero Bubble's own V greedy (zbv.py's `PipelineGraph`) timed in CPython on a benchmark problem, by
/// `scripts/zero-bubble-cpython` in the same run as the Swift measurements it is compared with.
struct ZeroBubbleCPython: Decodable {
    /// The stage span zbv.py's search finds: the same as the `zbv-greedy` port's where zbv.py's one
    /// number per pass kind states the problem exactly (`GreedySpeedBenchmark` checks it).
    var value: Double
    /// CPU milliseconds of the whole search (`get_v_schedule`) and of one pass (`try_v_schedule`).
    var searchMilliseconds: Double
    var passMilliseconds: Double
    /// The interpreter, as `platform` names it (for example "CPython 3.11.7"), and the module's file
    /// (its name holds the ColossalAI version it comes from).
    var python: String
    var source: String

    enum CodingKeys: String, CodingKey {
        case value, python, source
        case searchMilliseconds = "search_ms"
        case passMilliseconds = "pass_ms"
    }

    /// Runs `script` on `problem` as the `zbv-greedy` port sees it (`ZBVGreedy.Parameters`), each
    /// time a median of `repeats` runs (one pass: `2 × repeats + 1`): the measurement, or why there
    /// is none (the script failed, for example offline before its first download).
    static func measure(_ problem: Problem, script: String, repeats: Int) -> Result<ZeroBubbleCPython, Failure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = arguments(ZBVGreedy.Parameters(problem), problem: problem) + ["--repeats", "\(repeats)"]
        // Standard error goes to a file, so that neither pipe can fill while the other is read.
        let errorsFile = FileManager.default.temporaryDirectory.appendingPathComponent("zero-bubble-cpython-\(UUID().uuidString).err")
        guard FileManager.default.createFile(atPath: errorsFile.path, contents: nil), let errors = try? FileHandle(forWritingTo: errorsFile) else {
            return .failure(Failure("cannot write \(errorsFile.path)"))
        }
        defer { try? FileManager.default.removeItem(at: errorsFile) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { return .failure(Failure("\(script) did not start: \(error)")) }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errors.close()
        let message = (try? String(contentsOf: errorsFile, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            return .failure(Failure("\(script) exited with \(process.terminationStatus): \(message.split(separator: "\n").last ?? "")"))
        }
        do { return .success(try JSONDecoder().decode(ZeroBubbleCPython.self, from: data)) } catch {
            return .failure(Failure("\(script) printed no measurement: \(error)"))
        }
    }

    /// `scripts/zbv_cpython.py`'s arguments for `parameters` of `problem`.
    static func arguments(_ parameters: ZBVGreedy.Parameters, problem: Problem) -> [String] {
        let fields: [(String, Double)] = [
            ("forward", parameters.costs[0]), ("backward-input", parameters.costs[1]), ("backward-weight", parameters.costs[2]),
            ("latency", parameters.latency), ("forward-memory", parameters.memories[0]), ("backward-input-memory", parameters.memories[1]),
            ("backward-weight-memory", parameters.memories[2]), ("memory-limit", parameters.memoryLimit),
        ]
        return ["--devices", "\(problem.devices)", "--microbatches", "\(problem.microbatches)"] + fields.flatMap { ["--\($0.0)", "\($0.1)"] }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
