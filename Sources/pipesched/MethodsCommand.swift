import ArgumentParser
import PipeSched
import PipeSchedILP
import PipeSchedCPSAT

/// `pipesched methods`: list the scheduling methods.
struct MethodsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "methods", abstract: "List the scheduling methods with a one-line description each.")

    func run() {
        let width = MethodRegistry.withExactMethods().catalog.map(\.name.count).max() ?? 0
        for (name, summary) in MethodRegistry.withExactMethods().catalog {
            print(name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + summary)
        }
    }
}
