import Foundation
import PipeSched

/// Zero Bubble's own V greedy (zbv.py's `PipelineGraph`) timed in CPython on a benchmark problem, by
/// `scripts/zero-bubble-cpython` in the same run as the Swift measurements it is compared with.
struct ZeroBubbleCPython: Decodable {
    /// The stage span zbv.py's search finds: the same as the `zbv-greedy` port's on the same problem
    /// (`GreedySpeedBenchmark` says so where it is not).
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

    /// Runs `script` on `problem`, each time a median of `repeats` runs (one pass: `2 × repeats + 1`):
    /// the measurement, or why there is none (zbv.py cannot state the problem, or the script failed,
    /// for example offline before its first download).
    static func measure(_ problem: Problem, script: String, repeats: Int) -> Result<ZeroBubbleCPython, Failure> {
        let arguments: [String]
        switch Self.arguments(problem) {
        case .success(let stated): arguments = stated
        case .failure(let failure): return .failure(failure)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = arguments + ["--repeats", "\(repeats)"]
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

    /// zbv.py's arguments for `problem`: one cost and one memory delta per pass kind, one link delay
    /// and one activation cap, as its `PipelineGraph` takes them, where the problem has no more than that.
    static func arguments(_ problem: Problem) -> Result<[String], Failure> {
        let costs = problem.stages[0].costs(slice: 0)
        let devices = 0..<problem.devices
        guard problem.placement == .v, problem.pipelines == 1, problem.sequenceSlices == 1, !problem.costsVaryByMicrobatch,
              problem.stages.allSatisfy({ $0.costs(slice: 0) == costs }) else {
            return .failure(Failure("zbv.py takes one V pipeline with the same costs on every stage"))
        }
        let room = problem.cap(device: 0) - problem.staticMemory(device: 0)
        let latency = problem.communication.latency(from: 0, to: 1)
        guard room.isFinite, devices.allSatisfy({ problem.cap(device: $0) - problem.staticMemory(device: $0) == room }),
              problem.devices > 1, problem.communication.transfer(from: 0, to: 1) == 0,
              devices.dropFirst().allSatisfy({ problem.communication.latency(from: $0 - 1, to: $0) == latency }) else {
            return .failure(Failure("zbv.py takes one activation cap for every device and one link delay"))
        }
        let fields: [(String, Double)] = [
            ("forward", costs.forward), ("backward-input", costs.backwardInput), ("backward-weight", costs.backwardWeight),
            ("latency", latency), ("forward-memory", costs.memory.forward), ("backward-input-memory", costs.memory.backwardInput),
            ("backward-weight-memory", costs.memory.backwardWeight), ("memory-limit", room),
        ]
        return .success(["--devices", "\(problem.devices)", "--microbatches", "\(problem.microbatches)"]
            + fields.flatMap { ["--\($0.0)", "\($0.1)"] })
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
