import Foundation
import Testing
import PostgresTestSupport
@testable import PipeSchedStore

/// The two store backends, so one test states a rule of `ResultStore` for both: a fresh SQLite file,
/// and a fresh database on the test PostgreSQL (when the tests run beside one; always in CI).
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    /// The backends this run tests.
    static var tested: [StoreBackend] { ScratchPostgres.enabled ? allCases : [.sqlite] }

    var testDescription: String { rawValue }

    /// A `--database` value naming a fresh, empty store of this backend.
    func freshLocation() async throws -> String {
        switch self {
        case .sqlite:
            return FileManager.default.temporaryDirectory.appendingPathComponent("pipesched-store-\(UUID().uuidString)/results.sqlite").path
        case .postgres:
            return try await ScratchPostgres.makeDatabase()
        }
    }

    /// A fresh store, and where it is (to open it again).
    func freshStore() async throws -> (any ResultStore, String) {
        let location = try await freshLocation()
        return (try await StoreLocation(parsing: location).open(), location)
    }
}

