import Foundation

/// Where `--database` points: a SQLite file (any path) or a PostgreSQL server (a `postgres://` or
/// `postgresql://` URL). Any other `scheme://` is refused rather than taken for a file path.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// Reads a `--database` value.
    public init(parsing text: String) throws(StoreLocationError) {
        guard let schemeEnd = text.range(of: "://") else {
            guard !text.isEmpty else { throw StoreLocationError("is empty", fix: "give a SQLite file or a postgres:// URL") }
            self = .sqlite(path: text)
            return
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard PostgresLocation.schemes.contains(scheme) else {
            throw StoreLocationError("\"\(scheme)://\" is not a store this version knows",
                                     fix: "give a SQLite file path or a postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE URL")
        }
        self = .postgres(try PostgresLocation(url: text))
    }

    /// Opens the store (for PostgreSQL: connects, waits up to `connectTimeout` seconds for the
    /// server, and brings the schema up to date). Throws `StoreUnavailable` when it cannot.
    public func open(connectTimeout: Double = 10) async throws -> any ResultStore {
        switch self {
        case .sqlite(let path): return try SQLiteResultStore(path: path)
        case .postgres(let location): return try await PostgresResultStore(location: location, connectTimeout: connectTimeout)
        }
    }

    /// For messages and logs; never shows a password.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let location): return location.description
        }
    }
}

/// A `--database` value that names no store.
public struct StoreLocationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var fix: String

    public init(_ message: String, fix: String) {
        self.message = message
        self.fix = fix
    }

    public var description: String { "--database: \(message); \(fix)" }
}

/// The store cannot be reached or opened: the server is down, the address or credentials are wrong.
public struct StoreUnavailable: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
