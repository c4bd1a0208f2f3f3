import Foundation

/// HiGHS's C API, resolved with `dlopen`/`dlsym` so that the package builds and runs without HiGHS
/// (see ``HiGHSSolver``). Only the functions the backend uses are bound; `HighsInt` must be 32-bit
/// (the `highsbox` wheel's build), which is checked when loading.
final class HiGHSLibrary: @unchecked Sendable {
    typealias Handle = UnsafeMutableRawPointer
    typealias Callback = @convention(c) (Int32, UnsafePointer<CChar>?, UnsafeRawPointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void

    let path: String
    let version: String
    let create: @convention(c) () -> Handle?
    let destroy: @convention(c) (Handle?) -> Void
    let run: @convention(c) (Handle?) -> Int32
    let passMip: @convention(c) (Handle?, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?,
                                 UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?,
                                 UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafePointer<Double>?, UnsafePointer<Int32>?) -> Int32
    let setBool: @convention(c) (Handle?, UnsafePointer<CChar>?, Int32) -> Int32
    let setDouble: @convention(c) (Handle?, UnsafePointer<CChar>?, Double) -> Int32
    let setInt: @convention(c) (Handle?, UnsafePointer<CChar>?, Int32) -> Int32
    let setSolution: @convention(c) (Handle?, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?) -> Int32
    let setCallback: @convention(c) (Handle?, Callback?, UnsafeMutableRawPointer?) -> Int32
    let startCallback: @convention(c) (Handle?, Int32) -> Int32
    let modelStatus: @convention(c) (Handle?) -> Int32
    let intInfo: @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafeMutablePointer<Int32>?) -> Int32
    let int64Info: @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafeMutablePointer<Int64>?) -> Int32
    let doubleInfo: @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafeMutablePointer<Double>?) -> Int32
    let solution: @convention(c) (Handle?, UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Double>?,
                                  UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Double>?) -> Int32
    let infinity: @convention(c) (Handle?) -> Double

    /// The library, loaded on first use; `nil` when it is not installed or unusable.
    static let shared: HiGHSLibrary? = candidatePaths().lazy.compactMap(HiGHSLibrary.init(path:)).first

    /// `PIPESCHED_HIGHS_LIBRARY`, then the virtual environment of `scripts/install-highs`, then the
    /// system's library path.
    static func candidatePaths() -> [String] {
        let environment = ProcessInfo.processInfo.environment
        var paths: [String] = []
        if let explicit = environment["PIPESCHED_HIGHS_LIBRARY"], !explicit.isEmpty { paths.append(explicit) }
        let cache = environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        let lib = cache.appendingPathComponent("pipesched/highs-venv/lib")
        for python in ((try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []).sorted() where python.hasPrefix("python") {
            paths.append(lib.appendingPathComponent("\(python)/site-packages/highsbox/highs_dist/lib/libhighs.so").path)
        }
        paths.append("libhighs.so")
        return paths
    }

    private init?(path: String) {
        guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { return nil }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(library, name).map { unsafeBitCast($0, to: type) }
        }
        guard let create = symbol("Highs_create", as: (@convention(c) () -> Handle?).self),
              let destroy = symbol("Highs_destroy", as: (@convention(c) (Handle?) -> Void).self),
              let versionFunction = symbol("Highs_version", as: (@convention(c) () -> UnsafePointer<CChar>?).self),
              let sizeOfInt = symbol("Highs_getSizeofHighsInt", as: (@convention(c) (Handle?) -> Int32).self),
              let run = symbol("Highs_run", as: type(of: self.run)),
              let passMip = symbol("Highs_passMip", as: type(of: self.passMip)),
              let setBool = symbol("Highs_setBoolOptionValue", as: type(of: self.setBool)),
              let setDouble = symbol("Highs_setDoubleOptionValue", as: type(of: self.setDouble)),
              let setInt = symbol("Highs_setIntOptionValue", as: type(of: self.setInt)),
              let setSolution = symbol("Highs_setSolution", as: type(of: self.setSolution)),
              let setCallback = symbol("Highs_setCallback", as: type(of: self.setCallback)),
              let startCallback = symbol("Highs_startCallback", as: type(of: self.startCallback)),
              let modelStatus = symbol("Highs_getModelStatus", as: type(of: self.modelStatus)),
              let intInfo = symbol("Highs_getIntInfoValue", as: type(of: self.intInfo)),
              let int64Info = symbol("Highs_getInt64InfoValue", as: type(of: self.int64Info)),
              let doubleInfo = symbol("Highs_getDoubleInfoValue", as: type(of: self.doubleInfo)),
              let solution = symbol("Highs_getSolution", as: type(of: self.solution)),
              let infinity = symbol("Highs_getInfinity", as: type(of: self.infinity))
        else {
            dlclose(library)
            return nil
        }
        // HighsInt must be 32-bit for the Int32 signatures above.
        guard let probe = create() else { dlclose(library); return nil }
        let intSize = sizeOfInt(probe)
        destroy(probe)
        guard intSize == 4 else { dlclose(library); return nil }
        self.path = path
        version = versionFunction().map { String(cString: $0) } ?? "?"
        self.create = create
        self.destroy = destroy
        self.run = run
        self.passMip = passMip
        self.setBool = setBool
        self.setDouble = setDouble
        self.setInt = setInt
        self.setSolution = setSolution
        self.setCallback = setCallback
        self.startCallback = startCallback
        self.modelStatus = modelStatus
        self.intInfo = intInfo
        self.int64Info = int64Info
        self.doubleInfo = doubleInfo
        self.solution = solution
        self.infinity = infinity
    }
}
