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

/// Reading input files, with errors that name the file and field.
enum Input {
    static func data(at path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure("cannot read \(path): \((error as NSError).localizedDescription)", code: .badInput)
        }
    }

    static func problem(at path: String) throws -> Problem {
        do {
            return try Problem.decode(json: data(at: path))
        } catch let error as ProblemError {
            throw Failure("\(path): \(error)", code: .badInput)
        }
    }

    static func schedule(at path: String) throws -> ScheduleDocument {
        do {
            return try ScheduleDocument.decode(json: data(at: path))
        } catch let error as ProblemError {
            throw Failure("\(path): \(error)", code: .badInput)
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
