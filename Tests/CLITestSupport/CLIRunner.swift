import Foundation

/// Runs the built `pipesched` executable (a sibling of the test bundle in the build folder), for the
/// test targets that check the command line end to end.
public enum CLIRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The `pipesched` executable: the nearest folder above the test bundle that holds one.
    public static var executable: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("pipesched").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("pipesched")
    }

    /// Runs the tool in `directory` (else this process's); `input` is written to its standard input
    /// (else it reads an empty one).
    public static func run(_ arguments: [String], input: Data? = nil, in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        let writer = Thread {
            // POSIX write, retried on EINTR (child exits deliver signals while it writes).
            let descriptor = inPipe.fileHandleForWriting.fileDescriptor
            var offset = 0
            let bytes = [UInt8](input ?? Data())
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if written > 0 { offset += written } else if errno != EINTR { break }
            }
            try? inPipe.fileHandleForWriting.close()
        }
        writer.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A fresh temporary folder for one test.
    public static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipesched-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `value` as JSON to `problem.json` in a fresh temporary folder and returns its path.
    public static func writeJSON<T: Encodable>(_ value: T) throws -> String {
        let url = try temporaryFolder().appendingPathComponent("problem.json")
        try JSONEncoder().encode(value).write(to: url)
        return url.path
    }
}
