import Foundation
import PostgresNIO

/// A PostgreSQL server and database from a libpq-style URL:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`.
/// The password may also come from `PGPASSWORD`, so it need not appear on a command line.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    static let schemes: Set<String> = ["postgres", "postgresql"]

    /// Whether to encrypt the connection (libpq's `sslmode`, without certificate checks beyond the default).
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(StoreLocationError) {
        let fix = "give postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, e.g. postgres://pipesched@db.internal:5432/pipesched"
        guard let components = URLComponents(string: text), let scheme = components.scheme, Self.schemes.contains(scheme.lowercased()) else {
            throw StoreLocationError("\"\(Self.redacted(text))\" is not a PostgreSQL URL", fix: fix)
        }
        guard let host = components.host, !host.isEmpty else { throw StoreLocationError("the URL names no host", fix: fix) }
        guard let user = components.user, !user.isEmpty else { throw StoreLocationError("the URL names no user", fix: fix) }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw StoreLocationError("the URL names no database", fix: fix) }
        if let port = components.port, !(1...65_535).contains(port) {
            throw StoreLocationError("port \(port) is out of range", fix: fix)
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw StoreLocationError("sslmode=\(item.value ?? "") is not supported",
                                             fix: "give sslmode=\(TLSMode.allCases.map(\.rawValue).joined(separator: ", sslmode="))")
                }
                tls = mode
            default:
                throw StoreLocationError("the URL parameter \"\(item.name)\" is not supported", fix: "only sslmode is read")
            }
        }
        self.host = host
        self.port = components.port ?? 5432
        username = components.percentEncodedUser?.removingPercentEncoding ?? user
        password = components.percentEncodedPassword?.removingPercentEncoding ?? environment["PGPASSWORD"]
        self.database = database.removingPercentEncoding ?? database
        self.tls = tls
    }

    /// The URL without its password.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    /// postgres-nio's client configuration.
    var clientConfiguration: PostgresClient.Configuration {
        let tlsSetting: PostgresClient.Configuration.TLS
        switch tls {
        case .disable: tlsSetting = .disable
        case .prefer: tlsSetting = .prefer(.makeClientConfiguration())
        case .require: tlsSetting = .require(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tlsSetting)
    }

    /// `text` with any password replaced by `***`, for error messages.
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }
}
