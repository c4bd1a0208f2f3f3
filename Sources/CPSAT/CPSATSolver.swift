import Foundation
import Synchronization

/// Why a CP-SAT solve could not run.
public enum CPSATError: Error, Sendable, CustomStringConvertible, Equatable {
    /// `libortools.so.9` is not installed (or too old).
    case notInstalled
    /// The model breaks a rule of OR-Tools' checker; it was not sent (OR-Tools would reject it).
    case invalidModel(String)
    /// OR-Tools returned bytes that are not a `CpSolverResponse`.
    case malformedResponse

    public var description: String {
        switch self {
        case .notInstalled:
            return "OR-Tools (CP-SAT) is not installed: run scripts/install-ortools (or set PIPESCHED_ORTOOLS_LIBRARY to libortools.so.9)"
        case .invalidModel(let reason): return "invalid CP-SAT model: \(reason)"
        case .malformedResponse: return "OR-Tools returned a response that does not decode"
        }
    }
}

/// Solves `CPModel`s with OR-Tools' CP-SAT through its C API.
///
/// OR-Tools aborts the process (a `CHECK`) when the model bytes do not parse as a `CpModelProto`.
/// The bytes sent here only ever come from `CPModel.serialized()`, whose wire format is tested
/// against OR-Tools itself (CPSATTests), and every model passes `CPModel.validate()` first; a model
/// that parses but breaks a rule OR-Tools checks comes back as `MODEL_INVALID`, not as an abort.
public enum CPSATSolver {
    /// Whether the library is installed and exports the expected functions.
    public static var isAvailable: Bool { ORToolsLibrary.shared != nil }

    /// Path of the loaded library, for reports.
    public static var libraryPath: String? { ORToolsLibrary.shared?.path }

    /// Backend name for reports.
    public static let name = "CP-SAT (OR-Tools 9.15)"

    /// Solves `model`. `shouldStop` is polled every 20 ms from a second thread; once it returns
    /// `true` the search stops and returns its best solution so far.
    public static func solve(_ model: CPModel, parameters: CPParameters,
                             shouldStop: (@Sendable () -> Bool)? = nil) throws(CPSATError) -> CPResponse {
        guard let library = ORToolsLibrary.shared else { throw .notInstalled }
        do { try model.validate() } catch { throw .invalidModel(error.description) }
        let modelBytes = model.serialized()
        let parameterBytes = parameters.serialized()
        guard modelBytes.count < Int(Int32.max) else { throw .invalidModel("the model takes \(modelBytes.count) bytes, beyond 2 GiB") }
        guard let environment = library.newEnvironment() else { throw .notInstalled }
        defer { library.destroyEnvironment(environment) }

        let done = Atomic<Bool>(false)
        let address = UInt(bitPattern: environment)
        let watcherExited = DispatchSemaphore(value: 0)
        if let shouldStop {
            Thread.detachNewThread {
                defer { watcherExited.signal() }
                while !done.load(ordering: .acquiring) {
                    if shouldStop() {
                        library.stopSearch(UnsafeMutableRawPointer(bitPattern: address))
                        return
                    }
                    Thread.sleep(forTimeInterval: 0.02)
                }
            }
        }
        var response: UnsafeMutableRawPointer?
        var length: Int32 = 0
        modelBytes.withUnsafeBytes { model in
            parameterBytes.withUnsafeBytes { parameters in
                library.solveInterruptible(environment, model.baseAddress, Int32(model.count), parameters.baseAddress,
                                           Int32(parameters.count), &response, &length)
            }
        }
        done.store(true, ordering: .releasing)
        // The watcher may still call stopSearch on the environment: wait for it before destroying it.
        if shouldStop != nil { watcherExited.wait() }
        guard let response else { throw .malformedResponse }
        defer { free(response) }
        let bytes = Array(UnsafeRawBufferPointer(start: response, count: Int(length)))
        do { return try CPResponse(serialized: bytes) } catch { throw .malformedResponse }
    }
}
