import ArgumentParser
import Foundation
import PipeSched

/// `pipesched`: find, check and export pipeline-parallel training schedules.
struct PipeSchedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipesched",
        abstract: "Find minimum-bubble pipeline-parallel schedules under memory caps, and check them.",
        discussion: """
        Exit codes: 0 success; 1 the evaluated schedule is invalid; 2 bad input or usage (the message \
        names the field and the fix); 3 no schedule of the method fits the memory cap.
        """,
        version: PipeSchedVersion.current,
        subcommands: [SolveCommand.self, EvaluateCommand.self, MethodsCommand.self, ProfileCommand.self, ExportCommand.self,
                      ServeCommand.self, SweepCommand.self]
    )
}

/// Runs the command line, mapping failures to the documented exit codes with the message on stderr.
@main
enum Entry {
    static func main() async {
        do {
            var command = try PipeSchedCommand.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("error: \(failure.description)\n".utf8))
            exit(failure.code.rawValue)
        } catch {
            let code = PipeSchedCommand.exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((PipeSchedCommand.fullMessage(for: error) + "\n").utf8))
                exit(Failure.Code.badInput.rawValue)
            }
            PipeSchedCommand.exit(withError: error)
        }
    }
}
