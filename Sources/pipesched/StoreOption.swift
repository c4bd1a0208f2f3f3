import ArgumentParser
import PipeSchedStore

/// `--database`, shared by `serve` and `sweep`: a SQLite file or a `postgres://` URL (StoreLocation).
struct StoreOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The result store: a SQLite file (created if missing) or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (shared by several servers and sweep shards; the password may also come from PGPASSWORD).",
        valueName: "file-or-url"))
    var database = "pipesched.sqlite"

    func validate() throws {
        do { _ = try StoreLocation(parsing: database) } catch { throw ValidationError(error.description) }
    }

    /// Opens the store; an unreachable database or a damaged file is the user's to fix (exit 2).
    func open() async throws -> any ResultStore {
        let location: StoreLocation
        do { location = try StoreLocation(parsing: database) } catch { throw Failure(error.description, code: .badInput) }
        do {
            return try await location.open()
        } catch {
            throw Failure("cannot open the result store \(location): \(error)", code: .badInput)
        }
    }

    /// For messages: the file or the URL without its password.
    var shown: String { (try? StoreLocation(parsing: database).description) ?? database }
}
