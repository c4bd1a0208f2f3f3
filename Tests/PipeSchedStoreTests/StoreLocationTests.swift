import Foundation
import Testing
@testable import PipeSchedStore

/// `--database`: a path is a SQLite file, a postgres:// URL a PostgreSQL server, any other scheme an error.
@Suite struct StoreLocationTests {
    @Test func pathsAreSQLiteFiles() throws {
        #expect(try StoreLocation(parsing: "results/pipesched.sqlite") == .sqlite(path: "results/pipesched.sqlite"))
        #expect(try StoreLocation(parsing: "/tmp/x.sqlite") == .sqlite(path: "/tmp/x.sqlite"))
    }

    @Test func postgresURLsNameServerUserAndDatabase() throws {
        guard case .postgres(let location) = try StoreLocation(parsing: "postgresql://team:s%40cret@db.internal:6543/pipesched?sslmode=require") else {
            Issue.record("not PostgreSQL")
            return
        }
        #expect(location.host == "db.internal" && location.port == 6543 && location.username == "team")
        #expect(location.password == "s@cret" && location.database == "pipesched" && location.tls == .require)
        #expect(location.description == "postgres://team@db.internal:6543/pipesched")
        let plain = try PostgresLocation(url: "postgres://me@localhost/db", environment: ["PGPASSWORD": "from-env"])
        #expect(plain.port == 5432 && plain.password == "from-env" && plain.tls == .prefer)
    }

    @Test(arguments: [
        "mysql://me@host/db", "postgres://host/db", "postgres://me@/db", "postgres://me@host", "postgres://me@host/db?sslmode=verify",
        "postgres://me@host/db?user=x", "",
    ])
    func badValuesAreRefusedWithTheFix(_ text: String) {
        #expect(throws: StoreLocationError.self) { try StoreLocation(parsing: text) }
    }

    @Test func aPasswordNeverAppearsInMessages() {
        do {
            _ = try PostgresLocation(url: "postgres://me:hunter2@host")
            Issue.record("accepted a URL without a database")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func anUnreachableServerIsAClearError() async throws {
        // Port 1 on loopback: nothing listens there.
        do {
            _ = try await StoreLocation(parsing: "postgres://pipesched@127.0.0.1:1/pipesched?sslmode=disable").open(connectTimeout: 5)
            Issue.record("opened a store on a closed port")
        } catch let error as StoreUnavailable {
            #expect(error.description.contains("cannot reach PostgreSQL at postgres://pipesched@127.0.0.1:1/pipesched"), "\(error)")
        }
    }
}
