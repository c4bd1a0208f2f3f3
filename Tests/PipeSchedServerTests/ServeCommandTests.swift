import CLITestSupport
import Foundation
import Testing

/// `pipesched serve` as a process: it listens on loopback, and SIGTERM shuts it down gracefully,
/// closing the result store, with exit status 0.
@Suite struct ServeCommandTests {
    @Test func sigtermStopsTheServerAndClosesTheStore() async throws {
        let database = ServerHarness.temporaryDatabase()
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = ["serve", "--port", "0", "--database", database, "--shutdown-grace", "1"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let log = LogCollector(errors.fileHandleForReading)
        let deadline = Date().addingTimeInterval(30)
        while !log.text.contains("listening on http://127.0.0.1:"), Date() < deadline, process.isRunning {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(log.text.contains("listening on http://127.0.0.1:"), "\(log.text)")
        process.terminate()
        let stopBy = Date().addingTimeInterval(15)
        while process.isRunning, Date() < stopBy { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(log.text)")
        #expect(log.text.contains("result store closed"), "\(log.text)")
        #expect(FileManager.default.fileExists(atPath: database))
    }

    @Test func badLimitsAreRefusedBeforeStarting() throws {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = ["serve", "--jobs", "0", "--database", ServerHarness.temporaryDatabase()]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
    }

    @Test func aDatabaseURLIsNeverTakenForAFileName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipesched-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (database, message) in [
            // Nothing listens on port 1: a clear error naming the server, before listening.
            ("postgres://pipesched@127.0.0.1:1/pipesched?sslmode=disable", "cannot reach PostgreSQL at postgres://pipesched@127.0.0.1:1/pipesched"),
            ("mysql://me@db/pipesched", "\"mysql://\" is not a store this version knows"),
        ] {
            let process = Process()
            process.executableURL = CLIRunner.executable
            process.arguments = ["serve", "--port", "0", "--database", database]
            process.currentDirectoryURL = folder
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 2, "\(text)")
            #expect(text.contains(message), "\(text)")
        }
        // No folder named after the URL's scheme, as the file-path reading used to make.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// Collects what a pipe delivers, read on a background thread.
    final class LogCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()

        init(_ handle: FileHandle) {
            handle.readabilityHandler = { [weak self] handle in
                let chunk = handle.availableData
                guard let self, !chunk.isEmpty else { return }
                self.lock.withLock { self.data.append(chunk) }
            }
        }

        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }
}
