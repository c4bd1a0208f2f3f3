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

    static func data(at path: String) throws -> Data {
        if path == standardInput {
            return FileHandle.standardInput.readDataToEndOfFile()
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
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

    static func problem(at path: String) throws -> Problem {
        do {
            return try Problem.decode(json: data(at: path))
        } catch let error as ProblemError {
            throw Failure("\(name(path)): \(error)", code: .badInput)
        }
    }

    static func schedule(at path: String) throws -> ScheduleDocument {
        do {
            return try ScheduleDocument.decode(json: data(at: path))
        } catch let error as ProblemError {
            throw Failure("\(name(path)): \(error)", code: .badInput)
        }
    }
}

/// Writing results: whole files only (atomic rename), or standard output.
enum Output {
    static func write(_ data: Data, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(data)
            FileHandle.standardOutput.write(Data("\n".utf8))
            return
        }
        do {
            // Atomic rename only onto regular files: renaming onto /dev/null or a pipe would replace it.
            let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
            let atomic = type == nil || type == .typeRegular
            try data.write(to: URL(fileURLWithPath: path), options: atomic ? .atomic : [])
        } catch {
            throw Failure("cannot write \(path): \((error as NSError).localizedDescription)", code: .badInput)
        }
    }
}
