import ArgumentParser
import Foundation
import PipeSched

/// An error that ends the command with a message on standard error and a specific exit code.
struct Failure: Error, CustomStringConvertible {
    enum Code: Int32 {
        case invalidSchedule = 1, badInput = 2, memoryCap = 3, internalError = 70
    }

    let description: String
    let code: Code

    init(_ message: String, code: Code) {
        description = message
        self.code = code
    }
}

/// Reading input files, with errors that name the file and field. The path `-` is standard input,
/// so commands chain with pipes (`pipesched profile ... | pipesched solve -`).
enum Input {
    static let standardInput = "-"

    /// Largest input file read by default (`--max-input-bytes`): 64 MiB.
    static let defaultMaxBytes = 64 << 20

    /// The bytes of a file or of standard input (`-`); more than `maxBytes` is refused before it is
    /// all read.
    static func data(at path: String, maxBytes: Int = defaultMaxBytes) throws -> Data {
        let handle: FileHandle
        if path == standardInput {
            handle = FileHandle.standardInput
        } else {
            do {
                handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            } catch {
                throw Failure("cannot read \(path): \((error as NSError).localizedDescription)", code: .badInput)
            }
        }
        defer { if path != standardInput { try? handle.close() } }
        do {
            // One byte more than allowed tells a too-large file (also a pipe, whose size is unknown).
            let data = try handle.read(upToCount: maxBytes + 1) ?? Data()
            guard data.count <= maxBytes else {
                throw Failure("\(name(path)): the input is larger than \(maxBytes) bytes; raise --max-input-bytes to read it", code: .badInput)
            }
            return data
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure("cannot read \(path): \((error as NSError).localizedDescription)", code: .badInput)
        }
    }

    /// How a path is named in messages.
    static func name(_ path: String) -> String { path == standardInput ? "standard input" : path }

    /// Refuses more than one `-` among a command's inputs: standard input can be read once.
    static func requireOneStandardInput(_ paths: [String?]) throws {
        guard paths.filter({ $0 == standardInput }).count <= 1 else {
            throw ValidationError("only one input can be - (standard input); give the others as files")
        }
    }

    static func problem(at path: String, limits: LimitOptions? = nil) throws -> Problem {
        do {
            return try Problem.decode(json: data(at: path, maxBytes: limits?.maxInputBytes ?? defaultMaxBytes),
                                      limits: limits?.problemLimits ?? .standard)
        } catch let error as ProblemError {
            throw Failure("\(name(path)): \(error)", code: .badInput)
        }
    }

    static func schedule(at path: String, limits: LimitOptions? = nil) throws -> ScheduleDocument {
        do {
            return try ScheduleDocument.decode(json: data(at: path, maxBytes: limits?.maxInputBytes ?? defaultMaxBytes))
        } catch let error as ProblemError {
            throw Failure("\(name(path)): \(error)", code: .badInput)
        }
    }
}

/// Writing results: whole files only (atomic rename), or standard output.
enum Output {
    static func write(_ data: Data, to path: String?) throws {
        try writeAll([(data, path)])
    }

    /// Writes several results as one step: every file is first written in full next to its
    /// destination, and only when all of them are written are they renamed into place (then
    /// standard output is printed), so a command that fails writes nothing.
    static func writeAll(_ outputs: [(data: Data, path: String?)]) throws {
        var staged: [(temporary: URL, destination: URL)] = []
        var direct: [(data: Data, path: String)] = []
        do {
            for (data, path) in outputs {
                guard let path else { continue }
                // Atomic rename only onto regular files: renaming onto /dev/null or a pipe would replace it.
                let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
                guard type == nil || type == .typeRegular else {
                    direct.append((data, path))
                    continue
                }
                let destination = URL(fileURLWithPath: path)
                let temporary = destination.deletingLastPathComponent()
                    .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
                do {
                    try data.write(to: temporary)
                } catch {
                    throw Failure("cannot write \(path): \((error as NSError).localizedDescription)", code: .badInput)
                }
                staged.append((temporary, destination))
            }
        } catch {
            for file in staged { try? FileManager.default.removeItem(at: file.temporary) }
            throw error
        }
        for (index, file) in staged.enumerated() {
            if rename(file.temporary.path, file.destination.path) != 0 {
                let reason = String(cString: strerror(errno))
                for rest in staged[index...] { try? FileManager.default.removeItem(at: rest.temporary) }
                throw Failure("cannot write \(file.destination.path): \(reason)", code: .badInput)
            }
        }
        for (data, path) in direct {
            do {
                try data.write(to: URL(fileURLWithPath: path))
            } catch {
                throw Failure("cannot write \(path): \((error as NSError).localizedDescription)", code: .badInput)
            }
        }
        for (data, path) in outputs where path == nil {
            FileHandle.standardOutput.write(data)
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
    }
}
