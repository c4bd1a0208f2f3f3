import Foundation

/// OR-Tools' CP-SAT C API (`ortools/sat/c_api/cp_solver_c.h`), resolved with `dlopen`/`dlsym` so
/// that the package builds and runs without OR-Tools. The `ortools` PyPI wheel's `libortools.so.9`
/// carries every dependency beside it (rpath `$ORIGIN`, no libpython); `scripts/install-ortools`
/// installs it. Versions before 9.12 name the cancellation functions differently
/// (`SolveCpNewAtomicBool`, `SolveCpStopSolve`): such a library is refused at load.
final class ORToolsLibrary: @unchecked Sendable {
    typealias Solve = @convention(c) (UnsafeMutableRawPointer?, UnsafeRawPointer?, Int32, UnsafeRawPointer?, Int32,
                                      UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<Int32>?) -> Void

    let path: String
    let newEnvironment: @convention(c) () -> UnsafeMutableRawPointer?
    let destroyEnvironment: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let stopSearch: @convention(c) (UnsafeMutableRawPointer?) -> Void
    /// `SolveCpInterruptible(env, model, model_len, params, params_len, &response, &response_len)`;
    /// the caller frees `response` with `free`.
    let solveInterruptible: Solve

    /// The library, loaded on first use; `nil` when it is not installed or lacks a symbol.
    static let shared: ORToolsLibrary? = candidatePaths().lazy.compactMap(ORToolsLibrary.init(path:)).first

    /// `PIPESCHED_ORTOOLS_LIBRARY`, then the virtual environment of `scripts/install-ortools`, then
    /// the system's library path.
    static func candidatePaths() -> [String] {
        let environment = ProcessInfo.processInfo.environment
        var paths: [String] = []
        if let explicit = environment["PIPESCHED_ORTOOLS_LIBRARY"], !explicit.isEmpty { paths.append(explicit) }
        let cache = environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        let lib = cache.appendingPathComponent("pipesched/ortools-venv/lib")
        for python in ((try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []).sorted() where python.hasPrefix("python") {
            paths.append(lib.appendingPathComponent("\(python)/site-packages/ortools/.libs/libortools.so.9").path)
        }
        paths.append("libortools.so.9")
        return paths
    }

    private init?(path: String) {
        guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { return nil }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(library, name).map { unsafeBitCast($0, to: type) }
        }
        guard let newEnvironment = symbol("SolveCpNewEnv", as: (@convention(c) () -> UnsafeMutableRawPointer?).self),
              let destroyEnvironment = symbol("SolveCpDestroyEnv", as: (@convention(c) (UnsafeMutableRawPointer?) -> Void).self),
              let stopSearch = symbol("SolveCpStopSearch", as: (@convention(c) (UnsafeMutableRawPointer?) -> Void).self),
              let solveInterruptible = symbol("SolveCpInterruptible", as: Solve.self)
        else {
            dlclose(library)
            return nil
        }
        self.path = path
        self.newEnvironment = newEnvironment
        self.destroyEnvironment = destroyEnvironment
        self.stopSearch = stopSearch
        self.solveInterruptible = solveInterruptible
    }
}
